import { Router } from 'express';
import { principalOf } from '../auth';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import type { ListQueryBase } from './registry.definition';
import { idParams } from './registry.schemas';
import { pageSchema } from '../../shared/http/page.cursor';
import type { RecordService } from './registry.service';

/** HTTP only: parse with zod, call the service, shape the response. The same five routes per record. */
export function recordRoutes(services: readonly RecordService[]): Router {
  const router = Router();
  for (const service of services) {
    const def = service.definition;
    const base = `/${def.resource}`;
    router.get(base, async (req, res) => {
      const principal = principalOf(req);
      const query = def.querySchema.parse(req.query) as ListQueryBase;
      res.json(await service.list(principal, query));
    });
    router.post(base, async (req, res) => {
      const principal = principalOf(req);
      res.status(201).json(await service.create(principal, req.body));
    });
    router.get(`${base}/:id`, async (req, res) => {
      const principal = principalOf(req);
      const { id } = idParams.parse(req.params);
      res.json(await service.get(principal, id));
    });
    router.patch(`${base}/:id`, async (req, res) => {
      const principal = principalOf(req);
      const { id } = idParams.parse(req.params);
      res.json(await service.update(principal, id, req.body));
    });
    router.post(`${base}/:id/deactivate`, async (req, res) => {
      const principal = principalOf(req);
      const { id } = idParams.parse(req.params);
      res.json(await service.deactivate(principal, id));
    });
  }
  return router;
}

export function registerRecordOpenApi(registry: OpenAPIRegistry, services: readonly RecordService[]): void {
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const { definition: def } of services) {
    const tags = [def.resource];
    const security = [{ bearerAuth: [] }];
    const view = def.viewSchema;
    const common = {
      400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED), or INVALID_CURSOR'),
      401: problemResponse('Not authenticated'),
      403: problemResponse('The role may not do this'),
    };
    const notFound = { 404: problemResponse('No such record within the caller\'s scope') };
    const path = `/api/v1/${def.resource}`;
    const params = idParams;
    registry.registerPath({
      method: 'get', path, tags, security,
      summary: `List ${def.resource} within the caller's scope, with filters, sorting and cursor pagination`,
      request: { query: def.querySchema as never },
      responses: { 200: { description: `A page of ${def.resource}`, ...json(pageSchema(view, `${capital(def.noun)}Page`)) }, ...common },
    });
    registry.registerPath({
      method: 'post', path, tags, security,
      summary: `Register a ${def.noun} (audited)`,
      request: { body: { ...json(def.createSchema), required: true } },
      responses: { 201: { description: 'Created', ...json(view) }, ...common, 409: problemResponse('A record with the same natural key exists') },
    });
    registry.registerPath({
      method: 'get', path: `${path}/{id}`, tags, security, summary: `Read a ${def.noun}`,
      request: { params },
      responses: { 200: { description: def.noun, ...json(view) }, ...common, ...notFound },
    });
    registry.registerPath({
      method: 'patch', path: `${path}/{id}`, tags, security, summary: `Change a ${def.noun} (audited: before → after)`,
      request: { params, body: { ...json(def.patchSchema), required: true } },
      responses: { 200: { description: 'Updated', ...json(view) }, ...common, ...notFound, 409: problemResponse('A record with the same natural key exists') },
    });
    registry.registerPath({
      method: 'post', path: `${path}/{id}/deactivate`, tags, security, summary: `Deactivate a ${def.noun}; records are never deleted`,
      request: { params },
      responses: { 200: { description: 'Deactivated (or already inactive)', ...json(view) }, ...common, ...notFound },
    });
  }
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
