import type { CylinderState, EventActor, LedgerEvent } from './ledger.contract';
import { complianceRefusals, scaleRule, type CredentialPolicy } from './ledger.enforce';
import { DEFAULT_FILL_LIMITS, markedPayload, type FillLimits } from './ledger.fill-limits';
import { EVENT_ID_CONFLICT, isResendOf, isSameInput, type Answerable } from './ledger.idempotency';
import { heldBy, holdsAfter, transition, type Hold } from './ledger.lifecycle';
import type { CylinderRef } from './ledger.lookups';
import type { CylinderProjection, RejectedEvent } from './ledger.model';
import { actorFields, stateOf, type DraftEvent } from './ledger.projection';
import type { Rejection, Resolved } from './ledger.references';
import type { EventInput } from './ledger.schemas';
import { vocabularyOf } from './ledger.vocabulary';

/** A refusal as decided, before the write gives it its position among the refusals. */
export type KeptRefusal = Omit<RejectedEvent, 'refusalSeq'>;

/** One admitted event of a group commit, its references resolved. */
export interface Candidate {
  input: EventInput;
  actor: EventActor;
  resolved: Resolved;
  /** Which request of the group it came in: a repeat inside one request is answered by that request's first copy. */
  request: number;
}

/** What `decide` knows of the store, all read in the group's transaction before it is called. */
export interface Facts {
  /** The platform's clock for the whole group. */
  receivedAt: Date;
  /** The projections of the candidates' cylinders, by cylinder id. */
  projections: ReadonlyMap<string, CylinderProjection>;
  /** The stored events those projections name as their heads, by event id. */
  heads: ReadonlyMap<string, LedgerEvent>;
  /** Cylinders without a projection that nevertheless have a chain (its first event is stored). */
  chained: ReadonlySet<string>;
  /**
   * Stored events under the candidates' ids. Absent on the optimistic first attempt: resent events
   * are rare, and the unique index on eventId catches one anyway.
   */
  stored?: ReadonlyMap<string, LedgerEvent>;
  /** The cylinder of each stored event an error declaration names, by event id. */
  declared: ReadonlyMap<string, string>;
  /** How credential statuses are derived (the registry's policy). */
  policy: CredentialPolicy;
  /** What a fill or re-weigh is weighed against (per model); the defaults when absent. */
  fillLimits?: FillLimits;
}

export type Verdict =
  | { status: 'accepted'; draft: DraftEvent; flagged: boolean }
  /** The same event, stored already. */
  | { status: 'duplicate'; event: LedgerEvent }
  /** The same event as the candidate at index `of`, accepted in this group. */
  | { status: 'duplicate'; of: number }
  /** `reason`/`detail` are the first of `reasons` (when given): every reason that applies, with its evidence. */
  | { status: 'rejected'; reason: string; detail: string; reasons?: readonly Rejection[] };

export interface Decision {
  /** One per candidate, in order; accepted ones are written in this order. */
  verdicts: Verdict[];
  /** Rejections kept for supervision (rejected_events); the write gives them their positions. */
  kept: KeptRefusal[];
  /** The candidate index of each of `kept`. */
  keptOf: number[];
  /** Cylinders whose projection disagrees with their chain: told to the operators. */
  inconsistent: string[];
  /** The optimistic attempt met a rejection: a resent event may be rejected only because its first copy moved the cylinder on, so read the stored copies and decide again. */
  recheck: boolean;
}

interface Judged {
  verdict: Verdict;
  /** Set when the rejection is kept in rejected_events, with the state the cylinder was in. */
  keep?: { fromState: CylinderState | null };
}

const PROJECTION_INCONSISTENT: Rejection = {
  reason: 'PROJECTION_INCONSISTENT',
  detail: "the cylinder's recorded state does not match its chain of events; nothing is recorded for it until the regulator has it repaired (GET /api/v1/cylinders/{id}/chain/verify shows where)",
};
const CONFLICT: Verdict = { status: 'rejected', ...EVENT_ID_CONFLICT };

/**
 * What each candidate of a group becomes, in order, given what the store holds (pure: no I/O, no
 * clock). An id seen before is answered first — by its request's first copy, else by the
 * group's first copy, else by the stored event — and only a new id is decided on its merits:
 * its references, the projection's trust, the registry record, the lifecycle, and for an error
 * declaration the declared event. Several events of one cylinder chain their states.
 */
