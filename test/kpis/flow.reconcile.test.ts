import type { CylinderFlow, FlowStep } from '../../src/components/ledger';
import { gapRate, rank, tally, tallyWorkers, tripsOf, type SiteTally } from '../../src/components/kpis';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T08:00:00+08:00');
const STATION = 'station';
const POINT = 'point';

/** A step `days` after T0. */
const step = (type: FlowStep['type'], days: number, siteId: string | null = null, workerId: string | null = null): FlowStep => ({ type, at: new Date(T0 + days * DAY), seq: 0, siteId, workerId });
const flow = (...steps: FlowStep[]): CylinderFlow => ({ cylinderId: 'c1', enterpriseId: 'e1', steps: steps.map((s, i) => ({ ...s, seq: i })) });
const options = { period: { from: new Date(T0 - DAY), to: new Date(T0 + 20 * DAY) }, gapMs: 7 * DAY, asOf: new Date(T0 + 40 * DAY) };

describe('a trip (a fill in the period and what followed up to the next fill)', () => {
  it('reached: handed over within the gap days, counted at the supply point it was received at', () => {
    const [trip] = tripsOf(flow(step('fill', 0, STATION), step('dispatch', 0.1), step('receive', 0.2, POINT), step('hand_over', 2)), options);
    expect(trip).toMatchObject({ outcome: 'reached', siteId: POINT, returned: false });
  });

  it('unaccounted: received at a supply point, then nothing for the gap days', () => {
    const [trip] = tripsOf(flow(step('fill', 0, STATION), step('dispatch', 0.1, null, 'w1'), step('receive', 0.2, POINT, 'w2')), options);
    expect(trip).toMatchObject({ outcome: 'unaccounted', siteId: POINT, last: { type: 'receive', workerId: 'w2' } });
  });

  it('unaccounted and returned: came back empty from the supply point without reaching a customer', () => {
    const [trip] = tripsOf(flow(step('fill', 0, STATION), step('dispatch', 0.1), step('receive', 0.2, POINT), step('return_empty', 3, STATION)), options);
    expect(trip).toMatchObject({ outcome: 'unaccounted', returned: true, siteId: POINT });
  });

  it('unaccounted: sold only after the gap days (late sales do not explain the gap); still counted as returned later', () => {
    const [trip] = tripsOf(flow(step('fill', 0, STATION), step('dispatch', 1), step('sell', 9), step('return_empty', 12, STATION)), options);
    expect(trip).toMatchObject({ outcome: 'unaccounted', returned: true, siteId: STATION, last: { type: 'dispatch' } });
  });

  it('atStation: never left its station within the gap days; pending: the gap days are not over yet', () => {
    expect(tripsOf(flow(step('fill', 0, STATION)), options)[0]).toMatchObject({ outcome: 'atStation', siteId: STATION });
    expect(tripsOf(flow(step('fill', 0, STATION), step('dispatch', 1)), { ...options, asOf: new Date(T0 + 6 * DAY) })[0]).toMatchObject({ outcome: 'pending' });
    // Reached is final even before the gap days are over.
    expect(tripsOf(flow(step('fill', 0, STATION), step('sell', 1)), { ...options, asOf: new Date(T0 + 2 * DAY) })[0]).toMatchObject({ outcome: 'reached' });
  });

  it('each fill in the period starts a trip; fills outside it start none and end the one before', () => {
    const trips = tripsOf(
      flow(step('fill', 0, STATION), step('sell', 1), step('return_empty', 5, STATION), step('fill', 6, STATION), step('dispatch', 6.5), step('fill', 25, STATION), step('sell', 26)),
      options,
    );
    expect(trips.map((t) => [t.outcome, t.filledAt.getTime()])).toEqual([
      ['reached', T0],
      ['unaccounted', T0 + 6 * DAY],
    ]);
  });
});

describe('the tally and the ranking', () => {
  it('counts per enterprise and site, rates unaccounted / (reached + unaccounted), ranks the highest rate first', () => {
    const tallies = new Map<string, SiteTally>();
    const cyl = (id: string, ...steps: FlowStep[]): CylinderFlow => ({ ...flow(...steps), cylinderId: id });
    const flows = [
      cyl('a', step('fill', 0, STATION), step('dispatch', 0.1), step('receive', 0.2, POINT), step('hand_over', 1)),
      cyl('b', step('fill', 0, STATION), step('dispatch', 0.1), step('receive', 0.2, POINT)),
      cyl('c', step('fill', 0, STATION), step('dispatch', 0.1), step('receive', 0.2, POINT), step('return_empty', 2, STATION)),
      cyl('d', step('fill', 0, STATION), step('sell', 0.5)),
      cyl('e', step('fill', 0, STATION)),
    ];
    for (const f of flows) tally(tallies, tripsOf(f, options));
    const ranked = rank([...tallies.values()]);
    expect(ranked.map((t) => [t.siteId, t.filled, t.reachedCustomers, t.returned, t.unaccounted, t.atStation, gapRate(t)])).toEqual([
      [POINT, 3, 1, 1, 2, 0, 2 / 3],
      [STATION, 2, 1, 0, 0, 1, 0],
    ]);
    expect(ranked[0]?.examples.map((e) => e.cylinderId)).toEqual(['b', 'c']);
  });

  it('counts the worker who handled each unaccounted cylinder last, per site', () => {
    const counts = new Map<string, number>();
    const cyl = (id: string, ...steps: FlowStep[]): CylinderFlow => ({ ...flow(...steps), cylinderId: id });
    for (const f of [
      cyl('a', step('fill', 0, STATION), step('dispatch', 0.1, null, 'w1'), step('receive', 0.2, POINT, 'w2')),
      cyl('b', step('fill', 0, STATION), step('dispatch', 0.1, null, 'w1'), step('receive', 0.2, POINT, 'w2')),
      cyl('c', step('fill', 0, STATION), step('dispatch', 0.1, null, 'w3')),
      cyl('d', step('fill', 0, STATION), step('dispatch', 0.1, null, 'w1'), step('hand_over', 0.5, null, 'w1')),
    ]) {
      tallyWorkers(counts, tripsOf(f, options));
    }
    expect(Object.fromEntries(counts)).toEqual({ [`${POINT}|w2`]: 2, [`${STATION}|w3`]: 1 });
  });

  it('puts sites with no due departure (rate null) last', () => {
    const base = { enterpriseId: 'e', filled: 1, returned: 0, pending: 0, atStation: 0, examples: [] };
    const ranked = rank([
      { ...base, siteId: 'none', reachedCustomers: 0, unaccounted: 0 },
      { ...base, siteId: 'low', reachedCustomers: 9, unaccounted: 1 },
      { ...base, siteId: 'high', reachedCustomers: 1, unaccounted: 1 },
    ]);
    expect(ranked.map((r) => r.siteId)).toEqual(['high', 'low', 'none']);
  });
});
