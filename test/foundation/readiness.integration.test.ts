import { startEmbeddedMongo } from '../../src/embedded-mongo';
import { connectDatabase, type Database } from '../../src/shared/db/database.connection';
import { startTestDatabase, type TestDatabase } from '../support/mongo';
import { bootApp, type RunningServer } from './app.harness';

describe('readiness against a real MongoDB wire endpoint', () => {
  let testDb: TestDatabase;
  let database: Database;
  let app: RunningServer;
  beforeAll(async () => {
    testDb = await startTestDatabase('readiness');
    database = await connectDatabase(testDb.uri, { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName });
    app = await bootApp({ database });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    await testDb.stop();
  });

  it('is ready when the database answers a ping', async () => {
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', db: { ok: true } });
  });
});

describe('readiness when the database goes away under a running app', () => {
  it('turns 503 once the server stops answering, while /healthz stays 200', async () => {
    // Our own server, even when MONGODB_URI names a real one: this test has to stop it.
    const server = await startEmbeddedMongo({ port: 0 });
    const database = await connectDatabase(server.uri, { mode: 'embedded', engine: 'lpg-embedded', name: 'gone' });
    const app = await bootApp({ database, readinessTimeoutMs: 500 });
    try {
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      await server.close();
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', db: { ok: false } });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
      await database.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    }
  });
});
