import type { Connection } from 'mongoose';
import { createApp } from '../../src/app';
import { signAccessToken, type Principal } from '../../src/components/auth';
import { buildComponents, type Components } from '../../src/components';
import type { AppendOutcome, EventActor } from '../../src/components/ledger';
import type { Config } from '../../src/config';
import { unitOfWork } from '../../src/shared/db/unit-of-work';
import type { Logger } from '../../src/shared/logger/logger.factory';
import type { City, CityActor, CityEvent, PlantedCase } from './city.types';

/** The seed writes the registry as the city regulator "demo-seed" (its records show up in the audit trail so). */
export const SEED_USER_ID = '5eed00000000000000000001';
export const SEED_REGULATOR: Principal = { kind: 'user', userId: SEED_USER_ID, username: 'demo-seed', role: 'city_regulator' };

/** Events a planted case makes the capture path refuse (kept as refusals, which supervision reads). */
export const REFUSED_CASES: ReadonlySet<PlantedCase> = new Set(['unlicensed_supply_point', 'untrained_worker', 'suspended_enterprise', 'out_of_city_cylinder']);

/** The ids the registry gave the city's records, by their index in the city's lists. */
export interface CityIds {
  enterprises: string[];
  sites: string[];
  vehicles: string[];
  workers: string[];
  customers: string[];
  cylinders: string[];
  /** One filling scale per station: site index → device id. */
  scales: Map<number, string>;
}

export interface LoadProgress {
  phase: 'registry' | 'history';
  done: number;
  total: number;
}

export interface LoadResult {
  ids: CityIds;
  accepted: number;
  duplicates: number;
  /** Refusals the planted cases asked for, by case. */
  plantedRefusals: Partial<Record<PlantedCase, number>>;
  /** Refusals nobody planted: a generator bug (the first few, with their reasons). */
  unexpected: { type: string; planted?: PlantedCase; reasons: string[] }[];
  unexpectedCount: number;
  seconds: { registry: number; history: number };
}

export interface LoadDeps {
  connection: Connection;
  config: Pick<Config, 'secrets' | 'env'>;
  logger: Logger;
  onProgress?: (p: LoadProgress) => void;
  /** Events per transaction (default 4,000: fewer, larger transactions write the history fastest). */
  batchSize?: number;
  /** false: supervision and the Merkle log run while the history is written (default: they catch up afterwards). */
  quiet?: boolean;
  /** Runs with the components the city was loaded with, before they stop (the demo accounts). */
  afterLoad?: (components: Components, ids: CityIds) => Promise<void>;
}

const enterpriseAdmin = (enterpriseId: string, districtCode: string): Principal => ({
  kind: 'user', userId: SEED_USER_ID, username: 'demo-seed-enterprise', role: 'enterprise_admin', enterpriseId, districtCode,
});

/**
 * Writes the city through the platform's own paths: registry records through the registry's
 * services and bulk import (validated, audited, credentials verified as a regulator entered them,
 * or submitted by the enterprise where the city says so), the scales through the devices API, and
 * the year of history through the ledger's capture (prepare → decide → write in one transaction
 * per batch), so chains, projections, refusals and the Merkle log are the real thing.
 */
export async function loadCity(city: City, deps: LoadDeps): Promise<LoadResult> {
  const started = Date.now();
  const components = await buildComponents(
    { connection: deps.connection, config: deps.config, logger: deps.logger },
    // The seed's principals have no account: admit them, check everyone else as usual.
    { accountCheck: (principal, check) => (principal.userId === SEED_USER_ID ? Promise.resolve(true) : check(principal)) },
  );
  try {
    const registryTotal = city.enterprises.length + city.sites.length + city.vehicles.length + city.workers.length + city.customers.length + city.cylinders.length;
    let registryDone = 0;
    const tick = (n: number) => {
      registryDone += n;
      deps.onProgress?.({ phase: 'registry', done: registryDone, total: registryTotal });
    };
    const ids = await loadRegistry(city, components, tick);
    ids.scales = await registerScales(city, ids, components, deps);
    // Supervision and the Merkle log read on from their stored positions whenever they run: while
    // the history is written they would only compete with it, so they catch up after the start.
    if (deps.quiet !== false) {
      await components.alerts.module.stop?.();
      await components.ledgerLog.stop();
    }
    const registrySeconds = (Date.now() - started) / 1000;
    const historyStarted = Date.now();
    const history = await loadHistory(city, ids, components, deps);
    await deps.afterLoad?.(components, ids);
    return { ids, ...history, seconds: { registry: registrySeconds, history: (Date.now() - historyStarted) / 1000 } };
  } finally {
    for (const module of components.modules) await module.stop?.();
  }
}

