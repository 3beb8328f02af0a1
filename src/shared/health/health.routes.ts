import { Router } from 'express';
import type { DatabaseProbe } from '../db/database.connection';
import type { HealthWarning } from '../http/api-module';
import { json, type OpenAPIRegistry } from '../openapi/openapi.registry';
import { livenessSchema, readinessSchema, type Liveness, type Readiness } from './health.schemas';

export interface HealthDeps {
  database: DatabaseProbe;
  version: string;
  readinessTimeoutMs: number;
  /** The components' warning sources; a failing one is logged, never fails readiness. */
  warnings?: readonly (() => Promise<readonly HealthWarning[]>)[];
}

/** /healthz: the process is up (never touches the DB). /readyz: it can serve, the DB answers. */
export function healthRoutes({ database, version, readinessTimeoutMs, warnings = [] }: HealthDeps): Router {
  const router = Router();
  const db = { mode: database.info.mode, engine: database.info.engine };

  router.get('/healthz', (_req, res) => {
    const body: Liveness = { status: 'ok', db, version };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.get('/readyz', async (req, res) => {
    const started = performance.now();
    let body: Readiness;
    try {
      await database.ping(readinessTimeoutMs);
      body = { status: 'ready', db: { ...db, ok: true, latencyMs: Math.round(performance.now() - started) } };
      const found = (
        await Promise.all(
          warnings.map(async (source) => {
            try {
              return await source();
            } catch (err) {
              req.log?.warn({ err }, 'readiness: a warning source failed');
              return [];
            }
          }),
        )
      ).flat();
      if (found.length > 0) body.warnings = found;
    } catch (error) {
      req.log?.warn({ err: error }, 'readiness: database did not answer');
      body = { status: 'unavailable', db: { ...db, ok: false, error: 'database did not answer a ping' } };
    }
    res
      .status(body.status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(body);
  });
  return router;
}

export function registerHealthOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    tags: ['operations'],
    summary: 'Liveness: the process is running; reports the database mode and version',
    responses: { 200: { description: 'Alive', ...json(livenessSchema) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    tags: ['operations'],
    summary: 'Readiness: the database answers a ping',
    responses: {
      200: { description: 'Ready', ...json(readinessSchema) },
      503: { description: 'The database does not answer', ...json(readinessSchema) },
    },
  });
}
