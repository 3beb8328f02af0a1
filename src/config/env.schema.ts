import { z } from 'zod';
import { isIP } from 'node:net';

/** Keys whose values must never be logged or shown; see secrets.store.ts for how they are filled. */
export const SECRET_KEYS = ['JWT_SECRET', 'QR_SIGNING_SECRET', 'PII_HASH_SECRET', 'LEDGER_SIGNING_KEY'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export const DB_MODES = ['auto', 'external', 'embedded', 'memory-server'] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Anything shorter is guessable; 32 characters of base64url carry 192 bits.
const secret = z.string().min(32, 'must be at least 32 characters').optional();

const port = z.coerce.number().int().min(0).max(65535);

const mongoUri = z
  .string()
  .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must start with mongodb:// or mongodb+srv://')
  .optional();

// host or host:port, as printed into every QR code.
const domain = z
  .string()
  .regex(/^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i, 'must be a host name, optionally with :port (no scheme, no path)');

/** `5:5,15:15,50:50`: GRAI asset type (digits) per nominal capacity in kg. */
const assetTypes = z
  .string()
  .regex(/^\s*5:\d{1,5}\s*,\s*15:\d{1,5}\s*,\s*50:\d{1,5}\s*$/, 'must look like 5:5,15:15,50:50 (asset type per capacity in kg)')
  .transform((text) => Object.fromEntries(text.split(',').map((pair) => pair.trim().split(':') as [string, string])) as Record<'5' | '15' | '50', string>)
  .refine((types) => new Set(Object.values(types).map(Number)).size === 3, 'each capacity needs its own asset type');

/**
 * Which proxies in front of the service may name the client (X-Forwarded-For): a hop count, or
 * addresses / CIDR ranges / loopback, linklocal, uniquelocal. Never "everyone": any client could
 * then pose as any address and walk past the per-address limits.
 */
const trustProxy = z
  .string()
  .transform((text, ctx): false | number | string[] => {
    const value = text.trim();
    if (value === 'false' || value === '0') return false;
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= 10) return hops;
      ctx.addIssue({ code: 'custom', message: 'at most 10 proxy hops' });
      return z.NEVER;
    }
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !TRUST_NAMES.has(e) && !isAddressOrRange(e));
    if (value === 'true' || bad.length > 0 || entries.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must be a hop count, or addresses, CIDR ranges, loopback, linklocal or uniquelocal${bad.length ? ` (not ${bad.join(', ')})` : ''}; never true` });
      return z.NEVER;
    }
    return entries;
  });
const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const keyId = z.string().regex(/^k[1-9]\d{0,3}$/, 'must look like k1, k2, ...');

/**
 * `YSP-5:4.83:0.17,YSP-15:14.5:0.5,YSP-50:48.33:1.67`: per cylinder model, the permitted fill
 * mass and the tolerance above it (kg). Every model the registry issues (YSP-5/15/50) is required.
 */
const fillLimits = z
  .string()
  .transform((text, ctx) => {
    const models: Record<string, { permittedNetKg: number; toleranceKg: number }> = {};
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^(YSP-\d{1,3}):(\d{1,3}(?:\.\d{1,2})?):(\d(?:\.\d{1,2})?)$/.exec(entry);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" must look like YSP-15:14.5:0.5 (model:permitted kg:tolerance kg)` });
        return z.NEVER;
      }
      models[match[1] as string] = { permittedNetKg: Number(match[2]), toleranceKg: Number(match[3]) };
    }
    const missing = ['YSP-5', 'YSP-15', 'YSP-50'].filter((m) => !models[m]);
    if (missing.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must give every model the registry issues (missing ${missing.join(', ')})` });
      return z.NEVER;
    }
    return models;
  });

const bodyLimit = z
  .string()
  .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb');

/**
 * The whole environment the service reads, in one place. Defaults make `npm start` work on a
 * fresh clone; every key is documented in .env.example.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    TRUST_PROXY: trustProxy.default(false),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    DATA_DIR: z.string().min(1).default('data'),
    DB_MODE: z.enum(DB_MODES).default('auto'),
    MONGODB_URI: mongoUri,
    DB_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only, at most 63')
      .optional(),
    EMBEDDED_DB_PORT: port.default(0),
    BODY_LIMIT: bodyLimit.default('100kb'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    QR_DOMAIN: domain.optional(),
    GS1_COMPANY_PREFIX: z.string().regex(/^\d{7,10}$/, 'must be 7–10 digits').default('0614141'),
    GS1_ASSET_TYPES: assetTypes.prefault('5:5,15:15,50:50'),
    QR_KEY_ID: keyId.default('k1'),
    QR_REVOKED_KEY_IDS: z
      .string()
      .transform((text) => text.split(',').map((id) => id.trim()).filter(Boolean))
      .pipe(z.array(keyId))
      .default([]),
    QR_SCAN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
    // Deliveries (issue 13): an SMS gateway sends hand-over codes and page links when configured.
    SMS_GATEWAY_URL: z.url({ protocol: /^https?$/ }).optional(),
    SMS_GATEWAY_TOKEN: z.string().min(1).max(500).optional(),
    DELIVERY_MEDIA_MAX_KB: z.coerce.number().int().min(16).max(10_240).default(1024),
    CUSTOMER_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
    HANDOVER_CODE_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    SCALE_FILL_LIMITS: fillLimits.prefault('YSP-5:4.83:0.17,YSP-15:14.5:0.5,YSP-50:48.33:1.67'),
    SCALE_TARE_TOLERANCE_KG: z.coerce.number().min(0).max(5).default(0.5),
    SCALE_AUTHORIZATION_TTL_S: z.coerce.number().int().min(30).max(3600).default(600),
    SCALE_OFFLINE_AFTER_S: z.coerce.number().int().min(30).max(86_400).default(300),
    SCALE_HEARTBEAT_INTERVAL_S: z.coerce.number().int().min(5).max(3600).default(60),
    SCALE_MANUAL_MODE_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(72),
    // Several app processes share Socket.IO (the alert feed's notices) through Redis Streams.
    REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must start with redis:// or rediss://').optional(),
    ALERTS_CLONE_SPEED_KMH: z.coerce.number().min(10).max(1000).default(120),
    ALERTS_UNCONFIRMED_HANDOVERS_PER_DAY: z.coerce.number().int().min(0).max(1000).default(5),
    ALERTS_SCALE_SILENT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
    ALERTS_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1_000),
    ALERTS_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(0),
    // Flow reconciliation (kpis): how long a filled cylinder has to reach a registered customer, and the unaccounted ones at a site that raise FLOW_GAP.
    FLOW_GAP_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    FLOW_GAP_MIN_CYLINDERS: z.coerce.number().int().min(1).max(100_000).default(5),
    // The demo city (issue 18): seeded on the first development start, kept alive by simulators.
    DEMO_SIMULATION: z.enum(['on', 'off']).default('on'),
    DEMO_CITY_SCALE: z.coerce.number().gt(0, 'must be above 0').max(2).default(1),
    DEMO_CITY_SEED: z.string().trim().min(1).max(100).default('qingyuan-2026'),
    DEMO_SIMULATION_INTERVAL_S: z.coerce.number().min(1).max(3600).default(10),
    JWT_SECRET: secret,
    QR_SIGNING_SECRET: secret,
    PII_HASH_SECRET: secret,
    // Ed25519 key of the ledger checkpoints: a PKCS8 PEM, base64 of a 32-byte seed, or any other
    // ≥ 32-character string whose SHA-256 is the seed (what development generates).
    LEDGER_SIGNING_KEY: secret,
  })
  .strip()
  // Run even when other keys are bad, so that one start lists every problem.
  .superRefine(checkDatabaseKeys, { when: () => true })
  .superRefine(checkQrKeys, { when: () => true });

export type Env = z.infer<typeof envSchema>;

// Also called on a partly invalid environment, so it only compares values.
function checkDatabaseKeys(env: { DB_MODE?: unknown; MONGODB_URI?: unknown }, ctx: z.RefinementCtx): void {
  if (env.DB_MODE === 'external' && !env.MONGODB_URI) {
    ctx.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'is required when DB_MODE=external' });
  }
  if ((env.DB_MODE === 'embedded' || env.DB_MODE === 'memory-server') && env.MONGODB_URI) {
    ctx.addIssue({ code: 'custom', path: ['DB_MODE'], message: `${env.DB_MODE} conflicts with MONGODB_URI; unset one of them` });
  }
}

// Asset types must fit beside the prefix; the current signing key cannot be revoked.
function checkQrKeys(
  env: { GS1_COMPANY_PREFIX?: unknown; GS1_ASSET_TYPES?: unknown; QR_KEY_ID?: unknown; QR_REVOKED_KEY_IDS?: unknown },
  ctx: z.RefinementCtx,
): void {
  const prefix = typeof env.GS1_COMPANY_PREFIX === 'string' ? env.GS1_COMPANY_PREFIX : '';
  if (prefix && env.GS1_ASSET_TYPES && typeof env.GS1_ASSET_TYPES === 'object') {
    const width = 12 - prefix.length;
    if (Object.values(env.GS1_ASSET_TYPES).some((t) => String(t).length > width)) {
      ctx.addIssue({ code: 'custom', path: ['GS1_ASSET_TYPES'], message: `asset types must fit in ${width} digits with a ${prefix.length}-digit company prefix` });
    }
  }
  if (Array.isArray(env.QR_REVOKED_KEY_IDS) && env.QR_REVOKED_KEY_IDS.includes(env.QR_KEY_ID)) {
    ctx.addIssue({ code: 'custom', path: ['QR_REVOKED_KEY_IDS'], message: 'cannot revoke the current QR_KEY_ID' });
  }
}
