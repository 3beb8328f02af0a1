/**
 * The platform side of `npm run bench:scales`, in a process of its own so that the 200 simulated
 * scales (the bench's own process) never share its event loop: the real app (createComponents +
 * createApp) on the embedded server the bench started, plus the hello route measured beside the
 * device routes at the same concurrency, and GET /api/v1/bench/stages: the stage times of the
 * authorizes answered since it was last read (DevicesComponent.observeAuthorize). Prints one JSON line `{ "url": … }` when it listens.
 */
import { Router } from 'express';
import pino from 'pino';
import { createApp } from '../src/app';
import { buildComponents } from '../src/components';
import type { AuthorizeTiming } from '../src/components/devices';
import { connectDatabase } from '../src/shared/db/database.connection';
import { listenOnFreePort } from '../test/foundation/app.harness';
import { watchStalls } from './lib/stalls';

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
  const stalls = watchStalls();
  const router = Router()
    .get('/bench/loop', (_req, res) => void res.json(stalls.take()))
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
