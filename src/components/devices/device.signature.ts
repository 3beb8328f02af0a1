import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The request signature of the device protocol (docs/device-protocol.md), pure. A scale signs
 *
 *   METHOD \n PATH \n X-Timestamp \n X-Nonce \n hex(SHA-256(body))
 *
 * with HMAC-SHA256 keyed by the UTF-8 bytes of its secret as POST /devices showed it, and sends the
 * lowercase hex digest as X-Signature. PATH is the request target as sent (query string included,
 * no scheme or host); an empty body hashes the empty string. The platform, the simulator, the
 * benchmarks and the document's worked example all compute it with these functions.
 */
export const DEVICE_HEADERS = {
  deviceId: 'x-device-id',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** How far a device clock may be from the platform's, either way, before a request is refused. */
export const MAX_DEVICE_CLOCK_SKEW_MS = 5 * 60_000;
/** 16–64 URL-safe characters (RFC 4648 §5 alphabet): 16 random ones carry 96 bits. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedParts {
  method: string;
  /** The request target as sent: path and query string, e.g. `/api/v1/device/fills?dryRun=1`. */
  path: string;
  /** Unix time in milliseconds, as the decimal string sent in X-Timestamp. */
  timestamp: string;
  nonce: string;
  body: Buffer | string;
}

export function bodyHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function stringToSign(parts: SignedParts): string {
  return [parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, bodyHash(parts.body)].join('\n');
}

export function signRequest(secret: string, parts: SignedParts): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(stringToSign(parts), 'utf8').digest('hex');
}

/** Constant-time comparison of a presented signature (already checked to be 64 hex digits). */
export function signatureMatches(secret: string, parts: SignedParts, presented: string): boolean {
  const expected = Buffer.from(signRequest(secret, parts), 'hex');
  const given = Buffer.from(presented, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The four headers of a signed request (what a scale sends), for a body already serialized. */
export function signedHeaders(
  device: { id: string; secret: string },
  request: { method: string; path: string; body?: string; timestampMs?: number; nonce?: string },
): Record<string, string> {
  const timestamp = String(Math.round(request.timestampMs ?? Date.now()));
  const nonce = request.nonce ?? newNonce();
  const signature = signRequest(device.secret, { method: request.method, path: request.path, timestamp, nonce, body: request.body ?? '' });
  return { 'X-Device-Id': device.id, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
}
