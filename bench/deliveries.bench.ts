/**
 * Delivery flows benchmark (issue 13). The real app (createComponents) on the embedded server in its
 * own process. 50 simulated delivery workers each upload an offline batch of 100 visits at once
 * (POST /api/v1/deliveries/sync): every visit an exchange at a customer's door — a full cylinder
 * handed over (confirmed by the phone's last four digits) and the empty one collected. The baseline,
 * measured in the same run next to it: the same 50 workers posting the same ledger events (the
 * hand-over and the return of each visit, 200 a worker) through POST /api/v1/events/batch, on
 * cylinders in the same states. The flows may cost at most 2× the raw events:
 * - wall time of the 50 raw batches / wall time of the 50 flow batches ≥ 0.5;
 * - p99 raw batch latency / p99 flow batch latency ≥ 0.5.
 * Runs alternate which goes first; medians of RUNS runs after a warm-up.
 * Run: npm run bench:deliveries
 */
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import pino from 'pino';
import { createApp } from '../src/app';
import { signAccessToken } from '../src/components/auth';
import { createComponents } from '../src/components';
import { connectDatabase } from '../src/shared/db/database.connection';
import { listenOnFreePort } from '../test/foundation/app.harness';
import { startServerProcess } from '../test/support/embedded-server.process';
import { median, percentile, report } from './lib/bench';

const MAX_COST = 2;
const WORKERS = 50;
const VISITS = 100;
const RUNS = 3;
const CUSTOMERS = 500;
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };

type Held = { cylinderId: string; customer: number };

