/**
 * Supervision's live push (issue 14): 1,000 Socket.IO clients of /alerts spread over the city's
 * eight districts (the city's regulators, each district's enterprise admin, district regulators
 * for the rest), and 10,000 events that fire rules — commissionings of cylinders overdue for
 * inspection (refused: OVERDUE_CYLINDER, the cylinder's district) mixed with events naming codes
 * the city never issued (refused: OUT_OF_CITY_CYLINDER, the enterprise's district) — sent at a
 * steady rate by 32 concurrent clients.
 *
 * Judged: event accepted (its HTTP answer) → alert received, p50 and p99 over every (event,
 * receiving socket) pair, as ratios to a bare Socket.IO broadcast beside it in the same run: for
 * every ALERTS_BENCH_BESIDE_EVERY-th event (10th), the app emits a payload of the alert's size to
 * the rooms its alert goes to (the city's, its district's, its enterprise's: the same sockets) the
 * moment the event's request has been answered — what pushing the event straight from the request,
 * with no rules and nothing stored, delivers under the very same load — event accepted → received;
 * and zero alerts lost, duplicated, out of order or outside scope per socket. Reported beside: the
 * same emit on the idle app after the run (one per event, at the pace the events went at, for the
 * run's first ALERTS_BENCH_BASELINE_EVENTS, 2,000, sent-at → received), which shows what the
 * pipeline costs with no load at all. (A broadcast of every message to all 1,000 sockets is 7.5×
 * the messages of the alerts, and saturates this machine: it is no baseline.)
 * Several runs (ALERTS_BENCH_RUNS, 3), each with its own cylinders and codes; the judged figures
 * are the medians of the runs' figures.
 *
 * Processes: the app alone in one (bench/lib/alerts-bench.server.ts), the embedded database in
 * another, the sockets in ALERTS_BENCH_CLIENT_PROCESSES (2) of their own, the senders in one; this
 * process only seeds the database and orchestrates. Every time is performance.timeOrigin +
 * performance.now(), one clock across the processes. The app's runner reports each pass's stage
 * times, printed as the breakdown of where the time goes.
 *
 * Run: npm run bench:alerts   (ALERTS_BENCH_EVENTS, ALERTS_BENCH_RATE, ALERTS_BENCH_RUNS to change the load)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { signAccessToken, type Principal } from '../src/components/auth';
import type { PassTiming } from '../src/components/alerts';
import { QINGYUAN_DISTRICTS } from '../src/components/registry';
import { benchNodeArgs, startServerProcess } from '../test/support/embedded-server.process';
import type { BenchEvent, ClientsAnswer, ClientsCommand, Judged, Scope } from './lib/alerts-bench.clients';
import type { SenderAnswer, SenderCommand } from './lib/alerts-bench.sender';
import { BENCH_SECRETS } from './lib/alerts-bench.secrets';
import type { ServerAnswer, ServerCommand } from './lib/alerts-bench.server';
import { median, percentile, report } from './lib/bench';

const P99_VS_BROADCAST = 1.5;
const SOCKETS = 1_000;
const EVENTS = Number(process.env.ALERTS_BENCH_EVENTS ?? 10_000);
const RATE = Number(process.env.ALERTS_BENCH_RATE ?? 200);
const RUNS = Number(process.env.ALERTS_BENCH_RUNS ?? 3);
const CLIENT_PROCESSES = Number(process.env.ALERTS_BENCH_CLIENT_PROCESSES ?? 2);
const SENDERS = 32;
const UNKNOWN_SHARE = 0.2;
/** How many of a run's events the baseline replays (their rooms, in their order). */
const BASELINE_EVENTS = Number(process.env.ALERTS_BENCH_BASELINE_EVENTS ?? 2_000);
/** Every how many events a bare broadcast goes beside the run (10: a tenth more messages than the alerts alone). */
const BESIDE_EVERY = Number(process.env.ALERTS_BENCH_BESIDE_EVERY ?? 10);
const DISTRICTS = QINGYUAN_DISTRICTS.map((d) => d.code);
const DB_NAME = 'bench_alerts';
/** The benchmark's tokens outlive it (the default 15 minutes would end the sockets in the middle of a long run). */
const TOKEN_TTL_S = 6 * 3_600;

