import { Router } from 'express';
import mongoose, { type Connection } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createAudit } from '../../src/components/audit';
import { authenticate, signAccessToken, type Principal } from '../../src/components/auth';
import { createLedger, type Ledger } from '../../src/components/ledger';
import { createQr, DEFAULT_QR_CONFIG, type LedgerPort, type LedgerSnapshot, type QrComponent, type QrConfig } from '../../src/components/qr';
import { ledgerPort } from '../../src/components/qr/ledger.adapter';
import { createRateLimiter, type RateLimiter } from '../../src/components/qr/rate.limiter';
import { createRegistry, type Registry } from '../../src/components/registry';
import { fakeDatabase, silentLogger } from '../foundation/app.harness';
import { SECRETS, type Caller } from '../registry/registry.harness';
import { startTestDatabase } from '../support/mongo';

export const QR_DOMAIN = 'qr.qingyuan.example.cn';

/** A ledger stand-in: the projection each test sets, and the commission events it was sent. */
export class FakeLedger implements LedgerPort {
  readonly states = new Map<string, LedgerSnapshot>();
  readonly commissions: { cylinderId: string; grai: string; eventId: string }[] = [];
  async recordCommission(record: { cylinderId: string; grai: string; eventId: string }): Promise<void> {
    if (!this.commissions.some((c) => c.eventId === record.eventId)) this.commissions.push({ cylinderId: record.cylinderId, grai: record.grai, eventId: record.eventId });
  }
  async cylinderState(cylinderId: string): Promise<LedgerSnapshot | undefined> {
    return this.states.get(cylinderId);
  }
}

export interface QrWorld {
  connection: Connection;
  registry: Registry;
  qr: QrComponent;
  ledger: FakeLedger;
  /** The real custody ledger, when the world was started with `realLedger`. */
  realLedger: Ledger | undefined;
  http: ReturnType<typeof request>;
  as(principal: Principal): Caller;
  /** Rebuilds the QR component (and app) with other settings on the same database: key rotation. */
  reconfigure(config: Partial<QrConfig>): void;
  stop(): Promise<void>;
}

/** The real app with bearer authentication, the registry, the audit trail and QR identity. */
export async function startQrWorld(label: string, options: { limiter?: RateLimiter; config?: Partial<QrConfig>; realLedger?: boolean } = {}): Promise<QrWorld> {
  const db = await startTestDatabase(label);
  const connection = mongoose.createConnection(db.uri, { dbName: db.dbName, autoIndex: true });
  await connection.asPromise();
  const audit = createAudit({ connection });
  const registry = createRegistry({ connection, config: { secrets: SECRETS, env: 'test' }, logger: silentLogger }, { audit: audit.service });
  await registry.ensureDistricts();
  const ledger = new FakeLedger();
  const realLedger = options.realLedger ? createLedger({ connection }, { registry }) : undefined;
  await realLedger?.init();
  const build = (config: Partial<QrConfig>) => {
    const qr = createQr({
      connection,
      settings: { ...DEFAULT_QR_CONFIG, domain: QR_DOMAIN, ...config, signingSecret: SECRETS.QR_SIGNING_SECRET, privacySecret: SECRETS.PII_HASH_SECRET },
      audit: audit.service,
      sites: registry,
      ledger: realLedger ? ledgerPort(realLedger) : ledger,
      rateLimiter: options.limiter ?? createRateLimiter({ perMinute: 100_000 }),
    });
    const app = createApp({
      config: { isProduction: false, http: { bodyLimit: '1mb' } },
      logger: silentLogger,
      database: fakeDatabase(),
      modules: [
        { name: 'authentication', router: Router().use(authenticate(SECRETS.JWT_SECRET)), registerOpenApi: () => undefined },
        registry.module,
        audit.module,
        qr.module,
      ],
    });
    return { qr, http: request(app) };
  };
  let current = build(options.config ?? {});
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
  return {
    connection,
    registry,
    ledger,
    realLedger,
    get qr() {
      return current.qr;
    },
    get http() {
      return current.http;
    },
    as(p) {
      const auth = `Bearer ${signAccessToken(SECRETS.JWT_SECRET, p)}`;
      return {
        get: (path) => current.http.get(path).set('Authorization', auth),
        post: (path, body) => current.http.post(path).set('Authorization', auth).send(body ?? {}),
        patch: (path, body) => current.http.patch(path).set('Authorization', auth).send(body),
      };
    },
    reconfigure(config) {
      current = build(config);
    },
    async stop() {
      await connection.db?.dropDatabase();
      await connection.close();
      await db.stop();
    },
  };
}
