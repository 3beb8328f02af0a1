import type { ClientSession } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { zodFieldErrors } from '../../shared/errors/problem.mapper';
import { eventHash } from './ledger.canonical';
import type { AppendOutcome, CylinderState, EventActor, LedgerEvent } from './ledger.contract';
import { conflict, isSameInput, resendAnswer } from './ledger.idempotency';
import { transition } from './ledger.lifecycle';
import type { LifecycleChange } from '../registry';
import type { Logger } from '../../shared/logger/logger.factory';
import type { CylinderRef, LedgerLookups } from './ledger.lookups';
import type { CylinderProjection, RejectedEvent } from './ledger.model';
import { actorFields, project, stateOf, type DraftEvent } from './ledger.projection';
import { memoLookups, resolveReferences, type Rejection, type Resolved } from './ledger.references';
import { ProjectionMovedError, type LedgerRepository, type ProjectionWrite } from './ledger.repository';
import { eventInput, type EventInput } from './ledger.schemas';
import { vocabularyOf } from './ledger.vocabulary';

/** How far ahead of the platform clock a device clock may be before its event is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const MAX_ATTEMPTS = 20;

interface Candidate {
  index: number;
  input: EventInput;
  resolved: Resolved;
  actor: EventActor;
}

interface Waiting {
  candidates: Candidate[];
  resolve(outcomes: Map<number, AppendOutcome>): void;
  reject(error: unknown): void;
}

/** Most events one group-commit transaction takes (concurrent requests coalesced). */
const MAX_GROUP = 2000;

export interface CaptureDeps {
  transaction: UnitOfWork;
  repo: LedgerRepository;
  lookups: LedgerLookups;
  now: () => Date;
  /** Told when a cylinder's projection disagrees with its chain (a database edited behind the platform). */
  logger?: Pick<Logger, 'error'>;
}

/**
 * Appends events: validate at the edge, resolve references outside the transaction (registry
 * reads), then decide every event and write events, projections and rejections in ONE
 * transaction. Two appends touching one cylinder conflict on its projection; all appends
 * conflict on the global counter — either way the loser retries from scratch and sees the
 * winner's result, so a chain never forks and an event id is never stored twice.
 */
