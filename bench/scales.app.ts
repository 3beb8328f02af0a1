/**
 * The platform side of `npm run bench:scales`, in a process of its own so that the 200 simulated
 * scales (the bench's own process) never share its event loop: the real app (createComponents +
 * createApp) on the embedded server the bench started, plus the hello route measured beside the
 * device routes at the same concurrency, and GET /api/v1/bench/stages: the stage times of the
 * authorizes answered since it was last read (DevicesComponent.observeAuthorize). Prints one JSON line `{ "url": … }` when it listens.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Router } from 'express';
import pino from 'pino';
import { createApp } from '../src/app';
import { buildComponents } from '../src/components';
import type { AuthorizeTiming } from '../src/components/devices';
import { connectDatabase } from '../src/shared/db/database.connection';
import { listenOnFreePort } from '../test/foundation/app.harness';

async function main(): Promise<void> {
  const uri = process.env.BENCH_DB_URI;
  const secrets = JSON.parse(process.env.BENCH_SECRETS ?? '{}') as { JWT_SECRET: string; QR_SIGNING_SECRET: string; PII_HASH_SECRET: string; LEDGER_SIGNING_KEY: string };
  if (!uri) throw new Error('BENCH_DB_URI is not set');
  const database = await connectDatabase(uri, { mode: 'embedded', engine: 'lpg-embedded', name: process.env.BENCH_DB_NAME ?? 'bench_scales' });
  const logger = pino({ level: 'silent' });
  const components = await buildComponents({ connection: database.connection, config: { secrets, env: 'test' }, logger });
  const { modules } = components;
  // Every authorize's stage times since the bench last took them (GET /api/v1/bench/stages).
  let stages: AuthorizeTiming[] = [];
  components.devices.observeAuthorize((timing) => stages.push(timing));
  // The app's own stalls: how long its event loop was blocked, and its garbage collections, since last read.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcs: { kind: number; ms: number }[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ kind: ((e as unknown as { detail?: { kind?: number } }).detail)?.kind ?? 0, ms: e.duration });
  }).observe({ entryTypes: ['gc'] });
  const router = Router()
    .get('/bench/loop', (_req, res) => {
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      const taken = gcs;
      gcs = [];
      const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
      for (const g of taken) {
        const k = ({ 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' } as Record<number, string>)[g.kind] ?? String(g.kind);
        const slot = (byKind[k] ??= { count: 0, totalMs: 0, maxMs: 0 });
        slot.count += 1;
        slot.totalMs = Math.round((slot.totalMs + g.ms) * 100) / 100;
        slot.maxMs = Math.max(slot.maxMs, Math.round(g.ms * 100) / 100);
      }
      res.json({ loopDelay: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), p999: ms(loop.percentile(99.9)) }, gc: byKind, heapMb: Math.round(process.memoryUsage().heapUsed / 1048576) });
      loop.reset();
    })
    .get('/bench/hello', (_req, res) => void res.json({ hello: 'world' }))
    .get('/bench/stages', (_req, res) => {
      const taken = stages;
      stages = [];
      res.json(taken);
    });
  const hello = { name: 'bench-hello', router, registerOpenApi: () => undefined };
  const http = await listenOnFreePort(createApp({ config: { isProduction: false, http: { bodyLimit: '2mb' } }, logger, database, modules: [...modules, hello] }));
  process.stdout.write(`${JSON.stringify({ url: http.url })}\n`);
  const stop = async () => {
    await http.close();
    for (const m of modules) await m.stop?.();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
