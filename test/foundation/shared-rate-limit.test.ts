import mongoose, { type Connection } from 'mongoose';
import { sharedRateLimit } from '../../src/shared/rate-limit/shared.limiter';
import { startTestDatabase, type TestDatabase } from '../support/mongo';

describe('the shared rate limit', () => {
  let db: TestDatabase;
  let connection: Connection;
  beforeAll(async () => {
    db = await startTestDatabase('shared_rate_limit');
    connection = await mongoose.createConnection(db.uri, { dbName: db.dbName }).asPromise();
  });
  afterAll(async () => {
    await connection.close();
    await db.stop();
  });

  const limit = (prefix: string, windowSeconds = 60) => sharedRateLimit({ connection, collection: 'rate_limit_test', prefix, windowSeconds, limit: 3 });

  it('allows the limit per key, then asks to wait until the window ends, keeping keys apart', async () => {
    const scans = limit('keys');
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await scans.take('203.0.113.7'));
    expect(verdicts.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(verdicts[3]).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    const wait = (verdicts[3] as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await scans.take('198.51.100.1')).toEqual({ allowed: true });
  });

  it('counts one key across limiters on the same collection, as several processes do', async () => {
    const [first, second] = [limit('shared'), limit('shared')];
    const verdicts = [await first.take('a'), await second.take('a'), await first.take('a'), await second.take('a')];
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect((await limit('other').take('a')).allowed).toBe(true);
  });

  it('starts a new window once the last one has ended', async () => {
    const short = limit('window', 1);
    for (let i = 0; i < 3; i++) await short.take('a');
    expect((await short.take('a')).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await short.take('a')).allowed).toBe(true);
  });
});
