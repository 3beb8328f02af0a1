import { Router } from 'express';
import { authorize, BEARER_SECURITY, principalOf } from '../../auth';
import { AppError } from '../../../shared/errors/app.error';
import { json, problemResponse, type OpenAPIRegistry } from '../../../shared/openapi/openapi.registry';
import { verifyCylinder } from './chain.verification';
import type { CylinderVisibility, LedgerEventSource } from './log.ports';
import {
  checkpointListSchema,
  checkpointSchema,
  checkpointsQuerySchema,
  consistencyProofSchema,
  consistencyQuerySchema,
  cylinderParamsSchema,
  cylinderVerificationSchema,
  exportBundleSchema,
  incidentListSchema,
  incidentsQuerySchema,
  inclusionProofSchema,
  inclusionQuerySchema,
  publicKeySchema,
} from './log.schemas';
import type { LogService } from './log.service';

/** Under /api/v1. The public key is public; everything else is for regulators and auditors. */
export function logRoutes(service: LogService, cylinderVisible: CylinderVisibility, source: LedgerEventSource): Router {
  const router = Router();
  router.get('/ledger/public-key', (_req, res) => {
    res.json(service.publicKey());
  });
  router.get('/ledger/checkpoints/latest', async (req, res) => {
    authorize(principalOf(req), 'ledger', 'read');
    res.json(await service.latestCheckpoint());
  });
  router.get('/ledger/checkpoints', async (req, res) => {
    authorize(principalOf(req), 'ledger', 'read');
    res.json(await service.checkpoints(checkpointsQuerySchema.parse(req.query)));
  });
  router.get('/ledger/proofs/inclusion', async (req, res) => {
    authorize(principalOf(req), 'ledger', 'read');
    const query = inclusionQuerySchema.parse(req.query);
    res.json(await service.inclusionProof(query.eventId, query.treeSize));
  });
  router.get('/ledger/proofs/consistency', async (req, res) => {
    authorize(principalOf(req), 'ledger', 'read');
    const query = consistencyQuerySchema.parse(req.query);
    res.json(await service.consistencyProof(query.from, query.to));
  });
  router.get('/cylinders/:id/export', async (req, res) => {
    const principal = principalOf(req);
    authorize(principal, 'ledger', 'read');
    const { id } = cylinderParamsSchema.parse(req.params);
    if (!(await cylinderVisible(principal, id))) throw AppError.notFound(`No cylinder ${id}`);
    res.setHeader('Content-Disposition', `attachment; filename="cylinder-${id}-export.json"`);
    res.json(await service.exportCylinder(id));
  });
  // Whoever may read a cylinder's events may check them; the log is what makes the check mean something.
  router.get('/cylinders/:id/chain/verify', async (req, res) => {
    const principal = principalOf(req);
    authorize(principal, 'events', 'read');
    const { id } = cylinderParamsSchema.parse(req.params);
    if (!(await cylinderVisible(principal, id))) throw new AppError('CYLINDER_NOT_FOUND', 404, 'Cylinder not found', { detail: `No cylinder ${id}` });
    res.json(await verifyCylinder({ source, log: service }, id));
  });
  router.get('/ledger/incidents', async (req, res) => {
    authorize(principalOf(req), 'ledger_incidents', 'read');
    res.json(await service.incidents(incidentsQuerySchema.parse(req.query).limit));
  });
  return router;
}

/** Mounted at the site root: the ledger's public key where key discovery expects it. */
export function wellKnownRoutes(service: LogService): Router {
  return Router().get('/.well-known/lpg-trace-ledger-key', (_req, res) => {
    res.json(service.publicKey());
  });
}


