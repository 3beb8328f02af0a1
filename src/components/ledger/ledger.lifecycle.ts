import { CYLINDER_STATES, type CylinderState, type EventType } from './ledger.contract';
import type { RejectionCode } from './ledger.reasons';

/**
 * The cylinder lifecycle of the brief as one pure function: (state, event type, payload) → the
 * next state, or a rejection naming the state and the event. No I/O; exhaustively unit-tested.
 *
 * Decisions the brief leaves open, made here once:
 * - `inspect` fail keeps the cylinder unfillable: from empty_at_station it stays there; from
 *   inspected_at_station (a re-inspection) it falls back to empty_at_station. Either way `flagged`.
 * - `periodic_inspection` happens at a station on an empty cylinder (empty or inspected): pass →
 *   empty_at_station (it must be inspected again before filling), fail → scrapped.
 * - `sell` / `hand_over` are allowed from a station, a vehicle or a supply point: selling from a
 *   vehicle is legal to record and is what the mobile-selling rule of the supervision issue flags.
 * - `return_empty` brings a cylinder back from a customer, a supply point, or from `lost` (found).
 * - `scrap` happens at a station (empty, inspected or full) or writes off a lost cylinder.
 * - `error_declaration` only records that an earlier event was wrong (EPCIS errorDeclaration): the
 *   projection is NOT reverted; the corrective event that follows moves it. Allowed in every
 *   registered state, scrapped included (a wrong record may be declared even after scrapping).
 *   A declaration of the cylinder's last event that names corrective events lets the next of them
 *   take the declared event's place: it is judged from the state the declared event started in
 *   (ledger.decide.ts, `Correction`) — how a delivery collision is accepted as a correction.
 * - `reweigh` (复称) weighs a filled cylinder again at its station, after gas was drawn off an
 *   overfilled one: it stays full at the station. It happens nowhere else (a cylinder that left is
 *   weighed again by the next fill).
 *
 * Holds: marks a cylinder carries beside its state, which stop some events until cleared (the
 * table above says where an event may happen; a hold says it may not happen yet). One so far:
 * - `overfill`: set by a fill marked overfill (its net above the model's permitted fill mass plus
 *   tolerance, the ledger's own mark); cleared by a reweigh within limits, kept by one above them,
 *   and reset by the next fill. While it holds, no dispatch, sale or hand-over (OVERFILL_UNRESOLVED).
 */

export type PayloadResult = 'pass' | 'fail';

export type TransitionResult =
  | { ok: true; to: CylinderState; flagged: boolean }
  | { ok: false; reason: 'ILLEGAL_TRANSITION'; detail: string };

type Rule = (payload: { result?: PayloadResult }) => { to: CylinderState; flagged?: boolean };

const to = (state: CylinderState): Rule => () => ({ to: state });
const AT_STATION: readonly CylinderState[] = ['empty_at_station', 'inspected_at_station', 'full_at_station'];
/** Every state of a cylinder in service: neither before commissioning nor past its end. */
const REGISTERED_LIVE: readonly CylinderState[] = CYLINDER_STATES.filter((s) => s !== 'unregistered' && s !== 'scrapped' && s !== 'lost');

/** For each event type: the states it may happen in, and where it leads. */
const RULES: Record<EventType, Partial<Record<CylinderState, Rule>>> = {
  commission: { unregistered: to('empty_at_station') },
  inspect: {
    empty_at_station: (p) => (p.result === 'pass' ? { to: 'inspected_at_station' } : { to: 'empty_at_station', flagged: true }),
    inspected_at_station: (p) => (p.result === 'pass' ? { to: 'inspected_at_station' } : { to: 'empty_at_station', flagged: true }),
  },
  fill: { inspected_at_station: to('full_at_station') },
  dispatch: { full_at_station: to('in_transit'), at_supply_point: to('in_transit') },
  receive: { in_transit: to('at_supply_point') },
  sell: { full_at_station: to('with_customer'), in_transit: to('with_customer'), at_supply_point: to('with_customer') },
  hand_over: { full_at_station: to('with_customer'), in_transit: to('with_customer'), at_supply_point: to('with_customer') },
  return_empty: { with_customer: to('empty_at_station'), at_supply_point: to('empty_at_station'), lost: to('empty_at_station') },
  periodic_inspection: {
    empty_at_station: (p) => (p.result === 'pass' ? { to: 'empty_at_station' } : { to: 'scrapped', flagged: true }),
    inspected_at_station: (p) => (p.result === 'pass' ? { to: 'empty_at_station' } : { to: 'scrapped', flagged: true }),
  },
  scrap: Object.fromEntries([...AT_STATION, 'lost'].map((s) => [s, to('scrapped')])),
  report_lost: Object.fromEntries(REGISTERED_LIVE.map((s) => [s, to('lost')])),
  error_declaration: Object.fromEntries([...REGISTERED_LIVE, 'lost', 'scrapped'].map((s) => [s, (() => ({ to: s })) as Rule])),
  reweigh: { full_at_station: to('full_at_station') },
};

/** The event types a state allows, for messages and for clients that offer the next step. */
export function allowedEvents(state: CylinderState): EventType[] {
  return (Object.keys(RULES) as EventType[]).filter((type) => RULES[type][state] !== undefined);
}

export function transition(state: CylinderState, type: EventType, payload: { result?: PayloadResult } = {}): TransitionResult {
  const rule = RULES[type][state];
  if (!rule) {
    const allowed = allowedEvents(state);
    return {
      ok: false,
      reason: 'ILLEGAL_TRANSITION',
      detail: `event ${type} is not allowed in state ${state} (allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none, the state is terminal'})`,
    };
  }
  const next = rule(payload);
  return { ok: true, to: next.to, flagged: next.flagged ?? false };
}

export const HOLDS = ['overfill'] as const;
export type Hold = (typeof HOLDS)[number];

interface HoldRule {
  /** The events it stops while it holds, and the reason they are refused with. */
  blocks: readonly EventType[];
  reason: RejectionCode;
  /** Whether the cylinder holds it after an event of this type with this payload; undefined: as before. */
  after(type: EventType, payload: { anomalies?: readonly string[]; withinLimits?: boolean }): boolean | undefined;
}

const HOLD_RULES: Record<Hold, HoldRule> = {
  overfill: {
    blocks: ['dispatch', 'sell', 'hand_over'],
    reason: 'OVERFILL_UNRESOLVED',
    after: (type, payload) => (type === 'fill' ? (payload.anomalies ?? []).includes('overfill') : type === 'reweigh' ? payload.withinLimits !== true : undefined),
  },
};

/** The holds after an event (pure): each hold's rule, or as before. */
export function holdsAfter(before: readonly Hold[], type: EventType, payload: { anomalies?: readonly string[]; withinLimits?: boolean }): Hold[] {
  return HOLDS.filter((hold) => HOLD_RULES[hold].after(type, payload) ?? before.includes(hold));
}

/** The first hold that stops an event of this type, with the reason it is refused with. */
export function heldBy(holds: readonly Hold[], type: EventType): { hold: Hold; reason: RejectionCode } | undefined {
  const hold = holds.find((h) => HOLD_RULES[h].blocks.includes(type));
  return hold ? { hold, reason: HOLD_RULES[hold].reason } : undefined;
}