async function loadRegistry(city: City, c: Components, tick: (n: number) => void): Promise<CityIds> {
  const s = c.registry.services;
  const enterprises: string[] = [];
  for (const e of city.enterprises) {
    const created = await s.enterprises.create(SEED_REGULATOR, { name: e.name, districtCode: e.districtCode, address: e.address, ...(e.licence ? { licence: e.licence } : {}) });
    const id = String(created.id);
    enterprises.push(id);
    if (e.pendingRenewal) await c.registry.credentials.apply(enterpriseAdmin(id, e.districtCode), 'enterprises', id, 'licence', 'submit', e.pendingRenewal);
    tick(1);
  }
  const adminOf = (e: number) => enterpriseAdmin(enterprises[e] as string, city.enterprises[e]?.districtCode as string);
  const upsert = async (resource: 'sites' | 'vehicles' | 'workers' | 'customers' | 'cylinders', rows: { enterprise: number; byEnterprise?: boolean; body: Record<string, unknown> }[]) => {
    // The regulator's rows in chunks; the rows an enterprise registered itself, as that enterprise.
    const groups = new Map<string, { principal: Principal; bodies: Record<string, unknown>[] }>();
    for (const row of rows) {
      const key = row.byEnterprise ? `e${row.enterprise}` : 'city';
      const group = groups.get(key) ?? { principal: row.byEnterprise ? adminOf(row.enterprise) : SEED_REGULATOR, bodies: [] };
      group.bodies.push(row.byEnterprise ? withoutEnterprise(row.body) : { enterpriseId: enterprises[row.enterprise], ...row.body });
      groups.set(key, group);
    }
    for (const { principal, bodies } of groups.values()) {
      for (let i = 0; i < bodies.length; i += 1000) {
        const chunk = bodies.slice(i, i + 1000);
        const result = await c.registry.bulkUpsert.upsertMany(resource, chunk, principal, { dryRun: false });
        if (result.errors.length > 0) throw new Error(`demo city: ${resource}: ${JSON.stringify(result.errors.slice(0, 3))}`);
        tick(chunk.length);
      }
    }
  };
  const byCode = async (resource: 'sites' | 'vehicles' | 'workers' | 'cylinders', rows: { enterprise: number; code: string }[]) => {
    const out: string[] = new Array<string>(rows.length);
    const perEnterprise = new Map<number, number[]>();
    rows.forEach((r, i) => perEnterprise.set(r.enterprise, [...(perEnterprise.get(r.enterprise) ?? []), i]));
    for (const [e, indexes] of perEnterprise) {
      for (let k = 0; k < indexes.length; k += 2000) {
        const part = indexes.slice(k, k + 2000);
        const found = await c.registry.codes.idsByCode(resource, enterprises[e] as string, part.map((i) => (rows[i] as { code: string }).code));
        for (const i of part) {
          const id = found.get((rows[i] as { code: string }).code);
          if (!id) throw new Error(`demo city: ${resource} ${(rows[i] as { code: string }).code} was not registered`);
          out[i] = id;
        }
      }
    }
    return out;
  };

  await upsert('sites', city.sites.map(({ enterprise, byEnterprise, state: _state, ...body }) => ({ enterprise, ...(byEnterprise ? { byEnterprise } : {}), body })));
  const sites = await byCode('sites', city.sites.map((x) => ({ enterprise: x.enterprise, code: x.code })));
  await upsert('vehicles', city.vehicles.map(({ enterprise, ...body }) => ({ enterprise, body })));
  const vehicles = await byCode('vehicles', city.vehicles.map((x) => ({ enterprise: x.enterprise, code: x.plate })));
  await upsert('workers', city.workers.map(({ enterprise, site, byEnterprise, state: _state, ...body }) => ({ enterprise, ...(byEnterprise ? { byEnterprise } : {}), body: { ...body, ...(site !== undefined ? { siteId: sites[site] } : {}) } })));
  const workers = await byCode('workers', city.workers.map((x) => ({ enterprise: x.enterprise, code: x.staffNumber })));
  await upsert('customers', city.customers.map(({ enterprise, coordinates: _at, ...body }) => ({ enterprise, body })));
  const customers: string[] = [];
  for (const [i, x] of city.customers.entries()) {
    const id = await c.registry.customerIdByPhone(enterprises[x.enterprise] as string, x.phone);
    if (!id) throw new Error(`demo city: customer ${i} was not registered`);
    customers.push(id);
  }
  await upsert('cylinders', city.cylinders.map(({ enterprise, station, ...body }) => ({ enterprise, body: { ...body, fillingSiteId: sites[station] } })));
  const cylinders = await byCode('cylinders', city.cylinders.map((x) => ({ enterprise: x.enterprise, code: x.serial })));
  return { enterprises, sites, vehicles, workers, customers, cylinders, scales: new Map() };
}

