import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { ComponentDeps } from '../../src/components';
import type { DeviceSite, SiteLookup } from '../../src/components/devices';
import { DEFAULT_QR_CONFIG } from '../../src/components/qr';
import type { Database } from '../../src/shared/db/database.connection';
import { startWorld, TestClock, type AccountFields, type CallOptions, type CallResult, type World } from '../support/world';

export { TestClock };

export const TEST_SECRETS = {
  JWT_SECRET: randomBytes(32).toString('base64url'),
  QR_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  PII_HASH_SECRET: randomBytes(32).toString('base64url'),
  LEDGER_SIGNING_KEY: randomBytes(32).toString('base64url'),
};

/** A password that satisfies the policy, different on every call. */
export function strongPassword(): string {
  return `Tr4ce-${randomBytes(6).toString('hex')}!`;
}

export interface AuthTestApp {
  url: string;
  database: Database;
  clock: TestClock;
  sites: Map<string, DeviceSite>;
  /** The test world underneath, for tests that also act as principals without accounts. */
  world: World;
  /** Inserts an account straight into the database (there is no other way to make the first one). */
  insertUser(fields: AccountFields): Promise<string>;
  /** `from` poses as that client address (the app trusts the loopback proxy, as behind nginx). */
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  login(username: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

/** What createComponents is given differently; `connection` is always the world's own. */
type AuthOverrides = Partial<Omit<ComponentDeps, 'connection'>>;

/**
 * The test world as the accounts tests know it: random secrets, the loopback proxy trusted, a
 * 100 kB body limit, production's QR settings and log checkpoint timer, and devices' sites from `sites`.
 */
export async function startAuthTestApp(label: string, overrides: AuthOverrides = {}): Promise<AuthTestApp> {
  const sites = new Map<string, DeviceSite>();
  // Mirrors the registry's contract: a site outside the caller's scope does not exist.
  const siteLookup: SiteLookup = async (principal, siteId) => {
    const site = sites.get(siteId);
    if (!site) return undefined;
    if (principal.enterpriseId && principal.enterpriseId !== site.enterpriseId) return undefined;
    return site;
  };
  const { config, logger, ...rest } = overrides;
  const world = await startWorld(label, {
    secrets: config?.secrets ?? TEST_SECRETS,
    qr: config?.qr ?? DEFAULT_QR_CONFIG,
    bodyLimit: '100kb',
    trustProxy: ['loopback'],
    ledgerLog: {},
    siteLookup,
    ...(logger ? { logger } : {}),
    ...rest,
  });
  return {
    url: world.url,
    database: world.database,
    clock: world.clock,
    sites,
    world,
    call: world.call,
    insertUser: world.insertUser,
    login: world.login,
    close: world.stop,
  };
}

export const newId = (): string => new Types.ObjectId().toHexString();