export function decide(candidates: readonly Candidate[], facts: Facts): Decision {
  const cylinderIds = [...new Set(candidates.flatMap((c) => (c.resolved.cylinder ? [c.resolved.cylinder.id] : [])))];
  const untrusted = inconsistentProjections(cylinderIds, facts);
  const states = new Map<string, CylinderState>(cylinderIds.map((id) => [id, stateOf(facts.projections.get(id))]));
  const holds = new Map<string, Hold[]>(cylinderIds.map((id) => [id, facts.projections.get(id)?.holds ?? []]));
  /** Events accepted so far in the group: their cylinders, by event id. */
  const acceptedIds = new Map<string, string>();
  const firstInRequest = new Map<string, number>();
  const firstInGroup = new Map<string, number>();
  const verdicts: Verdict[] = [];
  const kept: KeptRefusal[] = [];
  const keptOf: number[] = [];
  const lastAccepted = new Map<string, { eventId: string; fromState: CylinderState }>();
  const corrections = new Map<string, Correction>();
  let recheck = false;

  const judge = (c: Candidate, i: number): Judged => {
    const id = c.input.eventId;
    const key = `${c.request}\n${id}`;
    const inRequest = firstInRequest.get(key);
    if (inRequest !== undefined) return repeatInRequest(c, candidates[inRequest] as Candidate, inRequest, verdicts);
    firstInRequest.set(key, i);
    const inGroup = firstInGroup.get(id);
    if (inGroup !== undefined) return repeatInGroup(c, candidates[inGroup] as Candidate, inGroup, verdicts);
    firstInGroup.set(id, i);
    const stored = facts.stored?.get(id);
    if (stored) return isResendOf(c.input, c.actor, stored) ? { verdict: { status: 'duplicate', event: stored } } : { verdict: CONFLICT, keep: { fromState: null } };
    const judged = onMerits(c, { states, holds }, untrusted, acceptedIds, facts, corrections);
    if (judged.verdict.status === 'accepted') {
      const { draft } = judged.verdict;
      states.set(draft.cylinderId, draft.toState);
      holds.set(draft.cylinderId, holdsAfter(holds.get(draft.cylinderId) ?? [], draft.type, draft.payload as { anomalies?: string[]; withinLimits?: boolean }));
      acceptedIds.set(id, draft.cylinderId);
      const opened = draft.type === 'error_declaration' ? correctionOpened(draft, lastAccepted, facts) : undefined;
      if (opened) corrections.set(draft.cylinderId, opened);
      else if (draft.type !== 'error_declaration') corrections.delete(draft.cylinderId);
      lastAccepted.set(draft.cylinderId, { eventId: draft.eventId, fromState: draft.fromState });
    } else if (!facts.stored) recheck = true;
    return judged;
  };

  candidates.forEach((c, i) => {
    const { verdict, keep } = judge(c, i);
    verdicts.push(verdict);
    if (keep && verdict.status === 'rejected') {
      kept.push(rejectedDoc(c, facts.receivedAt, verdict, keep.fromState));
      keptOf.push(i);
    }
  });
  return { verdicts, kept, keptOf, inconsistent: [...untrusted.keys()], recheck };
}

/**
 * A correction (issue 13: a collision accepted through an error declaration). An error declaration
 * of the cylinder's LAST event that names corrective events opens it: the next of those events is
 * judged from the state the declared event started in — it takes the declared event's place —
 * while it is recorded as starting in the state the chain is in (the chain stays continuous, and
 * the declared event stays in it, declared). Two hand-overs of one cylinder to two customers are
 * resolved so: the wrong one declared, the right one recorded, though "with_customer" allows no
 * second hand-over.
 */
interface Correction {
  ids: ReadonlySet<string>;
  fromState: CylinderState;
}

