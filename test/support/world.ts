import { Router } from 'express';
import mongoose, { Types, type Connection } from 'mongoose';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createAudit } from '../../src/components/audit';
import { authenticate, signAccessToken, type Principal, type Role } from '../../src/components/auth';
import { createRegistry, type Registry } from '../../src/components/registry';
import type { ApiModule } from '../../src/shared/http/api-module';
import { createPageCursors } from '../../src/shared/http/page.cursor';
import { fakeDatabase, silentLogger } from '../foundation/app.harness';
import { startTestDatabase } from './mongo';

/** The secrets every component test world signs and hashes with. */
export const SECRETS = {
  JWT_SECRET: 'registry-test-jwt-secret-0123456789abcdef',
  QR_SIGNING_SECRET: 'registry-test-qr-secret-0123456789abcdef',
  PII_HASH_SECRET: 'registry-test-pii-secret-0123456789abcdef',
  LEDGER_SIGNING_KEY: 'registry-test-ledger-key-0123456789abcdef',
};

export interface Caller {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body: object): request.Test;
}

/** A principal of `role` with a fresh user id (tokens are signed for it without an account). */
export function principal(role: Role, extra: Partial<Principal> = {}): Principal {
  return { kind: 'user', userId: new Types.ObjectId().toHexString(), username: `${role}-${Math.random().toString(36).slice(2, 7)}`, role, ...extra };
}

/** Checks a status and returns the body, printing the problem when it differs. */
export async function expectStatus<T = Record<string, unknown>>(test: request.Test, status: number): Promise<T> {
  const res = await test;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/**
 * A fresh database with the registry and the audit trail built on it, and the real app (createApp)
 * serving whichever component modules a test mounts — bearer authentication first, as
 * createComponents mounts it. Component test harnesses add their component and mount.
 */
export interface World {
  connection: Connection;
  registry: Registry;
  audit: Awaited<ReturnType<typeof createAudit>>;
  readonly http: ReturnType<typeof request>;
  /** Names of the database commands sent since the test last emptied it (find, insert, update, ...). */
  commands: string[];
  /** Serves these modules (after the registry's and the audit trail's) from now on. */
  mount(modules: readonly ApiModule[]): void;
  as(principal: Principal): Caller;
  stop(): Promise<void>;
}

export async function startWorld(label: string): Promise<World> {
  const db = await startTestDatabase(label);
  const connection = mongoose.createConnection(db.uri, { dbName: db.dbName, autoIndex: true, monitorCommands: true });
  await connection.asPromise();
  const commands: string[] = [];
  connection.getClient().on('commandStarted', (event) => commands.push(event.commandName));
  const audit = await createAudit({ connection, cursors: createPageCursors(SECRETS.JWT_SECRET) });
  const registry = await createRegistry({ connection, config: { secrets: SECRETS, env: 'test' }, logger: silentLogger }, { audit: audit.service });
  await registry.ensureDistricts();
  const appOf = (modules: readonly ApiModule[]) =>
    request(
      createApp({
        config: { isProduction: false, http: { bodyLimit: '1mb' } },
        logger: silentLogger,
        database: fakeDatabase(),
        modules: [
          { name: 'authentication', router: Router().use(authenticate(SECRETS.JWT_SECRET)), registerOpenApi: () => undefined },
          registry.module,
          audit.module,
          ...modules,
        ],
      }),
    );
  let http = appOf([]);
  return {
    connection,
    registry,
    audit,
    get http() {
      return http;
    },
    commands,
    mount(modules) {
      http = appOf(modules);
    },
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

/** Builds the indexes of every model registered on the connection so far. */
export async function initModels(connection: Connection): Promise<void> {
  await Promise.all(Object.values(connection.models).map((m) => m.init()));
}
