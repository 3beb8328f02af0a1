import { transition } from '../../src/components/ledger';
import { greatCircleKm } from '../../src/shared/geo/great-circle';
import { cityCounts, cityDigest, DISTRICTS, generateCity, type City, type CityEvent } from '../../seed/city';

/**
 * The demo city generator (issue 18), pure: the same seed, scale and day give the same city, the
 * city looks like Qingyuan, every cylinder's history is a lawful chain, and the cases planted for
 * the regulator are there.
 */
const ANCHOR = '2026-12-03';
const small = () => generateCity({ seed: 'test-city', scale: 0.03, anchor: ANCHOR });

const chainOf = (city: City, c: number) => city.events.filter((e) => e.cylinder === c);

describe('the demo city generator', () => {
  let full: City;
  beforeAll(() => {
    full = generateCity({ anchor: ANCHOR });
  });

  it('gives the same city, to the digest, for the same seed, scale and day; another seed gives another city', () => {
    const a = small();
    const b = small();
    expect(cityDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(cityDigest(b)).toBe(cityDigest(a));
    expect(b.events.map((e) => e.eventId)).toEqual(a.events.map((e) => e.eventId));
    expect(cityDigest(generateCity({ seed: 'another', scale: 0.03, anchor: ANCHOR }))).not.toBe(cityDigest(a));
    expect(cityDigest(generateCity({ seed: 'test-city', scale: 0.03, anchor: '2026-12-04' }))).not.toBe(cityDigest(a));
  });

  it('has the size the issue asks for at scale 1', () => {
    const counts = cityCounts(full);
    expect(counts).toMatchObject({ enterprises: 12, fillingStations: 6, cylinders: 20_000 });
    expect(counts.supplyPoints).toBeGreaterThanOrEqual(35);
    expect(counts.supplyPoints).toBeLessThanOrEqual(45);
    expect(counts.vehicles).toBeGreaterThanOrEqual(50);
    expect(counts.workers).toBeGreaterThanOrEqual(250);
    expect(counts.customers).toBeGreaterThanOrEqual(4_500);
    expect(counts.events).toBeGreaterThanOrEqual(180_000);
    expect(counts.events).toBeLessThanOrEqual(260_000);
    expect(new Set(full.cylinders.map((c) => c.nominalKg))).toEqual(new Set([5, 15, 50]));
    expect(full.customers.filter((c) => c.kind === 'business').length).toBeGreaterThan(300);
  });

  it('looks like Qingyuan: all eight districts, real town names in addresses, Chinese names, no test placeholders', () => {
    const codes = new Set([...full.sites.map((s) => s.districtCode), ...full.customers.map((c) => c.districtCode)]);
    expect([...codes].sort()).toEqual(DISTRICTS.map((d) => d.code).sort());
    for (const c of full.customers.slice(0, 500)) {
      const district = DISTRICTS.find((d) => d.code === c.districtCode);
      expect(c.address.startsWith(district?.name ?? '?')).toBe(true);
      expect(district?.towns.some((t) => c.address.includes(t.name))).toBe(true);
    }
    const texts = JSON.stringify([full.enterprises, full.sites, full.workers, full.customers]);
    expect(texts).not.toMatch(/测试|test/i);
    expect(full.workers.every((w) => /^[\u4e00-\u9fff]{2,3}$/.test(w.realName))).toBe(true);
    // Natural keys the registry holds unique are unique.
    for (const key of [full.customers.map((c) => c.phone), full.vehicles.map((v) => v.plate), full.cylinders.map((c) => c.serial)]) expect(new Set(key).size).toBe(key.length);
  });

  it('gives licences valid, expiring, suspended and unverified; certificates expired, unverified and missing; cylinders overdue, over-age and scrapped', () => {
    const states = new Set(full.enterprises.map((e) => e.state));
    expect([...states].sort()).toEqual(['expiring', 'suspended', 'unverified', 'valid']);
    const workerStates = new Set(full.workers.map((w) => w.state));
    for (const s of ['valid', 'expired', 'unverified', 'missing']) expect(workerStates.has(s as never)).toBe(true);
    const end = Date.parse(ANCHOR);
    const inspected = new Map<number, number>();
    for (const e of full.events) if (e.type === 'periodic_inspection' && typeof e.cylinder === 'number' && e.payload.result === 'pass') inspected.set(e.cylinder, Date.parse(String(e.payload.nextInspectionDate)));
    const due = (c: number) => inspected.get(c) ?? addYears(Date.parse(full.cylinders[c]?.lastInspectionDate ?? ''), 4);
    const scrapped = new Set(full.events.flatMap((e) => (e.type === 'scrap' || (e.type === 'periodic_inspection' && e.payload.result === 'fail') ? [e.cylinder] : [])));
    const overdue = full.cylinders.filter((_, c) => !scrapped.has(c) && due(c) < end).length;
    const overAge = full.cylinders.filter((c, i) => !scrapped.has(i) && addYears(Date.parse(c.manufactureDate), c.designLifeYears) < end).length;
    expect(overdue).toBeGreaterThan(100);
    expect(overAge).toBeGreaterThan(20);
    expect(scrapped.size).toBeGreaterThan(300);
  });

  it('writes every cylinder a lawful chain, in time order, commissioned first', () => {
    const city = small();
    const byCylinder = new Map<number, CityEvent[]>();
    for (const e of city.events) if (typeof e.cylinder === 'number') byCylinder.set(e.cylinder, [...(byCylinder.get(e.cylinder) ?? []), e]);
    const refused = new Set(['unlicensed_supply_point', 'untrained_worker', 'suspended_enterprise']);
    for (const [c, events] of byCylinder) {
      let state: Parameters<typeof transition>[0] = 'unregistered';
      expect([c, events[0]?.type]).toEqual([c, 'commission']);
      for (const [i, e] of events.entries()) {
        if (i > 0) expect(e.occurredAt >= (events[i - 1] as CityEvent).occurredAt).toBe(true);
        if (e.planted && refused.has(e.planted)) continue;
        const next = transition(state, e.type, e.payload as { result?: 'pass' | 'fail' });
        expect([c, i, e.type, next.ok]).toEqual([c, i, e.type, true]);
        if (next.ok) state = next.to;
      }
    }
    const sorted = [...city.events].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    expect(sorted.map((e) => e.occurredAt)).toEqual(city.events.map((e) => e.occurredAt));
    expect(city.events.every((e) => e.occurredAt < `${ANCHOR}T00:00:00.000Z`)).toBe(true);
  });

  it('has every normal event recorded by a worker whose training certificate is valid that day', () => {
    const planted = new Set(['untrained_worker']);
    const invalid = full.events.filter((e) => {
      if (e.by.kind !== 'worker' || (e.planted && planted.has(e.planted))) return false;
      const cert = full.workers[e.by.worker]?.certificate;
      return !cert || e.occurredAt.slice(0, 10) >= cert.validTo || (cert.validFrom !== undefined && e.occurredAt.slice(0, 10) < cert.validFrom);
    });
    expect(invalid.slice(0, 3)).toEqual([]);
  });

  it('plants an unlicensed supply point, a diversion site, out-of-city stamps, a cloned code, an overfilling scale and an untrained worker', () => {
    const city = small();
    const p = city.planted;
    const sites = city.sites;
    // The supply point's licence expired; receipts there after that are the planted attempts.
    const unlicensed = sites[p.unlicensedSupplyPoint];
    expect(unlicensed?.kind).toBe('supply_point');
    expect(Date.parse(unlicensed?.licence.validTo ?? '')).toBeLessThan(Date.parse(ANCHOR));
    const late = city.events.filter((e) => e.site === p.unlicensedSupplyPoint && e.occurredAt > (unlicensed?.licence.validTo ?? ''));
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((e) => e.planted === 'unlicensed_supply_point')).toBe(true);
    // Cylinders received at the diversion site never reach a customer before they come back empty.
    const diverted = city.events.filter((e) => e.type === 'receive' && e.site === p.diversionSite);
    expect(diverted.length).toBeGreaterThan(20);
    for (const r of diverted) {
      const chain = chainOf(city, r.cylinder as number);
      const next = chain[chain.indexOf(r) + 1];
      if (next) expect([next.type, next.customer]).toEqual(['return_empty', undefined]);
    }
    // Stamps no enterprise of the city registered.
    const serials = new Set(city.cylinders.map((c) => c.serial));
    expect(p.outOfCitySerials.length).toBeGreaterThan(0);
    expect(p.outOfCitySerials.some((s) => serials.has(s))).toBe(false);
    expect(city.events.filter((e) => typeof e.cylinder === 'object').map((e) => (e.cylinder as { serial: string }).serial).sort()).toEqual([...p.outOfCitySerials].sort());
    // The cloned code: two sightings more than 100 km apart within half an hour.
    const clone = chainOf(city, p.clonedCylinder);
    const pair = clone.findIndex((e, i) => i > 0 && e.planted === 'cloned_code');
    const [a, b] = [clone[pair - 1] as CityEvent, clone[pair] as CityEvent];
    expect(Date.parse(b.occurredAt) - Date.parse(a.occurredAt)).toBeLessThanOrEqual(30 * 60_000);
    expect(greatCircleKm(a.coordinates as [number, number], b.coordinates as [number, number])).toBeGreaterThan(100);
    // The overfilling station's scale reports nets above the permitted mass plus tolerance; no other does.
    const max = { 5: 5, 15: 15, 50: 50 } as const;
    const over = city.events.filter((e) => e.type === 'fill' && Number(e.payload.netKg) > max[city.cylinders[e.cylinder as number]?.nominalKg ?? 15]);
    expect(over.length).toBeGreaterThan(0);
    expect(new Set(over.map((e) => e.site))).toEqual(new Set([p.overfillingStation]));
    // The untrained worker holds no certificate and keeps trying to hand cylinders over.
    expect(city.workers[p.untrainedWorker]?.certificate).toBeUndefined();
    expect(city.events.filter((e) => e.by.kind === 'worker' && e.by.worker === p.untrainedWorker && e.type === 'hand_over').length).toBeGreaterThan(0);
    // The suspended enterprise records nothing after its suspension but the planted attempts.
    const suspended = city.enterprises.findIndex((e) => e.state === 'suspended');
    const since = city.enterprises[suspended]?.licence?.suspendedAt ?? '';
    const after = city.events.filter((e) => typeof e.cylinder === 'number' && city.cylinders[e.cylinder]?.enterprise === suspended && e.occurredAt >= since);
    expect(after.every((e) => e.planted === 'suspended_enterprise')).toBe(true);
  });
});

function addYears(t: number, years: number): number {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}
