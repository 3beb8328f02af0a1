import type { ComponentDeps } from '..';
import { Types, type ClientSession } from 'mongoose';
import type { Registry } from '../registry';
import type { Principal } from '../auth';
import type { ApiModule } from '../../shared/http/api-module';
import { REJECTION_REASONS } from './ledger.reasons';
import type { PageCursors } from '../../shared/http/page.cursor';
import { unitOfWork } from '../../shared/db/unit-of-work';
import { createCapture, type CommittedRecords, type PreparedEvents, type PreparedUnit, type SharedReads } from './ledger.capture';
import { withRetries } from './ledger.group-commit';
import type { AppendOutcome, EventActor, EventRange, LedgerEvent } from './ledger.contract';
import type { FillLimits } from './ledger.fill-limits';
import type { ProjectedHead } from './ledger.chain';
import { createHistory } from './ledger.history';
import { createEventIds, type EventIds } from './ledger.ids';
import { registryLookups, type LedgerLookups } from './ledger.lookups';
import { ledgerModels, type CylinderProjection, type RejectedEvent } from './ledger.model';
import { registerLedgerOpenApi } from './ledger.openapi';
import { createLedgerRepository } from './ledger.repository';
import { createLedgerFigures, type LedgerFigures } from './ledger.figures';
import { createRejections } from './ledger.rejections';
import { ledgerRoutes } from './ledger.routes';

export * from './ledger.contract';
export { canonicalJson, eventHash, type HashedEvent } from './ledger.canonical';
export { transition, allowedEvents, holdsAfter, heldBy, HOLDS, type Hold, type TransitionResult } from './ledger.lifecycle';
export { SCALE_EVENTS, MANUAL_LATE_UPLOAD_MS, type ManualWindow } from './ledger.enforce';
export { verifyChain, CHAIN_PROBLEMS, type ChainVerification, type ChainProblem, type EventCheck, type ProjectedHead } from './ledger.chain';
export { PAYLOADS, MAX_BATCH, eventInput, type EventInput } from './ledger.schemas';
export { eventView } from './ledger.routes';
export { actorOf } from './ledger.actor';
export { authorizeCapture } from './ledger.recorders';
export type { CylinderProjection } from './ledger.model';
export type { PreparedEvents, PreparedUnit, SharedReads, CommittedRecords } from './ledger.capture';
export { CONFIRMATION_METHODS, type ConfirmationMethod } from './ledger.schemas';
export type { LedgerLookups } from './ledger.lookups';
export type { EventIds } from './ledger.ids';
export { eventScope, mayReadEvent, type EventReader } from './ledger.scope';
export { REJECTION_REASONS, REJECTION_CODES, reasonInfo, ALERT_RULES, ALERT_RULE_CODES, ALERT_SEVERITIES, alertRulesMarkdown, type RejectionCode, type ReasonInfo, type AlertRuleCode, type AlertSeverity, type AlertRuleInfo } from './ledger.reasons';
export { DEFAULT_FILL_LIMITS, FILL_ANOMALIES, fillLimitOf, maxNetKg, weighingAnomalies, type FillAnomaly, type FillLimit, type FillLimits } from './ledger.fill-limits';
export { credentialRefusal, cylinderDateRefusals, type CredentialPolicy } from './ledger.enforce';
export type { Rejection, CredentialEvidence } from './ledger.references';
export type { Credential } from './ledger.lookups';
export type { RejectedEvent } from './ledger.model';
export { FLOW_EVENT_TYPES, CITY_UTC_OFFSET, type LedgerFigures, type EventScope, type Period, type SiteDayFills, type HandOverConfirmations, type CylinderFlow, type FlowStep } from './ledger.figures';

/** A kept refusal with its id (hex) and position: supervision reads them in order. */
export type Refusal = RejectedEvent & { id: string };

