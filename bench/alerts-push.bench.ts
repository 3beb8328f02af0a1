/**
 * Supervision's live push (issue 14): 1,000 Socket.IO clients of /alerts spread over the city's
 * eight districts (regulators of each district, the city's regulators, each district's enterprise
 * admin), and 10,000 events that fire rules — commissionings of cylinders overdue for inspection
 * (refused: OVERDUE_CYLINDER, the cylinder's district) mixed with events naming codes the city never
 * issued (refused: OUT_OF_CITY_CYLINDER, the city's alone) — sent at a steady rate by 32 clients.
 * Judged: event accepted (its HTTP answer) → alert received, p50 and p99 over every (event,
 * receiving socket) pair, as ratios to a bare Socket.IO broadcast (`nsp.emit` of a payload of the
 * same size) to the same 1,000 sockets in the same run, at the same pace; and zero alerts lost or
 * duplicated per socket (each socket gets exactly the alerts of its scope, once, in seq order).
 * The app and the clients share one process (the embedded database runs in another).
 * Run: npm run bench:alerts   (ALERTS_BENCH_EVENTS, ALERTS_BENCH_RATE to change the load)
 */
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp } from '../src/app';
import { signAccessToken, type Principal } from '../src/components/auth';
import { buildComponents } from '../src/components';
import { QINGYUAN_DISTRICTS } from '../src/components/registry';
import { connectDatabase } from '../src/shared/db/database.connection';
import { createRealtime } from '../src/shared/realtime/realtime.server';
import { listenOnFreePort } from '../test/foundation/app.harness';
import { startServerProcess } from '../test/support/embedded-server.process';
import { percentile, report } from './lib/bench';

const P99_VS_BROADCAST = 1.5;
const SOCKETS = 1_000;
const EVENTS = Number(process.env.ALERTS_BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.ALERTS_BENCH_RATE ?? 200);
const SENDERS = 32;
const UNKNOWN_SHARE = 0.2;
const BROADCASTS = 200;
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };
const DISTRICTS = QINGYUAN_DISTRICTS.map((d) => d.code);

