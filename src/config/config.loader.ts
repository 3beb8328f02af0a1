import { resolve } from 'node:path';
import { ConfigError } from './config.error';
import { envSchema, type Env } from './env.schema';
import { resolveSecrets, type Secrets } from './secrets.store';

export type DbModeSetting = Env['DB_MODE'];

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly isProduction: boolean;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** The URL people open; when unset it is derived from host and the bound port. */
    readonly publicBaseUrl: string | undefined;
    readonly bodyLimit: string;
    /** Express's `trust proxy`: false, a hop count, or the proxies' addresses and ranges. */
    readonly trustProxy: false | number | readonly string[];
  };
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly format: Env['LOG_FORMAT'] };
  /** Absolute path; holds the embedded database and, outside production, generated secrets. */
  readonly dataDir: string;
  readonly db: {
    readonly mode: DbModeSetting;
    readonly uri: string | undefined;
    readonly name: string | undefined;
    readonly embeddedPort: number;
  };
  readonly shutdownTimeoutMs: number;
  readonly secrets: Secrets;
  /** Socket.IO across processes: with a Redis URL, through @socket.io/redis-streams-adapter. */
  readonly realtime: { readonly redisUrl: string | undefined };
  /** Supervision (the alerts component). */
  readonly alerts: {
    readonly cloneSpeedKmh: number;
    readonly unconfirmedHandOversPerDay: number;
    readonly scaleSilentMinutes: number;
    readonly pollMs: number;
    readonly batchWaitMs: number;
  };
  /** Flow reconciliation (the kpis component): FLOW_GAP_DAYS and FLOW_GAP_MIN_CYLINDERS. */
  readonly kpis: { readonly flowGap: { readonly days: number; readonly minCylinders: number } };
  /** QR identity: printed into every code, so changing domain or prefix later orphans printed labels. */
  readonly qr: {
    /** host[:port] of the verification URI, https://{domain}/8003/{GRAI}. */
    readonly domain: string;
    /**
     * False in production when neither QR_DOMAIN nor PUBLIC_BASE_URL is set: the domain is only a
     * placeholder then, and no code is issued or printed with it (labels are stamped for life).
     */
    readonly domainConfigured: boolean;
    readonly companyPrefix: string;
    /** GRAI asset type per nominal capacity (kg). */
    readonly assetTypes: Readonly<Record<'5' | '15' | '50', string>>;
    /** Signing key id of new codes; older ids stay accepted unless revoked. */
    readonly keyId: string;
    readonly revokedKeyIds: readonly string[];
    /** Public verification requests per client address per minute (per process). */
    readonly scanRatePerMinute: number;
  };
  readonly deliveries: DeliveriesConfig;
  /** Filling scales (issue 12): fill limits per model, and the device protocol's timings. */
  readonly scales: ScaleConfig;
  /** The demo city (issue 18): seeded on the first development start, kept alive by gentle simulators. */
  readonly demo: DemoConfig;
}

export interface DemoConfig {
  /** Whether the simulators run (development only: production and test never start them). */
  readonly simulation: boolean;
  /** 1 = the full demo city (~20,000 cylinders, ~235,000 events); less for a quick start. */
  readonly cityScale: number;
  readonly citySeed: string;
  /** The simulators' pace: one delivery round and one fill round per interval. */
  readonly simulationIntervalMs: number;
}

export interface ScaleConfig {
  /** Per model: the permitted fill mass and the tolerance above it (kg); the registered tare's tolerance. */
  readonly fillLimits: { readonly models: Readonly<Record<string, { readonly permittedNetKg: number; readonly toleranceKg: number }>>; readonly tareToleranceKg: number };
  /** How long an allow answer may start a fill. */
  readonly authorizationTtlS: number;
  /** A scale not heard from for this long is shown offline. */
  readonly offlineAfterS: number;
  /** How often a scale is asked to send its heartbeat. */
  readonly heartbeatIntervalS: number;
  /** The longest manual mode a regulator may grant a station in one decision. */
  readonly manualModeMaxHours: number;
}

/** Delivery flows: photos and signatures, customer page links, hand-over codes, the SMS gateway. */
export interface DeliveriesConfig {
  /** Where hand-over codes and page links are sent by SMS; without it the customer reads the code on their own page. */
  readonly smsGateway?: { readonly url: string; readonly token?: string };
  /** Largest photo or signature image accepted, in bytes. */
  readonly mediaMaxBytes: number;
  readonly customerLinkTtlMs: number;
  readonly handoverCodeTtlMs: number;
  /** Prefix of the customer page links handed out (PUBLIC_BASE_URL); a bare path without it. */
  readonly publicBaseUrl?: string;
}

