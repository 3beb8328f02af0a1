import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { DEVICE_AUTH_REFUSALS } from './device.auth';
import { authorizeAnswer, authorizeBody, fillBatchAnswer, fillOutcome, fillReport, fillReportBatch, heartbeatAnswer, heartbeatBody, reweighOutcome, reweighReport } from './device.api.schemas';
import { deviceViewSchema } from './devices.schemas';

/** The four signature headers, each an apiKey scheme; a device route requires all of them together. */
const SCHEMES = {
  deviceId: { name: 'X-Device-Id', description: 'The device id POST /devices returned' },
  deviceTimestamp: { name: 'X-Timestamp', description: 'Unix time in milliseconds, within ±5 minutes of the platform clock' },
  deviceNonce: { name: 'X-Nonce', description: '16–64 URL-safe characters, never reused by the device' },
  deviceSignature: {
    name: 'X-Signature',
    description: 'Lowercase hex HMAC-SHA256, keyed by the UTF-8 bytes of the device secret, over METHOD\\nPATH\\nX-Timestamp\\nX-Nonce\\nhex(SHA-256(body)); see docs/device-protocol.md',
  },
} as const;

export const DEVICE_SECURITY = [Object.fromEntries(Object.keys(SCHEMES).map((k) => [k, []]))];

const refusals = Object.entries(DEVICE_AUTH_REFUSALS)
  .map(([code, m]) => `${code} (${m.zh})`)
  .join(', ');

export const DEVICE_COMMON_RESPONSES = {
  401: problemResponse(`Refused signed request: ${refusals}. Every answer carries X-Server-Time (unix ms).`),
};

export function registerDeviceApiOpenApi(registry: OpenAPIRegistry): void {
  for (const [id, scheme] of Object.entries(SCHEMES)) {
    registry.registerComponent('securitySchemes', id, { type: 'apiKey', in: 'header', name: scheme.name, description: scheme.description });
  }
  const base = { tags: ['device protocol'], security: DEVICE_SECURITY };
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/device/me',
    summary: 'The scale a signed request comes from: a vendor checks its signing here first',
    responses: { 200: { description: 'The device', ...json(deviceViewSchema) }, ...DEVICE_COMMON_RESPONSES },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/device/fills/authorize',
    summary: 'The interlock: may this cylinder be filled now, by this operator, on this scale? Every decision is kept',
    description:
      'Deny codes (all that apply, from the one reason table): UNKNOWN_CODE, BAD_SIGNATURE, SCRAPPED, LOST, INSPECTION_OVERDUE, SERVICE_LIFE_EXCEEDED, FOREIGN_FILLER, NOT_INSPECTED, PRE_FILL_CHECK_FAILED, NOT_EMPTY, STATION_LICENCE_INVALID, FILLING_LICENCE_INVALID, ENTERPRISE_LICENCE_INVALID, OPERATOR_UNCERTIFIED, OPERATOR_NOT_AT_THIS_STATION, SCALE_LOCKED, TARE_UNKNOWN. There is no override.',
    request: { body: { ...json(authorizeBody), required: true } },
    responses: { 200: { description: 'The decision (a deny is a 200 too: the request was understood)', ...json(authorizeAnswer) }, 400: problemResponse('VALIDATION_FAILED, MALFORMED_JSON'), ...DEVICE_COMMON_RESPONSES },
  });
  const report = { 400: problemResponse('VALIDATION_FAILED, MALFORMED_JSON'), ...DEVICE_COMMON_RESPONSES };
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/device/fills',
    summary: 'Report a fill made under an allow: it becomes the ledger’s fill (and the pre-fill inspect when checks come with it)',
    description:
      'Idempotent on fillId (also when sent concurrently). The ledger marks overfill (net above the model’s permitted mass plus tolerance) and tare_mismatch; an overfilled cylinder is held until a re-weigh within limits. A report without a valid allow is refused (AUTHORIZATION_INVALID, AUTHORIZATION_EXPIRED, AUTHORIZATION_USED) and kept as evidence.',
    request: { body: { ...json(fillReport), required: true } },
    responses: {
      201: { description: 'Recorded', ...json(fillOutcome) },
      200: { description: 'The same fill, recorded before', ...json(fillOutcome) },
      422: { description: 'Refused, with every reason (kept as evidence)', ...json(fillOutcome) },
      ...report,
    },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/device/fills/batch',
    summary: 'Upload an offline buffer of fill reports (up to 500): taken in sequence order, each answered',
    request: { body: { ...json(fillReportBatch), required: true } },
    responses: { 200: { description: 'Each report’s outcome, in the order sent', ...json(fillBatchAnswer) }, ...report },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/device/reweighs',
    summary: 'Report a re-weigh (复称) of a filled cylinder at the station: within limits, it lifts an overfill hold',
    request: { body: { ...json(reweighReport), required: true } },
    responses: {
      201: { description: 'Recorded', ...json(reweighOutcome) },
      200: { description: 'The same re-weigh, recorded before', ...json(reweighOutcome) },
      422: { description: 'Refused by the ledger (e.g. the cylinder is not full at this station)', ...json(reweighOutcome) },
      ...report,
    },
  });
  registry.registerPath({
    ...base,
    method: 'post',
    path: '/api/v1/device/heartbeat',
    summary: 'Tell the platform the scale is alive; learn whether it is locked, the fill limits and the clock offset',
    request: { body: { ...json(heartbeatBody), required: true } },
    responses: { 200: { description: 'The platform’s answer', ...json(heartbeatAnswer) }, ...report },
  });
}