function correctionOpened(declaration: DraftEvent, lastAccepted: ReadonlyMap<string, { eventId: string; fromState: CylinderState }>, facts: Facts): Correction | undefined {
  const corrective = declaration.payload.correctiveEventIds;
  if (!Array.isArray(corrective) || corrective.length === 0) return undefined;
  const declared = String(declaration.payload.declaredEventId);
  const inGroup = lastAccepted.get(declaration.cylinderId);
  const projection = facts.projections.get(declaration.cylinderId);
  const head = inGroup ?? (projection ? facts.heads.get(projection.headEventId) : undefined);
  if (!head || head.eventId !== declared) return undefined;
  return { ids: new Set(corrective.map(String)), fromState: head.fromState };
}

/** The states and holds of the group's cylinders as its earlier events left them. */
interface Chained {
  states: ReadonlyMap<string, CylinderState>;
  holds: ReadonlyMap<string, readonly Hold[]>;
}

function onMerits(c: Candidate, chained: Chained, untrusted: ReadonlyMap<string, Rejection>, acceptedIds: ReadonlyMap<string, string>, facts: Facts, corrections: ReadonlyMap<string, Correction> = new Map()): Judged {
  const { input, resolved } = c;
  const cylinder = resolved.cylinder;
  const rejectedAll = (rs: readonly [Rejection, ...Rejection[]], fromState: CylinderState | null): Judged => ({
    verdict: { status: 'rejected', reason: rs[0].reason, detail: rs[0].detail, reasons: rs },
    keep: { fromState },
  });
  const rejected = (r: Rejection, fromState: CylinderState | null): Judged => rejectedAll([r], fromState);
  if (!cylinder) return rejected(resolved.rejection ?? { reason: 'CYLINDER_NOT_FOUND', detail: 'no such cylinder' }, null);
  const state = chained.states.get(cylinder.id) ?? 'unregistered';
  // A broken reference or an untrusted cylinder leaves nothing to check the event against.
  const refused = resolved.rejection ?? untrusted.get(cylinder.id) ?? registryClosed(cylinder, state, input);
  if (refused) return rejected(refused, state);
  const correction = corrections.get(cylinder.id);
  const judgedFrom = correction?.ids.has(input.eventId) ? correction.fromState : state;
  const next = transition(judgedFrom, input.type, input.payload as { result?: 'pass' | 'fail' });
  const scale = scaleRule(input, c.actor, resolved.manualModes, facts.receivedAt);
  const held = heldBy(chained.holds.get(cylinder.id) ?? [], input.type);
  // Every reason that applies: the law's (credentials, the cylinder's dates, the scale), a hold's and the lifecycle's.
  const refusals: Rejection[] = [
    ...complianceRefusals(input, c.actor, cylinder, resolved.holders, facts.policy),
    ...(typeof scale === 'object' ? [scale] : []),
    ...(held ? [{ reason: held.reason, detail: `the cylinder is held (${held.hold}): its last fill was above the permitted mass plus tolerance; re-weigh it within limits first` }] : []),
    ...(next.ok ? [] : [{ reason: next.reason, detail: next.detail }]),
  ];
  if (isNonEmpty(refusals)) return rejectedAll(refusals, state);
  // Never taken (an illegal transition is among the refusals): tells the compiler `next` is ok.
  if (!next.ok) return rejected(next, state);
  if (input.type === 'error_declaration') {
    const declared = String(input.payload.declaredEventId);
    // An event accepted earlier in the group counts as stored, when it is this cylinder's.
    if ((acceptedIds.get(declared) ?? facts.declared.get(declared)) !== cylinder.id) {
      return rejected({ reason: 'REFERENCE_NOT_FOUND', detail: `payload.declaredEventId: no event ${declared} of this cylinder` }, state);
    }
  }
  const draft: DraftEvent = {
    eventId: input.eventId,
    cylinderId: cylinder.id,
    ...(cylinder.grai ? { grai: cylinder.grai } : {}),
    enterpriseId: cylinder.enterpriseId,
    districtCode: resolved.districtCode ?? cylinder.districtCode,
    type: input.type,
    occurredAt: new Date(input.occurredAt),
    receivedAt: facts.receivedAt,
    actor: actorFields(c.actor),
    where: input.where,
    payload: input.type === 'fill' || input.type === 'reweigh' ? markedPayload(input.type, input.payload, facts.fillLimits ?? DEFAULT_FILL_LIMITS, cylinder, scale === 'manual') : input.payload,
    ...vocabularyOf(input.type, input.payload.result as 'pass' | 'fail' | undefined),
    fromState: state,
    toState: next.to,
  };
  return { verdict: { status: 'accepted', draft, flagged: next.flagged } };
}

