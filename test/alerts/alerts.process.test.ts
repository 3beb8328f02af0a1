import { MongoClient, ObjectId } from 'mongodb';
import { killLeftoverServers, startServerProcess, type ServerProcess } from '../support/embedded-server.process';
import { alertsClient, connected, sleep, unknownCodes } from './alerts.harness';
import { accountToken, post, startApp, startRedis, type AppProcess } from './process.harness';

/**
 * Supervision across processes, with real processes: src/main.ts twice on one database (the
 * embedded server in a process of its own), sharing Socket.IO through a real redis-server; and an
 * app killed with SIGKILL after an event committed and before its rules ran.
 */
let db: ServerProcess;
const apps: AppProcess[] = [];

beforeAll(async () => {
  db = await startServerProcess();
}, 60_000);

afterEach(async () => {
  for (const app of apps.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exit;
  }
});

afterAll(async () => {
  await killLeftoverServers();
});

const dbEnv = (dbName: string) => ({ MONGODB_URI: db.uri, DB_NAME: dbName });

async function launch(env: Record<string, string>): Promise<AppProcess> {
  const app = await startApp(env);
  apps.push(app);
  return app;
}

describe('alerts across processes', () => {
  it('loses no alert when the app is killed between the event\'s commit and its rules: the restarted app raises it', async () => {
    const dbName = `alerts_kill_${Date.now()}`;
    // The first process waits ten minutes after a commit before running its rules: the kill lands in that window.
    const first = await launch({ ...dbEnv(dbName), ALERTS_BATCH_WAIT_MS: '600000', ALERTS_POLL_MS: '600000' });
    const admin = await accountToken(db.uri, dbName, 'enterprise_admin', { enterpriseId: new ObjectId().toHexString() });
    const city = await accountToken(db.uri, dbName, 'city_regulator');
    const [event] = unknownCodes(1);
    const answer = await post(first.url, '/api/v1/events/batch', admin, { events: [event] });
    expect([answer.status, answer.body.rejected]).toEqual([200, 1]);
    const mongo = await MongoClient.connect(db.uri);
    try {
      const store = mongo.db(dbName);
      expect(await store.collection('rejected_events').countDocuments({ eventId: event?.eventId })).toBe(1);
      expect(await store.collection('alerts').countDocuments({})).toBe(0);
      first.child.kill('SIGKILL');
      expect(await first.exit).toBeNull();

      const second = await launch(dbEnv(dbName));
      const client = alertsClient(second.url, { token: city, since: 0 });
      try {
        expect(await connected(client)).toBe('connected');
        const [alert] = await client.waitFor(1, 10_000);
        expect(alert?.payload.alert).toMatchObject({ rule: 'OUT_OF_CITY_CYLINDER', subject: { kind: 'code', id: event?.grai }, seq: 1, count: 1 });
        await sleep(500);
        expect(client.received).toHaveLength(1);
        expect(await store.collection('alerts').countDocuments({})).toBe(1);
      } finally {
        client.close();
      }
    } finally {
      await mongo.close();
    }
  }, 300_000);

  it('delivers to a client of process A an alert raised on process B, through a real Redis, once each', async () => {
    const redis = await startRedis();
    try {
      const dbName = `alerts_redis_${Date.now()}`;
      // No polling: the only way A can learn of B's alerts is the adapter's message through Redis.
      const env = { ...dbEnv(dbName), REDIS_URL: redis.url, ALERTS_POLL_MS: '600000' };
      const [a, b] = await Promise.all([launch(env), launch(env)]);
      const admin = await accountToken(db.uri, dbName, 'enterprise_admin', { enterpriseId: new ObjectId().toHexString() });
      const city = await accountToken(db.uri, dbName, 'city_regulator');
      const onA = alertsClient(a.url, { token: city });
      const onB = alertsClient(b.url, { token: city });
      try {
        expect([await connected(onA), await connected(onB)]).toEqual(['connected', 'connected']);
        const raisedOnB = unknownCodes(3);
        expect((await post(b.url, '/api/v1/events/batch', admin, { events: raisedOnB })).status).toBe(200);
        await onA.waitFor(3, 2_000);
        const raisedOnA = unknownCodes(2);
        expect((await post(a.url, '/api/v1/events/batch', admin, { events: raisedOnA })).status).toBe(200);
        await Promise.all([onA.waitFor(5, 2_000), onB.waitFor(5, 2_000)]);
        await sleep(1_500);
        for (const client of [onA, onB]) {
          expect(client.received.map((r) => r.payload.alert.seq)).toEqual([1, 2, 3, 4, 5]);
          expect(client.received.map((r) => r.payload.alert.subject.id).sort()).toEqual([...raisedOnB, ...raisedOnA].map((e) => e.grai).sort());
        }
      } finally {
        onA.close();
        onB.close();
      }
    } finally {
      await redis.stop();
    }
  }, 300_000);
});