export interface Ledger {
  module: ApiModule;
  /** Appends one event (the same rules as POST /events). `input` is the request body shape; validated here. */
  append(input: unknown, actor: EventActor): Promise<AppendOutcome>;
  appendMany(inputs: readonly unknown[], actor: EventActor): Promise<AppendOutcome[]>;
  /**
   * Joining a caller's transaction (a delivery flow records its events and its own documents in
   * one): `prepareAppend` parses and resolves the inputs outside any transaction; `appendPrepared`
   * decides and writes them with the caller's session, one answer list per unit (an atomic unit
   * is recorded whole or not at all: its other events answer FLOW_INCOMPLETE). Run the caller's
   * transaction inside `withAppendRetries`: a concurrent append that moved a cylinder on makes
   * the writes throw, and the whole transaction must run again to see it.
   */
  prepareAppend(inputs: readonly unknown[], actor: EventActor, reads?: SharedReads): Promise<PreparedEvents>;
  /** Registry look-ups that several prepareAppend calls share (one request's flows): each record is read once. */
  sharedReads(): SharedReads;
  appendPrepared(units: readonly PreparedUnit[], session: ClientSession, attempt?: number): Promise<AppendOutcome[][]>;
  /** Runs `attempt` (1, 2, ...) until no concurrent append raced it; pass its number on to appendPrepared. */
  withAppendRetries<T>(attempt: (n: number) => Promise<T>): Promise<T>;
  /** Projections of these cylinders, read in the caller's transaction when a session is given. Unscoped. */
  cylinderStates(cylinderIds: readonly string[], session?: ClientSession): Promise<CylinderProjection[]>;
  /** Cylinders whose custodian is this customer now (after a sale or hand-over, before their return). Unscoped. */
  cylindersWithCustomer(customerId: string, limit: number): Promise<CylinderProjection[]>;
  /** The cylinder's projection (state, custodian, place, last fill, head of chain), or null before commissioning. */
  cylinderState(cylinderId: string): Promise<CylinderProjection | null>;
  /**
   * Events in global append order (logSeq ascending), those with logSeq > afterLogSeq (all when
   * omitted). The order is total, gap-free and never changes: see APPEND ORDER in ledger.contract.ts.
   */
  eventsInAppendOrder(afterLogSeq: number | undefined, limit: number): Promise<LedgerEvent[]>;
  /** A cylinder's whole chain, oldest first (cylinderSeq 0, 1, ...). Unscoped: callers apply their own. */
  cylinderChain(cylinderId: string): Promise<LedgerEvent[]>;
  /** The same chain read as it is consumed: a 100,000-event chain is never held at once. */
  streamCylinderChain(cylinderId: string): AsyncIterable<LedgerEvent>;
  /** What the projection says the chain ends in (never trusted by a verifier, only compared); null before commissioning. */
  cylinderProjection(cylinderId: string): Promise<ProjectedHead | null>;
  /** Events in an occurredAt range, optionally of one cylinder or district, in logSeq order. Unscoped. */
  eventsBetween(range: EventRange): Promise<LedgerEvent[]>;
  /** Stored events by id (in the caller's transaction when a session is given). Unscoped. */
  eventsByIds(eventIds: readonly string[], session?: ClientSession): Promise<LedgerEvent[]>;
  /**
   * Kept refusals (rejected_events) in the order they were kept: refusalSeq > afterSeq (all when
   * omitted). Positions are gap-free and taken in the refusal's own transaction, like logSeq.
   */
  refusalsInOrder(afterSeq: number | undefined, limit: number): Promise<Refusal[]>;
  /** Kept refusals by id (hex); unscoped, callers apply the read rule (mayReadEvent over the same fields). */
  refusalsByIds(ids: readonly string[]): Promise<Refusal[]>;
  /**
   * Subscribes to commits: `listener` runs after a group's transaction has committed (events and
   * refusals alike), never inside it, with the events and refusals it wrote, as stored (the
   * listener must not change them). Supervision judges them at once; its stored positions stay
   * the truth (a commit made elsewhere, or one whose listener never ran, is read from them).
   */
  onCommitted(listener: (committed: CommittedRecords) => void): void;
  /**
   * Subscribes to scrappings: `listener` runs inside the scrapping event's transaction (after the
   * registry record is closed), so what it writes commits or rolls back with the event. The QR
   * component retires the cylinder's code here.
   */
  onCylinderScrapped(listener: ScrappedListener): void;
  /** Throws EXPORT_OUT_OF_SCOPE (403) unless the caller may read every event of the cylinder's chain: the export bundle's rule. */
  assertChainReadable(principal: Principal, cylinderId: string): Promise<void>;
  /** Ids the platform derives for its own events (commissioning, EPCIS capture): deterministic and unguessable. */
  eventIds: EventIds;
  /** Indexed aggregations over events and projections for the KPIs and flow reconciliation. Unscoped: callers pass the reader's scope. */
  figures: LedgerFigures;
}

/** Runs in the scrapping's transaction: it must write only through `session`, and may run again when the transaction is retried. */
export type ScrappedListener = (cylinderId: string, session: ClientSession) => Promise<void>;

export interface LedgerOptions {
  registry: Registry;
  /** Keys the derived event ids (a stable server secret: PII_HASH_SECRET); without it they could be predicted and taken first. */
  eventIdSecret: string;
  /** Signs the timeline's and the event list's page cursors. */
  cursors: PageCursors;
  /** Replaces the registry lookups (tests, benchmarks). */
  lookups?: LedgerLookups;
  /** What fills and re-weighs are weighed against, per model (config SCALE_FILL_LIMITS); the defaults when absent. */
  fillLimits?: FillLimits;
  /**
   * A filling station's manual-mode grants (the devices component's station controls): a fill a
   * user records is refused FILL_REQUIRES_SCALE outside them. Without it, every such fill is.
   */
  manualModes?: NonNullable<LedgerLookups['manualModes']>;
  now?: () => Date;
}