/** A repeat inside one request is its first copy's duplicate when it is the same submission; never kept. */
function repeatInRequest(c: Candidate, first: Candidate, at: number, verdicts: readonly Verdict[]): Judged {
  if (!isSameInput(c.input, first.input)) return { verdict: CONFLICT };
  const original = verdicts[at] as Verdict;
  if (original.status === 'accepted') return { verdict: { status: 'duplicate', of: at } };
  return { verdict: original };
}

/**
 * The same id in two requests of one group (maybe two enterprises): the rule of a stored copy
 * when the first one holds an event; a rejected first one is shared only with the same sender
 * sending the same submission.
 */
function repeatInGroup(c: Candidate, first: Candidate, at: number, verdicts: readonly Verdict[]): Judged {
  const original = verdicts[at] as Verdict;
  const event = eventOf(original, verdicts);
  if (event) {
    if (!isResendOf(c.input, c.actor, event)) return { verdict: CONFLICT, keep: { fromState: null } };
    return { verdict: original.status === 'accepted' ? { status: 'duplicate', of: at } : original };
  }
  if (isSameInput(c.input, first.input) && c.actor.id === first.actor.id) return { verdict: original };
  return { verdict: CONFLICT, keep: { fromState: null } };
}

function eventOf(verdict: Verdict, verdicts: readonly Verdict[]): Answerable | undefined {
  if (verdict.status === 'accepted') return verdict.draft;
  if (verdict.status !== 'duplicate') return undefined;
  return 'event' in verdict ? verdict.event : eventOf(verdicts[verdict.of] as Verdict, verdicts);
}

/**
 * The projection is a cache of the chain and is never trusted over it (issue 9, defect 7): its
 * head must be the chain's last event, with the same hash and resulting state, and a cylinder
 * without one must have no chain. A projection edited in the database would otherwise decide
 * the next transition (a sale straight after commissioning).
 */
function inconsistentProjections(cylinderIds: readonly string[], facts: Facts): Map<string, Rejection> {
  const found = new Map<string, Rejection>();
  for (const id of cylinderIds) {
    const projection = facts.projections.get(id);
    const head = projection ? facts.heads.get(projection.headEventId) : undefined;
    const agrees = projection
      ? head !== undefined && head.cylinderId === id && head.cylinderSeq === projection.cylinderSeq && head.hash === projection.headHash && head.toState === projection.state
      : !facts.chained.has(id);
    if (!agrees) found.set(id, PROJECTION_INCONSISTENT);
  }
  return found;
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

const isNonEmpty = <T>(list: readonly T[]): list is readonly [T, ...T[]] => list.length > 0;

/**
 * A rejection as kept for supervision, with its evidence: who (actor, worker), where (site,
 * vehicle, district), when (occurredAt, receivedAt), and for each reason the credential and the
 * status it had at occurredAt. Its enterprise and district are the cylinder's and the event's —
 * the fields the one read rule scopes by — once the cylinder is known; before that only the
 * actor's enterprise (another enterprise's cylinder is "not found", and stays theirs to not see).
 */
function rejectedDoc(c: Candidate, receivedAt: Date, r: { reason: string; detail: string; reasons?: readonly Rejection[] }, fromState: CylinderState | null): KeptRefusal {
  const { input, actor, resolved } = c;
  const cylinder = resolved.cylinder;
  return {
    eventId: input.eventId,
    cylinderId: cylinder?.id ?? input.cylinderId ?? null,
    grai: input.grai ?? null,
    ...(input.serial ? { serial: input.serial } : {}),
    enterpriseId: cylinder?.enterpriseId ?? actor.enterpriseId ?? null,
    districtCode: cylinder ? (resolved.districtCode ?? cylinder.districtCode) : null,
    type: input.type,
    reason: r.reason,
    detail: r.detail,
    reasons: r.reasons ? [...r.reasons] : [{ reason: r.reason as Rejection['reason'], detail: r.detail }],
    fromState,
    occurredAt: new Date(input.occurredAt),
    receivedAt,
    actor: actorFields(actor),
    where: input.where,
    payload: input.payload,
  };
}