export function createCapture(deps: CaptureDeps) {
  async function appendMany(raws: readonly unknown[], actor: EventActor): Promise<AppendOutcome[]> {
    const receivedAt = deps.now();
    const outcomes: (AppendOutcome | undefined)[] = new Array<AppendOutcome | undefined>(raws.length);
    const inputs: { index: number; input: EventInput }[] = [];
    const firstOf = new Map<string, number>();
    const repeats: { index: number; first: number; input: EventInput }[] = [];
    const firstInputs = new Map<number, EventInput>();
    raws.forEach((raw, index) => {
      const parsed = eventInput.safeParse(raw);
      const eventId = parsed.success ? parsed.data.eventId : idOf(raw);
      if (!parsed.success) {
        const detail = zodFieldErrors(parsed.error).map((e) => `${e.path}: ${e.message}`).join('; ');
        outcomes[index] = { eventId, status: 'rejected', reason: 'VALIDATION_FAILED', detail };
      } else if (Date.parse(parsed.data.occurredAt) > receivedAt.getTime() + MAX_CLOCK_SKEW_MS) {
        outcomes[index] = { eventId, status: 'rejected', reason: 'VALIDATION_FAILED', detail: 'occurredAt: is in the future' };
      } else if (firstOf.has(eventId)) {
        repeats.push({ index, first: firstOf.get(eventId) as number, input: normalize(parsed.data) });
      } else {
        firstOf.set(eventId, index);
        const input = normalize(parsed.data);
        firstInputs.set(index, input);
        inputs.push({ index, input });
      }
    });
    const lookups = memoLookups(deps.lookups);
    const candidates: Candidate[] = await Promise.all(
      inputs.map(async ({ index, input }) => ({ index, input, actor, resolved: await resolveReferences(input, actor, lookups) })),
    );
    const decided = candidates.length > 0 ? await groupCommit(candidates) : new Map<number, AppendOutcome>();
    for (const [index, outcome] of decided) outcomes[index] = outcome;
    // A repeat inside one batch is the first one's duplicate only if it is the same submission.
    for (const { index, first, input } of repeats) {
      const original = outcomes[first] as AppendOutcome;
      if (!isSameInput(input, firstInputs.get(first) as EventInput)) outcomes[index] = conflict(input.eventId);
      else outcomes[index] = original.status === 'rejected' ? original : { eventId: original.eventId, status: 'duplicate', ...(original.event ? { event: original.event } : {}) };
    }
    return outcomes as AppendOutcome[];
  }

  // Group commit: appends that arrive while a transaction runs wait and go together in the next
  // one. Every append of a process would otherwise conflict on the append counter and retry.
  const queue: Waiting[] = [];
  let running = false;

  function groupCommit(candidates: Candidate[]): Promise<Map<number, AppendOutcome>> {
    return new Promise((resolve, reject) => {
      queue.push({ candidates, resolve, reject });
      if (!running) void drain();
    });
  }

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const group: Waiting[] = [];
      let size = 0;
      while (queue.length > 0 && (group.length === 0 || size + (queue[0] as Waiting).candidates.length <= MAX_GROUP)) {
        const next = queue.shift() as Waiting;
        group.push(next);
        size += next.candidates.length;
      }
      // Indexes are renumbered across the group and mapped back to each request afterwards.
      const all: Candidate[] = [];
      const owners: { waiting: Waiting; index: number }[] = [];
      for (const waiting of group) {
        for (const c of waiting.candidates) {
          owners.push({ waiting, index: c.index });
          all.push({ ...c, index: all.length });
        }
      }
      try {
        const receivedAt = deps.now();
        const decided = await withRetries((attempt) => decideAndWrite(all, receivedAt, attempt > 1));
        const perRequest = new Map<Waiting, Map<number, AppendOutcome>>(group.map((w) => [w, new Map()]));
        for (const [i, outcome] of decided) {
          const owner = owners[i] as { waiting: Waiting; index: number };
          perRequest.get(owner.waiting)?.set(owner.index, outcome);
        }
        for (const w of group) w.resolve(perRequest.get(w) as Map<number, AppendOutcome>);
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    running = false;
  }

  async function withRetries<T>(run: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(attempt);
      } catch (error) {
        // A concurrent append won a race the transaction's own retries do not cover (a unique
        // key: the same event id, a first projection, a chain position): start again and see it.
        if (attempt >= MAX_ATTEMPTS || !(error instanceof ProjectionMovedError || error instanceof RecheckDuplicates || isDuplicateKey(error))) throw error;
        if (error instanceof RecheckDuplicates) continue;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
  }

  /**
   * `checkExisting` false is the optimistic first attempt: resent events are rare, and the unique
   * index on eventId catches one anyway (the attempt then fails and the retry checks first).
   */
  function decideAndWrite(candidates: Candidate[], receivedAt: Date, checkExisting: boolean): Promise<Map<number, AppendOutcome>> {
    return deps.transaction(async (session) => {
      const outcomes = new Map<number, AppendOutcome>();
      const known = checkExisting ? await deps.repo.eventsByIds(candidates.map((c) => c.input.eventId), session) : [];
      const existing = new Map(known.map((e) => [e.eventId, e]));
      const cylinderIds = [...new Set(candidates.flatMap((c) => (c.resolved.cylinder ? [c.resolved.cylinder.id] : [])))];
      const before = new Map((await deps.repo.projections(cylinderIds, session)).map((p) => [p.cylinderId, p]));
      const working = new Map<string, CylinderProjection | null>(cylinderIds.map((id) => [id, before.get(id) ?? null]));
      const untrusted = await inconsistentProjections(cylinderIds, before, session);
      const accepted: { index: number; draft: DraftEvent; flagged: boolean }[] = [];
      const rejected: RejectedEvent[] = [];
      // First pass: decide every event in order; the hashes need the global positions, assigned after.
      const pendingIds = new Set<string>();
      // The same event id in two requests of one group: the later one is the earlier one's duplicate.
      const firstOf = new Map<string, Candidate>();
      const repeats: { candidate: Candidate; first: Candidate }[] = [];
      const refuse = (c: Candidate, outcome: AppendOutcome, state: RejectedEvent['fromState']) => {
        outcomes.set(c.index, outcome);
        if (outcome.status === 'rejected') {
          const r = { reason: outcome.reason ?? 'REJECTED', detail: outcome.detail ?? '' };
          rejected.push(rejectedDoc(c.input, c.actor, receivedAt, r, c.resolved.cylinder?.id ?? null, state));
        }
      };
      for (const c of candidates) {
        const { input, resolved, actor } = c;
        const seen = firstOf.get(input.eventId);
        if (seen !== undefined) {
          repeats.push({ candidate: c, first: seen });
          continue;
        }
        firstOf.set(input.eventId, c);
        const prior = existing.get(input.eventId);
        if (prior) {
          refuse(c, resendAnswer(input, actor, prior), null);
          continue;
        }
        const cylinder = resolved.cylinder;
        const state = cylinder ? stateOf(working.get(cylinder.id)) : null;
        let rejection = resolved.rejection;
        let next: ReturnType<typeof transition> | undefined;
        if (!rejection && cylinder && untrusted.has(cylinder.id)) rejection = untrusted.get(cylinder.id);
        if (!rejection && cylinder && state) rejection = registryClosed(cylinder, state, input);
        if (!rejection && cylinder && state) {
          next = transition(state, input.type, input.payload as { result?: 'pass' | 'fail' });
          if (!next.ok) rejection = { reason: next.reason, detail: next.detail };
          else if (input.type === 'error_declaration') rejection = await declaredEventProblem(input, cylinder.id, pendingIds, session);
        }
        if (rejection || !cylinder || !next?.ok || !state) {
          // A resent event may be rejected only because its first copy moved the cylinder on:
          // the optimistic attempt cannot tell, so it starts again and checks for copies first.
          if (!checkExisting) throw new RecheckDuplicates();
          const r = rejection ?? { reason: 'CYLINDER_NOT_FOUND', detail: 'no such cylinder' };
          outcomes.set(c.index, { eventId: input.eventId, status: 'rejected', reason: r.reason, detail: r.detail });
          rejected.push(rejectedDoc(input, actor, receivedAt, r, cylinder?.id ?? null, state));
          continue;
        }
        const draft: DraftEvent = {
          eventId: input.eventId,
          cylinderId: cylinder.id,
          ...(cylinder.grai ? { grai: cylinder.grai } : {}),
          enterpriseId: cylinder.enterpriseId,
          districtCode: resolved.districtCode ?? cylinder.districtCode,
          type: input.type,
          occurredAt: new Date(input.occurredAt),
          receivedAt,
          actor: actorFields(actor),
          where: input.where,
          payload: input.payload,
          ...vocabularyOf(input.type, input.payload.result as 'pass' | 'fail' | undefined),
          fromState: state,
          toState: next.to,
        };
        accepted.push({ index: c.index, draft, flagged: next.flagged });
        pendingIds.add(input.eventId);
        // The working projection only needs the state for the next event of this batch.
        working.set(cylinder.id, { ...(working.get(cylinder.id) ?? ({} as CylinderProjection)), state: next.to });
      }
      // Second pass: global positions, chain links and hashes, projections.
      const events: LedgerEvent[] = [];
      const heads = new Map<string, CylinderProjection | null>(cylinderIds.map((id) => [id, before.get(id) ?? null]));
      const base = accepted.length > 0 ? await deps.repo.allocateLogSeq(accepted.length, session) : 0;
      accepted.forEach(({ index, draft, flagged }, k) => {
        const head = heads.get(draft.cylinderId) ?? null;
        const unhashed = { ...draft, logSeq: base + k, cylinderSeq: head ? head.cylinderSeq + 1 : 0, prevHash: head ? head.headHash : null };
        const event: LedgerEvent = { ...unhashed, hash: eventHash(unhashed) };
        events.push(event);
        heads.set(draft.cylinderId, project(head, event, flagged));
        outcomes.set(index, { eventId: event.eventId, status: 'accepted', event });
      });
      // The same id in two requests of one group (maybe two enterprises): the same rule as a stored copy.
      for (const { candidate, first } of repeats) {
        const original = outcomes.get(first.index) as AppendOutcome;
        if (original.event) refuse(candidate, resendAnswer(candidate.input, candidate.actor, original.event), null);
        else if (isSameInput(candidate.input, first.input) && candidate.actor.id === first.actor.id) outcomes.set(candidate.index, original);
        else refuse(candidate, conflict(candidate.input.eventId), null);
      }
      const writes: ProjectionWrite[] = [];
      for (const [id, head] of heads) {
        const old = before.get(id);
        if (!head || head === (old ?? null)) continue;
        writes.push(old ? { update: head, expectedVersion: old.version } : { insert: head });
      }
      await deps.repo.appendEvents(events, session);
      await deps.repo.writeProjections(writes, session);
      for (const event of events) {
        const change = lifecycleChange(event);
        if (change) await deps.lookups.recordLifecycle?.(event.cylinderId, change, session);
      }
      await deps.repo.recordRejected(rejected, session);
      return outcomes;
    });
  }

  /**
   * The projection is a cache of the chain and is never trusted over it (issue 9, defect 7): its
   * head must be the chain's last event, with the same hash and resulting state, and a cylinder
   * without one must have no chain. A projection edited in the database would otherwise decide
   * the next transition (a sale straight after commissioning). One indexed read per group.
   */
  async function inconsistentProjections(cylinderIds: readonly string[], before: ReadonlyMap<string, CylinderProjection>, session: ClientSession): Promise<Map<string, Rejection>> {
    const found = new Map<string, Rejection>();
    if (cylinderIds.length === 0) return found;
    const heads = new Map((await deps.repo.eventsByIds([...before.values()].map((p) => p.headEventId), session)).map((e) => [e.eventId, e]));
    const unprojected = cylinderIds.filter((id) => !before.has(id));
    const orphans = new Set((await deps.repo.chainStarts(unprojected, session)).map((e) => e.cylinderId));
    for (const id of cylinderIds) {
      const projection = before.get(id);
      const head = projection ? heads.get(projection.headEventId) : undefined;
      const agrees = projection
        ? head !== undefined && head.cylinderId === id && head.cylinderSeq === projection.cylinderSeq && head.hash === projection.headHash && head.toState === projection.state
        : !orphans.has(id);
      if (agrees) continue;
      deps.logger?.error({ cylinderId: id, headEventId: projection?.headEventId ?? null }, 'ledger projection disagrees with the chain: events for this cylinder are refused until it is repaired');
      found.set(id, { reason: 'PROJECTION_INCONSISTENT', detail: "the cylinder's recorded state does not match its chain of events; nothing is recorded for it until the regulator has it repaired (GET /api/v1/cylinders/{id}/chain/verify shows where)" });
    }
    return found;
  }

  async function declaredEventProblem(input: EventInput, cylinderId: string, pending: Set<string>, session: ClientSession) {
    const declared = String(input.payload.declaredEventId);
    if (pending.has(declared) || (await deps.repo.eventOfCylinder(declared, cylinderId, session))) return undefined;
    return { reason: 'REFERENCE_NOT_FOUND', detail: `payload.declaredEventId: no event ${declared} of this cylinder` };
  }

  return { appendMany };
}

