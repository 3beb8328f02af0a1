import type { Request, RequestHandler } from 'express';
import { AppError, type FieldError } from '../../shared/errors/app.error';
import type { NonceStore } from './device.nonces';
import type { DeviceHome, DeviceKeys } from './device.keys';
import type { DeviceCredential, DeviceRecord, DeviceRepository } from './device.repository';
import { DEVICE_HEADERS, MAX_DEVICE_CLOCK_SKEW_MS, NONCE_PATTERN, signatureMatches } from './device.signature';

/**
 * Why a signed device request is refused: always 401, with one of these stable codes (the
 * protocol document lists them; a scale shows the Chinese message). The checks run in this order,
 * and a nonce is spent only by an authentic request inside the window, so a stranger can neither
 * burn a scale's nonces nor learn more than whether a device id exists.
 */
export const DEVICE_AUTH_REFUSALS = {
  DEVICE_AUTH_MISSING: { zh: '请求缺少签名头或格式不正确', en: 'The signature headers are missing or malformed' },
  DEVICE_UNKNOWN: { zh: '设备未注册', en: 'No such device' },
  DEVICE_SIGNATURE_INVALID: { zh: '请求签名不正确', en: 'The request signature does not match' },
  DEVICE_REVOKED: { zh: '设备凭据已被吊销', en: 'The device credential is revoked' },
  DEVICE_CLOCK_SKEW: { zh: '设备时钟与平台相差超过 5 分钟，请校时', en: "The device clock is more than 5 minutes from the platform's" },
  DEVICE_NONCE_REPLAYED: { zh: '该随机数已使用过（重放请求）', en: 'The nonce was used before (a replayed request)' },
} as const;
export type DeviceAuthRefusal = keyof typeof DEVICE_AUTH_REFUSALS;

/**
 * The refusals' titles for the app's message catalog (the module's `problemTitles`): 'Unauthorized'
 * in English like every other 401, the refusal itself in Chinese (a scale asking for zh-CN shows it).
 */
export const DEVICE_AUTH_TITLES: Readonly<Record<DeviceAuthRefusal, { en: string; zh: string }>> = Object.fromEntries(
  Object.entries(DEVICE_AUTH_REFUSALS).map(([code, info]) => [code, { en: 'Unauthorized', zh: info.zh }]),
) as Record<DeviceAuthRefusal, { en: string; zh: string }>;

/** A signed request is remembered a minute past the window, so clock jitter cannot reopen it. */
const NONCE_MARGIN_MS = 60_000;
/** lastSeenAt is written at most this often per device: offline detection needs minutes, not every request. */
const SEEN_RESOLUTION_MS = 5_000;

declare module 'express-serve-static-core' {
  interface Request {
    /** The device a signed request came from (device routes only). */
    device?: DeviceRecord;
    /** Its X-Timestamp: the device clock when it signed. */
    deviceSentAt?: number;
    /** When authentication began and how long it took (performance.now() ms): an authorize's stage times. */
    deviceAuthStarted?: number;
    deviceAuthMs?: number;
    /** What DeviceAuthDeps.prefetch started for this request while it was being authenticated. */
    devicePrefetch?: Promise<unknown>;
  }
}

function refuse(code: DeviceAuthRefusal, detail?: string, errors?: readonly FieldError[]): AppError {
  const info = DEVICE_AUTH_REFUSALS[code];
  return new AppError(code, 401, 'Unauthorized', { detail: detail ?? `${info.en} (${info.zh})`, ...(errors ? { errors } : {}) });
}

