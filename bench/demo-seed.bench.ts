/**
 * Demo city seeding benchmark (issue 18). In one run:
 * 1. `npm run bench:ledger` as a child process: its batch capture figure (1,000 events over 200
 *    cylinders through POST /events/batch, median events/s) is the baseline;
 * 2. the whole demo city at BENCH_SEED_SCALE (default 1) seeded into a fresh embedded database in
 *    its own process, with its data directory (journaled, as `npm start` does) — the time to seed,
 *    and the history's events/s through the capture path.
 * Reported: seed seconds (absolute, the issue asks for the time), history events/s / the batch
 * figure (the seed writes 4,000-event transactions through the same capture path, without HTTP,
 * so a ratio near or above 1 says nothing is lost on the way; target ≥ 0.5).
 * Run: npm run bench:seed   (BENCH_SEED_SCALE=0.1 for a quick one)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { cityCounts, generateCity, loadCity } from '../seed/city';
import { connectDatabase } from '../src/shared/db/database.connection';
import { startServerProcess } from '../test/support/embedded-server.process';
import { report } from './lib/bench';

const TARGET = 0.5;
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', QR_SIGNING_SECRET: 'bench-qr-secret-0123456789abcdef', PII_HASH_SECRET: 'bench-pii-secret-0123456789abcdef', LEDGER_SIGNING_KEY: 'bench-ledger-key-0123456789abcdef' };

function ledgerBatchFigure(): number {
  const run = spawnSync('npm', ['run', 'bench:ledger'], { cwd: join(__dirname, '..'), stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.error) throw run.error;
  const result = JSON.parse(readFileSync(join(__dirname, 'results', 'ledger-capture.json'), 'utf8')) as { checks: { name: string; absolute?: { value: number } }[] };
  const batch = result.checks.find((c) => c.name.startsWith('batch capture'));
  if (!batch?.absolute) throw new Error('bench:ledger wrote no batch capture figure');
  return batch.absolute.value;
}

async function main(): Promise<void> {
  const scale = Number(process.env.BENCH_SEED_SCALE ?? '1');
  const batchRate = ledgerBatchFigure();
  const dir = mkdtempSync(join(tmpdir(), 'bench-seed-'));
  const server = await startServerProcess(dir, 120_000);
  const uri = `${server.uri}${server.uri.includes('?') ? '&' : '?'}connectTimeoutMS=600000&socketTimeoutMS=0`;
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'bench_seed' });
  try {
    const started = performance.now();
    const city = generateCity({ scale });
    const generatedS = (performance.now() - started) / 1000;
    let lastTenth = -1;
    const result = await loadCity(city, {
      connection: database.connection,
      config: { env: 'development', secrets: SECRETS },
      logger: pino({ level: 'silent' }),
      onProgress: (p) => {
        const tenth = Math.floor((10 * p.done) / p.total);
        if (p.phase === 'history' && tenth !== lastTenth) process.stdout.write(`history ${10 * (lastTenth = tenth)}% (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
      },
    });
    const seedS = (performance.now() - started) / 1000;
    if (result.unexpectedCount > 0) throw new Error(`seed: ${result.unexpectedCount} unexpected refusals, e.g. ${JSON.stringify(result.unexpected[0])}`);
    const historyRate = (result.accepted + Object.values(result.plantedRefusals).reduce((a, b) => a + b, 0)) / result.seconds.history;
    report(
      'demo-seed',
      [
        {
          name: `demo city history (${city.events.length} events, scale ${scale}) through the capture path / bench:ledger batch capture, same run`,
          value: historyRate / batchRate,
          unit: '×',
          target: `≥ ${TARGET}`,
          met: historyRate / batchRate >= TARGET,
          absolute: { value: historyRate, unit: 'events/s' },
          baseline: { name: 'bench:ledger batch capture (1,000 events, events/batch, median)', value: batchRate, unit: 'events/s' },
        },
        { name: `time to seed the whole demo city (scale ${scale}: generate, registry, scales, history)`, value: seedS, unit: 's', target: 'reported', met: true },
      ],
      { scale, counts: cityCounts(city), seconds: { generate: generatedS, registry: result.seconds.registry, history: result.seconds.history, total: seedS } },
    );
  } finally {
    await database.close();
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