/**
 * Registry and ledger agree on one truth (issue 9, defect 8): a cylinder whose registry record is
 * closed takes no further event, even where its projection still says otherwise (a record closed
 * outside the ledger, or a projection changed in the database). Only an error declaration, which
 * moves nothing, is still recorded — as the lifecycle allows it after a scrapping.
 */
function registryClosed(cylinder: CylinderRef, state: CylinderState, input: EventInput): Rejection | undefined {
  if (!cylinder.scrappedAt || state === 'scrapped' || input.type === 'error_declaration') return undefined;
  return { reason: 'CYLINDER_SCRAPPED', detail: `the cylinder's registry record is closed (scrapped ${cylinder.scrappedAt.toISOString().slice(0, 10)}); it takes no further event` };
}

/** What an accepted event changes in the cylinder's registry record, if anything. */
function lifecycleChange(event: LedgerEvent): LifecycleChange | undefined {
  if (event.type === 'scrap' || (event.type === 'periodic_inspection' && event.payload.result === 'fail')) {
    return { scrappedAt: event.occurredAt };
  }
  if (event.type === 'periodic_inspection' && typeof event.payload.nextInspectionDate === 'string') {
    return { inspectedOn: event.occurredAt, nextInspectionDate: new Date(event.payload.nextInspectionDate) };
  }
  return undefined;
}

