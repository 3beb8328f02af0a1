import { idParams } from '../../shared/http/object-id.schema';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { assignBody, caseView, casesPage, casesQuery, createCaseBody, photoJsonBody, photoParams, rectificationBody, reviewBody } from './cases.schemas';

const LIFECYCLE = `Statuses: \`open\` (立案) → assign → \`assigned\` (整改中) → the enterprise submits its rectification → \`submitted\` (待复查)
→ review \`rectified\` → \`closed\` (outcome rectified) | \`not_rectified\` → \`escalated\` (assigned again) | \`unfounded\` → \`closed\` (outcome unfounded).
A regulator may also close a case \`unfounded\` from open, assigned or escalated. A step the status does not allow: 409 CASE_TRANSITION_REFUSED.
Closing a case closes its alerts, its public report and its hazards. An assigned case past its deadline raises the alert RECTIFICATION_OVERDUE.
Scope: the city regulator every case, a district regulator its district's, an enterprise admin the cases about its enterprise.`;

export function registerCasesOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['cases'];
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED), or INVALID_CURSOR'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not do this'),
  };
  const missing = { 404: problemResponse("NOT_FOUND: no such case within the caller's scope") };
  const refused = { 409: problemResponse('CASE_TRANSITION_REFUSED: the case\'s status does not allow this step') };
  registry.registerPath({
    method: 'post', path: '/api/v1/cases', tags, security,
    summary: '立案: open a case from alerts, a public report, hazards or on the regulator\'s own finding (a regulator)',
    description: `${LIFECYCLE}\n\nThe number is \`{district}-{year}-{0001}\`, gap-free per district and year. The alerts, report and hazards named join the case in its transaction.`,
    request: { body: { ...json(createCaseBody), required: true } },
    responses: { 201: { description: 'The case, open', ...json(caseView) }, ...common, 404: problemResponse('NOT_FOUND: a subject, alert, report or hazard outside the caller\'s scope'), 409: problemResponse('ALERT_NOT_ACTIVE, ALERT_IN_CASE, REPORT_DISMISSED, REPORT_IN_CASE or HAZARD_IN_CASE') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cases', tags, security, summary: 'Cases within the caller\'s scope, newest first; cursor-paged',
    request: { query: casesQuery },
    responses: { 200: { description: 'A page of cases', ...json(casesPage) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cases/{id}', tags, security, summary: 'One case with its rectifications, its history and the caller\'s next actions',
    request: { params: idParams },
    responses: { 200: { description: 'The case', ...json(caseView) }, ...common, ...missing },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/cases/{id}/assign', tags, security, summary: 'Assign the case to an officer with a rectification deadline (a regulator)',
    request: { params: idParams, body: { ...json(assignBody), required: true } },
    responses: { 200: { description: 'The case, assigned', ...json(caseView) }, ...common, ...missing, ...refused },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/cases/{id}/rectification', tags, security, summary: '整改: the enterprise concerned submits its rectification with text and photos',
    request: { params: idParams, body: { ...json(rectificationBody), required: true } },
    responses: { 200: { description: 'The case, submitted for review', ...json(caseView) }, ...common, ...missing, ...refused },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/cases/{id}/review', tags, security, summary: '复查销号: the regulator\'s review — rectified (closed), not rectified (escalated), unfounded (closed)',
    request: { params: idParams, body: { ...json(reviewBody), required: true } },
    responses: { 200: { description: 'The case after the review', ...json(caseView) }, ...common, ...missing, ...refused },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/cases/{id}/photos', tags, security,
    summary: 'Upload a photo of evidence to an open case (the enterprise concerned or a regulator): the image itself as the body, or JSON with base64',
    description: 'A JPEG, PNG or WebP by its own first bytes, at most 1 MiB. Name the answer\'s id in a rectification\'s photoIds.',
    request: { params: idParams, body: { content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) }, 'image/png': { schema: z.string().openapi({ format: 'binary' }) }, 'image/webp': { schema: z.string().openapi({ format: 'binary' }) }, 'application/json': { schema: photoJsonBody } }, required: true } },
    responses: { 201: { description: 'Stored', ...json(z.object({ id: z.string() })) }, ...common, ...missing, 409: problemResponse('CASE_CLOSED'), 413: problemResponse('PAYLOAD_TOO_LARGE'), 415: problemResponse('UNSUPPORTED_MEDIA_TYPE') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cases/{id}/photos/{photoId}', tags, security, summary: 'A photo of the case',
    request: { params: photoParams },
    responses: { 200: { description: 'The image', content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } } }, ...common, ...missing },
  });
}
