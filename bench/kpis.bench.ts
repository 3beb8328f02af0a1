/**
 * KPIs and flow reconciliation at city size (issue 15). The demo city of seed/city (scale 1:
 * ~20,000 cylinders, ~235,000 events over a year, one planted diversion site) plus two more
 * diversion sites planted here (half the cylinders received at each in the last 30 days vanish),
 * written through the platform's own paths (registry services, the devices API, the ledger's
 * capture) into the embedded server running in its own process. Then, medians of RUNS runs each:
 * - GET /kpis's service over the last 30 days, city-wide / a raw count of the events collection
 *   (countDocuments: the server reads every event), measured in the same run;
 * - the reconciliation over the last 30 days, and over the whole year, / the same raw count;
 * and the check that the three planted diversion sites rank first in the 30-day reconciliation.
 * Run: npm run bench:kpis   (KPIS_BENCH_SCALE=0.1 for a quick run)
 */
import pino from 'pino';
import { buildComponents } from '../src/components';
import type { Principal } from '../src/components/auth';
import { connectDatabase } from '../src/shared/db/database.connection';
import { cityCounts, cityDigest, generateCity, loadCity } from '../seed/city';
import { startServerProcess } from '../test/support/embedded-server.process';
import { busiestOtherPoints, withDiversionSites } from './lib/diversion';
import { median, report, round, type Check } from './lib/bench';

// Targets (bench/README.md says why): a KPI answer costs at most this many full counts of the events.
const KPIS_VS_COUNT = 5;
const RECONCILIATION_MONTH_VS_COUNT = 10;

const RUNS = 5;
const DAY = 86_400_000;
const SCALE = Number(process.env.KPIS_BENCH_SCALE ?? 1);
const SEED = 'qingyuan-2026';
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };
const CITY: Principal = { kind: 'user', userId: '5eed000000000000000000aa', username: 'bench-city', role: 'city_regulator' };

async function timed<T>(op: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await op();
  return { ms: performance.now() - start, value };
}

