import { alertRulesMarkdown, ALERT_RULE_CODES } from '../ledger';
import { alertTextsMarkdown } from './alerts.texts';
import { idParams } from '../../shared/http/object-id.schema';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { acknowledgeBody, alertChangePayload, alertDetail, alertsPage, alertsQuery, alertView, dismissBody, sessionEndedPayload } from './alerts.schemas';

/** What the Socket.IO namespace does, in the document's words (OpenAPI has no sockets). */
export const SOCKET_DESCRIPTION = `Live alerts: Socket.IO namespace \`/alerts\` on the same port.

- Connect with \`auth: { token: <access token>, since?: <last seq seen> }\`. No token, a bad, expired
  or foreign one, a deactivated account or a role without alerts: the connection is refused
  (\`connect_error\` with \`data.code\`: UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, ACCOUNT_INACTIVE,
  PASSWORD_CHANGE_REQUIRED, FORBIDDEN, VALIDATION_FAILED). When the token expires, or the account is
  deactivated, the server sends \`session:ended\` (AlertsSessionEnded) and disconnects.
- With \`since\`, every change after it within the caller's scope comes first, in \`seq\` order, then the
  live stream; nothing is lost or repeated. Without it, the live stream only.
- Events \`alert:new\` and \`alert:update\` carry an AlertChange (the alert as \`GET /api/v1/alerts/{id}\`
  shows it, plus the evidence the change added).
- Scope: a city regulator every alert, a district regulator its district's, an enterprise admin those
  about its own enterprise, sites, workers, vehicles and cylinders; no other role connects.

Rules (stable codes):

${alertRulesMarkdown()}

Texts the server composes (an evidence record's \`note\`, an alert's \`detail\`, a note the system
writes in a case's history) are stored as phrases — a stable code of this table and its values —
and rendered when read: REST in the language of \`Accept-Language\` (\`zh-CN\` Chinese, otherwise
English), Socket.IO payloads in English with both languages beside them (\`detailText\`,
\`noteText\`). A record kept before texts were phrases shows its English line in either language.

${alertTextsMarkdown()}`;

export function registerAlertsOpenApi(registry: OpenAPIRegistry): void {
  registry.register('AlertRule', z.enum(ALERT_RULE_CODES).openapi('AlertRule', { description: SOCKET_DESCRIPTION }));
  registry.register('AlertChange', alertChangePayload);
  registry.register('AlertsSessionEnded', sessionEndedPayload);
  const tags = ['alerts'];
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED), or INVALID_CURSOR'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not do this'),
  };
  const missing = { 404: problemResponse('NOT_FOUND: no such alert within the caller\'s scope') };
  registry.registerPath({
    method: 'get', path: '/api/v1/alerts', tags, security,
    summary: 'Alerts within the caller\'s scope by rule, severity, status, district, enterprise; newest change first (with `since`: the changes after it, oldest first); cursor-paged. Live: Socket.IO namespace /alerts (see the AlertRule schema)',
    request: { query: alertsQuery },
    responses: { 200: { description: 'A page of alerts', ...json(alertsPage) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/alerts/{id}', tags, security,
    summary: 'One alert with every evidence record resolved to the record itself (events and refusals under the read rule of events)',
    request: { params: idParams },
    responses: { 200: { description: 'The alert', ...json(alertDetail) }, ...common, ...missing },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/alerts/{id}/acknowledge', tags, security,
    summary: 'Acknowledge an alert (a regulator of its district or the city); audited; pushed as alert:update. Occurrences still update it',
    request: { params: idParams, body: { ...json(acknowledgeBody), required: false } },
    responses: { 200: { description: 'The alert, acknowledged', ...json(alertView) }, ...common, ...missing, 409: problemResponse('ALERT_DISMISSED') },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/alerts/{id}/dismiss', tags, security,
    summary: 'Dismiss an alert with a reason (a regulator of its district or the city); audited; pushed as alert:update. It is closed: the next occurrence opens a new alert',
    request: { params: idParams, body: { ...json(dismissBody), required: true } },
    responses: { 200: { description: 'The alert, dismissed', ...json(alertView) }, ...common, ...missing, 409: problemResponse('ALERT_DISMISSED') },
  });
}