function withoutEnterprise(body: Record<string, unknown>): Record<string, unknown> {
  const { enterpriseId: _e, ...rest } = body;
  return rest;
}

/** One scale per filling station, registered through the devices API as the enterprise's administrator. */
async function registerScales(city: City, ids: CityIds, c: Components, deps: LoadDeps): Promise<Map<number, string>> {
  const probe = { info: { mode: 'embedded' as const, engine: 'lpg-embedded' as const, name: deps.connection.name }, ping: async () => undefined };
  const app = createApp({ config: { isProduction: false, http: { bodyLimit: '100kb' } }, logger: deps.logger, database: probe, modules: c.modules });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const scales = new Map<number, string>();
  try {
    for (const [i, site] of city.sites.entries()) {
      if (site.kind !== 'filling_station') continue;
      const principal = enterpriseAdmin(ids.enterprises[site.enterprise] as string, city.enterprises[site.enterprise]?.districtCode as string);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signAccessToken(deps.config.secrets.JWT_SECRET, principal)}` },
        body: JSON.stringify({ siteId: ids.sites[i], name: '1号灌装秤', serialNumber: `QYCZ-${String(i + 1).padStart(4, '0')}` }),
      });
      const body = (await res.json()) as { deviceId?: string };
      if (res.status !== 201 || !body.deviceId) throw new Error(`demo city: scale of ${site.name}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      scales.set(i, body.deviceId);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return scales;
}

/** The event as a client of the capture path would send it, with the registry's ids. */
export function eventInputOf(e: CityEvent, ids: CityIds): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  const payload: Record<string, unknown> = { ...e.payload };
  const site = e.site === undefined ? undefined : ids.sites[e.site];
  if (site) {
    if (e.type === 'receive' || e.type === 'return_empty') payload.siteId = site;
    else where.siteId = site;
  }
  if (e.vehicle !== undefined) payload.vehicleId = ids.vehicles[e.vehicle];
  if (e.customer !== undefined) payload.customerId = ids.customers[e.customer];
  if (e.coordinates) where.coordinates = e.coordinates;
  if (e.by.kind === 'scale') payload.operatorWorkerId = ids.workers[e.by.operator];
  return {
    eventId: e.eventId,
    ...(typeof e.cylinder === 'number' ? { cylinderId: ids.cylinders[e.cylinder] } : { serial: e.cylinder.serial }),
    type: e.type,
    occurredAt: e.occurredAt,
    where,
    payload,
  };
}