interface Client {
  socket: Socket;
  scope: { kind: 'city' } | { kind: 'district'; code: string } | { kind: 'enterprise'; id: string };
  /** subject id → receipt times (more than one: a duplicate). */
  got: Map<string, number[]>;
  seqs: number[];
  pings: number[];
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  const uri = `${server.uri}${server.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'bench_alerts' });
  const logger = pino({ level: 'silent' });
  const components = await buildComponents({ connection: database.connection, config: { secrets: SECRETS, env: 'test' }, logger });
  const http = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '2mb' } }, logger, database, modules: components.modules }));
  const realtime = await createRealtime(http.server, logger);
  for (const m of components.modules) m.attachRealtime?.(realtime);
  const db = database.connection.db!;
  const clients: Client[] = [];
  try {
    // One enterprise with a station per district, its admin, and cylinders overdue for inspection, inserted raw.
    const at = new Date();
    const verified = (prefix: string, i: number) => ({ number: `${prefix}-${i}-${Date.now()}`, validTo: new Date('2030-01-01'), verifiedAt: at });
    const users: { _id: ObjectId; principal: Principal }[] = [];
    const user = (role: Principal['role'], extra: { enterpriseId?: string; districtCode?: string }) => {
      const _id = new ObjectId();
      users.push({ _id, principal: { kind: 'user', userId: _id.toHexString(), username: `bench-${_id.toHexString()}`, role, ...extra } });
      return users.at(-1) as (typeof users)[number];
    };
    const perDistrict = new Map<string, { enterpriseId: string; station: string; admin: Principal; cylinders: string[] }>();
    const cylinders: Record<string, unknown>[] = [];
    const inserts: Promise<unknown>[] = [];
    DISTRICTS.forEach((code, i) => {
      const enterpriseId = new ObjectId();
      const stationId = new ObjectId();
      const admin = user('enterprise_admin', { enterpriseId: enterpriseId.toHexString() }).principal;
      perDistrict.set(code, { enterpriseId: enterpriseId.toHexString(), station: stationId.toHexString(), admin, cylinders: [] });
      inserts.push(db.collection('enterprises').insertOne({ _id: enterpriseId, name: `清远燃气${i}`, districtCode: code, address: '清远', licence: verified('B', i), active: true, createdAt: at, updatedAt: at }));
      inserts.push(db.collection('sites').insertOne({ _id: stationId, enterpriseId, districtCode: code, kind: 'filling_station', name: `充装站${i}`, address: '清远', coordinates: [113.05 + i * 0.1, 23.68 + i * 0.1], licence: verified('S', i), fillingLicence: verified('F', i), active: true, createdAt: at, updatedAt: at }));
    });
    await Promise.all(inserts);
    const overdueCount = Math.round(EVENTS * (1 - UNKNOWN_SHARE));
    for (let i = 0; i < overdueCount; i++) {
      const code = DISTRICTS[i % DISTRICTS.length] as string;
      const d = perDistrict.get(code)!;
      const _id = new ObjectId();
      d.cylinders.push(_id.toHexString());
      cylinders.push({
        _id, enterpriseId: new ObjectId(d.enterpriseId), districtCode: code, serial: `OD${String(i).padStart(7, '0')}`, manufacturer: '佛山', manufactureDate: new Date('2021-01-01'), nominalKg: 15, model: 'YSP-15', tareKg: 14.5,
        fillingSiteId: new ObjectId(d.station), nextInspectionDate: new Date('2024-01-01'), designLifeYears: 8, serviceLifeEndsAt: new Date('2029-01-01'), active: true, createdAt: at, updatedAt: at,
      });
    }
    for (let i = 0; i < cylinders.length; i += 5_000) await db.collection('cylinders').insertMany(cylinders.slice(i, i + 5_000));
    // 1,000 sockets: the city's regulators, each district's enterprise admin, and district regulators for the rest.
    const cityCount = 8;
    const scopes: Client['scope'][] = [
      ...Array.from({ length: cityCount }, () => ({ kind: 'city' as const })),
      ...DISTRICTS.map((code) => ({ kind: 'enterprise' as const, id: perDistrict.get(code)!.enterpriseId })),
    ];
    while (scopes.length < SOCKETS) scopes.push({ kind: 'district', code: DISTRICTS[scopes.length % DISTRICTS.length] as string });
    const tokens = scopes.map((scope) => {
      if (scope.kind === 'enterprise') return users.find((u) => u.principal.enterpriseId === scope.id)!.principal;
      return user(scope.kind === 'city' ? 'city_regulator' : 'district_regulator', scope.kind === 'district' ? { districtCode: scope.code } : {}).principal;
    });
    await db.collection('users').insertMany(users.map(({ _id, principal }) => ({ _id, username: principal.username, displayName: principal.username, role: principal.role, enterpriseId: principal.enterpriseId ? new ObjectId(principal.enterpriseId) : null, districtCode: principal.districtCode ?? null, workerId: null, active: true, passwordHash: 'x', passwordChangedAt: at, failedLoginCount: 0, lockedUntil: null, createdAt: at, updatedAt: at })));
    const url = `${http.url}/alerts`;
    for (let i = 0; i < SOCKETS; i += 50) {
      await Promise.all(
        scopes.slice(i, i + 50).map(async (scope, j) => {
          const socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: signAccessToken(SECRETS.JWT_SECRET, tokens[i + j] as Principal) } });
          const client: Client = { socket, scope, got: new Map(), seqs: [], pings: [] };
          const take = (payload: { alert: { subject: { id: string }; seq: number } }) => {
            const now = performance.now();
            const list = client.got.get(payload.alert.subject.id);
            if (list) list.push(now);
            else client.got.set(payload.alert.subject.id, [now]);
            client.seqs.push(payload.alert.seq);
          };
          socket.on('alert:new', take);
          socket.on('alert:update', take);
          socket.on('bench:ping', (p: { sentAt: number }) => client.pings.push(performance.now() - p.sentAt));
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          clients.push(client);
        }),
      );
    }
    process.stdout.write(`${clients.length} sockets connected\n`);
    const nsp = realtime.io.of('/alerts');
    const pad = 'x'.repeat(700);

    // Baseline: a bare broadcast of an alert-sized payload to the same 1,000 sockets, at the events' pace.
    const broadcast = async () => {
      for (const c of clients) c.pings = [];
      for (let i = 0; i < BROADCASTS; i++) {
        nsp.emit('bench:ping' as never, { sentAt: performance.now(), pad } as never);
        await new Promise((r) => setTimeout(r, 1000 / RATE));
      }
      await new Promise((r) => setTimeout(r, 1_000));
      return clients.flatMap((c) => c.pings);
    };
    const before = await broadcast();

    // The events: each sent alone (POST /events), answered 422 when refused; its alert's subject is the cylinder or the code.
    const events: { body: Record<string, unknown>; subject: string; district: string | null; enterprise: string; token: string }[] = [];
    const adminToken = new Map(DISTRICTS.map((code) => [code, signAccessToken(SECRETS.JWT_SECRET, perDistrict.get(code)!.admin)]));
    const queues = DISTRICTS.map((code) => [...perDistrict.get(code)!.cylinders]);
    for (let i = 0; i < EVENTS; i++) {
      const code = DISTRICTS[i % DISTRICTS.length] as string;
      const d = perDistrict.get(code)!;
      const cylinderId = queues[i % DISTRICTS.length]!.shift();
      if (cylinderId && (i % 5 !== 4 || queues.every((q) => q.length === 0))) {
        events.push({ body: { eventId: randomUUID(), cylinderId, type: 'commission', occurredAt: new Date().toISOString(), where: { siteId: d.station }, payload: {} }, subject: cylinderId, district: code, enterprise: d.enterpriseId, token: adminToken.get(code)! });
      } else {
        if (cylinderId) queues[i % DISTRICTS.length]!.unshift(cylinderId);
        const grai = `06141410150009B${i}`;
        events.push({ body: { eventId: randomUUID(), grai, type: 'report_lost', occurredAt: new Date().toISOString(), payload: {} }, subject: grai, district: null, enterprise: d.enterpriseId, token: adminToken.get(code)! });
      }
    }
    const acceptedAt = new Map<string, number>();
    let next = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let i = next++; i < events.length; i = next++) {
          const due = started + (i * 1000) / RATE;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const e = events[i]!;
          const res = await fetch(`${http.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' }, body: JSON.stringify(e.body) });
          await res.text();
          acceptedAt.set(e.subject, performance.now());
          // Refused: 422 (overdue) or 404 (CYLINDER_NOT_FOUND, the unknown codes), by the one reason table.
          if (res.status !== 422 && res.status !== 404) failures++;
        }
      }),
    );
    const sentSeconds = (performance.now() - started) / 1000;
    process.stdout.write(`${events.length} events sent in ${sentSeconds.toFixed(1)} s (${(events.length / sentSeconds).toFixed(0)}/s), ${failures} not refused as expected\n`);
    // Wait for every socket to have its scope's alerts (or give up after 60 s of silence).
    const expected = (c: Client) => events.filter((e) => c.scope.kind === 'city' || (c.scope.kind === 'district' && e.district === c.scope.code) || (c.scope.kind === 'enterprise' && e.enterprise === c.scope.id));
    const wanted = clients.map((c) => expected(c).length);
    let lastProgress = Date.now();
    let lastTotal = -1;
    while (Date.now() - lastProgress < 60_000) {
      const total = clients.reduce((n, c) => n + c.got.size, 0);
      if (clients.every((c, i) => c.got.size >= (wanted[i] as number))) break;
      if (total !== lastTotal) {
        lastTotal = total;
        lastProgress = Date.now();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await broadcast();

    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let foreign = 0;
    const latencies: number[] = [];
    clients.forEach((c) => {
      const mine = expected(c);
      const names = new Set(mine.map((e) => e.subject));
      for (const e of mine) {
        const times = c.got.get(e.subject);
        if (!times) lost++;
        else {
          if (times.length > 1) duplicated += times.length - 1;
          latencies.push((times[0] as number) - (acceptedAt.get(e.subject) as number));
        }
      }
      for (const subject of c.got.keys()) if (!names.has(subject)) foreign++;
      for (let i = 1; i < c.seqs.length; i++) if ((c.seqs[i] as number) <= (c.seqs[i - 1] as number)) outOfOrder++;
    });
    const baseline = [...before, ...after];
    const p = (values: number[], q: number) => percentile(values, q);
    const [a50, a99, b50, b99] = [p(latencies, 50), p(latencies, 99), p(baseline, 50), p(baseline, 99)];
    process.stdout.write(`alert latency p50 ${a50.toFixed(1)} ms, p99 ${a99.toFixed(1)} ms over ${latencies.length} deliveries; bare broadcast p50 ${b50.toFixed(1)} ms, p99 ${b99.toFixed(1)} ms over ${baseline.length}\n`);
    process.stdout.write(`lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}, outside scope ${foreign}\n`);
    report(
      'alerts-push',
      [
        { name: 'event accepted → alert received p99 / bare broadcast p99', value: a99 / b99, unit: '×', target: `≤ ${P99_VS_BROADCAST}`, met: a99 / b99 <= P99_VS_BROADCAST, absolute: { value: a99, unit: 'ms' }, baseline: { name: 'bare Socket.IO broadcast p99', value: b99, unit: 'ms' } },
        { name: 'event accepted → alert received p50 / bare broadcast p50 (reported)', value: a50 / b50, unit: '×', target: 'reported', met: true, absolute: { value: a50, unit: 'ms' }, baseline: { name: 'bare Socket.IO broadcast p50', value: b50, unit: 'ms' } },
        { name: 'alerts lost, duplicated, out of order or outside scope, over every socket', value: lost + duplicated + outOfOrder + foreign, unit: 'alerts', target: '= 0', met: lost + duplicated + outOfOrder + foreign === 0 },
      ],
      { sockets: clients.length, events: events.length, ratePerSecond: RATE, sentPerSecond: events.length / sentSeconds, deliveries: latencies.length, lost, duplicated, outOfOrder, outsideScope: foreign, refusedAsExpected: events.length - failures, broadcastsPerPhase: BROADCASTS },
    );
  } finally {
    for (const c of clients) c.socket.close();
    for (const m of components.modules) await m.stop?.();
    await realtime.close();
    await http.close();
    await components.ledgerLog.stop();
    await database.close();
    server.kill('SIGTERM');
    await server.exited;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
