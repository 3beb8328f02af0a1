import bcrypt from 'bcrypt';
import type { RequestListener } from 'node:http';
import mongoose, { Types, type Connection } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app';
import { buildComponents, type ComponentDeps, type ComponentOverrides, type Components } from '../../src/components';
import { signAccessToken, type Principal, type Role } from '../../src/components/auth';
import type { Ledger } from '../../src/components/ledger';
import type { LedgerLog } from '../../src/components/ledger/log';
import { DEFAULT_QR_CONFIG, type QrComponent, type QrConfig } from '../../src/components/qr';
import type { Registry } from '../../src/components/registry';
import type { Database } from '../../src/shared/db/database.connection';
import type { ApiModule } from '../../src/shared/http/api-module';
import type { Logger } from '../../src/shared/logger/logger.factory';
import { createRealtime, type Realtime } from '../../src/shared/realtime/realtime.server';
import type { AlertsComponent } from '../../src/components/alerts';
import { listenOnFreePort, silentLogger, type RunningServer } from '../foundation/app.harness';
import { startTestDatabase } from './mongo';

/** The secrets every test world signs and hashes with, unless it brings its own. */
export const SECRETS = {
  JWT_SECRET: 'registry-test-jwt-secret-0123456789abcdef',
  QR_SIGNING_SECRET: 'registry-test-qr-secret-0123456789abcdef',
  PII_HASH_SECRET: 'registry-test-pii-secret-0123456789abcdef',
  LEDGER_SIGNING_KEY: 'registry-test-ledger-key-0123456789abcdef',
};

export type Secrets = typeof SECRETS;

/** The public page's domain in every world, and a scan limit no test reaches unless it sets one. */
export const QR_DOMAIN = 'qr.qingyuan.example.cn';
const TEST_QR: QrConfig = { ...DEFAULT_QR_CONFIG, domain: QR_DOMAIN, scanRatePerMinute: 100_000 };

/** A clock the tests move; the accounts (and whatever a test hands it to) read it. */
export class TestClock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface Caller {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body: object): request.Test;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  /** Poses as that client address (worlds started with `trustProxy` trust the loopback proxy, as behind nginx). */
  from?: string;
}

