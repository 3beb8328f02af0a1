import type { ClientSession } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import type { Logger } from '../../shared/logger/logger.factory';
import type { AppendOutcome, EventActor, LedgerEvent } from './ledger.contract';
import type { Candidate, Facts, Verdict } from './ledger.decide';
import type { CredentialPolicy } from './ledger.enforce';
import type { FillLimits } from './ledger.fill-limits';
import { createGroupCommit, RecheckDuplicates, withRetries } from './ledger.group-commit';
import { admit, parseEvents, type Intake } from './ledger.intake';
import type { LedgerLookups } from './ledger.lookups';
import { withRecorderRule } from './ledger.recorders';
import { memoCodes, resolveCodes, type LedgerCodes } from './ledger.codes';
import { memoLookups, resolveReferences } from './ledger.references';
import type { LedgerRepository } from './ledger.repository';
import type { RejectedEvent } from './ledger.model';
import type { EventInput } from './ledger.schemas';
import { decideUnits } from './ledger.units';
import { writeDecision } from './ledger.write';

export { MAX_CLOCK_SKEW_MS } from './ledger.intake';

export interface CaptureDeps {
  transaction: UnitOfWork;
  repo: LedgerRepository;
  lookups: LedgerLookups;
  /** Human codes (serial, siteCode, vehiclePlate) → ids; without it an event naming a code is refused as unknown. */
  codes?: LedgerCodes;
  /** The registry's policy: credential statuses are derived with it at each event's occurredAt. */
  policy: CredentialPolicy;
  /** What fills and re-weighs are weighed against (SCALE_FILL_LIMITS); the defaults when absent. */
  fillLimits?: FillLimits;
  now: () => Date;
  /** Told when a cylinder's projection disagrees with its chain (a database edited behind the platform). */
  logger?: Pick<Logger, 'error'>;
  /**
   * Called after a group's transaction has committed (never inside it), with what it wrote:
   * supervision judges these at once instead of reading them back.
   */
  afterCommit?: (committed: CommittedRecords) => void;
}

/** What one committed transaction of the capture wrote: its events (logSeq order) and the refusals it kept (refusalSeq order), as stored. */
export interface CommittedRecords {
  events: LedgerEvent[];
  refusals: (RejectedEvent & { id: string })[];
}

const NO_CODES: LedgerCodes = { idsByCode: async () => new Map() };

/** A candidate before the group commit numbers the requests it coalesces. */
type Submitted = Omit<Candidate, 'request'>;

/**
 * Events parsed and resolved (codes, references, the recorder rule) outside any transaction, to
 * be decided and written in a caller's transaction by `appendPrepared`. Opaque to callers.
 */
export interface PreparedEvents {
  readonly intake: readonly Intake[];
  readonly submitted: readonly Submitted[];
}

/** Look-ups shared by several `prepare` calls; opaque to callers. */
export interface SharedReads {
  readonly __sharedReads: unique symbol;
}
interface Reads {
  lookups: LedgerLookups;
  codes: LedgerCodes;
}

/** One request of `appendPrepared`: an atomic one is recorded whole or not at all (ledger.units.ts). */
export interface PreparedUnit {
  prepared: PreparedEvents;
  atomic: boolean;
}

/**
 * Appends events: parse at the edge, resolve references outside the transaction (registry reads),
 * then — in ONE transaction per group of concurrent requests — read what the decision needs,
 * decide every event (ledger.decide.ts, pure) and write events, projections and rejections. Two
 * appends touching one cylinder conflict on its projection; all appends conflict on the global
 * counter — either way the loser retries from scratch and sees the winner's result, so a chain
 * never forks and an event id is never stored twice.
 */