/** receive / return_empty name their site in the payload, dispatch its vehicle: `where` carries them too, for the indexes. */
function normalize(input: EventInput): EventInput {
  const siteId = input.where.siteId ?? (typeof input.payload.siteId === 'string' ? input.payload.siteId : undefined);
  const vehicleId = input.where.vehicleId ?? (typeof input.payload.vehicleId === 'string' ? input.payload.vehicleId : undefined);
  return { ...input, where: { ...input.where, ...(siteId ? { siteId } : {}), ...(vehicleId ? { vehicleId } : {}) } };
}

function rejectedDoc(input: EventInput, actor: EventActor, receivedAt: Date, r: { reason: string; detail: string }, cylinderId: string | null, state: RejectedEvent['fromState']): RejectedEvent {
  return {
    eventId: input.eventId,
    cylinderId: cylinderId ?? input.cylinderId ?? null,
    grai: input.grai ?? null,
    enterpriseId: actor.enterpriseId ?? null,
    type: input.type,
    reason: r.reason,
    detail: r.detail,
    fromState: state,
    occurredAt: new Date(input.occurredAt),
    receivedAt,
    actor: actorFields(actor),
    where: input.where,
    payload: input.payload,
  };
}

function idOf(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { eventId?: unknown }).eventId : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : '';
}

/** The optimistic attempt met a rejection and must retry with the duplicate check. */
class RecheckDuplicates extends Error {}

function isDuplicateKey(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 11000 || code === 11001;
}
