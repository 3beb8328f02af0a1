import { Router } from 'express';
import mongoose, { Types, type Connection } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createAudit } from '../../src/components/audit';
import { authenticate, signAccessToken, type Principal, type Role } from '../../src/components/auth';
import { createRegistry, type Registry } from '../../src/components/registry';
import { fakeDatabase, silentLogger } from '../foundation/app.harness';
import { startTestDatabase, type TestDatabase } from '../support/mongo';

export const SECRETS = {
  JWT_SECRET: 'registry-test-jwt-secret-0123456789abcdef',
  QR_SIGNING_SECRET: 'registry-test-qr-secret-0123456789abcdef',
  PII_HASH_SECRET: 'registry-test-pii-secret-0123456789abcdef',
  LEDGER_SIGNING_KEY: 'registry-test-ledger-key-0123456789abcdef',
};

export interface RegistryWorld {
  connection: Connection;
  registry: Registry;
  http: ReturnType<typeof request>;
  /** Names of the database commands sent since the last reset (find, insert, update, ...). */
  commands: string[];
  as(principal: Principal): Caller;
  stop(): Promise<void>;
}

export interface Caller {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body: object): request.Test;
}

export function principal(role: Role, extra: Partial<Principal> = {}): Principal {
  return { kind: 'user', userId: new Types.ObjectId().toHexString(), username: `${role}-${Math.random().toString(36).slice(2, 7)}`, role, ...extra };
}

/**
 * The real app (createApp) with the modules in the order createComponents mounts them: bearer
 * authentication first, then the registry and the audit trail, on a fresh database.
 */
export async function startRegistryWorld(label: string): Promise<RegistryWorld> {
  const db: TestDatabase = await startTestDatabase(label);
  const connection = mongoose.createConnection(db.uri, { dbName: db.dbName, autoIndex: true, monitorCommands: true });
  await connection.asPromise();
  const commands: string[] = [];
  connection.getClient().on('commandStarted', (event) => commands.push(event.commandName));
  const audit = createAudit({ connection });
  const registry = createRegistry({ connection, config: { secrets: SECRETS, env: 'test' }, logger: silentLogger }, { audit: audit.service });
  await registry.ensureDistricts();
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
  const app = createApp({
    config: { isProduction: false, http: { bodyLimit: '1mb' } },
    logger: silentLogger,
    database: fakeDatabase(),
    modules: [
      { name: 'authentication', router: Router().use(authenticate(SECRETS.JWT_SECRET)), registerOpenApi: () => undefined },
      registry.module,
      audit.module,
    ],
  });
  const http = request(app);
  return {
    connection,
    registry,
    http,
    commands,
    as(p) {
      const auth = `Bearer ${signAccessToken(SECRETS.JWT_SECRET, p)}`;
      return {
        get: (path) => http.get(path).set('Authorization', auth),
        post: (path, body) => http.post(path).set('Authorization', auth).send(body ?? {}),
        patch: (path, body) => http.patch(path).set('Authorization', auth).send(body),
      };
    },
    async stop() {
      await connection.db?.dropDatabase();
      await connection.close();
      await db.stop();
    },
  };
}

/** Checks a status and returns the body, printing the problem when it differs. */
export async function expectStatus<T = Record<string, unknown>>(test: request.Test, status: number): Promise<T> {
  const res = await test;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}