/** The custody ledger: creates its indexes (the eventId and chain-position unique keys) and the append counter before it answers. */
export async function createLedger(deps: Pick<ComponentDeps, 'connection'> & Partial<Pick<ComponentDeps, 'logger'>>, options: LedgerOptions): Promise<Ledger> {
  const models = ledgerModels(deps.connection);
  const repo = createLedgerRepository(models);
  await repo.init();
  const scrappedListeners: ScrappedListener[] = [];
  const onScrapped: ScrappedListener = async (cylinderId, session) => {
    for (const listener of scrappedListeners) await listener(cylinderId, session);
  };
  const lookups = options.lookups ?? registryLookups(options.registry, { onScrapped, manualModes: options.manualModes });
  const transaction = unitOfWork(deps.connection);
  await numberOldRefusals(repo, transaction);
  const committedListeners: ((committed: CommittedRecords) => void)[] = [];
  const afterCommit = (committed: CommittedRecords) => {
    for (const listener of committedListeners) {
      try {
        listener(committed);
      } catch (error) {
        deps.logger?.error({ err: error }, 'a ledger commit listener failed');
      }
    }
  };
  const capture = createCapture({
    transaction,
    repo,
    lookups,
    codes: options.registry.codes,
    policy: options.registry.policy,
    ...(options.fillLimits ? { fillLimits: options.fillLimits } : {}),
    now: options.now ?? (() => new Date()),
    afterCommit,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  const history = createHistory({ repo, lookups, cursors: options.cursors });
  const rejections = createRejections({ repo, cursors: options.cursors });
  return {
    module: {
      name: 'ledger',
      router: ledgerRoutes({ appendMany: capture.appendMany, appendParsed: capture.appendParsed, timeline: history.timeline, list: history.list, rejected: rejections.list }),
      registerOpenApi: registerLedgerOpenApi,
      // 1,000 events of ~400 bytes each: far above the global limit meant for ordinary requests.
      largeBodies: [{ path: '/events/batch', limit: '2mb' }],
      // The refusal reasons' own table (status, zh, en) titles their problems, in either language.
      problemTitles: REJECTION_REASONS,
    },
    async append(input, actor) {
      const [outcome] = await capture.appendMany([input], actor);
      return outcome as AppendOutcome;
    },
    appendMany: capture.appendMany,
    prepareAppend: capture.prepare,
    sharedReads: capture.sharedReads,
    appendPrepared: capture.appendPrepared,
    withAppendRetries: (attempt) => withRetries(attempt),
    cylinderStates: (cylinderIds, session) => repo.projections(cylinderIds, session),
    cylindersWithCustomer: (customerId, limit) => repo.withCustomer(customerId, Math.max(1, Math.min(limit, 1000))),
    cylinderState: (cylinderId) => repo.projection(cylinderId),
    eventsInAppendOrder: (afterLogSeq, limit) =>
      repo.find(afterLogSeq === undefined ? {} : { logSeq: { $gt: afterLogSeq } }, { logSeq: 1 }, Math.max(1, Math.min(limit, 10_000))),
    cylinderChain: (cylinderId) => repo.chainOf(cylinderId),
    streamCylinderChain: (cylinderId) => repo.chain(cylinderId),
    async cylinderProjection(cylinderId) {
      const projection = await repo.projection(cylinderId);
      return projection ? { headHash: projection.headHash, headEventId: projection.headEventId, state: projection.state, cylinderSeq: projection.cylinderSeq } : null;
    },
    eventsBetween: (range) => repo.eventsBetween(range),
    eventsByIds: (eventIds, session) => repo.eventsByIds(eventIds, session),
    refusalsInOrder: async (afterSeq, limit) => (await repo.refusalsInOrder(afterSeq, Math.max(1, Math.min(limit, 10_000)))).map(withId),
    refusalsByIds: async (ids) => (await repo.refusalsByIds(ids.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id)))).map(withId),
    onCommitted: (listener) => {
      committedListeners.push(listener);
    },
    onCylinderScrapped: (listener) => {
      scrappedListeners.push(listener);
    },
    assertChainReadable: history.assertChainReadable,
    eventIds: createEventIds(options.eventIdSecret),
    figures: createLedgerFigures(models),
  };
}

const withId = ({ _id, ...doc }: RejectedEvent & { _id: Types.ObjectId }): Refusal => ({ ...doc, id: _id.toHexString() });

/**
 * Refusals kept before they had positions get theirs, in receipt order, in transactions that take
 * them from the same counter as new refusals: a reader resuming from a position misses none.
 */
async function numberOldRefusals(repo: ReturnType<typeof createLedgerRepository>, transaction: ReturnType<typeof unitOfWork>): Promise<void> {
  for (;;) {
    const numbered = await transaction(async (session) => {
      const ids = await repo.unnumberedRefusals(1_000, session);
      if (ids.length > 0) await repo.numberRefusals(ids, await repo.allocateRefusalSeq(ids.length, session), session);
      return ids.length;
    });
    if (numbered === 0) return;
  }
}
