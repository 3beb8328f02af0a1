import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { idParams } from '../../shared/http/object-id.schema';
import {
  codeView, collisionsPage, collisionsQuery, collisionView, customerParams, hazardsPage, hazardsQuery, linkView, loadInput, mediaParams, mediaView,
  ratesQuery, ratesView, receiptInput, resolutionInput, safetyCheckInput, syncInput, syncView, visitInput, visitParams, visitsPage, visitsQuery, visitView,
} from './deliveries.schemas';
import { MEDIA_TYPES } from './media.service';
import { SAFETY_ITEMS } from './safety-check.items';

const checklistMarkdown = (): string =>
  ['| item | 中文 | English | days to put right |', '|---|---|---|---|', ...Object.entries(SAFETY_ITEMS).map(([k, v]) => `| \`${k}\` | ${v.zh} | ${v.en} | ${v.deadlineDays} |`)].join('\n');

export function registerDeliveriesOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['deliveries'];
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED)'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not do this; a flow is recorded by a delivery worker signed in with its worker record'),
  };
  const flowAnswers = {
    201: { description: 'Recorded: every event of the flow accepted (in one transaction with the visit)', ...json(visitView) },
    200: { description: 'Duplicate: this very flow (same content) was recorded before; the stored record', ...json(visitView) },
    ...common,
    404: problemResponse('NOT_FOUND: the customer is not one of the enterprise\'s'),
    409: problemResponse('VISIT_ID_CONFLICT: the visitId holds a flow with other content (`errors` names each field that differs), or another worker\'s flow (`errors` names only `visitId`: that flow is not the caller\'s to see). Nothing is stored'),
    422: problemResponse('Refused whole, nothing of the flow recorded; every reason in `reasons` (`cylinder: detail`), each kept for supervision (GET /api/v1/events/rejected): the ledger\'s (ILLEGAL_TRANSITION for a cylinder not full, VEHICLE_PERMIT_INVALID, WORKER_UNCERTIFIED, CUSTOMER_NOT_REGISTERED, ... see RejectionCode) — or CONFIRMATION_FAILED (ask the customer again), MEDIA_NOT_FOUND (upload the photo or signature first)'),
  };
  const flows: [string, string, z.ZodType][] = [
    ['loads', 'Load full cylinders onto a vehicle at a station or supply point (装车): a `dispatch` per cylinder; the vehicle\'s permit and the worker\'s certificate are checked by the ledger', loadInput],
    ['receipts', 'A supply point takes cylinders in (入库): a `receive` per cylinder', receiptInput],
    ['visits', 'A visit at a customer\'s door: hand-over of full cylinders (`hand_over`, confirmed by the customer or recorded unconfirmed), collection of empties or refused fulls (`return_empty`) — the exchange is one visit — and optionally the home safety check', visitInput],
    ['safety-checks', `A home safety check (入户安检) on its own. Every item pass / fail / na; each failed item is an open hazard with a deadline:\n\n${checklistMarkdown()}`, safetyCheckInput],
  ];
  for (const [path, summary, schema] of flows) {
    registry.registerPath({ method: 'post', path: `/api/v1/deliveries/${path}`, tags, security, summary, request: { body: { ...json(schema), required: true } }, responses: flowAnswers });
  }
  registry.registerPath({
    method: 'post', path: '/api/v1/deliveries/sync', tags, security,
    summary: 'Upload flows recorded offline (up to 500, in order, each with its client visitId): each stored once with what the ledger made of its events, decided in device-time order; a refused event that collides with another upload is listed as a collision',
    request: { body: { ...json(syncInput), required: true } },
    responses: {
      200: { description: 'One result per flow, in the order sent', ...json(syncView) },
      ...common,
      409: problemResponse('VISIT_ID_CONFLICT: a visitId of the batch holds a flow with other content (`errors` names each field, visits[i]....) or another worker\'s flow (only visits[i].visitId). Nothing of the batch is stored'),
    },
  });
  registry.registerPath({ method: 'get', path: '/api/v1/deliveries/visits', tags, security, summary: 'Recorded flows within the caller\'s scope (a worker: its own), newest first, cursor-paged', request: { query: visitsQuery }, responses: { 200: { description: 'A page', ...json(visitsPage) }, ...common } });
  registry.registerPath({ method: 'get', path: '/api/v1/deliveries/visits/{visitId}', tags, security, summary: 'One recorded flow by its client visitId', request: { params: visitParams }, responses: { 200: { description: 'The flow', ...json(visitView) }, ...common, 404: problemResponse('No such flow in the caller\'s scope') } });
  registry.registerPath({ method: 'get', path: '/api/v1/deliveries/confirmation-rates', tags, security, summary: 'Each worker\'s hand-overs and how many the customer confirmed (an unconfirmed one counts against the rate)', request: { query: ratesQuery }, responses: { 200: { description: 'Per worker', ...json(ratesView) }, ...common } });
  registry.registerPath({ method: 'get', path: '/api/v1/deliveries/collisions', tags, security, summary: 'Offline events refused because another upload put the cylinder elsewhere first; the enterprise resolves them, the regulators see them', request: { query: collisionsQuery }, responses: { 200: { description: 'A page', ...json(collisionsPage) }, ...common } });
  const resolved = {
    ...common,
    404: problemResponse('No such collision in the caller\'s scope'),
    409: problemResponse('COLLISION_RESOLVED: accepted or dismissed before; COLLISION_NOT_CORRECTABLE: nothing it collided with'),
  };
  registry.registerPath({
    method: 'post', path: '/api/v1/deliveries/collisions/{id}/accept', tags, security,
    summary: 'Accept the refused event as a correction: an error declaration of the event it collided with, and the refused event recorded as its correction, atomically',
    request: { params: idParams, body: { ...json(resolutionInput), required: true } },
    responses: { 200: { description: 'Accepted', ...json(collisionView) }, ...resolved, 422: problemResponse('The ledger refuses the correction (the cylinder has moved on since): the collision stays open; `reasons` says why') },
  });
  registry.registerPath({ method: 'post', path: '/api/v1/deliveries/collisions/{id}/dismiss', tags, security, summary: 'Dismiss: the refused event was the mistake', request: { params: idParams, body: { ...json(resolutionInput), required: true } }, responses: { 200: { description: 'Dismissed', ...json(collisionView) }, ...resolved } });
  registry.registerPath({ method: 'get', path: '/api/v1/deliveries/hazards', tags, security, summary: 'Hazards the home safety checks found (each failed item, with its deadline), soonest deadline first; a later check passing the item closes it', request: { query: hazardsQuery }, responses: { 200: { description: 'A page', ...json(hazardsPage) }, ...common } });
  registry.registerPath({
    method: 'post', path: '/api/v1/deliveries/customers/{id}/handover-code', tags, security,
    summary: 'A one-time hand-over code for the customer (6 digits): sent by SMS where a gateway is configured, otherwise shown on the customer\'s own page; never shown to the worker',
    request: { params: customerParams },
    responses: { 201: { description: 'Issued', ...json(codeView) }, ...common, 404: problemResponse('Not a customer of the enterprise') },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/deliveries/customers/{id}/page-link', tags, security,
    summary: 'A one-time link to the customer\'s own page (no password): their cylinders, last deliveries and safety checks, the hand-over code; phone and ID number masked',
    request: { params: customerParams },
    responses: { 201: { description: 'The link, shown only here (and sent by SMS where a gateway is configured)', ...json(linkView) }, ...common, 404: problemResponse('Not a customer of the enterprise') },
  });
  registry.registerPath({
    method: 'put', path: '/api/v1/deliveries/media/{sha256}', tags, security,
    summary: 'Upload a photo or a signature image (JPEG, PNG or WebP by its own bytes, at most DELIVERY_MEDIA_MAX_KB) under its SHA-256; flows name it by that hash, the ledger never holds it',
    request: { params: mediaParams, body: { content: Object.fromEntries(MEDIA_TYPES.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }])), required: true } },
    responses: { 201: { description: 'Stored', ...json(mediaView) }, 200: { description: 'Stored before', ...json(mediaView) }, ...common, 413: problemResponse('PAYLOAD_TOO_LARGE'), 415: problemResponse('UNSUPPORTED_MEDIA_TYPE: not a JPEG, PNG or WebP, or not the type declared') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/deliveries/media/{sha256}', tags, security, summary: 'An uploaded image, within the caller\'s scope',
    request: { params: mediaParams },
    responses: { 200: { description: 'The image', content: Object.fromEntries(MEDIA_TYPES.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }])) }, ...common, 404: problemResponse('No such image in the caller\'s scope') },
  });
  const pageTags = ['customer page'];
  const token = z.object({ token: z.string().openapi({ description: 'The one-time token of the link' }) });
  registry.registerPath({ method: 'get', path: '/c/{token}', tags: pageTags, summary: 'The one-time link\'s landing page (HTML): a button opens the customer\'s page; a GET alone spends nothing (link previews)', request: { params: token }, responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, 404: { description: 'Not a token the platform issues (HTML)' } } });
  registry.registerPath({ method: 'post', path: '/c/{token}', tags: pageTags, summary: 'Spends the link: a 30-minute session (HttpOnly cookie) and a redirect to /c', request: { params: token }, responses: { 303: { description: 'To /c' }, 404: { description: 'Not a token the platform issues (HTML)' }, 410: { description: 'The link was used or has expired (HTML)' } } });
  registry.registerPath({ method: 'get', path: '/c', tags: pageTags, summary: 'The customer\'s own page (HTML, zh-CN)', responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, 401: { description: 'No session: open the link again' } } });
  registry.registerPath({ method: 'post', path: '/c/handover-code', tags: pageTags, summary: 'The customer asks for a new hand-over code to read out to the worker', responses: { 303: { description: 'Back to /c, which shows it' }, 401: { description: 'No session' } } });
}