async function main(): Promise<void> {
  const server = await startServerProcess();
  const uri = `${server.uri}${server.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'bench_deliveries' });
  const logger = pino({ level: 'silent' });
  const modules = await createComponents({ connection: database.connection, config: { secrets: SECRETS, env: 'test' }, logger });
  const http = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '2mb' } }, logger, database, modules }));
  const db = database.connection.db!;
  const call = async (path: string, token: string, body: unknown) => {
    const res = await fetch(`${http.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
  try {
    // The world, inserted raw: one enterprise, its station, supply point and vehicle (licences and
    // permit as a regulator verified them), 50 certified workers with accounts, 500 customers.
    const at = new Date();
    const verified = (prefix: string) => ({ number: `${prefix}-${Date.now()}`, validFrom: new Date('2020-01-01'), validTo: new Date('2030-01-01'), verifiedAt: at });
    const enterpriseId = new ObjectId();
    const stationId = new ObjectId();
    const supplyId = new ObjectId();
    const vehicleId = new ObjectId();
    const base = { enterpriseId, districtCode: '441802', active: true, createdAt: at, updatedAt: at };
    await db.collection('enterprises').insertOne({ _id: enterpriseId, name: '清远燃气有限公司', districtCode: '441802', address: '清城区', licence: verified('E'), active: true, createdAt: at, updatedAt: at });
    await db.collection('sites').insertMany([
      { _id: stationId, ...base, kind: 'filling_station', name: '清城充装站', code: 'S1', address: '清城区', coordinates: [113.05, 23.68], licence: verified('S'), fillingLicence: verified('F') },
      { _id: supplyId, ...base, kind: 'supply_point', name: '清城供应站', code: 'S2', address: '清城区', coordinates: [113.06, 23.69], licence: verified('P') },
    ]);
    await db.collection('vehicles').insertOne({ _id: vehicleId, ...base, plate: '粤R12345', kind: 'cylinder_truck', permit: verified('V') });
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({ _id: new ObjectId(), ...base, kind: 'business', realName: `餐饮店${i}`, phone: `138${String(i).padStart(8, '0')}`, address: `清城区${i}号`, naturalKey: `tel:138${String(i).padStart(8, '0')}` }));
    await db.collection('customers').insertMany(customers);
    const workers = Array.from({ length: WORKERS }, (_, i) => ({ _id: new ObjectId(), ...base, realName: `送气工${i}`, staffNumber: `W${i}`, idNumberHash: `bench-${i}`, idNumberLast4: '0000', role: 'delivery_worker', certificate: verified(`C${i}`) }));
    await db.collection('workers').insertMany(workers);
    const tokens: string[] = [];
    for (const w of workers) {
      const { insertedId } = await db.collection('users').insertOne({ username: `bench-${w.staffNumber}`, displayName: w.realName, role: 'delivery_worker', enterpriseId, districtCode: '441802', workerId: w._id, active: true, passwordHash: 'x', passwordChangedAt: at, failedLoginCount: 0, lockedUntil: null, createdAt: at, updatedAt: at });
      tokens.push(signAccessToken(SECRETS.JWT_SECRET, { kind: 'user', userId: insertedId.toHexString(), username: `bench-${w.staffNumber}`, role: 'delivery_worker', enterpriseId: enterpriseId.toHexString(), workerId: w._id.toHexString() }));
    }
    const { insertedId: adminId } = await db.collection('users').insertOne({ username: 'bench-admin', displayName: 'bench-admin', role: 'enterprise_admin', enterpriseId, districtCode: null, workerId: null, active: true, passwordHash: 'x', passwordChangedAt: at, failedLoginCount: 0, lockedUntil: null, createdAt: at, updatedAt: at });
    const admin = signAccessToken(SECRETS.JWT_SECRET, { kind: 'user', userId: adminId.toHexString(), username: 'bench-admin', role: 'enterprise_admin', enterpriseId: enterpriseId.toHexString() });

    const perRun = WORKERS * VISITS;
    const pool = Array.from({ length: 2 * perRun * (RUNS + 2) }, (_, i) => ({
      _id: new ObjectId(), ...base, serial: `D${String(i).padStart(7, '0')}`, manufacturer: '佛山', manufactureDate: new Date('2022-01-01'),
      nominalKg: 15, model: 'YSP-15', tareKg: 14.5, fillingSiteId: stationId, nextInspectionDate: new Date('2030-01-01'), designLifeYears: 8, serviceLifeEndsAt: new Date('2030-01-01'),
    }));
    for (let i = 0; i < pool.length; i += 5000) await db.collection('cylinders').insertMany(pool.slice(i, i + 5000));
    let next = 0;
    let clock = Date.now() - 20 * 3_600_000;
    const tick = () => new Date((clock += 50)).toISOString();
    const ev = (type: string, cylinderId: string, where: object, payload: object) => ({ eventId: randomUUID(), cylinderId, type, occurredAt: tick(), where, payload });

    /** `count` fresh cylinders brought to in_transit (and handed over to a customer each when `customer` is given), through the ledger. */
    async function prepare(count: number, toCustomer: boolean): Promise<Held[]> {
      const held = Array.from({ length: count }, (_, i) => ({ cylinderId: (pool[next++] as { _id: ObjectId })._id.toHexString(), customer: i % CUSTOMERS }));
      const events = held.flatMap(({ cylinderId, customer }) => [
        ev('commission', cylinderId, { siteId: stationId.toHexString() }, {}),
        ev('inspect', cylinderId, { siteId: stationId.toHexString() }, { result: 'pass' }),
        ev('fill', cylinderId, { siteId: stationId.toHexString() }, { tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 }),
        ev('dispatch', cylinderId, {}, { vehicleId: vehicleId.toHexString() }),
        ...(toCustomer ? [ev('hand_over', cylinderId, {}, { customerId: (customers[customer] as { _id: ObjectId })._id.toHexString(), confirmedByCustomer: true })] : []),
      ]);
      const chunks: object[][] = [];
      for (let i = 0; i < events.length; i += 1000) chunks.push(events.slice(i, i + 1000));
      for (let i = 0; i < chunks.length; i += 4) {
        await Promise.all(chunks.slice(i, i + 4).map(async (chunk) => {
          const body = await call('/api/v1/events/batch', admin, { events: chunk });
          if (body.accepted !== chunk.length) throw new Error(`setup: ${JSON.stringify(body).slice(0, 300)}`);
        }));
      }
      return held;
    }

    /** Worker w's 100 visits: deliver fresh[k], collect held[k] from the same customer (k = w·100 + i). */
    const visitsOf = (w: number, fresh: Held[], held: Held[]) => Array.from({ length: VISITS }, (_, i) => {
      const k = w * VISITS + i;
      const customer = customers[(held[k] as Held).customer] as { _id: ObjectId; phone: string };
      return {
        kind: 'visit', visitId: randomUUID(), occurredAt: tick(), customerId: customer._id.toHexString(), vehicleId: vehicleId.toHexString(),
        deliver: { cylinders: [{ cylinderId: (fresh[k] as Held).cylinderId }] },
        collect: { returnTo: supplyId.toHexString(), cylinders: [{ cylinderId: (held[k] as Held).cylinderId }] },
        confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) },
      };
    });
    /** The same visits as the ledger events they stand for, as a raw client would post them. */
    const eventsOf = (visits: ReturnType<typeof visitsOf>) => visits.flatMap((v) => [
      { eventId: randomUUID(), cylinderId: v.deliver.cylinders[0]?.cylinderId, type: 'hand_over', occurredAt: v.occurredAt, where: { vehicleId: v.vehicleId }, payload: { customerId: v.customerId, confirmedByCustomer: true, confirmation: { method: 'phone_last4' } } },
      { eventId: randomUUID(), cylinderId: v.collect.cylinders[0]?.cylinderId, type: 'return_empty', occurredAt: v.occurredAt, where: { vehicleId: v.vehicleId }, payload: { siteId: v.collect.returnTo, customerId: v.customerId, condition: 'empty' } },
    ]);

    /** 50 batches at once: wall time and each batch's latency. */
    async function burst(send: (w: number) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
      const started = performance.now();
      const latencies = await Promise.all(Array.from({ length: WORKERS }, async (_, w) => {
        const t = performance.now();
        await send(w);
        return performance.now() - t;
      }));
      return { seconds: (performance.now() - started) / 1000, latencies };
    }

    process.stdout.write(`setting up ${2 * perRun} cylinders with customers...\n`);
    let heldRaw = await prepare(perRun, true);
    let heldFlow = await prepare(perRun, true);
    const rounds = { rawSeconds: [] as number[], flowSeconds: [] as number[], rawP99: [] as number[], flowP99: [] as number[] };
    for (let run = 0; run <= RUNS; run++) {
      const [freshRaw, freshFlow] = [await prepare(perRun, false), await prepare(perRun, false)];
      const raw = async () => burst(async (w) => {
        const body = await call('/api/v1/events/batch', tokens[w] as string, { events: eventsOf(visitsOf(w, freshRaw, heldRaw)) });
        if (body.accepted !== 2 * VISITS) throw new Error(`raw batch: ${JSON.stringify(body).slice(0, 300)}`);
      });
      const flows = async () => burst(async (w) => {
        const body = await call('/api/v1/deliveries/sync', tokens[w] as string, { visits: visitsOf(w, freshFlow, heldFlow) });
        if (body.recorded !== VISITS) throw new Error(`flow batch: ${JSON.stringify(body).slice(0, 300)}`);
      });
      // Alternate which goes first, so that neither always meets a busier machine.
      let r: Awaited<ReturnType<typeof raw>>;
      let f: Awaited<ReturnType<typeof flows>>;
      if (run % 2 === 0) {
        r = await raw();
        f = await flows();
      } else {
        f = await flows();
        r = await raw();
      }
      heldRaw = freshRaw;
      heldFlow = freshFlow;
      const line = `run ${run}${run === 0 ? ' (warm-up)' : ''}: raw ${(perRun / r.seconds).toFixed(0)} visits/s (p99 ${percentile(r.latencies, 99).toFixed(0)} ms), flows ${(perRun / f.seconds).toFixed(0)} visits/s (p99 ${percentile(f.latencies, 99).toFixed(0)} ms), ${(f.seconds / r.seconds).toFixed(2)} × the raw time\n`;
      process.stdout.write(line);
      if (run === 0) continue;
      rounds.rawSeconds.push(r.seconds);
      rounds.flowSeconds.push(f.seconds);
      rounds.rawP99.push(percentile(r.latencies, 99));
      rounds.flowP99.push(percentile(f.latencies, 99));
    }
    const stored = await db.collection('delivery_visits').countDocuments({});
    if (stored !== perRun * (RUNS + 1)) throw new Error(`${stored} visits stored, ${perRun * (RUNS + 1)} sent`);
    const timeRatio = median(rounds.rawSeconds.map((s, i) => s / (rounds.flowSeconds[i] as number)));
    const p99Ratio = median(rounds.rawP99.map((p, i) => p / (rounds.flowP99[i] as number)));
    const rawRate = { name: `events/batch of the same events (${WORKERS} × ${2 * VISITS} events at once)`, value: perRun / median(rounds.rawSeconds), unit: 'visits/s' };
    report('deliveries', [
      { name: `offline flow batches (${WORKERS} workers × ${VISITS} visits at once): raw time / flow time`, value: timeRatio, unit: '×', target: `≥ ${1 / MAX_COST}`, met: timeRatio >= 1 / MAX_COST,
        absolute: { value: perRun / median(rounds.flowSeconds), unit: 'visits/s' }, baseline: rawRate },
      { name: 'p99 batch latency: raw / flows', value: p99Ratio, unit: '×', target: `≥ ${1 / MAX_COST}`, met: p99Ratio >= 1 / MAX_COST,
        absolute: { value: median(rounds.flowP99), unit: 'ms' }, baseline: { name: 'p99 raw events/batch latency', value: median(rounds.rawP99), unit: 'ms' } },
    ], { workers: WORKERS, visitsPerBatch: VISITS, eventsPerVisit: 2, runs: RUNS, rounds });
  } finally {
    await http.close();
    await database.close();
    server.kill('SIGTERM');
    await server.exited;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
