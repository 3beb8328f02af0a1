import { createHash } from 'node:crypto';
import { calendar, planRegistry } from './city.registry';
import { planHistory } from './city.history';
import type { City } from './city.types';
import { createRandom } from './prng';

export interface CityOptions {
  /** The PRNG seed: the same seed, scale and anchor give the same city (same digest). */
  seed?: string;
  /** 1 = the full demo (~20,000 cylinders, ~200,000 events); tests and benchmarks use less. */
  scale?: number;
  /** The day the history ends; default today (UTC). Dates in the city are relative to it. */
  anchor?: Date | string;
}

export const DEFAULT_CITY_SEED = 'qingyuan-2026';

/** UTC midnight of a date: one anchor a day, so a city generated twice in a day is the same. */
export function anchorDay(at: Date | string = new Date()): Date {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`city anchor: not a date: ${String(at)}`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * The demo city of Qingyuan (清远市), generated from a seed: pure and deterministic, nothing
 * written anywhere. `loadCity` writes it through the registry services and the ledger's capture.
 */
export function generateCity(options: CityOptions = {}): City {
  const seed = options.seed ?? DEFAULT_CITY_SEED;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 2)) throw new Error(`city scale must be in (0, 2], got ${scale}`);
  const anchor = anchorDay(options.anchor);
  const cal = calendar(anchor);
  const root = createRandom(`${seed}|${scale}|${anchor.toISOString().slice(0, 10)}`);
  const registry = planRegistry(root.fork('registry'), scale, cal);
  const history = planHistory(root.fork('history'), registry, cal, seed, scale);
  return {
    seed,
    scale,
    anchor: anchor.toISOString().slice(0, 10),
    enterprises: registry.enterprises,
    sites: registry.sites,
    vehicles: registry.vehicles,
    workers: registry.workers,
    customers: registry.customers,
    cylinders: registry.cylinders,
    events: history.events,
    planted: {
      unlicensedSupplyPoint: registry.unlicensedSupplyPoint,
      diversionSite: registry.diversionSite,
      outOfCitySerials: history.outOfCitySerials,
      clonedCylinder: history.clonedCylinder,
      overfillingStation: history.overfillingStation,
      untrainedWorker: registry.untrainedWorker,
    },
  };
}

/** SHA-256 (hex) of the whole dataset, section by section: two cities with one digest are the same city. */
export function cityDigest(city: City): string {
  const hash = createHash('sha256');
  const { events, ...rest } = city;
  hash.update(JSON.stringify(rest));
  for (const e of events) hash.update('\n').update(JSON.stringify(e));
  return hash.digest('hex');
}

/** What the city holds, for the progress line and the README. */
export function cityCounts(city: City): Record<string, number> {
  return {
    enterprises: city.enterprises.length,
    fillingStations: city.sites.filter((s) => s.kind === 'filling_station').length,
    supplyPoints: city.sites.filter((s) => s.kind === 'supply_point').length,
    vehicles: city.vehicles.length,
    workers: city.workers.length,
    customers: city.customers.length,
    cylinders: city.cylinders.length,
    events: city.events.length,
  };
}
