import { Router } from 'express';
import { authorize, principalOf } from '../auth';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { auditPageSchema, auditQuerySchema } from './audit.schemas';
import type { AuditService } from './audit.service';

export function auditRoutes(service: AuditService): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const principal = principalOf(req);
    authorize(principal, 'audit', 'read');
    const query = auditQuerySchema.parse(req.query);
    res.json(await service.list(principal, query));
  });
  return router;
}

export function registerAuditOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/audit',
    tags: ['audit'],
    summary: 'Audit trail: who changed which record, when, before → after (personal data masked), newest first, within the caller\'s scope',
    security: [{ bearerAuth: [] }],
    request: { query: auditQuerySchema },
    responses: {
      200: { description: 'A page of audit entries', ...json(auditPageSchema) },
      400: problemResponse('Invalid query'),
      401: problemResponse('Not authenticated'),
      403: problemResponse('The role may not read the audit trail'),
    },
  });
}
