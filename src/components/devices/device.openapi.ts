import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { DEVICE_AUTH_REFUSALS } from './device.auth';
import { authorizeAnswer, authorizeBody } from './device.api.schemas';
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
      'Deny codes (all that apply, from the one reason table): UNKNOWN_CODE, BAD_SIGNATURE, SCRAPPED, LOST, INSPECTION_OVERDUE, SERVICE_LIFE_EXCEEDED, FOREIGN_FILLER, NOT_INSPECTED, NOT_EMPTY, STATION_LICENCE_INVALID, FILLING_LICENCE_INVALID, ENTERPRISE_LICENCE_INVALID, OPERATOR_UNCERTIFIED, OPERATOR_NOT_AT_THIS_STATION, SCALE_LOCKED, TARE_UNKNOWN. There is no override.',
    request: { body: { ...json(authorizeBody), required: true } },
    responses: { 200: { description: 'The decision (a deny is a 200 too: the request was understood)', ...json(authorizeAnswer) }, 400: problemResponse('VALIDATION_FAILED, MALFORMED_JSON'), ...DEVICE_COMMON_RESPONSES },
  });
}
