import { Router } from 'express';
import { authorize, BEARER_SECURITY, principalOf } from '../../auth';
import { problemResponse, type OpenAPIRegistry } from '../../../shared/openapi/openapi.registry';
import { epcisDocumentSchema, epcisQuerySchema } from './epcis.schemas';
import type { EpcisService } from './epcis.service';

export function epcisRoutes(service: EpcisService): Router {
  return Router().get('/epcis/events', async (req, res) => {
    const principal = principalOf(req);
    authorize(principal, 'ledger', 'read');
    const document = await service.export(principal, epcisQuerySchema.parse(req.query));
    res.type('application/ld+json').send(JSON.stringify(document));
  });
}

export function registerEpcisOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/api/v1/epcis/events',
    tags: ['ledger'],
    security: BEARER_SECURITY,
    summary: 'Ledger events as an EPCIS 2.0 document (JSON-LD; GS1 Digital Link EPCs, CBV vocabulary, lpg: extension)',
    request: { query: epcisQuerySchema },
    responses: {
      200: { description: 'An EPCISDocument', content: { 'application/ld+json': { schema: epcisDocumentSchema } } },
      400: problemResponse('Invalid query'),
      401: problemResponse('Not authenticated'),
      403: problemResponse('Only regulators and auditors export the ledger'),
      404: problemResponse('Unknown cylinder or outside your scope'),
    },
  });
}