/** Median ms of RUNS runs of each op, interleaved (noise hits all alike), after one warm-up round. */
async function interleaved(ops: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(ops).map((k) => [k, []]));
  for (let run = 0; run <= RUNS; run++) {
    for (const [name, op] of Object.entries(ops)) {
      const { ms } = await timed(op);
      if (run > 0) times[name]?.push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const generated = await timed(async () => {
    const base = generateCity({ seed: SEED, scale: SCALE });
    const extra = busiestOtherPoints(base, 2, 30);
    return { city: withDiversionSites(base, extra, 30, 2), extra };
  });
  const { city, extra } = generated.value;
  const counts = cityCounts(city);
  const planted = [city.planted.diversionSite, ...extra];
  process.stdout.write(`city ${cityDigest(city).slice(0, 12)} generated in ${round(generated.ms / 1000)} s: ${JSON.stringify(counts)}\n`);

  const server = await startServerProcess();
  const uri = `${server.uri}${server.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'bench_kpis' });
  const config = { secrets: SECRETS, env: 'test' as const };
  try {
    let lastPrint = 0;
    const loaded = await timed(() =>
      loadCity(city, {
        connection: database.connection,
        config,
        logger,
        onProgress: (p) => {
          if (Date.now() - lastPrint < 15_000) return;
          lastPrint = Date.now();
          process.stdout.write(`  ${p.phase}: ${p.done}/${p.total}\n`);
        },
      }),
    );
    const load = loaded.value;
    const eventsPerSecond = (load.accepted + load.duplicates) / load.seconds.history;
    process.stdout.write(`loaded in ${round(loaded.ms / 1000)} s (registry ${load.seconds.registry} s, history ${load.seconds.history} s, ${round(eventsPerSecond)} events/s); accepted ${load.accepted}, planted refusals ${JSON.stringify(load.plantedRefusals)}, unexpected ${load.unexpectedCount}\n`);
    if (load.unexpectedCount > 0) process.stdout.write(`  unexpected refusals: ${JSON.stringify(load.unexpected.slice(0, 3))}\n`);

    // The KPIs as of the city's last day: the month before it, and the whole year.
    const anchor = new Date(`${city.anchor}T00:00:00Z`);
    const components = await buildComponents({ connection: database.connection, config, logger }, { kpis: { now: () => anchor } });
    const month = { from: new Date(anchor.getTime() - 30 * DAY).toISOString(), to: anchor.toISOString() };
    const year = { from: new Date(anchor.getTime() - 365 * DAY).toISOString(), to: anchor.toISOString() };
    const events = database.connection.db!.collection('events');
    const storedEvents = await events.estimatedDocumentCount();
    const medians = await interleaved({
      count: () => events.countDocuments({}),
      kpis: () => components.kpis.kpis.kpis(CITY, month),
      reconciliationMonth: () => components.kpis.reconciliation.report(CITY, { ...month, sort: 'gapRate' }),
      reconciliationYear: () => components.kpis.reconciliation.report(CITY, { ...year, sort: 'gapRate' }),
    });
    const ranking = await components.kpis.reconciliation.report(CITY, { ...month, sort: 'gapRate' });
    const byCount = await components.kpis.reconciliation.report(CITY, { ...month, sort: 'unaccounted' });
    const plantedIds = planted.map((i) => load.ids.sites[i] as string);
    const top = ranking.items.slice(0, 3);
    const plantedOnTop = top.every((r) => r.siteId !== null && plantedIds.includes(r.siteId)) && top.length === 3;
    for (const r of ranking.items.slice(0, 6)) process.stdout.write(`  #${r.rank} ${r.siteName} (${r.siteKind}): filled ${r.filled}, reached ${r.reachedCustomers}, unaccounted ${r.unaccounted}, gap ${r.gapRate === null ? '-' : round(r.gapRate)}${plantedIds.includes(r.siteId ?? '') ? '  ← planted' : ''}\n`);
    process.stdout.write('  by unaccounted:\n');
    for (const r of byCount.items.slice(0, 6)) process.stdout.write(`  #${r.rank} ${r.siteName} (${r.siteKind}): filled ${r.filled}, reached ${r.reachedCustomers}, unaccounted ${r.unaccounted}, gap ${r.gapRate === null ? '-' : round(r.gapRate)}${plantedIds.includes(r.siteId ?? '') ? '  ← planted' : ''}\n`);
    process.stdout.write(`  workers who last handled the most unaccounted cylinders: ${JSON.stringify(ranking.workers.slice(0, 3))}\n`);
    const [first] = ranking.items;
    for (const c of first?.cylinders.slice(0, 3) ?? []) process.stdout.write(`    e.g. ${c.cylinderId} filled ${c.filledAt}, last ${c.lastEvent.type} at ${c.lastEvent.at}\n`);
    for (const module of components.modules) await module.stop?.();

    const count = { name: 'countDocuments of events', value: medians.count as number, unit: 'ms' };
    const ratio = (name: string, ms: number, target: number): Check => ({ name, value: ms / count.value, unit: '× count', target: `≤ ${target}`, met: ms / count.value <= target, absolute: { value: ms, unit: 'ms' }, baseline: count });
    const checks: Check[] = [
      ratio('GET /kpis, 30 days, city-wide', medians.kpis as number, KPIS_VS_COUNT),
      ratio('reconciliation, 30 days, city-wide', medians.reconciliationMonth as number, RECONCILIATION_MONTH_VS_COUNT),
      { name: 'reconciliation, a year, city-wide', value: (medians.reconciliationYear as number) / count.value, unit: '× count', target: 'reported', met: true, absolute: { value: medians.reconciliationYear as number, unit: 'ms' }, baseline: count },
      { name: 'the three planted diversion sites rank first', value: top.filter((r) => plantedIds.includes(r.siteId ?? '')).length, unit: 'of 3', target: '3', met: plantedOnTop },
    ];
    report('kpis', checks, {
      scale: SCALE,
      seed: SEED,
      anchor: city.anchor,
      digest: cityDigest(city),
      city: counts,
      storedEvents,
      runs: RUNS,
      generateSeconds: round(generated.ms / 1000),
      load: { seconds: load.seconds, accepted: load.accepted, eventsPerSecond: round(eventsPerSecond), plantedRefusals: load.plantedRefusals, unexpected: load.unexpectedCount },
      medianMs: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, round(v)])),
      top: top.map((r) => ({ rank: r.rank, siteName: r.siteName, filled: r.filled, reachedCustomers: r.reachedCustomers, unaccounted: r.unaccounted, gapRate: r.gapRate, planted: plantedIds.includes(r.siteId ?? '') })),
    });
  } finally {
    await database.close();
    server.kill('SIGTERM');
    await server.exited;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