export interface CallResult {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface AccountFields {
  username: string;
  role: Role;
  password: string;
  enterpriseId?: string;
  districtCode?: string;
  workerId?: string;
}

/** How a world differs from production: everything else is createComponents' own wiring. */
export interface WorldOptions {
  secrets?: Secrets;
  /** Merged over the test QR settings (domain QR_DOMAIN, a scan limit no test reaches). */
  qr?: Partial<QrConfig>;
  /** Accounts tunables; bcrypt cost 4, a generous throttle, the world's clock and no cache unless given. */
  auth?: ComponentDeps['auth'];
  accountLookups?: ComponentDeps['accountLookups'];
  siteLookup?: ComponentDeps['siteLookup'];
  /** Defaults to a checkpoint on demand (no timer), so no request of a test races a background one. */
  ledgerLog?: ComponentOverrides['ledgerLog'];
  qrLedger?: ComponentOverrides['qrLedger'];
  /** The SMS gateway of the deliveries (a test records what it is asked to send). */
  sms?: ComponentOverrides['sms'];
  deliveries?: ComponentDeps['config']['deliveries'];
  /** Supervision's fabricated sources and timing (an interlock source, the accounts recheck). */
  alerts?: ComponentOverrides['alerts'];
  /** The cases' clock and overdue sweep period. */
  cases?: ComponentOverrides['cases'];
  /** Supervision's settings (poll, batch wait, rule tunables); the runner is told of every commit, so it polls only once a minute unless given (no background query lands in a test's command log). */
  alertsConfig?: ComponentDeps['config']['alerts'];
  /** The KPIs' clock and a cases component's figures. */
  kpis?: ComponentOverrides['kpis'];
  /** The device API's clock (a test's TestClock: scales then sign with the same offset). */
  devices?: ComponentOverrides['devices'];
  /** Flow reconciliation's settings (FLOW_GAP_DAYS, FLOW_GAP_MIN_CYLINDERS). */
  kpisConfig?: ComponentDeps['config']['kpis'];
  /** Share Socket.IO through this Redis (two worlds on one database act as two processes). */
  redisUrl?: string;
  /** Use this database (by URI and name) instead of a fresh one: a second process on the same data. */
  database?: { uri: string; dbName: string };
  logger?: Logger;
  bodyLimit?: string;
  trustProxy?: string[];
}

/**
 * The real app (createComponents + createApp) listening on a free port, on a database of its own.
 * `as(principal)` acts as any principal without an account; `insertUser` + `login` go through the
 * real accounts.
 */
export interface World {
  readonly url: string;
  readonly database: Database;
  readonly connection: Connection;
  readonly components: Components;
  readonly registry: Registry;
  readonly audit: Components['audit'];
  readonly ledger: Ledger;
  readonly log: LedgerLog;
  readonly qr: QrComponent;
  readonly alerts: AlertsComponent;
  readonly realtime: Realtime;
  /** The database this world runs on (another world may join it). */
  readonly dbRef: { uri: string; dbName: string };
  readonly clock: TestClock;
  readonly secrets: Secrets;
  /** A supertest client of the running server. */
  readonly http: ReturnType<typeof request>;
  /** Names of the database commands sent since the test last emptied it (find, insert, update, ...). */
  commands: string[];
  /** Requests carrying a token signed for `principal`, which the world admits without an account. */
  as(principal: Principal): Caller;
  /** A token for `principal`, admitted like `as` does. */
  tokenFor(principal: Principal): string;
  /** A plain fetch against the server, for tests that read raw headers and bodies. */
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Inserts an account straight into the database (there is no other way to make the first one). */
  insertUser(fields: AccountFields): Promise<string>;
  login(username: string, password: string): Promise<{ accessToken: string; refreshToken: string }>;
  /** Rebuilds every component on the same database with these options changed (a restart with new config). */
  restart(changes: WorldOptions): Promise<void>;
  /** Also serves these modules, after the components' own (kept for harnesses that add one). */
  mount(modules: readonly ApiModule[]): void;
  stop(): Promise<void>;
}

/** A principal of `role` with a fresh user id (world.as signs tokens for it without an account). */
export function principal(role: Role, extra: Partial<Principal> = {}): Principal {
  return { kind: 'user', userId: new Types.ObjectId().toHexString(), username: `${role}-${Math.random().toString(36).slice(2, 7)}`, role, ...extra };
}

/** Checks a status and returns the body, printing the problem when it differs. */
export async function expectStatus<T = Record<string, unknown>>(test: PromiseLike<request.Response>, status: number): Promise<T> {
  const res = await test;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** A fresh database and the whole app on it, as main builds it, with only `options` changed. */
export async function startWorld(label: string, options: WorldOptions = {}): Promise<World> {
  const testDb = options.database ? { ...options.database, external: true, stop: async () => undefined } : await startTestDatabase(label);
  const connection = mongoose.createConnection(testDb.uri, { dbName: testDb.dbName, autoIndex: true, monitorCommands: true });
  await connection.asPromise();
  const commands: string[] = [];
  connection.getClient().on('commandStarted', (event) => commands.push(event.commandName));
  const database: Database = {
    info: { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName },
    connection,
    ping: async () => {
      await connection.db?.admin().command({ ping: 1 });
    },
    close: () => connection.close(),
  };
  const clock = new TestClock();
  // Tokens `as` signs: admitted as they are, since their principals have no account to check.
  const minted = new Set<string>();

  let current = options;
  let extra: readonly ApiModule[] = [];
  let components: Components;
  let handler: RequestListener = () => undefined;
  const secrets = () => current.secrets ?? SECRETS;
  const rebuildApp = () => {
    handler = createApp({
      config: { isProduction: false, http: { bodyLimit: current.bodyLimit ?? '1mb', ...(current.trustProxy ? { trustProxy: current.trustProxy } : {}) } },
      logger: current.logger ?? silentLogger,
      database,
      modules: [...components.modules, ...extra],
      mobile: { city: { qrDomain: current.qr?.domain ?? TEST_QR.domain, companyPrefix: current.qr?.companyPrefix ?? TEST_QR.companyPrefix } },
    });
  };
  const build = async () => {
    components = await buildComponents(
      {
        connection,
        config: { secrets: secrets(), env: 'test', qr: { ...TEST_QR, ...current.qr }, alerts: { pollMs: 60_000, ...current.alertsConfig }, ...(current.kpisConfig ? { kpis: current.kpisConfig } : {}), ...(current.deliveries ? { deliveries: current.deliveries } : {}) },
        logger: current.logger ?? silentLogger,
        auth: current.auth ?? { bcryptCost: 4, loginThrottle: { capacity: 1_000, refillPerMinute: 1_000 }, now: clock.now, activeCacheMs: 0 },
        ...(current.accountLookups ? { accountLookups: current.accountLookups } : {}),
        ...(current.siteLookup ? { siteLookup: current.siteLookup } : {}),
      },
      {
        accountCheck: (p, check) => (minted.has(p.userId) ? Promise.resolve(true) : check(p)),
        ledgerLog: current.ledgerLog ?? { checkpointIntervalMs: 0 },
        ...(current.qrLedger ? { qrLedger: current.qrLedger } : {}),
        ...(current.sms ? { sms: current.sms } : {}),
        ...(current.alerts ? { alerts: current.alerts } : {}),
        ...(current.cases ? { cases: current.cases } : {}),
        ...(current.kpis ? { kpis: current.kpis } : {}),
        ...(current.devices ? { devices: current.devices } : {}),
      },
    );
    rebuildApp();
  };
  await build();
  const server: RunningServer = await listenOnFreePort((req, res) => handler(req, res));
  const realtime = await createRealtime(server.server, current.logger ?? silentLogger, { redisUrl: options.redisUrl });
  let detach: (() => void)[] = [];
  const attach = () => {
    detach = components.modules.flatMap((m) => (m.attachRealtime ? [m.attachRealtime(realtime)] : []));
  };
  const stopModules = async () => {
    for (const off of detach) off();
    for (const m of components.modules) await m.stop?.();
  };
  attach();
  const http = request(server.url);

  const tokenFor = (p: Principal) => {
    minted.add(p.userId);
    return signAccessToken(secrets().JWT_SECRET, p);
  };
  const call: World['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = {};
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    if (callOptions.from) headers['x-forwarded-for'] = callOptions.from;
    const payload = callOptions.rawBody ?? (callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await res.text();
    // A CSV download (or any other text) is kept as it came, under `text`.
    const json = /json/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, body: !text ? {} : json ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: res.headers };
  };

  return {
    url: server.url,
    database,
    connection,
    clock,
    http,
    commands,
    get secrets() {
      return secrets();
    },
    get components() {
      return components;
    },
    get registry() {
      return components.registry;
    },
    get audit() {
      return components.audit;
    },
    get ledger() {
      return components.ledger;
    },
    get log() {
      return components.ledgerLog;
    },
    get qr() {
      return components.qr;
    },
    get alerts() {
      return components.alerts;
    },
    realtime,
    dbRef: { uri: testDb.uri, dbName: testDb.dbName },
    as(p) {
      const auth = `Bearer ${tokenFor(p)}`;
      return {
        get: (path) => http.get(path).set('Authorization', auth),
        post: (path, body) => http.post(path).set('Authorization', auth).send(body ?? {}),
        patch: (path, body) => http.patch(path).set('Authorization', auth).send(body),
      };
    },
    tokenFor,
    call,
    async insertUser(fields) {
      const now = new Date();
      const { insertedId } = await connection.collection('users').insertOne({
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
    async restart(changes) {
      await components.ledgerLog.stop();
      await stopModules();
      current = { ...current, ...changes };
      await build();
      attach();
    },
    mount(modules) {
      extra = modules;
      rebuildApp();
    },
    async stop() {
      await stopModules();
      await realtime.close();
      await server.close();
      await components.ledgerLog.stop();
      if (!options.database) await connection.db?.dropDatabase();
      await connection.close();
      await testDb.stop();
    },
  };
}

/** Builds the indexes of every model registered on the connection so far (the components already do). */
export async function initModels(connection: Connection): Promise<void> {
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
}