type RawEnv = Readonly<Record<string, string | undefined>>;

/** Parses the environment once; throws ConfigError naming every bad key. */
export function loadConfig(rawEnv: RawEnv, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(withoutEmptyValues(rawEnv));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        key: issue.path.map(String).join('.') || '(environment)',
        message: issue.message,
      })),
    );
  }
  const env = parsed.data;
  const dataDir = resolve(cwd, env.DATA_DIR);
  const isProduction = env.NODE_ENV === 'production';
  const secrets = resolveSecrets({
    given: { JWT_SECRET: env.JWT_SECRET, QR_SIGNING_SECRET: env.QR_SIGNING_SECRET, PII_HASH_SECRET: env.PII_HASH_SECRET, LEDGER_SIGNING_KEY: env.LEDGER_SIGNING_KEY },
    production: isProduction,
    dataDir,
  });
  return deepFreeze({
    env: env.NODE_ENV,
    isProduction,
    http: {
      host: env.HOST,
      port: env.PORT,
      publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
      bodyLimit: env.BODY_LIMIT,
      trustProxy: env.TRUST_PROXY,
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    dataDir,
    db: { mode: env.DB_MODE, uri: env.MONGODB_URI, name: env.DB_NAME, embeddedPort: env.EMBEDDED_DB_PORT },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    secrets,
    realtime: { redisUrl: env.REDIS_URL },
    alerts: {
      cloneSpeedKmh: env.ALERTS_CLONE_SPEED_KMH,
      unconfirmedHandOversPerDay: env.ALERTS_UNCONFIRMED_HANDOVERS_PER_DAY,
      scaleSilentMinutes: env.ALERTS_SCALE_SILENT_MINUTES,
      pollMs: env.ALERTS_POLL_MS,
      batchWaitMs: env.ALERTS_BATCH_WAIT_MS,
    },
    kpis: { flowGap: { days: env.FLOW_GAP_DAYS, minCylinders: env.FLOW_GAP_MIN_CYLINDERS } },
    qr: {
      domain: (env.QR_DOMAIN ?? (env.PUBLIC_BASE_URL ? new URL(env.PUBLIC_BASE_URL).host : `localhost:${env.PORT}`)).toLowerCase(),
      domainConfigured: !isProduction || !!(env.QR_DOMAIN ?? env.PUBLIC_BASE_URL),
      companyPrefix: env.GS1_COMPANY_PREFIX,
      assetTypes: env.GS1_ASSET_TYPES,
      keyId: env.QR_KEY_ID,
      revokedKeyIds: env.QR_REVOKED_KEY_IDS,
      scanRatePerMinute: env.QR_SCAN_RATE_PER_MINUTE,
    },
    deliveries: {
      ...(env.SMS_GATEWAY_URL ? { smsGateway: { url: env.SMS_GATEWAY_URL, ...(env.SMS_GATEWAY_TOKEN ? { token: env.SMS_GATEWAY_TOKEN } : {}) } } : {}),
      mediaMaxBytes: env.DELIVERY_MEDIA_MAX_KB * 1024,
      customerLinkTtlMs: env.CUSTOMER_LINK_TTL_HOURS * 3_600_000,
      handoverCodeTtlMs: env.HANDOVER_CODE_TTL_MINUTES * 60_000,
      ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, '') } : {}),
    },
    scales: {
      fillLimits: { models: env.SCALE_FILL_LIMITS, tareToleranceKg: env.SCALE_TARE_TOLERANCE_KG },
      authorizationTtlS: env.SCALE_AUTHORIZATION_TTL_S,
      offlineAfterS: env.SCALE_OFFLINE_AFTER_S,
      heartbeatIntervalS: env.SCALE_HEARTBEAT_INTERVAL_S,
      manualModeMaxHours: env.SCALE_MANUAL_MODE_MAX_HOURS,
    },
    demo: {
      simulation: env.NODE_ENV === 'development' && env.DEMO_SIMULATION === 'on',
      cityScale: env.DEMO_CITY_SCALE,
      citySeed: env.DEMO_CITY_SEED,
      simulationIntervalMs: env.DEMO_SIMULATION_INTERVAL_S * 1000,
    },
  });
}

// `KEY=` in a .env file means "not set", not "set to nothing".
function withoutEmptyValues(env: RawEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''),
  );
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !Object.isFrozen(child)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}
