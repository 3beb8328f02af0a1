/**
 * Filling-scale benchmark (issue 12). Three processes: the embedded server, the real app
 * (bench/scales.app.ts) and this one, which is 200 simulated scales (the simulator's signed
 * client, src/sim/scales). All 200 scales run at once; each, FILLS times, authorizes a cylinder of
 * its station (QR URI, operator, pre-fill checks) and reports the fill, when a Poisson process of
 * RATE fills a second hands it its turn (an open loop, as real scales are — a closed loop of 200
 * would measure only how long the queue is). 200 real scales at 30 fills an hour make 1.7 a
 * second; the default 4 is more than twice that (BENCH_SCALES_RATE, _FILLS). The baseline, measured in the
 * same run with the same clients, pauses and concurrency: the app's hello route (GET
 * /api/v1/bench/hello, through the same middleware) in place of each authorize and report. Figures:
 * authorize p50 and p99 (ms, client-side), as ratios to the hello route's; the goal is p99 ≤ 25 ms.
 * Runs alternate which goes first; medians of RUNS runs after a warm-up. Afterwards every report
 * is sent again at once: each must be answered a duplicate, and the fill records and fill events
 * must number exactly the fills reported — none lost, none twice. The app reports each
 * authorize's server stages (auth, facts, decide, store, answer), and after the runs 100
 * authorizes one at a time are profiled: the database's commands and their handler time per
 * authorize (the embedded server's serverStatus `embedded` section), and any collection scans.
 * Run: npm run bench:scales
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient, ObjectId } from 'mongodb';
import { signAccessToken } from '../src/components/auth';
import { DeviceClient, UserClient } from '../src/sim/scales/sim.client';
import { benchNodeArgs, startServerProcess } from '../test/support/embedded-server.process';
import type { AuthorizeTiming } from '../src/components/devices';
import { median, percentile, report } from './lib/bench';
import { watchStalls } from './lib/stalls';

const round = (v: number) => Math.round(v * 1000) / 1000;

const SCALES = 200;
const STATIONS = 10;
const FILLS = Number(process.env.BENCH_SCALES_FILLS ?? 2);
/** Fills per second the 200 scales make together: each waits an exponential pause between fills (open loop). */
const RATE = Number(process.env.BENCH_SCALES_RATE ?? 4);
const RUNS = 3;
/** Authorizes sent one at a time after the runs, the database's per-command costs read around them (serverStatus). */
const PROFILED = 100;
const GOAL_P99_MS = 25;
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };
const DB_NAME = 'bench_scales';

interface Scale {
  client: DeviceClient;
  station: number;
  operator: string;
}
interface Ready {
  id: string;
  uri: string;
}
interface Report {
  scale: number;
  body: Record<string, unknown>;
}

