import { Router } from 'express';
import { authorize, BEARER_SECURITY, principalOf } from '../../auth';
import { json, problemResponse, type OpenAPIRegistry } from '../../../shared/openapi/openapi.registry';
import { captureReportSchema, epcisCaptureSchema, epcisDocumentSchema, epcisQuerySchema } from './epcis.schemas';
import type { EpcisCaptureService, EpcisService } from './epcis.service';

/** JSON-LD is JSON: an EPCIS document may arrive as either. */
export const EPCIS_BODY_TYPES = ['application/json', 'application/ld+json'] as const;

export function epcisRoutes(service: EpcisService, capture?: EpcisCaptureService): Router {
  const router = Router().get('/epcis/events', async (req, res) => {
    const principal = principalOf(req);
    authorize(principal, 'ledger', 'read');
    const document = await service.export(principal, epcisQuerySchema.parse(req.query));
    res.type('application/ld+json').send(JSON.stringify(document));
  });
  if (capture) {
    router.post('/epcis/capture', async (req, res) => {
      res.json(await capture.capture(principalOf(req), epcisCaptureSchema.parse(req.body)));
    });
  }
  return router;
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
  registry.registerPath({
    method: 'post',
    path: '/api/v1/epcis/capture',
    tags: ['ledger'],
    security: BEARER_SECURITY,
    summary: 'Capture the ObjectEvents of an EPCIS 2.0 document (synchronous; each cylinder each event names becomes a ledger event)',
    description:
      'Each ObjectEvent is mapped to ledger events (docs/epcis-extension.md): its type from lpg:eventType or the bizStep, one event per EPC, ' +
      'the site or vehicle from readPoint / bizLocation, the payload from lpg:payload. The same document sent again is answered as duplicates.',
    request: { body: { content: Object.fromEntries(EPCIS_BODY_TYPES.map((type) => [type, { schema: epcisCaptureSchema }])) } },
    responses: {
      200: { description: 'One result per cylinder per event: accepted, duplicate, or rejected with a reason', ...json(captureReportSchema) },
      400: problemResponse('Not an EPCIS 2.0 document, or more than 1,000 cylinder events'),
      401: problemResponse('Not authenticated'),
      403: problemResponse('Only enterprise staff (custody events) and regulators (periodic inspections) capture events'),
    },
  });
}