export function actorOf(by: CityActor, city: City, ids: CityIds): EventActor {
  switch (by.kind) {
    case 'regulator':
      return { kind: 'user', id: SEED_USER_ID, role: 'city_regulator' };
    case 'scale': {
      const site = city.sites[by.station];
      return { kind: 'device', id: ids.scales.get(by.station) as string, enterpriseId: ids.enterprises[site?.enterprise ?? -1] as string };
    }
    case 'worker': {
      const w = city.workers[by.worker];
      const id = ids.workers[by.worker] as string;
      return { kind: 'worker', id, role: w?.role === 'filling_operator' ? 'filling_operator' : 'delivery_worker', enterpriseId: ids.enterprises[w?.enterprise ?? -1] as string, workerId: id };
    }
  }
}

const actorKey = (by: CityActor) => (by.kind === 'regulator' ? 'r' : by.kind === 'scale' ? `s${by.station}` : `w${by.worker}`);

/**
 * The year of events in time order, a batch per transaction. A batch is cut before the next event
 * of a cylinder that had a periodic inspection in it: the inspection moves the registry's dates,
 * which the batch read before it started.
 */
async function loadHistory(city: City, ids: CityIds, c: Components, deps: LoadDeps): Promise<Omit<LoadResult, 'ids' | 'seconds'>> {
  const transaction = unitOfWork(deps.connection);
  const size = deps.batchSize ?? 4000;
  const result: Omit<LoadResult, 'ids' | 'seconds'> = { accepted: 0, duplicates: 0, plantedRefusals: {}, unexpected: [], unexpectedCount: 0 };
  let done = 0;
  let i = 0;
  const total = city.events.length;
  while (i < total) {
    const batch: CityEvent[] = [];
    const inspected = new Set<number>();
    while (i < total && batch.length < size) {
      const e = city.events[i] as CityEvent;
      if (typeof e.cylinder === 'number' && inspected.has(e.cylinder)) break;
      if (e.type === 'periodic_inspection' && typeof e.cylinder === 'number') inspected.add(e.cylinder);
      batch.push(e);
      i++;
    }
    // Consecutive events of one actor form one unit; the units keep the batch's time order.
    const runs: { by: CityActor; events: CityEvent[] }[] = [];
    for (const e of batch) {
      const last = runs[runs.length - 1];
      if (last && actorKey(last.by) === actorKey(e.by)) last.events.push(e);
      else runs.push({ by: e.by, events: [e] });
    }
    const reads = c.ledger.sharedReads();
    const units = await Promise.all(
      runs.map(async (run) => ({ prepared: await c.ledger.prepareAppend(run.events.map((e) => eventInputOf(e, ids)), actorOf(run.by, city, ids), reads), atomic: false })),
    );
    const outcomes = await c.ledger.withAppendRetries((attempt) => transaction((session) => c.ledger.appendPrepared(units, session, attempt)));
    outcomes.forEach((unit, u) => unit.forEach((outcome, k) => tally(result, (runs[u] as { events: CityEvent[] }).events[k] as CityEvent, outcome)));
    done += batch.length;
    deps.onProgress?.({ phase: 'history', done, total });
  }
  return result;
}

function tally(result: Omit<LoadResult, 'ids' | 'seconds'>, e: CityEvent, outcome: AppendOutcome): void {
  if (outcome.status === 'accepted') result.accepted++;
  else if (outcome.status === 'duplicate') result.duplicates++;
  else if (e.planted && REFUSED_CASES.has(e.planted)) result.plantedRefusals[e.planted] = (result.plantedRefusals[e.planted] ?? 0) + 1;
  else {
    result.unexpectedCount++;
    if (result.unexpected.length < 10) result.unexpected.push({ type: e.type, ...(e.planted ? { planted: e.planted } : {}), reasons: (outcome.reasons ?? []).map((r) => `${r.code}: ${r.detail}`) });
  }
}