function startApp(uri: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...benchNodeArgs(), join(__dirname, 'scales.app.ts')], {
    env: { ...process.env, BENCH_DB_URI: uri, BENCH_DB_NAME: DB_NAME, BENCH_SECRETS: JSON.stringify(SECRETS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    // The app's first JSON line says where it listens; anything else it prints (V8's --trace-gc, say) goes to stderr.
    lines.on('line', (line) => {
      if (line.startsWith('{"url"')) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
      else process.stderr.write(`app: ${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`the app process exited (${code})`)));
  });
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  const uri = `${server.uri}${server.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const mongo = new MongoClient(uri);
  await mongo.connect();
  const db = mongo.db(DB_NAME);
  let app: { url: string; child: ChildProcess } | undefined;
  try {
    app = await startApp(uri);
    const { url } = app;
    const phaseT0 = performance.now();
    // The world, inserted raw as a regulator would have verified it: one enterprise, STATIONS
    // filling stations with their licences, a certified filling operator at each, an admin account.
    const at = new Date();
    const verified = (prefix: string) => ({ number: `${prefix}-${Date.now()}`, validFrom: new Date('2020-01-01'), validTo: new Date('2030-01-01'), verifiedAt: at });
    const enterpriseId = new ObjectId();
    const base = { enterpriseId, districtCode: '441802', active: true, createdAt: at, updatedAt: at };
    await db.collection('enterprises').insertOne({ _id: enterpriseId, name: '清远燃气有限公司', districtCode: '441802', address: '清城区', licence: verified('E'), active: true, createdAt: at, updatedAt: at });
    const stations = Array.from({ length: STATIONS }, (_, i) => ({ _id: new ObjectId(), ...base, kind: 'filling_station', name: `充装站${i + 1}`, code: `S${i + 1}`, address: '清城区', coordinates: [113.05 + i * 0.01, 23.68], licence: verified(`S${i}`), fillingLicence: verified(`F${i}`) }));
    await db.collection('sites').insertMany(stations);
    const workers = stations.map((s, i) => ({ _id: new ObjectId(), ...base, siteId: s._id, realName: `充装工${i}`, staffNumber: `FO${i}`, idNumberHash: `bench-fo-${i}`, idNumberLast4: '0000', role: 'filling_operator', certificate: verified(`C${i}`) }));
    await db.collection('workers').insertMany(workers);
    const { insertedId: adminId } = await db.collection('users').insertOne({ username: 'bench-admin', displayName: 'bench-admin', role: 'enterprise_admin', enterpriseId, districtCode: null, workerId: null, active: true, passwordHash: 'x', passwordChangedAt: at, failedLoginCount: 0, lockedUntil: null, createdAt: at, updatedAt: at });
    const admin = new UserClient(url, signAccessToken(SECRETS.JWT_SECRET, { kind: 'user', userId: adminId.toHexString(), username: 'bench-admin', role: 'enterprise_admin', enterpriseId: enterpriseId.toHexString() }), 600_000);

    // The scales, registered through the API (the secret shown once), SCALES / STATIONS per station.
    const scales: Scale[] = [];
    for (let k = 0; k < SCALES; k++) {
      const station = k % STATIONS;
      const created = await admin.expect<{ deviceId: string; secret: string }>('POST', '/api/v1/devices', { siteId: (stations[station] as { _id: ObjectId })._id.toHexString(), name: `灌装秤${k + 1}` }, [201]);
      scales.push({ client: new DeviceClient(url, { id: created.deviceId, secret: created.secret }, Date.now, 600_000), station, operator: `FO${station}` });
    }

    // Cylinders for every fill of every run: registered raw, commissioned through the QR API (their
    // signed URIs kept), inspected through the ledger.
    const perRun = SCALES * FILLS;
    const total = perRun * (RUNS + 1) + PROFILED;
    process.stdout.write(`setting up ${total} cylinders...\n`);
    const pool = Array.from({ length: total }, (_, i) => ({
      _id: new ObjectId(), ...base, districtCode: '441802', serial: `B${String(i).padStart(7, '0')}`, manufacturer: '佛山', manufactureDate: new Date('2022-01-01'),
      nominalKg: 15, model: 'YSP-15', tareKg: 14.5, fillingSiteId: (stations[Math.floor(i / FILLS) % SCALES % STATIONS] as { _id: ObjectId })._id, nextInspectionDate: new Date('2030-01-01'), designLifeYears: 8, serviceLifeEndsAt: new Date('2030-01-01'),
    }));
    for (let i = 0; i < pool.length; i += 5000) await db.collection('cylinders').insertMany(pool.slice(i, i + 5000));
    const ready: Ready[] = [];
    for (let i = 0; i < pool.length; i += 200) {
      const ids = pool.slice(i, i + 200).map((c) => c._id.toHexString());
      const { items } = await admin.expect<{ items: { cylinderId: string; status: string; code?: { uri: string } }[] }>('POST', '/api/v1/qr/commission', { cylinderIds: ids }, [200]);
      for (const item of items) {
        if (item.status !== 'commissioned' || !item.code) throw new Error(`commission: ${JSON.stringify(item)}`);
        ready.push({ id: item.cylinderId, uri: item.code.uri });
      }
    }
    const byId = new Map(pool.map((c) => [c._id.toHexString(), c]));
    for (let i = 0; i < ready.length; i += 1000) {
      const events = ready.slice(i, i + 1000).map((c) => ({ eventId: randomUUID(), cylinderId: c.id, type: 'inspect', occurredAt: new Date().toISOString(), where: { siteId: (byId.get(c.id) as { fillingSiteId: ObjectId }).fillingSiteId.toHexString() }, payload: { result: 'pass' } }));
      const body = await admin.expect<{ accepted: number }>('POST', '/api/v1/events/batch', { events }, [200, 207]);
      if (body.accepted !== events.length) throw new Error(`inspect: ${JSON.stringify(body).slice(0, 300)}`);
    }
    // Cylinder i belongs to scale ⌊i / FILLS⌋ mod SCALES (its station's), in run ⌊i / perRun⌋.
    const cylinderOf = (run: number, scale: number, fill: number) => ready[run * perRun + scale * FILLS + fill] as Ready;

    const setupSeconds = (performance.now() - phaseT0) / 1000;
    process.stdout.write(`setup: ${setupSeconds.toFixed(1)} s (${SCALES} scales, ${total} cylinders commissioned and inspected)\n`);

    type Status = { embedded: { commands: Record<string, { count: number; handlerMs: number; durableMs: number }>; collectionScans: Record<string, number> } };
    const status = async () => (await mongo.db('admin').command({ serverStatus: 1 })) as unknown as Status;
    /** The database commands between two serverStatus readings, per `per` (fills, authorizes), busiest first. */
    const perUnit = (before: Status, after: Status, per: number) => {
      const out: Record<string, { commands: number; handlerMs: number; durableMs: number }> = {};
      for (const [key, t] of Object.entries(after.embedded.commands)) {
        const was = before.embedded.commands[key] ?? { count: 0, handlerMs: 0, durableMs: 0 };
        const n = t.count - was.count;
        if (n <= 0 || key.startsWith('serverStatus')) continue;
        out[key] = { commands: round(n / per), handlerMs: round((t.handlerMs - was.handlerMs) / per), durableMs: round((t.durableMs - was.durableMs) / per) };
      }
      return Object.fromEntries(Object.entries(out).sort((a, b) => b[1].commands - a[1].commands));
    };
    const commandsPerFillRun: Record<string, number>[] = [];
    const reports: Report[] = [];
    let fillNo = 0;
    let retries = 0;
    /** A request that met a dropped connection (a loaded machine) is sent once more: signed anew, idempotent by its key. */
    const once = async <T>(send: () => Promise<T>): Promise<T> => {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        retries += 1;
        return send();
      }
    };
    /**
     * The open loop: SCALES × FILLS arrivals of a Poisson process at RATE a second, arrival i going
     * to scale i mod SCALES (its fill ⌊i / SCALES⌋), which starts it when it arrives (after its own
     * previous one, should that still run: a scale does one thing at a time). A run lasts
     * SCALES × FILLS / RATE seconds whatever the latencies; independent pauses per scale made it
     * last as long as the longest of 200 pause chains instead (about six times the mean).
     */
    async function openLoop(work: (scale: number, fill: number) => Promise<void>): Promise<void> {
      const busy: Promise<void>[] = scales.map(() => Promise.resolve());
      let due = performance.now();
      for (let i = 0; i < SCALES * FILLS; i++) {
        due += -Math.log(1 - Math.random()) * (1000 / RATE);
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const k = i % SCALES;
        busy[k] = (busy[k] as Promise<void>).then(() => work(k, Math.floor(i / SCALES)));
      }
      await Promise.all(busy);
    }
    async function authorize(scale: Scale, run: number, k: number, f: number) {
      const cylinder = cylinderOf(run, k, f);
      const request = { code: cylinder.uri, operator: scale.operator, requestId: `b${run}-${k}-${f}-${randomUUID().slice(0, 8)}`, checks: { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 0.2 } };
      const t = performance.now();
      const res = await once(() => scale.client.call<{ decision: string; authorizationId: string; reasons: unknown[] }>('POST', '/api/v1/device/fills/authorize', request));
      const ms = performance.now() - t;
      if (res.status !== 200 || res.body.decision !== 'allow') throw new Error(`authorize: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return { ms, cylinder, authorizationId: res.body.authorizationId };
    }
    /** Every scale, FILLS times: authorize, then report; the authorize and report latencies. */
    async function fillRun(run: number): Promise<{ latencies: number[]; reportLatencies: number[] }> {
      const latencies: number[] = [];
      const reportLatencies: number[] = [];
      await openLoop(async (k, f) => {
        const scale = scales[k] as Scale;
        const { ms, cylinder, authorizationId } = await authorize(scale, run, k, f);
        latencies.push(ms);
        const endedAt = Date.now();
        const body = { fillId: `bench-${run}-${k}-${f}-${++fillNo}`, sequence: run * FILLS + f + 1, authorizationId, code: cylinder.uri, operator: scale.operator, tareKg: 14.52, grossKg: 29.0, netKg: 14.48, startedAt: new Date(endedAt - 72_000).toISOString(), endedAt: new Date(endedAt).toISOString() };
        const r = performance.now();
        const sent = await once(() => scale.client.call<{ status: string }>('POST', '/api/v1/device/fills', body));
        reportLatencies.push(performance.now() - r);
        if (sent.status !== 201 && sent.status !== 200) throw new Error(`fill report: ${sent.status} ${JSON.stringify(sent.body).slice(0, 300)}`);
        reports.push({ scale: k, body });
      });
      return { latencies, reportLatencies };
    }
    /** The same clients and arrivals, each making two requests (an authorize and a report per fill) on the hello route. */
    async function helloRun(): Promise<number[]> {
      const latencies: number[] = [];
      await openLoop(async () => {
        for (let i = 0; i < 2; i++) {
          const t = performance.now();
          const res = await once(async () => {
            const r = await fetch(`${url}/api/v1/bench/hello`);
            await r.text();
            return r;
          });
          latencies.push(performance.now() - t);
          if (res.status !== 200) throw new Error(`hello: ${res.status}`);
        }
      });
      return latencies;
    }
    const takeStages = async () => (await (await fetch(`${url}/api/v1/bench/stages`)).json()) as AuthorizeTiming[];
    const STAGES = ['authMs', 'factsMs', 'decideMs', 'storeMs', 'answerMs', 'totalMs'] as const;
    const stageFigures = (taken: AuthorizeTiming[]) => Object.fromEntries(STAGES.map((k) => [k, { p50: round(percentile(taken.map((t) => t[k]), 50)), p99: round(percentile(taken.map((t) => t[k]), 99)) }]));
    const stageRounds: ReturnType<typeof stageFigures>[] = [];

    const rounds = { authorizeP50: [] as number[], authorizeP99: [] as number[], helloP50: [] as number[], helloP99: [] as number[], reportP50: [] as number[], reportP99: [] as number[], fillsPerS: [] as number[] };
    // The scales' process's own stalls are in every latency it measures (the hello route's too).
    const clientStalls = watchStalls();
    for (let run = 0; run <= RUNS; run++) {
      let fills: Awaited<ReturnType<typeof fillRun>>;
      let hello: number[];
      const started = { fills: 0, seconds: 0 };
      const timedFills = async () => {
        const t = performance.now();
        const before = await status();
        const r = await fillRun(run);
        // Everything the database did during the run, per fill: the authorize, the report and what follows them (rules, log).
        const per = perUnit(before, await status(), perRun);
        commandsPerFillRun.push(Object.fromEntries(Object.entries(per).map(([k, c]) => [k, c.commands])));
        const sum = Object.values(per).reduce((n, c) => n + c.commands, 0);
        process.stdout.write(`  database per fill (authorize + report + what follows): ${sum.toFixed(1)} commands: ${Object.entries(per).slice(0, 12).map(([k, c]) => `${k} ${c.commands}`).join(', ')}\n`);
        started.seconds = (performance.now() - t) / 1000;
        started.fills = perRun;
        return r;
      };
      if (run % 2 === 0) {
        fills = await timedFills();
        hello = await helloRun();
      } else {
        hello = await helloRun();
        fills = await timedFills();
      }
      const taken = await takeStages();
      const stages = stageFigures(taken);
      // The tail itself: the slowest authorizes' stages, to see whether one stage or all of them grew.
      const slowest = [...taken].sort((a, b) => b.totalMs - a.totalMs).slice(0, 4);
      process.stdout.write(`  slowest (server) auth/facts/decide/store/answer = total ms: ${slowest.map((t) => `${STAGES.slice(0, 5).map((k) => t[k].toFixed(1)).join('/')} = ${t.totalMs.toFixed(1)}`).join('; ')}\n`);
      const a50 = percentile(fills.latencies, 50);
      const a99 = percentile(fills.latencies, 99);
      const h50 = percentile(hello, 50);
      const h99 = percentile(hello, 99);
      process.stdout.write(`run ${run}${run === 0 ? ' (warm-up)' : ''}: authorize p50 ${a50.toFixed(1)} ms p99 ${a99.toFixed(1)} ms; report p50 ${percentile(fills.reportLatencies, 50).toFixed(1)} ms p99 ${percentile(fills.reportLatencies, 99).toFixed(1)} ms; hello p50 ${h50.toFixed(1)} ms p99 ${h99.toFixed(1)} ms; ${(started.fills / started.seconds).toFixed(0)} fills/s\n`);
      process.stdout.write(`  app loop: ${JSON.stringify(await (await fetch(`${url}/api/v1/bench/loop`)).json())}\n`);
      process.stdout.write(`  scales' own process: ${JSON.stringify(clientStalls.take())}\n`);
      process.stdout.write(`  server stages p50/p99 ms: ${STAGES.map((k) => `${k.replace('Ms', '')} ${stages[k]?.p50}/${stages[k]?.p99}`).join(', ')}\n`);
      if (run === 0) continue;
      stageRounds.push(stages);
      rounds.authorizeP50.push(a50);
      rounds.authorizeP99.push(a99);
      rounds.helloP50.push(h50);
      rounds.helloP99.push(h99);
      rounds.reportP50.push(percentile(fills.reportLatencies, 50));
      rounds.reportP99.push(percentile(fills.reportLatencies, 99));
      rounds.fillsPerS.push(started.fills / started.seconds);
    }

    // One authorize at a time, nothing else running: what each costs the database, command by
    // command (the embedded server's serverStatus, read before and after), and the server's stages.
    await takeStages();
    const before = await status();
    const profiledLatencies: number[] = [];
    for (let j = 0; j < PROFILED; j++) {
      const i = perRun * (RUNS + 1) + j;
      const station = Math.floor(i / FILLS) % SCALES % STATIONS;
      const scale = scales[station] as Scale;
      const cylinder = ready[i] as Ready;
      const t = performance.now();
      const res = await scale.client.call<{ decision: string }>('POST', '/api/v1/device/fills/authorize', { code: cylinder.uri, operator: scale.operator, requestId: `profile-${j}`, checks: { valve: 'ok', leak: 'none', appearance: 'ok', residualKg: 0.2 } });
      profiledLatencies.push(performance.now() - t);
      if (res.body.decision !== 'allow') throw new Error(`profiled authorize: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    const after = await status();
    const profiledStages = stageFigures(await takeStages());
    const perAuthorize = perUnit(before, after, PROFILED);
    const scans = Object.fromEntries(Object.entries(after.embedded.collectionScans).map(([ns, n]) => [ns, n - (before.embedded.collectionScans[ns] ?? 0)]).filter(([, n]) => (n as number) > 0));
    const dbMs = Object.values(perAuthorize).reduce((sum, c) => sum + c.handlerMs, 0);
    process.stdout.write(`profile (${PROFILED} authorizes one at a time): p50 ${percentile(profiledLatencies, 50).toFixed(1)} ms client-side; server stages p50 ms: ${STAGES.map((k) => `${k.replace('Ms', '')} ${profiledStages[k]?.p50}`).join(', ')}\n`);
    process.stdout.write(`  database per authorize: ${Object.values(perAuthorize).reduce((sum, c) => sum + c.commands, 0).toFixed(1)} commands, ${dbMs.toFixed(2)} ms in handlers; collection scans: ${JSON.stringify(scans)}\n`);
    for (const [key, c] of Object.entries(perAuthorize).sort((a, b) => b[1].handlerMs - a[1].handlerMs)) process.stdout.write(`    ${key}: ${c.commands} × , ${c.handlerMs} ms (+ ${c.durableMs} ms durable)\n`);

    // Every report again, all at once: answered duplicates, stored once.
    const again: string[] = [];
    for (let i = 0; i < reports.length; i += SCALES) {
      again.push(...(await Promise.all(reports.slice(i, i + SCALES).map(async (r) => (await once(() => (scales[r.scale] as Scale).client.call<{ status: string }>('POST', '/api/v1/device/fills', r.body))).body.status))));
    }
    const duplicates = again.filter((s) => s === 'duplicate').length;
    const deviceIds = scales.map((s) => s.client.credentials.id);
    const records = await db.collection('fill_records').countDocuments({ deviceId: { $in: deviceIds } });
    const fillEvents = await db.collection('events').countDocuments({ type: 'fill', 'actor.kind': 'device' });
    const distinct = (await db.collection('fill_records').distinct('fillId', { deviceId: { $in: deviceIds } })).length;
    const sent = reports.length;
    process.stdout.write(`${sent} fills reported, ${records} fill records (${distinct} distinct), ${fillEvents} fill events, ${duplicates}/${sent} resent answered duplicate\n`);

    const authorizeP99 = median(rounds.authorizeP99);
    const authorizeP50 = median(rounds.authorizeP50);
    const helloP99 = median(rounds.helloP99);
    const helloP50 = median(rounds.helloP50);
    report(
      'scales',
      [
        { name: `authorize p99, ${SCALES} scales at once, ${RATE} fills/s (absolute goal)`, value: authorizeP99, unit: 'ms', target: `≤ ${GOAL_P99_MS}`, met: authorizeP99 <= GOAL_P99_MS },
        { name: 'authorize p99 / hello p99 (same clients, same concurrency)', value: authorizeP99 / helloP99, unit: '×', target: 'reported', met: true, absolute: { value: authorizeP99, unit: 'ms' }, baseline: { name: 'hello p99', value: helloP99, unit: 'ms' } },
        { name: 'authorize p50 / hello p50', value: authorizeP50 / helloP50, unit: '×', target: 'reported', met: true, absolute: { value: authorizeP50, unit: 'ms' }, baseline: { name: 'hello p50', value: helloP50, unit: 'ms' } },
        { name: 'fills lost or stored twice (records, events, resent reports)', value: Math.abs(records - sent) + Math.abs(distinct - sent) + Math.abs(fillEvents - sent) + (sent - duplicates), unit: 'fills', target: '= 0', met: records === sent && distinct === sent && fillEvents === sent && duplicates === sent },
      ],
      { scales: SCALES, stations: STATIONS, fillsPerScalePerRun: FILLS, runs: RUNS, targetFillsPerS: RATE, setupSeconds, retriedAfterDroppedConnection: retries, databaseCommandsPerFill: commandsPerFillRun, serverStagesPerRun: stageRounds, profile: { authorizes: PROFILED, clientP50Ms: percentile(profiledLatencies, 50), serverStages: profiledStages, databasePerAuthorize: perAuthorize, databaseHandlerMsPerAuthorize: dbMs, collectionScans: scans }, reportP50Ms: median(rounds.reportP50), reportP99Ms: median(rounds.reportP99), fillsPerS: median(rounds.fillsPerS), rounds },
    );
  } finally {
    if (app) {
      const exited = new Promise((resolve) => app?.child.once('exit', resolve));
      app.child.kill('SIGTERM');
      await exited;
    }
    await mongo.close();
    server.kill('SIGTERM');
    await server.exited;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
