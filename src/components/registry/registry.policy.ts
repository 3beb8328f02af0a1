/** One county-level division of the city; `code` is the administrative division code (GB/T 2260). */
export interface DistrictSeed {
  code: string;
  name: string;
}

/** Qingyuan (清远市), Guangdong: the default city. Another city is another list. */
export const QINGYUAN_DISTRICTS: readonly DistrictSeed[] = [
  { code: '441802', name: '清城区' },
  { code: '441803', name: '清新区' },
  { code: '441881', name: '英德市' },
  { code: '441882', name: '连州市' },
  { code: '441821', name: '佛冈县' },
  { code: '441823', name: '阳山县' },
  { code: '441825', name: '连山壮族瑶族自治县' },
  { code: '441826', name: '连南瑶族自治县' },
];

/** Supervision policy the registry derives statuses from; configurable per city. */
export interface RegistryPolicy {
  /** A licence, permit or certificate ending within this many days is "expiring". */
  expiringWithinDays: number;
  /** Periodic inspection interval of LPG cylinders (GB/T 34525: every 4 years). */
  inspectionIntervalYears: number;
  /** Design service life assumed when a cylinder's stamp does not say otherwise. */
  defaultDesignLifeYears: number;
}

export const DEFAULT_POLICY: RegistryPolicy = {
  expiringWithinDays: 30,
  inspectionIntervalYears: 4,
  defaultDesignLifeYears: 8,
};

export function addYears(date: Date, years: number): Date {
  const next = new Date(date.getTime());
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
