import compression from 'compression';
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import { join } from 'node:path';
import type { Config } from './config';
import type { DatabaseProbe } from './shared/db/database.connection';
import { errorMiddleware, notFoundHandler } from './shared/errors/error.middleware';
import { createMessageCatalog } from './shared/errors/problem.localize';
import { healthRoutes, registerHealthOpenApi } from './shared/health';
import { accessLog } from './shared/http/access-log.middleware';
import type { ApiModule } from './shared/http/api-module';
import { mobileShell, type MobileCityFacts } from './shared/http/mobile.shell';
import { webConsole } from './shared/http/web.console';
import type { Logger } from './shared/logger/logger.factory';
import { apiDocsRoutes } from './shared/openapi/api-docs.routes';
import { createOpenApiRegistry } from './shared/openapi/openapi.registry';
import { PROJECT_ROOT, PROJECT_VERSION } from './shared/project.info';

export interface AppDeps {
  config: Pick<Config, 'isProduction'> & { http: Pick<Config['http'], 'bodyLimit'> & Partial<Pick<Config['http'], 'trustProxy'>> };
  logger: Logger;
  database: DatabaseProbe;
  /** The components' API routers, mounted under /api/v1 (built by src/components). */
  modules?: readonly ApiModule[];
  /** How long /readyz waits for the database ping. */
  readinessTimeoutMs?: number;
  version?: string;
  /** The built web consoles (default web/dist; a test points elsewhere). */
  webDir?: string;
  /** The phone app (default mobile/dist) and the city's QR facts its shell carries for offline checks. */
  mobile?: { dir?: string; city?: MobileCityFacts };
}

/** Builds the Express app and never listens: main.ts and the tests do that. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, database } = deps;
  const version = deps.version ?? PROJECT_VERSION;
  const registry = createOpenApiRegistry();
  const app = express();

  app.disable('x-powered-by');
  // res.json writes <, > and & as \u escapes, as the problems do (serializeProblem): an answer that
  // names what the caller sent (the public page's JSON of a malformed code, a batch item's unknown
  // key) never carries its markup as markup.
  app.set('json escape', true);
  // Behind a reverse proxy, req.ip is the client's only when the proxy is trusted: the public
  // page's scan limit, the login throttle and the access log all key on it.
  app.set('trust proxy', config.http.trustProxy ?? false);
  app.use(accessLog(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        // Upgrading to https breaks a plain-http LAN address in development; production sits behind TLS.
        directives: { upgradeInsecureRequests: config.isProduction ? [] : null },
      },
    }),
  );
  app.use(compression());
  // A route that takes large batches gets its own limit; every other body keeps the global one.
  for (const module of deps.modules ?? []) {
    for (const { path, limit, types } of module.largeBodies ?? []) app.use(`/api/v1${path}`, express.json({ limit, ...(types ? { type: [...types] } : {}) }));
    for (const { path, limit } of module.rawBodies ?? []) app.use(`/api/v1${path}`, express.raw({ limit, type: () => true }));
  }
  app.use(express.json({ limit: config.http.bodyLimit }));
  app.use(express.urlencoded({ extended: false, limit: config.http.bodyLimit }));

  const warnings = (deps.modules ?? []).flatMap((m) => (m.healthWarnings ? [m.healthWarnings] : []));
  app.use(healthRoutes({ database, version, readinessTimeoutMs: deps.readinessTimeoutMs ?? 2_000, warnings }));
  registerHealthOpenApi(registry);

  const api = Router();
  api.use(apiDocsRoutes(registry, version));
  for (const module of deps.modules ?? []) {
    api.use('/v1', module.router);
    module.registerOpenApi(registry);
  }
  api.use(notFoundHandler);
  app.use('/api', api);

  app.use('/assets', express.static(join(PROJECT_ROOT, 'public'), { index: false, maxAge: '1h' }));
  for (const module of deps.modules ?? []) {
    if (module.pages) app.use(module.pages);
  }
  app.use(mobileShell(deps.mobile?.dir ?? join(PROJECT_ROOT, 'mobile', 'dist'), deps.mobile?.city));
  app.use(webConsole(deps.webDir ?? join(PROJECT_ROOT, 'web', 'dist'), { version, dbMode: database.info.mode }));

  app.use(notFoundHandler);
  const messages = createMessageCatalog((deps.modules ?? []).flatMap((m) => (m.problemTitles ? [m.problemTitles] : [])));
  app.use(errorMiddleware({ exposeInternals: !config.isProduction, messages }));
  return app;
}
