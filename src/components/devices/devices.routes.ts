import { Router } from 'express';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { BEARER_SECURITY, principalOf } from '../auth';
import { createDeviceBodySchema, deviceCredentialsSchema, deviceIdParamsSchema, devicePageSchema, deviceViewSchema, listDevicesQuerySchema } from './devices.schemas';
import type { DevicesService } from './devices.service';

export function devicesRoutes(service: DevicesService): Router {
  const router = Router();
  router.post('/devices', async (req, res) => {
    const credentials = await service.register(principalOf(req), createDeviceBodySchema.parse(req.body));
    res.status(201).set('Cache-Control', 'no-store').json(credentials);
  });
  router.get('/devices', async (req, res) => {
    res.json(await service.list(principalOf(req), listDevicesQuerySchema.parse(req.query)));
  });
  router.get('/devices/:id', async (req, res) => {
    res.json(await service.get(principalOf(req), deviceIdParamsSchema.parse(req.params).id));
  });
  router.post('/devices/:id/revoke', async (req, res) => {
    res.json(await service.revoke(principalOf(req), deviceIdParamsSchema.parse(req.params).id));
  });
  return router;
}

const common = {
  400: problemResponse('VALIDATION_FAILED, INVALID_CURSOR'),
  401: problemResponse('UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, ACCOUNT_INACTIVE'),
  403: problemResponse('FORBIDDEN: the role may not do this'),
};

export function registerDevicesOpenApi(registry: OpenAPIRegistry): void {
  const base = { tags: ['devices'], security: BEARER_SECURITY };
  const request = { params: deviceIdParamsSchema };
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/devices',
    summary: "Register a filling scale at one of your enterprise's filling stations; the secret is shown once",
    request: { body: { ...json(createDeviceBodySchema), required: true } },
    responses: {
      201: { description: 'Registered; keep the secret now', ...json(deviceCredentialsSchema) },
      ...common,
      404: problemResponse('SITE_NOT_FOUND: no such active site in your scope'),
      409: problemResponse('CONFLICT: the serial number is already registered'),
      422: problemResponse('SITE_NOT_FILLING_STATION'),
    },
  });
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/devices',
    summary: 'List the devices in your scope (never their secrets)',
    request: { query: listDevicesQuerySchema },
    responses: { 200: { description: 'A page', ...json(devicePageSchema) }, ...common },
  });
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/devices/{id}',
    summary: 'Read a device (never its secret)',
    request,
    responses: { 200: { description: 'The device', ...json(deviceViewSchema) }, ...common, 404: problemResponse('NOT_FOUND') },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/devices/{id}/revoke',
    summary: 'Revoke a device credential for good',
    request,
    responses: {
      200: { description: 'Revoked', ...json(deviceViewSchema) },
      ...common,
      404: problemResponse('NOT_FOUND'),
      409: problemResponse('DEVICE_ALREADY_REVOKED'),
    },
  });
}
