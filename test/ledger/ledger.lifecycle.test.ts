import { CYLINDER_STATES, EVENT_TYPES, allowedEvents, heldBy, holdsAfter, transition, type CylinderState, type EventType } from '../../src/components/ledger';

/**
 * The lifecycle table of the brief, written out independently of the implementation:
 * [state, event, payload result (when it matters), expected next state].
 */
const ALLOWED: [CylinderState, EventType, 'pass' | 'fail' | undefined, CylinderState][] = [
  ['unregistered', 'commission', undefined, 'empty_at_station'],
  ['empty_at_station', 'inspect', 'pass', 'inspected_at_station'],
  ['empty_at_station', 'inspect', 'fail', 'empty_at_station'],
  ['inspected_at_station', 'inspect', 'pass', 'inspected_at_station'],
  ['inspected_at_station', 'inspect', 'fail', 'empty_at_station'],
  ['inspected_at_station', 'fill', undefined, 'full_at_station'],
  ['full_at_station', 'dispatch', undefined, 'in_transit'],
  ['at_supply_point', 'dispatch', undefined, 'in_transit'],
  ['in_transit', 'receive', undefined, 'at_supply_point'],
  ...(['sell', 'hand_over'] as const).flatMap((type) =>
    (['full_at_station', 'in_transit', 'at_supply_point'] as const).map((s): [CylinderState, EventType, undefined, CylinderState] => [s, type, undefined, 'with_customer']),
  ),
  ['with_customer', 'return_empty', undefined, 'empty_at_station'],
  ['at_supply_point', 'return_empty', undefined, 'empty_at_station'],
  ['lost', 'return_empty', undefined, 'empty_at_station'],
  ['empty_at_station', 'periodic_inspection', 'pass', 'empty_at_station'],
  ['empty_at_station', 'periodic_inspection', 'fail', 'scrapped'],
  ['inspected_at_station', 'periodic_inspection', 'pass', 'empty_at_station'],
  ['inspected_at_station', 'periodic_inspection', 'fail', 'scrapped'],
  ...(['empty_at_station', 'inspected_at_station', 'full_at_station', 'lost'] as const).map((s): [CylinderState, EventType, undefined, CylinderState] => [s, 'scrap', undefined, 'scrapped']),
  ...(['empty_at_station', 'inspected_at_station', 'full_at_station', 'in_transit', 'at_supply_point', 'with_customer'] as const).map(
    (s): [CylinderState, EventType, undefined, CylinderState] => [s, 'report_lost', undefined, 'lost'],
  ),
  // A re-weigh (issue 12) happens to a filled cylinder still at its station, and leaves it there.
  ['full_at_station', 'reweigh', undefined, 'full_at_station'],
  // An error declaration records; it never moves the projection.
  ...CYLINDER_STATES.filter((s) => s !== 'unregistered').map((s): [CylinderState, EventType, undefined, CylinderState] => [s, 'error_declaration', undefined, s]),
];

const allowedPairs = new Set(ALLOWED.map(([s, e]) => `${s}|${e}`));
const everyPair = CYLINDER_STATES.flatMap((state) => EVENT_TYPES.map((type) => [state, type] as const));
const illegal = everyPair.filter(([s, e]) => !allowedPairs.has(`${s}|${e}`));

describe('the cylinder lifecycle', () => {
  it('covers every state × event pair: the table and the illegal pairs add up', () => {
    expect(new Set(ALLOWED.map(([s, e]) => `${s}|${e}`)).size + illegal.length).toBe(CYLINDER_STATES.length * EVENT_TYPES.length);
  });

  it.each(ALLOWED)('in %s, %s (%s) leads to %s', (state, type, result, expected) => {
    const outcome = transition(state, type, result ? { result } : {});
    expect(outcome).toEqual({ ok: true, to: expected, flagged: result === 'fail' });
  });

  it.each(illegal)('in %s, %s is rejected as ILLEGAL_TRANSITION with a reason naming both', (state, type) => {
    for (const result of [undefined, 'pass', 'fail'] as const) {
      const outcome = transition(state, type, result ? { result } : {});
      expect(outcome).toMatchObject({ ok: false, reason: 'ILLEGAL_TRANSITION' });
      if (outcome.ok) throw new Error('unreachable');
      expect(outcome.detail).toContain(`event ${type}`);
      expect(outcome.detail).toContain(`state ${state}`);
    }
  });

  it('a scrapped cylinder is terminal: only an error declaration may still be recorded', () => {
    expect(allowedEvents('scrapped')).toEqual(['error_declaration']);
    expect(transition('scrapped', 'commission')).toMatchObject({ ok: false });
  });

  it('a cylinder can be filled only right after a passing inspection', () => {
    const fillable = CYLINDER_STATES.filter((s) => transition(s, 'fill').ok);
    expect(fillable).toEqual(['inspected_at_station']);
    expect(transition('empty_at_station', 'inspect', { result: 'fail' })).toEqual({ ok: true, to: 'empty_at_station', flagged: true });
  });

  it('holds an overfilled cylinder: no dispatch, sale or hand-over until a re-weigh is within limits', () => {
    const overfilled = holdsAfter([], 'fill', { anomalies: ['overfill', 'tare_mismatch'] });
    expect(overfilled).toEqual(['overfill']);
    for (const type of ['dispatch', 'sell', 'hand_over'] as const) expect(heldBy(overfilled, type)).toEqual({ hold: 'overfill', reason: 'OVERFILL_UNRESOLVED' });
    for (const type of EVENT_TYPES.filter((t) => !['dispatch', 'sell', 'hand_over'].includes(t))) expect(heldBy(overfilled, type)).toBeUndefined();
    expect(holdsAfter([], 'fill', { anomalies: ['tare_mismatch'] })).toEqual([]);
    expect(holdsAfter(overfilled, 'reweigh', { withinLimits: false })).toEqual(['overfill']);
    expect(holdsAfter(overfilled, 'reweigh', { withinLimits: true })).toEqual([]);
    // Other events leave the hold as it is; the next fill sets it afresh.
    expect(holdsAfter(overfilled, 'error_declaration', {})).toEqual(['overfill']);
    expect(holdsAfter(overfilled, 'fill', {})).toEqual([]);
  });
});