export function createCapture(deps: CaptureDeps) {
  const groupCommit = createGroupCommit<Submitted, AppendOutcome>(commitGroup);

  /** Appends raw items (a batch, an EPCIS document's events), each parsed here once. */
  function appendMany(raws: readonly unknown[], actor: EventActor): Promise<AppendOutcome[]> {
    return append(parseEvents(raws, deps.now()), actor);
  }

  /** Appends inputs the edge schema has parsed already (POST /events). */
  function appendParsed(inputs: readonly EventInput[], actor: EventActor): Promise<AppendOutcome[]> {
    const receivedAt = deps.now();
    return append(inputs.map((input) => admit(input, receivedAt)), actor);
  }

  async function append(intake: readonly Intake[], actor: EventActor): Promise<AppendOutcome[]> {
    const submitted = await resolveAll(intake, actor);
    const decided = submitted.length > 0 ? await groupCommit(submitted) : [];
    return answered(intake, decided);
  }

  /** The admitted inputs with their codes and references resolved (registry reads, outside any transaction). */
  function resolveAll(intake: readonly Intake[], actor: EventActor, reads: SharedReads = sharedReads()): Promise<Submitted[]> {
    const { lookups, codes } = reads as unknown as Reads;
    const admitted = intake.flatMap((item) => ('input' in item ? [item.input] : []));
    return Promise.all(
      admitted.map(async (given) => {
        // Codes first: the references, the recorder rule, the decision and the stored event see ids only.
        const coded = await resolveCodes(given, actor, codes, lookups);
        if ('rejection' in coded) return { input: given, actor, resolved: { rejection: coded.rejection } };
        return { input: coded.input, actor, resolved: withRecorderRule(coded.input.type, actor, await resolveReferences(coded.input, actor, lookups)) };
      }),
    );
  }

  /** Look-ups several preparations share (one request's flows): each registry record is read once for all of them. */
  function sharedReads(): SharedReads {
    const reads: Reads = { lookups: memoLookups(deps.lookups), codes: memoCodes(deps.codes ?? NO_CODES) };
    return reads as unknown as SharedReads;
  }

  /** Parses and resolves raw items for `appendPrepared`, outside any transaction. */
  async function prepare(raws: readonly unknown[], actor: EventActor, reads?: SharedReads): Promise<PreparedEvents> {
    const intake = parseEvents(raws, deps.now());
    return { intake, submitted: await resolveAll(intake, actor, reads) };
  }

  /**
   * Decides and writes prepared requests in the CALLER's transaction (a delivery flow records its
   * events and its own documents in one). As in a group commit, the first attempt does not read
   * stored copies of the ids; a rejection makes it read them and decide again, in the same
   * transaction (nothing is written before). A concurrent append that moved a projection or took a
   * key makes the writes throw; the caller runs its whole transaction again (`withRetries`), whose
   * `attempt` past the first reads the stored copies at once.
   */
  async function appendPrepared(units: readonly PreparedUnit[], session: ClientSession, attempt = 1): Promise<AppendOutcome[][]> {
    const candidates: Candidate[] = units.flatMap((unit, request) => unit.prepared.submitted.map((item) => ({ ...item, request })));
    const atomic = new Set(units.flatMap((unit, request) => (unit.atomic ? [request] : [])));
    const outcomes = candidates.length > 0 ? (await decideAndWrite(candidates, deps.now(), attempt > 1, session, atomic, true)).outcomes : [];
    let next = 0;
    return units.map((unit) => answered(unit.prepared.intake, outcomes.slice(next, (next += unit.prepared.submitted.length))));
  }

  async function commitGroup(requests: readonly (readonly Submitted[])[]): Promise<AppendOutcome[][]> {
    const candidates: Candidate[] = requests.flatMap((items, request) => items.map((item) => ({ ...item, request })));
    const receivedAt = deps.now();
    const { outcomes, written } = await withRetries((attempt) => deps.transaction((session) => decideAndWrite(candidates, receivedAt, attempt > 1, session)));
    deps.afterCommit?.(written);
    let next = 0;
    return requests.map((items) => outcomes.slice(next, (next += items.length)));
  }

  async function decideAndWrite(candidates: readonly Candidate[], receivedAt: Date, checkStored: boolean, session: ClientSession, atomic: ReadonlySet<number> = new Set(), recheckHere = false): Promise<{ outcomes: AppendOutcome[]; written: CommittedRecords }> {
    let facts = await readFacts(candidates, receivedAt, checkStored, session);
    let decision = decideUnits(candidates, facts, atomic);
    if (decision.recheck && recheckHere) {
      facts = await readFacts(candidates, receivedAt, true, session);
      decision = decideUnits(candidates, facts, atomic);
    }
    for (const cylinderId of decision.inconsistent) {
      const headEventId = facts.projections.get(cylinderId)?.headEventId ?? null;
      deps.logger?.error({ cylinderId, headEventId }, 'ledger projection disagrees with the chain: events for this cylinder are refused until it is repaired');
    }
    if (decision.recheck) throw new RecheckDuplicates();
    const { events, refusals } = await writeDecision(deps, decision, facts.projections, session);
    const outcomes = decision.verdicts.map((verdict, i) => answer(candidates[i] as Candidate, verdict, events.get(i), events));
    return { outcomes, written: { events: [...events.values()].sort((a, b) => a.logSeq - b.logSeq), refusals: refusals.map(({ _id, ...r }) => ({ ...r, id: _id.toHexString() })) } };
  }

  /** Everything `decide` needs from the store, read in the transaction (indexed reads, one per kind). */
  async function readFacts(candidates: readonly Candidate[], receivedAt: Date, checkStored: boolean, session: ClientSession): Promise<Facts> {
    const byId = (events: readonly LedgerEvent[]) => new Map(events.map((e) => [e.eventId, e]));
    const stored = checkStored ? byId(await deps.repo.eventsByIds(candidates.map((c) => c.input.eventId), session)) : undefined;
    const cylinderIds = [...new Set(candidates.flatMap((c) => (c.resolved.cylinder ? [c.resolved.cylinder.id] : [])))];
    const projections = new Map((await deps.repo.projections(cylinderIds, session)).map((p) => [p.cylinderId, p]));
    const heads = byId(await deps.repo.eventsByIds([...projections.values()].map((p) => p.headEventId), session));
    const chained = new Set((await deps.repo.chainStarts(cylinderIds.filter((id) => !projections.has(id)), session)).map((e) => e.cylinderId));
    const declaredIds = candidates.flatMap((c) => (c.input.type === 'error_declaration' ? [String(c.input.payload.declaredEventId)] : []));
    const declared = new Map((await deps.repo.eventsByIds(declaredIds, session)).map((e) => [e.eventId, e.cylinderId]));
    return { receivedAt, projections, heads, chained, declared, policy: deps.policy, ...(deps.fillLimits ? { fillLimits: deps.fillLimits } : {}), ...(stored ? { stored } : {}) };
  }

  return { appendMany, appendParsed, prepare, appendPrepared, sharedReads };
}

