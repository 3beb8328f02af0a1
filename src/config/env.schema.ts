import { z } from 'zod';

/** Keys whose values must never be logged or shown; see secrets.store.ts for how they are filled. */
export const SECRET_KEYS = ['JWT_SECRET', 'QR_SIGNING_SECRET', 'PII_HASH_SECRET'] as const;
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
    JWT_SECRET: secret,
    QR_SIGNING_SECRET: secret,
    PII_HASH_SECRET: secret,
  })
  .strip()
  // Run even when other keys are bad, so that one start lists every problem.
  .superRefine(checkDatabaseKeys, { when: () => true });

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
