import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { createApp } from '../../src/app';
import { createComponents, type ComponentDeps } from '../../src/components';
import type { DeviceSite, SiteLookup } from '../../src/components/devices';
import type { Principal } from '../../src/components/auth';
import { connectDatabase, type Database } from '../../src/shared/db/database.connection';
import { listenOnFreePort, silentLogger, type RunningServer } from '../foundation/app.harness';
import { startTestDatabase, type TestDatabase } from '../support/mongo';

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

/** A clock the tests move; the services read it through AuthOptions.now. */
export class TestClock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface AuthTestApp {
  url: string;
  database: Database;
  clock: TestClock;
  sites: Map<string, DeviceSite>;
  /** Inserts an account straight into the database (there is no other way to make the first one). */
  insertUser(fields: { username: string; role: Principal['role']; password: string; enterpriseId?: string; districtCode?: string; workerId?: string }): Promise<string>;
  /** `from` poses as that client address (the app trusts the loopback proxy, as behind nginx). */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; from?: string },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  login(username: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  close(): Promise<void>;
}

/** The real app and components on a fresh database; bcrypt cost 4 and a generous throttle unless overridden. */
export async function startAuthTestApp(label: string, overrides: Partial<ComponentDeps> = {}): Promise<AuthTestApp> {
  const testDb: TestDatabase = await startTestDatabase(label);
  const database = await connectDatabase(testDb.uri, { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName });
  const clock = new TestClock();
  const sites = new Map<string, DeviceSite>();
  // Mirrors the registry's contract: a site outside the caller's scope does not exist.
  const siteLookup: SiteLookup = async (principal, siteId) => {
    const site = sites.get(siteId);
    if (!site) return undefined;
    if (principal.enterpriseId && principal.enterpriseId !== site.enterpriseId) return undefined;
    return site;
  };
  const modules = await createComponents({
    connection: database.connection,
    config: { secrets: TEST_SECRETS, env: 'test' },
    logger: silentLogger,
    auth: { bcryptCost: 4, loginThrottle: { capacity: 1_000, refillPerMinute: 1_000 }, now: clock.now, activeCacheMs: 0 },
    siteLookup,
    ...overrides,
  });
  const server: RunningServer = await listenOnFreePort(
    createApp({ config: { isProduction: false, http: { bodyLimit: '100kb', trustProxy: ['loopback'] } }, logger: silentLogger, database, modules }),
  );

  const call: AuthTestApp['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.from) headers['x-forwarded-for'] = options.from;
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  };

  return {
    url: server.url,
    database,
    clock,
    sites,
    call,
    async insertUser(fields) {
      const now = new Date();
      const { insertedId } = await database.connection.collection('users').insertOne({
        username: fields.username,
        displayName: fields.username,
        role: fields.role,
        enterpriseId: fields.enterpriseId ? new Types.ObjectId(fields.enterpriseId) : null,
        districtCode: fields.districtCode ?? null,
        workerId: fields.workerId ? new Types.ObjectId(fields.workerId) : null,
        active: true,
        passwordHash: await bcrypt.hash(fields.password, 4),
        passwordChangedAt: now,
        failedLoginCount: 0,
        lockedUntil: null,
        createdAt: now,
        updatedAt: now,
      });
      return insertedId.toHexString();
    },
    async login(username, password) {
      const res = await call('POST', '/api/v1/auth/login', { body: { username, password } });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { accessToken: String(res.body.accessToken), refreshToken: String(res.body.refreshToken) };
    },
    async close() {
      await server.close();
      await database.connection.db?.dropDatabase();
      await database.close();
      await testDb.stop();
    },
  };
}

export const newId = (): string => new Types.ObjectId().toHexString();
