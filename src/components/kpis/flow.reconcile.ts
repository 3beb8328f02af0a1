import type { CylinderFlow, FlowStep } from '../ledger';

/**
 * Flow reconciliation as one pure fold (no I/O; unit-tested on hand-written flows). A TRIP is a
 * cylinder's fill in the period and what followed it up to its next fill. With N = FLOW_GAP_DAYS,
 * each trip is exactly one of:
 * - reached: sold or handed over (the ledger records these to registered customers only) within
 *   N days of the fill;
 * - pending: not reached while N days since the fill have not passed (as of `asOf`);
 * - atStation: N days passed and it never left its filling station (no dispatch, receive, sale);
 * - unaccounted: N days passed, it left the station and reached no registered customer — the
 *   trace of diversion to a black point (黑点), whether it is still "at" a supply point in the
 *   ledger, was returned empty from one, or was lost.
 * `returned` counts, besides, the trips that came back to a station (return_empty) before the
 * next fill.
 *
 * The trip belongs to the site that held the cylinder last before a customer should have had it:
 * the supply point it was last received at (within the N days), else its filling station.
 */
export type TripOutcome = 'reached' | 'pending' | 'atStation' | 'unaccounted';

export interface Trip {
  cylinderId: string;
  enterpriseId: string;
  siteId: string | null;
  filledAt: Date;
  outcome: TripOutcome;
  returned: boolean;
  /** The trip's last event within the N days (the fill itself when nothing followed). */
  last: FlowStep;
}

export interface FoldOptions {
  period: { from: Date; to: Date };
  gapMs: number;
  asOf: Date;
}

const LEAVES = new Set(['dispatch', 'receive', 'sell', 'hand_over']);
const ENDS = new Set(['return_empty', 'report_lost', 'scrap']);

/** The trips of one cylinder's flow (steps oldest first). */
export function tripsOf(flow: CylinderFlow, options: FoldOptions): Trip[] {
  const trips: Trip[] = [];
  const { from, to } = options.period;
  let i = 0;
  while (i < flow.steps.length) {
    const fill = flow.steps[i] as FlowStep;
    i += 1;
    if (fill.type !== 'fill' || fill.at < from || fill.at >= to) continue;
    const deadline = fill.at.getTime() + options.gapMs;
    let siteId = fill.siteId;
    let left = false;
    let reached = false;
    let returned = false;
    let last = fill;
    let ended = false;
    for (; i < flow.steps.length && (flow.steps[i] as FlowStep).type !== 'fill'; i += 1) {
      const step = flow.steps[i] as FlowStep;
      // A return counts whenever it comes before the next fill; the rest only within the N days.
      if (step.type === 'return_empty') returned = true;
      if (ended || step.at.getTime() > deadline) continue;
      last = step;
      if (LEAVES.has(step.type)) left = true;
      if (step.type === 'receive' && !reached && step.siteId) siteId = step.siteId;
      if (step.type === 'sell' || step.type === 'hand_over') reached = true;
      if (ENDS.has(step.type)) ended = true;
    }
    const due = options.asOf.getTime() >= deadline;
    const outcome: TripOutcome = reached ? 'reached' : !due ? 'pending' : left ? 'unaccounted' : 'atStation';
    trips.push({ cylinderId: flow.cylinderId, enterpriseId: flow.enterpriseId, siteId, filledAt: fill.at, outcome, returned, last });
  }
  return trips;
}

export interface SiteTally {
  enterpriseId: string;
  siteId: string | null;
  filled: number;
  reachedCustomers: number;
  returned: number;
  unaccounted: number;
  pending: number;
  atStation: number;
  /** Up to EXAMPLES unaccounted trips. */
  examples: Trip[];
}

export const EXAMPLES = 10;

/** Adds trips into per-(enterprise, site) tallies (mutates `tallies`: the fold runs over a stream). */
export function tally(tallies: Map<string, SiteTally>, trips: readonly Trip[]): void {
  for (const trip of trips) {
    const key = `${trip.enterpriseId}|${trip.siteId ?? ''}`;
    let t = tallies.get(key);
    if (!t) {
      t = { enterpriseId: trip.enterpriseId, siteId: trip.siteId, filled: 0, reachedCustomers: 0, returned: 0, unaccounted: 0, pending: 0, atStation: 0, examples: [] };
      tallies.set(key, t);
    }
    t.filled += 1;
    if (trip.returned) t.returned += 1;
    if (trip.outcome === 'reached') t.reachedCustomers += 1;
    else if (trip.outcome === 'pending') t.pending += 1;
    else if (trip.outcome === 'atStation') t.atStation += 1;
    else {
      t.unaccounted += 1;
      if (t.examples.length < EXAMPLES) t.examples.push(trip);
    }
  }
}

/**
 * The workers who handled unaccounted cylinders last (the trip's last event's worker), per site:
 * `site|worker` → count (mutates `counts`). Trips whose last event had no worker (a scale's fill) are not counted.
 */
export function tallyWorkers(counts: Map<string, number>, trips: readonly Trip[]): void {
  for (const trip of trips) {
    if (trip.outcome !== 'unaccounted' || !trip.last.workerId) continue;
    const key = `${trip.siteId ?? ''}|${trip.last.workerId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}

/** unaccounted / (reached + unaccounted); null when no trip was due and left. */
export const gapRate = (t: Pick<SiteTally, 'reachedCustomers' | 'unaccounted'>): number | null =>
  t.reachedCustomers + t.unaccounted === 0 ? null : t.unaccounted / (t.reachedCustomers + t.unaccounted);

export type RankBy = 'gapRate' | 'unaccounted';

/**
 * By gap rate: the highest first (null last), then the most unaccounted. By unaccounted: the most
 * first, then the highest rate. Then the most filled; stable on ids.
 */
export function rank<T extends SiteTally>(rows: readonly T[], by: RankBy = 'gapRate'): T[] {
  const byRate = (a: T, b: T) => {
    const ra = gapRate(a);
    const rb = gapRate(b);
    if (ra === rb) return 0;
    return rb === null ? -1 : ra === null ? 1 : rb - ra;
  };
  const byCount = (a: T, b: T) => b.unaccounted - a.unaccounted;
  const [first, second] = by === 'gapRate' ? [byRate, byCount] : [byCount, byRate];
  return [...rows].sort((a, b) => first(a, b) || second(a, b) || b.filled - a.filled || `${a.enterpriseId}${a.siteId}`.localeCompare(`${b.enterpriseId}${b.siteId}`));
}
