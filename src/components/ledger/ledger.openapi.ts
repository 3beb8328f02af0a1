import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { REJECTION_CODES, reasonsMarkdown } from './ledger.reasons';
import { batchInput, batchView, cylinderParams, eventInput, eventsPage, eventsQuery, outcomeView, PAYLOADS, rejectedPage, rejectedQuery, timelineQuery } from './ledger.schemas';

export function registerLedgerOpenApi(registry: OpenAPIRegistry): void {
  // Payloads are documented one schema per event type (the body's `payload` is checked against the type's).
  for (const [type, schema] of Object.entries(PAYLOADS)) registry.register(`${pascal(type)}Payload`, schema);
  // The one reason table, documented as it is in the code.
  registry.register('RejectionCode', z.enum(REJECTION_CODES).openapi('RejectionCode', { description: `Why capture refuses an event (stable codes):\n\n${reasonsMarkdown()}` }));
  const tags = ['events'];
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED)'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not do this'),
  };
  const cylinderNotFound = { 404: problemResponse('CYLINDER_NOT_FOUND: no such cylinder within the caller\'s scope') };
  registry.registerPath({
    method: 'post', path: '/api/v1/events', tags, security,
    summary: 'Record one custody event (idempotent by eventId; the actor is the caller)',
    request: { body: { ...json(eventInput), required: true } },
    responses: {
      201: { description: 'Accepted and appended to the cylinder\'s chain', ...json(outcomeView) },
      200: { description: 'Duplicate: this very event (same content) was stored before, and the caller may read it; the stored event', ...json(outcomeView) },
      ...common,
      403: problemResponse('The role records no events (FORBIDDEN), or not this one: INSPECTION_NOT_PERMITTED (periodic_inspection is recorded by a city regulator or the district regulator of the cylinder\'s district), EVENT_NOT_PERMITTED (a regulator records periodic inspections only); kept for supervision'),
      ...cylinderNotFound,
      409: problemResponse('EVENT_ID_CONFLICT: the eventId is already the id of another event (other content, or an event the caller may not read); nothing about it is revealed'),
      422: problemResponse(`Rejected and kept for supervision (GET /api/v1/events/rejected), with every reason that applies in \`reasons\` (the first is \`code\`/\`detail\`). Credentials are judged at the event's occurredAt.\n\n${reasonsMarkdown()}`),
    },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/events/batch', tags, security,
    summary: 'Record up to 1,000 events (an offline buffer); each is answered accepted, duplicate (the same event, stored before) or rejected with a reason code (EVENT_ID_CONFLICT: the id is taken by another event)',
    request: { body: { ...json(batchInput), required: true } },
    responses: { 200: { description: 'One result per event, in the order sent', ...json(batchView) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/events', tags, security,
    summary: 'Events within the caller\'s scope by site, worker, vehicle, cylinder, type and time; newest first, cursor-paged',
    request: { query: eventsQuery },
    responses: { 200: { description: 'A page of events', ...json(eventsPage) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/events/rejection-reasons', tags, security,
    summary: 'The table of reasons capture refuses an event for: each stable code with its HTTP status and its Chinese and English message',
    responses: {
      200: { description: 'The reason table', ...json(z.object({ items: z.array(z.object({ code: z.string(), status: z.number().int(), zh: z.string(), en: z.string() })) }).openapi('RejectionReasonTable')) },
      401: problemResponse('Not authenticated'),
    },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/events/rejected', tags, security,
    summary: 'Events capture refused, newest first, with their evidence (who, where, when, each reason and the credential with its status at occurredAt); within the caller\'s scope of events; cursor-paged',
    request: { query: rejectedQuery },
    responses: { 200: { description: 'A page of refusals', ...json(rejectedPage) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cylinders/{id}/events', tags, security,
    summary: 'A cylinder\'s timeline, newest first, cursor-paged',
    request: { params: cylinderParams, query: timelineQuery },
    responses: { 200: { description: 'A page of the cylinder\'s events', ...json(eventsPage) }, ...common, ...cylinderNotFound },
  });
}

function pascal(type: string): string {
  return type.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