export function registerLogOpenApi(registry: OpenAPIRegistry): void {
  const secured = { tags: ['ledger'], security: BEARER_SECURITY };
  const denied = { 401: problemResponse('Not authenticated'), 403: problemResponse('Only regulators and auditors read the ledger log') };
  registry.registerPath({
    method: 'get',
    path: '/api/v1/ledger/public-key',
    tags: ['ledger'],
    summary: 'The Ed25519 public key that signs checkpoints (also at /.well-known/lpg-trace-ledger-key); no login',
    responses: { 200: { description: 'PEM (SPKI) and key id', ...json(publicKeySchema) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/ledger/checkpoints/latest',
    ...secured,
    summary: 'The newest signed checkpoint (tree size, RFC 6962 root, time, signature)',
    responses: { 200: { description: 'A signed tree head', ...json(checkpointSchema) }, 404: problemResponse('The log is empty'), ...denied },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/ledger/checkpoints',
    ...secured,
    summary: 'The checkpoint of one tree size (?size=), or the newest ones',
    request: { query: checkpointsQuerySchema },
    responses: { 200: { description: 'Checkpoints, newest first', ...json(checkpointListSchema) }, 400: problemResponse('Invalid query'), 404: problemResponse('No checkpoint of that size'), ...denied },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/ledger/proofs/inclusion',
    ...secured,
    summary: "Audit path proving an event is in the log of treeSize leaves (default: the latest checkpoint's size)",
    request: { query: inclusionQuerySchema },
    responses: { 200: { description: 'RFC 6962 inclusion proof', ...json(inclusionProofSchema) }, 400: problemResponse('Invalid query or tree size'), 404: problemResponse('Unknown event'), ...denied },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/ledger/proofs/consistency',
    ...secured,
    summary: 'Proof that the log of `to` leaves extends the log of `from` leaves (append-only)',
    request: { query: consistencyQuerySchema },
    responses: { 200: { description: 'RFC 6962 consistency proof with both roots', ...json(consistencyProofSchema) }, 400: problemResponse('Sizes out of range'), ...denied },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/cylinders/{id}/export',
    ...secured,
    summary: "A cylinder's whole chain + inclusion proofs + the signed checkpoint, verifiable offline (npm run ledger:verify)",
    request: { params: cylinderParamsSchema },
    responses: {
      200: { description: 'The export bundle', ...json(exportBundleSchema) },
      404: problemResponse('Unknown cylinder or outside your scope'),
      ...denied,
      403: problemResponse('FORBIDDEN: only regulators and auditors read the ledger log; EXPORT_OUT_OF_SCOPE: the chain has events outside your scope (a district regulator of a cylinder that passed through another district)'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/cylinders/{id}/chain/verify',
    tags: ['ledger'],
    security: BEARER_SECURITY,
    summary: "Verify the cylinder's chain: every hash, link, position and state hand-over, every event against the latest signed checkpoint, and the projection against the chain; names the first bad event",
    description:
      'Events not yet under a signed checkpoint are counted in `log.pending` (they are checked for everything but inclusion). `ok` is false when anything fails, with `reason` and `firstBadEventId`.',
    request: { params: cylinderParamsSchema },
    responses: {
      200: { description: 'The verification result', ...json(cylinderVerificationSchema) },
      404: problemResponse('CYLINDER_NOT_FOUND: unknown or outside your scope'),
      401: problemResponse('Not authenticated'),
      403: problemResponse('FORBIDDEN: the role may not read events; EXPORT_OUT_OF_SCOPE: the chain has events outside your scope'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/ledger/incidents',
    ...secured,
    summary: 'Log-integrity incidents: positions whose event was altered or deleted before the log integrated it (city regulator, auditor)',
    description: 'The log does not halt at a damaged position: it records it here (and warns in /readyz) and goes on integrating and signing the rest of the city\'s events.',
    request: { query: incidentsQuerySchema },
    responses: { 200: { description: 'Incidents, newest first', ...json(incidentListSchema) }, 400: problemResponse('Invalid query'), 401: problemResponse('Not authenticated'), 403: problemResponse('Only the city regulator and auditors') },
  });
}
