import { createHash } from 'node:crypto';
import type { Calendar, RegistryPlan } from './city.registry';
import { DIVERSION_ENTERPRISE, HISTORY_DAYS, OVERFILL_ENTERPRISE, SUSPENDED_ENTERPRISE } from './city.registry';
import type { CityActor, CityCylinder, CityEvent, CityWorker, PlantedCase } from './city.types';
import type { Random } from './prng';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Permitted fill mass per nominal size (the ledger's default limits) and the tolerance above it. */
const PERMITTED: Record<5 | 15 | 50, { net: number; tolerance: number }> = { 5: { net: 4.83, tolerance: 0.17 }, 15: { net: 14.5, tolerance: 0.5 }, 50: { net: 48.33, tolerance: 1.67 } };

/** How long a customer keeps a cylinder before the empty goes back, in days (households keep a spare). */
const USE_DAYS: Record<'household' | 'business', Record<5 | 15 | 50, [number, number]>> = {
  household: { 5: [60, 180], 15: [90, 240], 50: [90, 240] },
  business: { 5: [20, 60], 15: [25, 80], 50: [15, 50] },
};

export interface HistoryPlan {
  events: CityEvent[];
  outOfCitySerials: string[];
  clonedCylinder: number;
  overfillingStation: number;
}

interface Staff {
  operators: number[];
  deliverers: number[];
  vehicles: { trucks: number[]; small: number[] };
  points: number[];
  customers: number[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** A time inside working hours (07:00–20:00 China time = 23:00–12:00 UTC) on or after `t`. */
function working(t: number): number {
  const hourUtc = new Date(t).getUTCHours();
  if (hourUtc >= 12 && hourUtc < 23) {
    const d = new Date(t);
    d.setUTCHours(23, 0, 0, 0);
    return d.getTime();
  }
  return t;
}

function validAt(worker: CityWorker | undefined, t: number): boolean {
  if (!worker?.certificate || worker.state === 'unverified') return false;
  const to = Date.parse(worker.certificate.validTo);
  const from = worker.certificate.validFrom ? Date.parse(worker.certificate.validFrom) : 0;
  return from <= t && t < to;
}

/**
 * A year of custody for every cylinder: commissioned when the platform went live (or when new),
 * then cycles of pre-fill inspection → fill on the station's scale → dispatch → (receipt at a
 * supply point) → hand-over to a registered customer → use → the empty collected; periodic
 * inspections before they fall due, scrapping at the end of design life — and the planted cases.
 * Each cylinder's events are in chain order; the whole list is sorted by time.
 */
export function planHistory(random: Random, plan: RegistryPlan, cal: Calendar, seed: string, scale: number): HistoryPlan {
  const end = cal.anchor.getTime();
  const start = end - HISTORY_DAYS * DAY;
  const events: CityEvent[] = [];
  let counter = 0;
  const eventId = () => uuidOf(`${seed}|${scale}|${counter++}`);
  const push = (e: Omit<CityEvent, 'eventId'>) => {
    events.push({ eventId: eventId(), ...e });
  };

  const staff = new Map<number, Staff>();
  for (const [e] of plan.stationOf) {
    const who = (role: CityWorker['role']) => plan.workers.flatMap((w, i) => (w.enterprise === e && w.role === role && w.state !== 'unverified' && w.state !== 'missing' ? [i] : []));
    staff.set(e, {
      operators: who('filling_operator'),
      deliverers: who('delivery_worker'),
      vehicles: {
        trucks: plan.vehicles.flatMap((v, i) => (v.enterprise === e && v.kind === 'cylinder_truck' ? [i] : [])),
        small: plan.vehicles.flatMap((v, i) => (v.enterprise === e && v.kind !== 'cylinder_truck' ? [i] : [])),
      },
      points: plan.sites.flatMap((s, i) => (s.enterprise === e && s.kind === 'supply_point' ? [i] : [])),
      customers: plan.customers.flatMap((c, i) => (c.enterprise === e ? [i] : [])),
    });
  }
  const suspendedAt = Date.parse(plan.enterprises[SUSPENDED_ENTERPRISE]?.licence?.suspendedAt ?? '9999-01-01');
  const unlicensedSince = Date.parse(plan.sites[plan.unlicensedSupplyPoint]?.licence.validTo ?? '9999-01-01');
  const budget = { unlicensed: Math.max(3, Math.round(12 * scale)), untrained: Math.max(3, Math.round(8 * scale)), suspended: Math.max(2, Math.round(6 * scale)), overdue: Math.max(2, Math.round(10 * scale)), overfill: Math.max(2, Math.round(50 * scale)) };
  const untrained = plan.workers[plan.untrainedWorker];
  const overfillStation = plan.stationOf.get(OVERFILL_ENTERPRISE) as number;
  let clonedCylinder = -1;

  plan.cylinders.forEach((cylinder, c) => {
    const r = random;
    const s = staff.get(cylinder.enterprise) as Staff;
    const station = cylinder.station;
    const manufactured = Date.parse(cylinder.manufactureDate);
    let due = addYears(Date.parse(cylinder.lastInspectionDate), 4);
    const lifeEnd = addYears(manufactured, cylinder.designLifeYears);
    // Some owners forget: the periodic inspection (or the scrapping) never happens, and the registry shows it.
    const forgetful = r.chance(0.1);
    const stop = cylinder.enterprise === SUSPENDED_ENTERPRISE ? suspendedAt : end;
    let t = working(Math.max(start + r.int(0, 20) * DAY, manufactured + r.int(3, 12) * DAY) + r.int(0, 9) * HOUR);
    // Too new to be coded yet, or at the end of its life before the platform reached it.
    if (t >= stop - DAY || t >= lifeEnd - 13 * DAY) return;
    const operator = () => pickValid(r, s.operators, plan, t) ?? (s.operators[0] as number);
    const worker = (customer?: number) => {
      const pool = s.deliverers;
      const preferred = customer === undefined ? undefined : pool[customer % pool.length];
      if (preferred !== undefined && validAt(plan.workers[preferred], t)) return preferred;
      return pickValid(r, pool, plan, t) ?? (pool[0] as number);
    };
    const at = () => new Date(t).toISOString();
    const add = (type: CityEvent['type'], by: CityActor, rest: Partial<Omit<CityEvent, 'eventId' | 'type' | 'by' | 'cylinder' | 'occurredAt'>> = {}) =>
      push({ type, occurredAt: at(), cylinder: c, by, payload: {}, ...rest });

    add('commission', { kind: 'worker', worker: operator() }, { site: station, payload: {} });
    for (;;) {
      // At the station, empty. The periodic inspection comes before the cylinder can go out again.
      // Stock rotates: an empty waits its turn in the station yard.
      t = working(t + r.int(25, 110) * DAY + r.int(0, 8) * HOUR);
      const horizon = t + 12 * DAY;
      if (horizon >= lifeEnd) {
        if (!forgetful && t < stop) add('scrap', { kind: 'worker', worker: operator() }, { site: station, payload: { reason: '达到设计使用年限' } });
        return;
      }
      if (horizon >= due) {
        if (forgetful) {
          // Overdue and filled anyway (the pre-fill check let it through): supervision flags it OVERDUE_CYLINDER.
          t = working(Math.max(t, due) + r.int(1, 40) * DAY);
          if (t < stop && budget.overdue > 0) {
            budget.overdue--;
            add('inspect', { kind: 'worker', worker: operator() }, { site: station, payload: { result: 'pass' } });
            t += r.int(10, 30) * 60_000;
            add('fill', { kind: 'scale', station, operator: operator() }, { site: station, payload: fillPayload(r, cylinder, false), planted: 'overdue_fill' });
          }
          return;
        }
        if (t >= stop) return;
        const pass = r.chance(0.97);
        add('periodic_inspection', { kind: 'regulator' }, { site: station, payload: pass ? { result: 'pass', nextInspectionDate: new Date(addYears(t, 4)).toISOString().slice(0, 10), certificateNo: `QYJY${new Date(t).getUTCFullYear()}${String(r.int(1, 99999)).padStart(5, '0')}` } : { result: 'fail' } });
        if (!pass) return;
        due = addYears(t, 4);
        t += r.int(1, 3) * DAY;
      }
      if (t >= stop) return;
      add('inspect', { kind: 'worker', worker: operator() }, { site: station, payload: { result: 'pass' } });
      t += r.int(8, 40) * 60_000;
      if (t >= stop) return;
      const overfill = cylinder.station === overfillStation && t > end - 60 * DAY && budget.overfill > 0 && r.chance(0.2);
      if (overfill) budget.overfill--;
      add('fill', { kind: 'scale', station, operator: operator() }, { site: station, payload: fillPayload(r, cylinder, overfill), ...(overfill ? { planted: 'overfilling_station' as PlantedCase } : {}) });
      if (overfill) {
        t += r.int(20, 90) * 60_000;
        if (t >= stop) return;
        add('reweigh', { kind: 'scale', station, operator: operator() }, { site: station, payload: reweighPayload(r, cylinder) });
      }
      t = working(t + r.int(2, 30) * HOUR);
      if (t >= stop) return;
      const customer = r.pick(s.customers);
      const cust = plan.customers[customer];
      if (!cust) return;
      const local = s.points.filter((p) => p !== plan.diversionSite && plan.sites[p]?.districtCode === cust.districtCode);
      const diversion = cylinder.enterprise === DIVERSION_ENTERPRISE && r.chance(0.22);
      const viaPoint = diversion || (local.length > 0 && r.chance(0.6));
      const deliverer = worker(customer);
      const truck = viaPoint ? r.pick(s.vehicles.trucks.length > 0 ? s.vehicles.trucks : s.vehicles.small) : r.pick(s.vehicles.small.length > 0 ? s.vehicles.small : s.vehicles.trucks);
      add('dispatch', { kind: 'worker', worker: deliverer }, { vehicle: truck, payload: {} });
      t += r.int(90, 240) * 60_000;
      if (t >= stop) return;
      let point: number | undefined;
      if (viaPoint) {
        point = diversion ? plan.diversionSite : r.pick(local);
        if (point === plan.unlicensedSupplyPoint && t > unlicensedSince) {
          if (budget.unlicensed > 0) {
            budget.unlicensed--;
            add('receive', { kind: 'worker', worker: worker(customer) }, { site: point, payload: {}, planted: 'unlicensed_supply_point' });
          }
          point = undefined;
          t += r.int(30, 90) * 60_000;
        } else {
          add('receive', { kind: 'worker', worker: worker(customer) }, { site: point, payload: {} });
          if (diversion) {
            // Sold on to nobody the platform knows: the empties come back, no hand-over ever recorded.
            t = working(t + r.int(3, 12) * DAY);
            if (t >= stop) return;
            add('return_empty', { kind: 'worker', worker: worker(customer) }, { site: station, payload: { condition: 'empty' }, planted: 'diversion_site' });
            continue;
          }
          t = working(t + r.int(1, 72) * HOUR);
        }
      }
      if (t >= stop) return;
      const by = worker(customer);
      if (untrained && cylinder.enterprise === untrained.enterprise && t > end - 30 * DAY && budget.untrained > 0 && r.chance(0.5)) {
        budget.untrained--;
        add('hand_over', { kind: 'worker', worker: plan.untrainedWorker }, { customer, coordinates: cust.coordinates, payload: handOver(), planted: 'untrained_worker' });
        t += r.int(20, 60) * 60_000;
        if (t >= stop) return;
      }
      const sale = point !== undefined && cust.kind === 'business' && r.chance(0.3);
      add(sale ? 'sell' : 'hand_over', { kind: 'worker', worker: by }, { customer, ...(sale ? { site: point } : { coordinates: cust.coordinates }), payload: handOver() });
      if (clonedCylinder < 0 && cylinder.enterprise === 0 && t > end - 20 * DAY) {
        // The same code scanned 20 minutes later in 连州, 120 km away: a cloned label.
        clonedCylinder = c;
        t += 20 * 60_000;
        if (t >= stop) return;
        add('return_empty', { kind: 'worker', worker: by }, { site: station, coordinates: [112.3795, 24.7822], payload: { condition: 'empty' }, planted: 'cloned_code' });
        continue;
      }
      const use = USE_DAYS[cust.kind][cylinder.nominalKg];
      t = working(t + r.int(use[0], use[1]) * DAY + r.int(0, 10) * HOUR);
      if (t >= stop) return;
      add('return_empty', { kind: 'worker', worker: worker(customer) }, { site: station, customer, payload: { condition: 'empty' } });
    }
  });

  // Suspended 顺安 keeps trying to deliver after its licence was suspended.
  const suspendedStaff = staff.get(SUSPENDED_ENTERPRISE);
  const outOfCitySerials: string[] = [];
  const r = random;
  if (suspendedStaff) {
    const held = heldFullBy(events, plan, SUSPENDED_ENTERPRISE);
    for (const c of held.slice(0, budget.suspended)) {
      const t = working(suspendedAt + r.int(1, 18) * DAY + r.int(0, 8) * HOUR);
      const customer = r.pick(suspendedStaff.customers);
      push({ type: 'hand_over', occurredAt: new Date(t).toISOString(), cylinder: c, by: { kind: 'worker', worker: suspendedStaff.deliverers[0] as number }, customer, coordinates: plan.customers[customer]?.coordinates as [number, number], payload: handOver(), planted: 'suspended_enterprise' });
    }
  }
  // Cylinders filled in Hunan, brought in over the 连州 border: steel stamps no enterprise of the city registered.
  const lianzhou = staff.get(3);
  if (lianzhou) {
    const count = Math.max(3, Math.round(10 * scale));
    for (let k = 0; k < count; k++) {
      const serial = `HNYZ${r.int(2016, 2021)}${String(r.int(1, 99999)).padStart(5, '0')}`;
      outOfCitySerials.push(serial);
      const t = working(end - r.int(2, 30) * DAY + r.int(0, 8) * HOUR);
      const customer = r.pick(lianzhou.customers);
      push({ type: 'hand_over', occurredAt: new Date(t).toISOString(), cylinder: { serial, enterprise: 3 }, by: { kind: 'worker', worker: lianzhou.deliverers[0] as number }, customer, coordinates: plan.customers[customer]?.coordinates as [number, number], payload: handOver(), planted: 'out_of_city_cylinder' });
    }
  }

  const sorted = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.occurredAt < b.e.occurredAt ? -1 : a.e.occurredAt > b.e.occurredAt ? 1 : a.i - b.i))
    .map(({ e }) => e);
  return { events: sorted, outOfCitySerials, clonedCylinder, overfillingStation: overfillStation };
}

/** A hand-over the customer confirmed with the last four digits of the registered phone. */
function handOver(): Record<string, unknown> {
  return { confirmedByCustomer: true, confirmation: { method: 'phone_last4' } };
}

function fillPayload(r: Random, cylinder: CityCylinder, overfill: boolean): Record<string, unknown> {
  const limit = PERMITTED[cylinder.nominalKg];
  const net = overfill ? round2(limit.net + limit.tolerance + 0.2 + r.next() * 0.8 * (cylinder.nominalKg / 15)) : round2(limit.net * (0.975 + r.next() * 0.03));
  const tare = round2(cylinder.tareKg + (r.next() - 0.5) * 0.3);
  return { tareKg: tare, grossKg: round2(tare + net), netKg: net, durationS: Math.round((net / 15) * r.int(45, 110)) + 10 };
}

function reweighPayload(r: Random, cylinder: CityCylinder): Record<string, unknown> {
  const limit = PERMITTED[cylinder.nominalKg];
  const net = round2(limit.net * (0.985 + r.next() * 0.015));
  const tare = round2(cylinder.tareKg + (r.next() - 0.5) * 0.3);
  return { tareKg: tare, grossKg: round2(tare + net), netKg: net, durationS: r.int(20, 60) };
}

function pickValid(r: Random, pool: readonly number[], plan: RegistryPlan, t: number): number | undefined {
  const valid = pool.filter((w) => validAt(plan.workers[w], t));
  return valid.length > 0 ? r.pick(valid) : undefined;
}

/** Cylinders of an enterprise whose last event left them full at the station (candidates for a late delivery). */
function heldFullBy(events: readonly CityEvent[], plan: RegistryPlan, enterprise: number): number[] {
  const last = new Map<number, CityEvent['type']>();
  for (const e of events) if (typeof e.cylinder === 'number') last.set(e.cylinder, e.type);
  return [...last].flatMap(([c, type]) => (type === 'fill' && plan.cylinders[c]?.enterprise === enterprise ? [c] : []));
}

function addYears(t: number, years: number): number {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/** A UUID (version 4 layout) derived from a label: the same city, the same event ids. */
export function uuidOf(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h.charAt(16), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