/** Each item's answer in its order: refused at the edge, or as decided. */
function answered(intake: readonly Intake[], decided: readonly AppendOutcome[]): AppendOutcome[] {
  let next = 0;
  return intake.map((item) => ('answer' in item ? item.answer : (decided[next++] as AppendOutcome)));
}

/** A verdict as the client is answered: an accepted event, and a duplicate of one, with its written position and hash. */
function answer(candidate: Candidate, verdict: Verdict, written: LedgerEvent | undefined, events: ReadonlyMap<number, LedgerEvent>): AppendOutcome {
  const eventId = candidate.input.eventId;
  const cylinder = candidate.resolved.cylinder;
  switch (verdict.status) {
    case 'accepted':
      return { eventId, status: 'accepted', event: written as LedgerEvent };
    case 'duplicate':
      return { eventId, status: 'duplicate', event: 'event' in verdict ? verdict.event : (events.get(verdict.of) as LedgerEvent) };
    case 'rejected':
      return {
        eventId,
        status: 'rejected',
        reason: verdict.reason,
        detail: verdict.detail,
        reasons: (verdict.reasons ?? [verdict]).map((r) => ({ code: r.reason, detail: r.detail })),
        ...(cylinder ? { cylinderId: cylinder.id } : {}),
      };
  }
}
