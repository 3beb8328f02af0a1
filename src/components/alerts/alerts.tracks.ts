import { greatCircleKm } from '../../shared/geo/great-circle';
import type { AlertPolicy, Evidence, Sighting } from './alerts.findings';
import { DAY_MS } from './alerts.findings';

/**
 * What the stateful rules remember between inputs, one record per key (stored in `alert_tracks`
 * and read and written in the runner's transaction). Pure values: a rule gets the prior record and
 * returns the next.
 */

/** Per cylinder (by id; by code for codes the city does not know). */
export interface CylinderTrack {
  /** OUT_OF_CITY_CYLINDER: false from a commissioning or a return until a fill is recorded; undefined: not seen yet. */
  filledSinceReturn?: boolean;
  lastFillEventId?: string;
  /** CLONED_CODE: the latest sighting with a place. */
  lastSighting?: Sighting;
}

/** Per worker: the times of their unconfirmed hand-overs in the last 24 h. */
export interface WorkerTrack {
  unconfirmed: Date[];
}

/** Per ~1 km cell that is no licensed site: the codes scanned there in the last 24 h. */
export interface CellTrack {
  codes: { code: string; at: Date }[];
}

/** A notice raised once per state (a scale's silence since a time, a credential's end date). */
export interface NoticeTrack {
  noticed: string;
}

export type Track = CylinderTrack | WorkerTrack | CellTrack | NoticeTrack;

export const trackKeys = {
  cylinder: (id: string) => `cylinder:${id}`,
  worker: (id: string) => `worker:${id}`,
  cell: (cell: string) => `cell:${cell}`,
  notice: (key: string) => `notice:${key}`,
};

/**
 * CLONED_CODE's test (pure): the same code at two places farther apart than a vehicle at
 * `cloneSpeedKmh` covers in the time between them (in either order: uploads arrive late), and
 * farther than `cloneMinDistanceKm` (places are rounded). Answers the sighting to keep (the later
 * one) and the earlier sighting's evidence when the pair is impossible.
 */
export function compareSightings(prior: Sighting | undefined, next: Sighting, policy: Pick<AlertPolicy, 'cloneSpeedKmh' | 'cloneMinDistanceKm'>): { keep: Sighting; clonedWith?: Evidence; km?: number; hours?: number } {
  if (!prior) return { keep: next };
  const km = greatCircleKm(prior.place, next.place);
  const hours = Math.abs(next.at.getTime() - prior.at.getTime()) / 3_600_000;
  const keep = next.at >= prior.at ? next : prior;
  if (km <= policy.cloneMinDistanceKm || km <= policy.cloneSpeedKmh * hours) return { keep };
  return { keep, clonedWith: prior.evidence, km, hours };
}

/** Times within the 24 h before `at` (and `at` itself), oldest first. */
export function withinDay(times: readonly Date[], at: Date): Date[] {
  return times.filter((t) => t.getTime() > at.getTime() - DAY_MS && t.getTime() <= at.getTime() + DAY_MS).sort((a, b) => a.getTime() - b.getTime());
}
