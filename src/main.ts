import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config as loadDotenv } from 'dotenv';
import { developmentSeeders, seedDevelopmentDatabase } from '../seed';
import { createApp } from './app';
import { buildComponents } from './components';
import { ConfigError, loadConfig, type Config } from './config';
import { startDatabase } from './shared/db/database.starter';
import { drainHttpServer } from './shared/lifecycle/http.drain';
import { createShutdown, installProcessHandlers, type Shutdown } from './shared/lifecycle/shutdown.coordinator';
import { createLogger, type Logger } from './shared/logger/logger.factory';
import { createRealtime } from './shared/realtime/realtime.server';
import { startDemoSimulators } from './sim/demo/demo.simulator';

/** config → database → http + socket.io → shutdown hooks; nothing else. */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger = createLogger({ level: config.log.level, format: config.log.format, env: config.env });
  const shutdown = createShutdown({
    logger,
    stepTimeoutMs: config.shutdownTimeoutMs + 5_000,
    exit: (code) => process.exit(code),
  });
  installProcessHandlers(process, shutdown, logger);
  try {
    await start(config, logger, shutdown);
  } catch (error) {
    logger.fatal({ err: error }, 'LPG Trace failed to start');
    // Stops whatever did start (the embedded database holds a port and a data directory).
    await shutdown.trigger('startup failed', 1);
  }
}

async function start(config: Config, logger: Logger, shutdown: Shutdown): Promise<void> {
  const db = await startDatabase(config, logger);
  shutdown.add('database', db.close);
  // The demo passwords wait for the "ready" line, so they are the last thing on the terminal.
  const announcements: ((url: string) => string)[] = [];
  if (config.env === 'development') {
    const outcome = await seedDevelopmentDatabase({ connection: db.database.connection, logger, config, announce: (render) => announcements.push(render) }, developmentSeeders(config.demo));
    logger.debug({ outcome }, 'development seed');
  }

  const components = await buildComponents({ connection: db.database.connection, config, logger });
  const { modules } = components;
  // After http (shutdown runs last-added first), before the database: background runners stop with it open.
  shutdown.add('components', async () => {
    for (const module of modules) await module.stop?.();
  });
  const server = createServer(createApp({ config, logger, database: db.database, modules, mobile: { city: { qrDomain: config.qr.domain, companyPrefix: config.qr.companyPrefix } } }));
  const realtime = await createRealtime(server, logger, { redisUrl: config.realtime.redisUrl });
  const detach = modules.flatMap((module) => (module.attachRealtime ? [module.attachRealtime(realtime)] : []));
  shutdown.add('http', async () => {
    const drained = drainHttpServer(server, config.shutdownTimeoutMs);
    for (const off of detach) off();
    await realtime.close();
    const { timedOut } = await drained;
    if (timedOut) logger.warn({ timeoutMs: config.shutdownTimeoutMs }, 'requests cut off at the drain deadline');
  });

  await listen(server, config);
  const url = publicUrl(config, server);
  if (config.demo.simulation) {
    const { port } = server.address() as AddressInfo;
    const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const simulators = startDemoSimulators({ components, baseUrl: `http://${host}:${port}`, jwtSecret: config.secrets.JWT_SECRET, intervalMs: config.demo.simulationIntervalMs, heartbeatMs: config.scales.heartbeatIntervalS * 1000, logger });
    // Stops first (added last): its rounds talk to the server the next steps close.
    shutdown.add('demo simulators', () => simulators.stop());
  }
  logger.info({ url, db: db.database.info, env: config.env }, `LPG Trace is ready at ${url}`);
  // stdout only, never the log: the demo passwords exist nowhere else in clear. The log writes
  // synchronously, so they come after the ready line, the last thing on the terminal.
  for (const render of announcements) process.stdout.write(`${render(url)}\n`);
}

function readConfigOrExit(): Config {
  loadDotenv({ quiet: true });
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every key.\n`);
    process.exit(1);
  }
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function publicUrl(config: Config, server: Server): string {
  if (config.http.publicBaseUrl) return config.http.publicBaseUrl;
  const { port } = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.http.host) ? 'localhost' : config.http.host;
  return `http://${host}:${port}`;
}

main().catch((error: unknown) => {
  // Only reached before the logger exists; stderr is the one channel sure to work.
  process.stderr.write(`LPG Trace failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
