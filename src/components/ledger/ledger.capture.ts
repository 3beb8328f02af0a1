import type { ClientSession } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import type { Logger } from '../../shared/logger/logger.factory';
import type { AppendOutcome, EventActor, LedgerEvent } from './ledger.contract';
import { decide, type Candidate, type Facts, type Verdict } from './ledger.decide';
import type { CredentialPolicy } from './ledger.enforce';
import { createGroupCommit, RecheckDuplicates, withRetries } from './ledger.group-commit';
import { admit, parseEvents, type Intake } from './ledger.intake';
import type { LedgerLookups } from './ledger.lookups';
import { withRecorderRule } from './ledger.recorders';
import { memoCodes, resolveCodes, type LedgerCodes } from './ledger.codes';
import { memoLookups, resolveReferences } from './ledger.references';
import type { LedgerRepository } from './ledger.repository';
import type { EventInput } from './ledger.schemas';
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
  now: () => Date;
  /** Told when a cylinder's projection disagrees with its chain (a database edited behind the platform). */
  logger?: Pick<Logger, 'error'>;
  /** Called after a group's transaction has committed (never inside it): supervision's cue to read on. */
  afterCommit?: () => void;
}

const NO_CODES: LedgerCodes = { idsByCode: async () => new Map() };

/** A candidate before the group commit numbers the requests it coalesces. */
type Submitted = Omit<Candidate, 'request'>;

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
    const lookups = memoLookups(deps.lookups);
    const codes = memoCodes(deps.codes ?? NO_CODES);
    const admitted = intake.flatMap((item) => ('input' in item ? [item.input] : []));
    const submitted = await Promise.all(
      admitted.map(async (given) => {
        // Codes first: the references, the recorder rule, the decision and the stored event see ids only.
        const coded = await resolveCodes(given, actor, codes, lookups);
        if ('rejection' in coded) return { input: given, actor, resolved: { rejection: coded.rejection } };
        return { input: coded.input, actor, resolved: withRecorderRule(coded.input.type, actor, await resolveReferences(coded.input, actor, lookups)) };
      }),
    );
    const decided = submitted.length > 0 ? await groupCommit(submitted) : [];
    let next = 0;
    return intake.map((item) => ('answer' in item ? item.answer : (decided[next++] as AppendOutcome)));
  }

  async function commitGroup(requests: readonly (readonly Submitted[])[]): Promise<AppendOutcome[][]> {
    const candidates: Candidate[] = requests.flatMap((items, request) => items.map((item) => ({ ...item, request })));
    const receivedAt = deps.now();
    const outcomes = await withRetries((attempt) => deps.transaction((session) => decideAndWrite(candidates, receivedAt, attempt > 1, session)));
    deps.afterCommit?.();
    let next = 0;
    return requests.map((items) => outcomes.slice(next, (next += items.length)));
  }

  async function decideAndWrite(candidates: readonly Candidate[], receivedAt: Date, checkStored: boolean, session: ClientSession): Promise<AppendOutcome[]> {
    const facts = await readFacts(candidates, receivedAt, checkStored, session);
    const decision = decide(candidates, facts);
    for (const cylinderId of decision.inconsistent) {
      const headEventId = facts.projections.get(cylinderId)?.headEventId ?? null;
      deps.logger?.error({ cylinderId, headEventId }, 'ledger projection disagrees with the chain: events for this cylinder are refused until it is repaired');
    }
    if (decision.recheck) throw new RecheckDuplicates();
    const events = await writeDecision(deps, decision, facts.projections, session);
    return decision.verdicts.map((verdict, i) => answer((candidates[i] as Candidate).input.eventId, verdict, events.get(i), events));
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
    return { receivedAt, projections, heads, chained, declared, policy: deps.policy, ...(stored ? { stored } : {}) };
  }

  return { appendMany, appendParsed };
}

/** A verdict as the client is answered: an accepted event, and a duplicate of one, with its written position and hash. */
function answer(eventId: string, verdict: Verdict, written: LedgerEvent | undefined, events: ReadonlyMap<number, LedgerEvent>): AppendOutcome {
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
      };
  }
}
