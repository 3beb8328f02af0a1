/**
 * Embedded server benchmark (issue: embedded MongoDB-compatible server). Every figure is a ratio
 * against the driver's own `ping` round trip measured in the same run, or an absolute rate where the
 * target is one. Run: npm run bench:db
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { medianOf, rate, report, median, type Check } from './lib/bench';
import { startServerProcess, type ServerProcess } from '../test/support/embedded-server.process';

/** Starts the server in its own process; its memory is read from /proc and it is stopped with SIGTERM. */
async function startDbProcess(dbPath?: string): Promise<{ uri: string; rssBytes(): number; stop(): Promise<unknown> }> {
  const server: ServerProcess = await startServerProcess(dbPath);
  return {
    uri: server.uri,
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    stop: () => {
      server.kill('SIGTERM');
      return server.exited;
    },
  };
}

const RUNS = 5;
const OPS = 2000;
const PAYLOAD = 'x'.repeat(200);

function docOf(i: number): Document {
  // ~300 bytes of BSON: a few typed fields and a text payload.
  // k: exactly 10 documents per key at any collection size, so every equality find returns 10.
  return { k: Math.floor(i / 10), code: `C${i}`, site: `site-${i % 50}`, at: new Date(1_700_000_000_000 + i), kg: 15, note: PAYLOAD };
}

async function fill(coll: Collection, from: number, to: number): Promise<void> {
  const batch = 10_000;
  for (let start = from; start < to; start += batch) {
    const docs: Document[] = [];
    for (let i = start; i < Math.min(to, start + batch); i++) docs.push(docOf(i));
    await coll.insertMany(docs, { ordered: false });
  }
}

/** Median time of one indexed equality find returning 10 documents. */
async function equalityFindMs(coll: Collection, keys: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 400; i++) {
    const k = (i * 7919) % keys;
    const start = process.hrtime.bigint();
    await coll.find({ k }).toArray();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times.slice(50));
}

async function latencyAndScale(checks: Check[], extra: Record<string, unknown>): Promise<void> {
  const db = await startDbProcess();
  const client = await MongoClient.connect(db.uri);
  try {
    const admin = client.db('admin');
    const coll = client.db('bench').collection('docs');
    await coll.createIndex({ code: 1 }, { unique: true });
    let n = 0;
    const ping = (): Promise<number> => rate(OPS, () => admin.command({ ping: 1 }));
    // Each run measures ping right next to the operation, so machine noise hits both alike.
    const versusPing = async (op: (i: number) => Promise<unknown>): Promise<{ ratio: number; opRate: number; pingRate: number }> => {
      const ratios: number[] = [];
      const opRates: number[] = [];
      const pingRates: number[] = [];
      await rate(OPS, op);
      for (let run = 0; run < RUNS; run++) {
        const p = await ping();
        const o = await rate(OPS, op);
        ratios.push(o / p);
        opRates.push(o);
        pingRates.push(p);
      }
      return { ratio: median(ratios), opRate: median(opRates), pingRate: median(pingRates) };
    };
    await ping();
    const insert = await versusPing(() => coll.insertOne(docOf(n++)));
    const ids = (await coll.find({}, { projection: { _id: 1 } }).limit(OPS).toArray()).map((d) => d._id);
    const byId = await versusPing((i) => coll.findOne({ _id: ids[i % ids.length] }));
    const byUnique = await versusPing((i) => coll.findOne({ code: `C${i % n}` }));
    extra.pingPerSecond = insert.pingRate;
    for (const [name, m] of [['insertOne', insert], ['findOne by _id', byId], ['findOne by unique field', byUnique]] as const) {
      checks.push({ name: `${name} rate / ping rate`, value: m.ratio, unit: `(median ${Math.round(m.opRate)} ops/s vs ${Math.round(m.pingRate)} pings/s)`, target: '≥ 0.5', met: m.ratio >= 0.5 });
    }

    const big = client.db('bench').collection('big');
    await big.createIndex({ k: 1 });
    await fill(big, 0, 10_000);
    const small = await medianOf(3, () => equalityFindMs(big, 1_000));
    const before = db.rssBytes();
    const loadStart = Date.now();
    await fill(big, 10_000, 1_000_000);
    extra.loadSeconds = (Date.now() - loadStart) / 1000;
    const large = await medianOf(3, () => equalityFindMs(big, 100_000));
    checks.push({ name: 'indexed equality find, 1,000,000 docs / 10,000 docs', value: large / small, unit: `(${small.toFixed(3)} ms → ${large.toFixed(3)} ms)`, target: '≤ 1.5', met: large / small <= 1.5 });
    const rss = db.rssBytes();
    extra.rssBefore1M = before;
    checks.push({ name: 'resident memory holding 1,000,000 ~300-byte documents', value: rss / 2 ** 30, unit: 'GiB', target: '≤ 1.5 GiB', met: rss <= 1.5 * 2 ** 30 });
  } finally {
    await client.close();
    await db.stop();
  }
}

async function durableInserts(checks: Check[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lpg-bench-db-'));
  const db = await startDbProcess(dir);
  const client = await MongoClient.connect(db.uri, { maxPoolSize: 16 });
  try {
    const coll = client.db('bench').collection('durable');
    await coll.insertOne({ warm: true });
    const measure = async (): Promise<number> => {
      let acknowledged = 0;
      const deadline = Date.now() + 3000;
      const start = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; Date.now() < deadline; i++) {
            await coll.insertOne({ w, i, note: PAYLOAD });
            acknowledged++;
          }
        }),
      );
      return acknowledged / (Number(process.hrtime.bigint() - start) / 1e9);
    };
    const perSecond = await medianOf(3, measure);
    checks.push({ name: 'durable inserts (fsync), 16 concurrent writers', value: perSecond, unit: 'acknowledged inserts/s', target: '≥ 5,000/s', met: perSecond >= 5000 });
  } finally {
    await client.close();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const checks: Check[] = [];
  const extra: Record<string, unknown> = {};
  await latencyAndScale(checks, extra);
  await durableInserts(checks);
  report('embedded-mongo', checks, extra);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
