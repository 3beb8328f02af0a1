import { Router } from 'express';
import { principalOf } from '../../auth';
import type { OpenAPIRegistry } from '../../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../../shared/openapi/openapi.registry';
import { pageSchema } from '../../../shared/http/page.cursor';
import { idParams } from '../registry.schemas';
import { cylinderCorrection, transferApproval, transferParams, transferQuery, transferRejection, transferRequestInput, transferView } from './cylinders.authority.schemas';
import type { CylinderAuthority } from './cylinders.authority.service';
import { cylinderView } from './cylinders.schemas';

/** HTTP only: a regulator's correction, and the transfer requests a regulator decides. */
export function cylinderAuthorityRoutes(authority: CylinderAuthority): Router {
  const router = Router();
  router.post('/cylinders/:id/corrections', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await authority.correct(principal, id, req.body));
  });
  router.post('/cylinders/:id/transfer-requests', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.status(201).json(await authority.requestTransfer(principal, id, req.body));
  });
  router.get('/cylinder-transfer-requests', async (req, res) => {
    res.json(await authority.listTransfers(principalOf(req), transferQuery.parse(req.query)));
  });
  for (const verdict of ['approve', 'reject'] as const) {
    router.post(`/cylinders/:id/transfer-requests/:requestId/${verdict}`, async (req, res) => {
      const principal = principalOf(req);
      const { id, requestId } = transferParams.parse(req.params);
      res.json(await authority.decideTransfer(principal, id, requestId, verdict, req.body));
    });
  }
  return router;
}

export function registerCylinderAuthorityOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['cylinders'];
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED)'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not do this'),
    404: problemResponse('No such cylinder (or request) within the caller\'s scope'),
  };
  const view = transferView;
  registry.registerPath({
    method: 'post', path: '/api/v1/cylinders/{id}/corrections', tags, security,
    summary: 'Correct a cylinder\'s stamped facts (serial, manufacturer, manufacture date, nominal size, design life): a city regulator, or the district regulator of its district; the reason is audited',
    description: 'An enterprise cannot change these on a commissioned cylinder (PATCH answers 409 STAMPED_FACT_LOCKED). The service-life end and, before the first periodic inspection, the next inspection date follow.',
    request: { params: idParams, body: { ...json(cylinderCorrection), required: true } },
    responses: { 200: { description: 'Corrected', ...json(cylinderView) }, ...common, 409: problemResponse('CYLINDER_CLOSED (scrapped), or the corrected serial is taken') },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/cylinders/{id}/transfer-requests', tags, security,
    summary: 'Ask to register a cylinder to another filling station of its enterprise (pending until a regulator decides)',
    request: { params: idParams, body: { ...json(transferRequestInput), required: true } },
    responses: { 201: { description: 'Pending', ...json(view) }, ...common, 409: problemResponse('TRANSFER_ALREADY_PENDING, or CYLINDER_CLOSED') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cylinder-transfer-requests', tags, security,
    summary: 'Transfer requests within the caller\'s scope, newest first (a regulator\'s queue: ?status=pending)',
    request: { query: transferQuery },
    responses: { 200: { description: 'A page of requests', ...json(pageSchema(view, 'CylinderTransferRequestPage')) }, ...common },
  });
  for (const [verdict, body, summary] of [
    ['approve', transferApproval, 'Approve: the cylinder is registered to the requested station (and its district), audited'],
    ['reject', transferRejection, 'Reject, with a reason'],
  ] as const) {
    registry.registerPath({
      method: 'post', path: `/api/v1/cylinders/{id}/transfer-requests/{requestId}/${verdict}`, tags, security,
      summary: `${summary}: a city regulator, or the district regulator of the cylinder's district`,
      request: { params: transferParams, body: { ...json(body), required: true } },
      responses: { 200: { description: 'Decided', ...json(view) }, ...common, 409: problemResponse('TRANSFER_NOT_PENDING, TRANSFER_STALE, TRANSFER_TARGET_INVALID or CYLINDER_CLOSED') },
    });
  }
}