/** A child process of this benchmark (tsx loaded, structured-clone IPC for the typed arrays). */
function child(script: string, args: string[] = []): ChildProcess {
  return fork(join(__dirname, 'lib', script), args, { execArgv: ['--import', 'tsx', ...benchNodeArgs()], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Sends a command and resolves with the child's next answer of `kind`. */
function ask<A extends { kind: string }>(proc: ChildProcess, command: unknown, kind: A['kind']): Promise<A> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: A) => {
      if (answer.kind !== kind) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(answer);
    };
    const onExit = (code: number | null) => reject(new Error(`a benchmark process exited (${code}) before answering ${kind}`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    if (command !== undefined) proc.send(command as never);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inScope = (scope: Scope, e: BenchEvent) => scope.kind === 'city' || (scope.kind === 'district' && e.district === scope.code) || (scope.kind === 'enterprise' && e.enterprise === scope.id);
const q = (values: ArrayLike<number>, p: number) => (values.length ? percentile(Array.from(values), p) : Number.NaN);

interface RunFigures {
  alert: { p50: number; p99: number; n: number };
  broadcast: { p50: number; p99: number; n: number; pace: number };
  beside: { p50: number; p99: number; n: number; missing: number };
  handed: { p50: number; p99: number };
  transit: { p50: number; p99: number };
  stages: Record<string, { p50: number; p99: number }>;
  inputsPerPass: number;
  passes: number;
  sentPerSecond: number;
  notRefused: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  foreign: number;
}

async function main(): Promise<void> {
  const db = await startServerProcess();
  const uri = `${db.uri}${db.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const mongo = await MongoClient.connect(uri);
  const data = mongo.db(DB_NAME);
  const procs: ChildProcess[] = [];
  try {
    const server = child('alerts-bench.server.ts', [uri]);
    procs.push(server);
    const { url } = await ask<Extract<ServerAnswer, { kind: 'ready' }>>(server, undefined, 'ready');

    // One enterprise with a station per district, its admin, and per run cylinders overdue for inspection, inserted raw.
    const at = new Date();
    const verified = (prefix: string, i: number) => ({ number: `${prefix}-${i}-${Date.now()}`, validTo: new Date('2030-01-01'), verifiedAt: at });
    const users: { _id: ObjectId; principal: Principal }[] = [];
    const user = (role: Principal['role'], extra: { enterpriseId?: string; districtCode?: string }) => {
      const _id = new ObjectId();
      users.push({ _id, principal: { kind: 'user', userId: _id.toHexString(), username: `bench-${_id.toHexString()}`, role, ...extra } });
      return users.at(-1) as (typeof users)[number];
    };
    const perDistrict = new Map<string, { enterpriseId: string; station: string; admin: Principal }>();
    await Promise.all(
      DISTRICTS.flatMap((code, i) => {
        const enterpriseId = new ObjectId();
        const stationId = new ObjectId();
        perDistrict.set(code, { enterpriseId: enterpriseId.toHexString(), station: stationId.toHexString(), admin: user('enterprise_admin', { enterpriseId: enterpriseId.toHexString() }).principal });
        return [
          data.collection('enterprises').insertOne({ _id: enterpriseId, name: `清远燃气${i}`, districtCode: code, address: '清远', licence: verified('B', i), active: true, createdAt: at, updatedAt: at }),
          data.collection('sites').insertOne({ _id: stationId, enterpriseId, districtCode: code, kind: 'filling_station', name: `充装站${i}`, address: '清远', coordinates: [113.05 + i * 0.1, 23.68 + i * 0.1], licence: verified('S', i), fillingLicence: verified('F', i), active: true, createdAt: at, updatedAt: at }),
        ];
      }),
    );
    const overduePerRun = Math.round(EVENTS * (1 - UNKNOWN_SHARE));
    const cylindersOf: string[][] = [];
    for (let run = 0; run < RUNS; run++) {
      const docs: Record<string, unknown>[] = [];
      const ids: string[] = [];
      for (let i = 0; i < overduePerRun; i++) {
        const code = DISTRICTS[i % DISTRICTS.length] as string;
        const d = perDistrict.get(code)!;
        const _id = new ObjectId();
        ids.push(_id.toHexString());
        docs.push({
          _id, enterpriseId: new ObjectId(d.enterpriseId), districtCode: code, serial: `OD${run}${String(i).padStart(7, '0')}`, manufacturer: '佛山', manufactureDate: new Date('2021-01-01'), nominalKg: 15, model: 'YSP-15', tareKg: 14.5,
          fillingSiteId: new ObjectId(d.station), nextInspectionDate: new Date('2024-01-01'), designLifeYears: 8, serviceLifeEndsAt: new Date('2029-01-01'), active: true, createdAt: at, updatedAt: at,
        });
      }
      for (let i = 0; i < docs.length; i += 5_000) await data.collection('cylinders').insertMany(docs.slice(i, i + 5_000));
      cylindersOf.push(ids);
    }
    // 1,000 sockets: the city's regulators, each district's enterprise admin, and district regulators for the rest.
    const scopes: Scope[] = [...Array.from({ length: 8 }, () => ({ kind: 'city' as const })), ...DISTRICTS.map((code) => ({ kind: 'enterprise' as const, id: perDistrict.get(code)!.enterpriseId }))];
    while (scopes.length < SOCKETS) scopes.push({ kind: 'district', code: DISTRICTS[scopes.length % DISTRICTS.length] as string });
    const principals = scopes.map((scope) => {
      if (scope.kind === 'enterprise') return users.find((u) => u.principal.enterpriseId === scope.id)!.principal;
      return user(scope.kind === 'city' ? 'city_regulator' : 'district_regulator', scope.kind === 'district' ? { districtCode: scope.code } : {}).principal;
    });
    await data.collection('users').insertMany(users.map(({ _id, principal }) => ({ _id, username: principal.username, displayName: principal.username, role: principal.role, enterpriseId: principal.enterpriseId ? new ObjectId(principal.enterpriseId) : null, districtCode: principal.districtCode ?? null, workerId: null, active: true, passwordHash: 'x', passwordChangedAt: at, failedLoginCount: 0, lockedUntil: null, createdAt: at, updatedAt: at })));

    // The sockets, dealt round-robin over the client processes (each gets every kind of scope).
    const clientProcs = Array.from({ length: CLIENT_PROCESSES }, () => child('alerts-bench.clients.ts'));
    procs.push(...clientProcs);
    const dealt = clientProcs.map((_, k) => scopes.flatMap((scope, i) => (i % CLIENT_PROCESSES === k ? [{ scope, token: signAccessToken(BENCH_SECRETS.JWT_SECRET, principals[i] as Principal, TOKEN_TTL_S) }] : [])));
    const connected = await Promise.all(clientProcs.map((p, k) => ask<Extract<ClientsAnswer, { kind: 'connected' }>>(p, { cmd: 'connect', url, sockets: dealt[k] ?? [] } satisfies ClientsCommand, 'connected')));
    process.stdout.write(`${connected.reduce((n, c) => n + c.count, 0)} sockets connected in ${CLIENT_PROCESSES} processes\n`);
    const sender = child('alerts-bench.sender.ts');
    procs.push(sender);

    // Baseline: a bare emit of an alert-sized payload per event to the rooms its alert goes to (the same sockets), at the pace the events went at.
    const broadcast = async (targets: BenchEvent[], rate: number) => {
      await Promise.all(clientProcs.map((p) => ask(p, { cmd: 'resetPings' } satisfies ClientsCommand, 'reset')));
      await ask(server, { cmd: 'broadcast', targets: targets.map((e) => ({ districtCode: e.district, enterpriseId: e.enterprise })), rate } satisfies ServerCommand, 'broadcast-done');
      const expect = (k: number) => dealt[k]!.map(({ scope }) => targets.filter((e) => inScope(scope, e)).length);
      return (await Promise.all(clientProcs.map((p, k) => ask<Extract<ClientsAnswer, { kind: 'pings' }>>(p, { cmd: 'pings', expect: expect(k) } satisfies ClientsCommand, 'pings')))).flatMap((a) => Array.from(a.latencies));
    };
    const adminToken = new Map(DISTRICTS.map((code) => [code, signAccessToken(BENCH_SECRETS.JWT_SECRET, perDistrict.get(code)!.admin, TOKEN_TTL_S)]));

    const runs: RunFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      // The events: each sent alone (POST /events), refused; its alert's subject is the cylinder or the code.
      const queues = DISTRICTS.map((_, k) => cylindersOf[run]!.filter((_, i) => i % DISTRICTS.length === k));
      const events: (BenchEvent & { token: string; body: Record<string, unknown> })[] = [];
      for (let i = 0; i < EVENTS; i++) {
        const code = DISTRICTS[i % DISTRICTS.length] as string;
        const d = perDistrict.get(code)!;
        const queue = queues[i % DISTRICTS.length]!;
        const cylinderId = i % 5 !== 4 || queues.every((x) => x.length === 0) ? queue.shift() : undefined;
        if (cylinderId) {
          events.push({ body: { eventId: randomUUID(), cylinderId, type: 'commission', occurredAt: new Date().toISOString(), where: { siteId: d.station }, payload: {} }, subject: cylinderId, district: code, enterprise: d.enterpriseId, token: adminToken.get(code)! });
        } else {
          const grai = `06141410150009B${run}R${i}`;
          // No cylinder, so the refusal carries no district: the alert is the enterprise's district's.
          events.push({ body: { eventId: randomUUID(), grai, type: 'report_lost', occurredAt: new Date().toISOString(), payload: {} }, subject: grai, district: code, enterprise: d.enterpriseId, token: adminToken.get(code)! });
        }
      }
      const pinged = events.flatMap((_, i) => (i % BESIDE_EVERY === 0 ? [i] : []));
      const pingedSet = new Set(pinged);
      await ask(server, { cmd: 'beside', targets: pinged.map((i) => [i, { districtCode: events[i]!.district, enterpriseId: events[i]!.enterprise }]) } satisfies ServerCommand, 'beside-set');
      const sent = await ask<SenderAnswer>(sender, { cmd: 'send', url, rate: RATE, concurrency: SENDERS, events: events.map(({ token, body }, i) => ({ token, body, ...(pingedSet.has(i) ? { ping: i } : {}) })) } satisfies SenderCommand, 'sent');
      // Refused: 422 (overdue) or 404 (CYLINDER_NOT_FOUND, the unknown codes), by the one reason table.
      const notRefused = sent.statuses.filter((s) => s !== 422 && s !== 404).length;
      if (notRefused > 0) process.stdout.write(`statuses: ${JSON.stringify(Object.fromEntries([...new Set(sent.statuses)].map((code) => [code, sent.statuses.filter((x) => x === code).length])))}\n`);
      // Wait for every socket to have its scope's alerts (or give up after 60 s without progress).
      const wanted = clientProcs.map((_, k) => dealt[k]!.map(({ scope }) => events.filter((e) => inScope(scope, e)).length));
      let lastTotal = -1;
      let lastProgress = Date.now();
      while (Date.now() - lastProgress < 60_000) {
        const progress = await Promise.all(clientProcs.map((p) => ask<Extract<ClientsAnswer, { kind: 'progress' }>>(p, { cmd: 'progress' } satisfies ClientsCommand, 'progress')));
        if (progress.every((pr, k) => pr.received.every((n, i) => n >= (wanted[k]![i] as number)))) break;
        const total = progress.reduce((n, pr) => n + pr.received.reduce((a, b) => a + b, 0), 0);
        if (total !== lastTotal) {
          lastTotal = total;
          lastProgress = Date.now();
        }
        await sleep(250);
      }
      // The baseline at the pace the events actually went at (a loaded machine sends slower than RATE), for the first BASELINE_EVENTS events.
      const pace = Math.min(RATE, events.length / sent.seconds);
      const baseline = await broadcast(events.slice(0, BASELINE_EVENTS), pace);
      const collected = await ask<Extract<ServerAnswer, { kind: 'collected' }>>(server, { cmd: 'collect' } satisfies ServerCommand, 'collected');
      const judged = await Promise.all(
        clientProcs.map((p) => ask<Extract<ClientsAnswer, { kind: 'judged' }>>(p, { cmd: 'judge', events: events.map(({ subject, district, enterprise }) => ({ subject, district, enterprise })), accepted: sent.accepted, delivered: collected.delivered, pinged } satisfies ClientsCommand, 'judged')),
      );
      const all = (pick: (j: Judged) => Float64Array) => judged.flatMap((j) => Array.from(pick(j)));
      const latencies = all((j) => j.latencies);
      const transit = all((j) => j.transit);
      const besides = all((j) => j.beside);
      const acceptedBySubject = new Map(events.map((e, i) => [e.subject, sent.accepted[i] as number]));
      const handed = collected.delivered.flatMap(([subject, t]) => (acceptedBySubject.has(subject) ? [t - (acceptedBySubject.get(subject) as number)] : []));
      const busy = collected.passes.filter((p) => p.inputs > 0);
      const stage = (f: (p: PassTiming) => number) => ({ p50: q(busy.map(f), 50), p99: q(busy.map(f), 99) });
      const figures: RunFigures = {
        alert: { p50: q(latencies, 50), p99: q(latencies, 99), n: latencies.length },
        broadcast: { p50: q(baseline, 50), p99: q(baseline, 99), n: baseline.length, pace },
        beside: { p50: q(besides, 50), p99: q(besides, 99), n: besides.length, missing: judged.reduce((n, j) => n + j.besideMissing, 0) },
        handed: { p50: q(handed, 50), p99: q(handed, 99) },
        transit: { p50: q(transit, 50), p99: q(transit, 99) },
        stages: {
          'told → pass started': stage((p) => p.startedAt - p.kickedAt),
          'sources read (none when handed over)': stage((p) => p.readAt - p.startedAt),
          'claim + registry facts, tracks, active alerts read': stage((p) => p.factsAt - p.readAt),
          'rules + transaction (2 round trips + commit)': stage((p) => p.committedAt - p.factsAt),
          'handed to the feed and sockets': stage((p) => p.deliveredAt - p.committedAt),
          'whole pass (told → handed)': stage((p) => p.deliveredAt - p.kickedAt),
        },
        inputsPerPass: median(busy.map((p) => p.inputs)),
        passes: busy.length,
        sentPerSecond: events.length / sent.seconds,
        notRefused,
        lost: judged.reduce((n, j) => n + j.lost, 0),
        duplicated: judged.reduce((n, j) => n + j.duplicated, 0),
        outOfOrder: judged.reduce((n, j) => n + j.outOfOrder, 0),
        foreign: judged.reduce((n, j) => n + j.foreign, 0),
      };
      runs.push(figures);
      const f1 = (n: number) => n.toFixed(1);
      process.stdout.write(
        `run ${run + 1}/${RUNS}: ${events.length} events at ${figures.sentPerSecond.toFixed(0)}/s (${notRefused} not refused as expected); alert p50 ${f1(figures.alert.p50)} ms, p99 ${f1(figures.alert.p99)} ms over ${figures.alert.n} deliveries; ` +
          `bare broadcast beside p50 ${f1(figures.beside.p50)} ms, p99 ${f1(figures.beside.p99)} ms over ${figures.beside.n} (${figures.beside.missing} missing); p99 ratio ${(figures.alert.p99 / figures.beside.p99).toFixed(2)}; ` +
          `on the idle app p50 ${f1(figures.broadcast.p50)} ms, p99 ${f1(figures.broadcast.p99)} ms over ${figures.broadcast.n} at ${figures.broadcast.pace.toFixed(0)}/s; ` +
          `lost ${figures.lost}, duplicated ${figures.duplicated}, out of order ${figures.outOfOrder}, outside scope ${figures.foreign}\n`,
      );
      process.stdout.write(`  accepted → handed to the sockets p50 ${f1(figures.handed.p50)} ms, p99 ${f1(figures.handed.p99)} ms; handed → received p50 ${f1(figures.transit.p50)} ms, p99 ${f1(figures.transit.p99)} ms; ${figures.passes} passes, median ${figures.inputsPerPass} inputs a pass\n`);
      for (const [name, s] of Object.entries(figures.stages)) process.stdout.write(`  ${name}: p50 ${f1(s.p50)} ms, p99 ${f1(s.p99)} ms\n`);
    }

    const med = (f: (r: RunFigures) => number) => median(runs.map(f));
    const [a50, a99, s50, s99, b99] = [med((r) => r.alert.p50), med((r) => r.alert.p99), med((r) => r.beside.p50), med((r) => r.beside.p99), med((r) => r.broadcast.p99)];
    const ratio99 = med((r) => r.alert.p99 / r.beside.p99);
    const ratio50 = med((r) => r.alert.p50 / r.beside.p50);
    const idle99 = med((r) => r.alert.p99 / r.broadcast.p99);
    const wrong = runs.reduce((n, r) => n + r.lost + r.duplicated + r.outOfOrder + r.foreign, 0);
    process.stdout.write(
      `median of ${RUNS} runs: alert p50 ${a50.toFixed(1)} ms, p99 ${a99.toFixed(1)} ms; bare broadcast beside p50 ${s50.toFixed(1)} ms, p99 ${s99.toFixed(1)} ms; p99 ratio ${ratio99.toFixed(2)}, p50 ratio ${ratio50.toFixed(2)}; ` +
        `on the idle app p99 ${b99.toFixed(1)} ms, p99 ratio ${idle99.toFixed(2)}\n`,
    );
    report(
      'alerts-push',
      [
        { name: 'event accepted → alert received p99 / a bare broadcast beside it, sent as its request is answered, p99 (median of the runs\' ratios)', value: ratio99, unit: '×', target: `≤ ${P99_VS_BROADCAST}`, met: ratio99 <= P99_VS_BROADCAST, absolute: { value: a99, unit: 'ms' }, baseline: { name: 'bare Socket.IO broadcast beside the run p99', value: s99, unit: 'ms' } },
        { name: 'event accepted → alert received p50 / the bare broadcast beside it p50 (reported)', value: ratio50, unit: '×', target: 'reported', met: true, absolute: { value: a50, unit: 'ms' }, baseline: { name: 'bare Socket.IO broadcast beside the run p50', value: s50, unit: 'ms' } },
        { name: 'event accepted → alert received p99 / the bare broadcast on the idle app after the run p99 (reported: no load at all)', value: idle99, unit: '×', target: 'reported', met: true, absolute: { value: a99, unit: 'ms' }, baseline: { name: 'bare Socket.IO broadcast, idle app, p99', value: b99, unit: 'ms' } },
        { name: 'alerts lost, duplicated, out of order or outside scope, over every socket and run', value: wrong, unit: 'alerts', target: '= 0', met: wrong === 0 },
      ],
      { sockets: SOCKETS, clientProcesses: CLIENT_PROCESSES, events: EVENTS, ratePerSecond: RATE, runs, baselineEvents: BASELINE_EVENTS, besideEvery: BESIDE_EVERY },
    );
  } finally {
    const [server, ...others] = procs;
    for (const p of others) if (p.connected && p.spawnargs.some((a) => a.endsWith('clients.ts'))) await ask(p, { cmd: 'close' }, 'closed').catch(() => undefined);
    for (const p of others) p.kill('SIGTERM');
    if (server?.connected) await ask(server, { cmd: 'stop' }, 'stopped').catch(() => undefined);
    server?.kill('SIGTERM');
    await mongo.close();
    db.kill('SIGTERM');
    await db.exited;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