interface Presented {
  deviceId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

function presentedHeaders(req: Request): Presented {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  const presented = {
    deviceId: header(DEVICE_HEADERS.deviceId),
    timestamp: header(DEVICE_HEADERS.timestamp),
    nonce: header(DEVICE_HEADERS.nonce),
    signature: header(DEVICE_HEADERS.signature),
  };
  const errors: FieldError[] = [];
  if (!/^[0-9a-f]{24}$/.test(presented.deviceId)) errors.push({ path: 'X-Device-Id', message: 'must be the 24-hex-digit device id POST /devices gave' });
  if (!/^\d{1,15}$/.test(presented.timestamp)) errors.push({ path: 'X-Timestamp', message: 'must be unix time in milliseconds' });
  if (!NONCE_PATTERN.test(presented.nonce)) errors.push({ path: 'X-Nonce', message: 'must be 16–64 URL-safe characters (A–Z a–z 0–9 - _)' });
  if (!/^[0-9a-f]{64}$/.test(presented.signature)) errors.push({ path: 'X-Signature', message: 'must be the lowercase hex HMAC-SHA256 (64 digits)' });
  if (errors.length > 0) throw refuse('DEVICE_AUTH_MISSING', undefined, errors);
  return presented;
}

/** The request body exactly as sent: the device router keeps it raw (ApiModule.rawBodies) to hash it. */
function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export interface DeviceAuthDeps {
  devices: Pick<DeviceRepository, 'credentialOf' | 'markSeen'>;
  keys: DeviceKeys;
  nonces: Pick<NonceStore, 'claim'>;
  now: () => Date;
  /**
   * Reads a route may start while its request's device record and nonce are still being checked
   * (the interlock's facts, so that an authorize waits for one round trip less): started only for
   * a request whose signature has already been checked against the device's key, so a stranger
   * cannot make the platform read anything; the route ignores them when authentication fails.
   */
  prefetch?: {
    method: string;
    path: string;
    start(device: DeviceHome & { id: string }, body: unknown): Promise<unknown>;
    /** Told of a prefetch whose request then failed authentication (what it holds is given back). */
    abandon?(started: Promise<unknown>): void;
  };
}

/**
 * Authenticates a device request (docs/device-protocol.md): the signature headers, the device and
 * its revocation, the signature over the raw body, the clock window, the nonce. Then sets
 * `req.device` and replaces the raw body by its parsed JSON. Every answer carries X-Server-Time
 * (unix ms), so a scale refused for its clock can set it.
 *
 * The round trips: a device whose key this process holds (DeviceKeys) has its signature checked
 * first, then its record (status, lock) is read, its nonce claimed and — at most every few
 * seconds — its lastSeenAt written, all at once. Only the first request a process sees from a
 * device reads the record before the signature (to derive the key), so a stranger still never
 * spends a nonce.
 */
export function deviceAuthentication(deps: DeviceAuthDeps): RequestHandler {
  return (req, res, next) => {
    const now = deps.now();
    res.set('X-Server-Time', String(now.getTime()));
    const started = performance.now();
    req.deviceAuthStarted = started;
    authenticate(req, now).then(
      () => {
        req.deviceAuthMs = performance.now() - started;
        next();
      },
      (error: unknown) => {
        if (req.devicePrefetch) deps.prefetch?.abandon?.(req.devicePrefetch);
        next(error);
      },
    );
  };

  async function authenticate(req: Request, now: Date): Promise<void> {
    const presented = presentedHeaders(req);
    const body = rawBody(req);
    const parts = { method: req.method, path: req.originalUrl, timestamp: presented.timestamp, nonce: presented.nonce, body };
    const sentAt = Number(presented.timestamp);
    const skew = sentAt - now.getTime();
    const inWindow = Math.abs(skew) <= MAX_DEVICE_CLOCK_SKEW_MS;
    const keepUntil = new Date(Math.max(sentAt, now.getTime()) + MAX_DEVICE_CLOCK_SKEW_MS + NONCE_MARGIN_MS);
    const claim = () => (inWindow ? deps.nonces.claim(presented.deviceId, presented.nonce, keepUntil) : Promise.resolve(false));
    const seen = () => (inWindow && !deps.keys.seenRecently(presented.deviceId, now.getTime(), SEEN_RESOLUTION_MS) ? deps.devices.markSeen(presented.deviceId, now) : Promise.resolve());

    let found: DeviceCredential | undefined;
    let claimed: Promise<boolean>;
    const cached = deps.keys.keyOf(presented.deviceId);
    if (cached !== undefined) {
      if (!signatureMatches(cached, parts, presented.signature)) throw refuse('DEVICE_SIGNATURE_INVALID');
      prefetch(req, presented.deviceId, body, inWindow);
      claimed = claim();
      // The claim's rejection is awaited below; until then it must not go unhandled.
      claimed.catch(() => undefined);
      [found] = await Promise.all([deps.devices.credentialOf(presented.deviceId), seen()]);
      if (!found) throw refuse('DEVICE_UNKNOWN');
    } else {
      found = await deps.devices.credentialOf(presented.deviceId);
      if (!found) throw refuse('DEVICE_UNKNOWN');
      const home = { siteId: found.device.siteId, enterpriseId: found.device.enterpriseId };
      if (!signatureMatches(deps.keys.remember(found.device.id, found.secretSalt, home), parts, presented.signature)) throw refuse('DEVICE_SIGNATURE_INVALID');
      claimed = found.device.status === 'active' ? Promise.all([claim(), seen()]).then(([c]) => c) : Promise.resolve(false);
    }
    if (found.device.status !== 'active') {
      deps.keys.forget(found.device.id);
      throw refuse('DEVICE_REVOKED');
    }
    if (!inWindow) {
      throw refuse('DEVICE_CLOCK_SKEW', `The device clock is ${Math.round(skew / 1000)} s off the platform's (server time ${now.getTime()}, also in X-Server-Time); at most ±300 s is accepted (设备时钟偏差超过 5 分钟，请校时)`);
    }
    if (!(await claimed)) throw refuse('DEVICE_NONCE_REPLAYED');
    req.device = { ...found.device, lastSeenAt: now };
    req.deviceSentAt = sentAt;
    req.body = parseJson(body);
  }

  function prefetch(req: Request, deviceId: string, body: Buffer, inWindow: boolean): void {
    const home = deps.keys.homeOf(deviceId);
    if (!deps.prefetch || req.method !== deps.prefetch.method || req.path !== deps.prefetch.path || !home || !inWindow) return;
    let parsed: unknown;
    try {
      parsed = parseJson(body);
    } catch {
      return;
    }
    const started = deps.prefetch.start({ id: deviceId, ...home }, parsed);
    // Awaited by the route when authentication succeeds; until then (or if it fails) never unhandled.
    started.catch(() => undefined);
    req.devicePrefetch = started;
  }
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new AppError('MALFORMED_JSON', 400, 'Malformed JSON', { detail: 'The request body is not valid JSON' });
  }
}

/** The authenticated device of a device route (set by deviceAuthentication). */
export function deviceOf(req: Request): DeviceRecord {
  if (!req.device) throw refuse('DEVICE_AUTH_MISSING');
  return req.device;
}
