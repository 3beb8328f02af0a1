import { seedDevelopmentDatabase, type Seeder } from '../../seed';
import { connectDatabase, type Database } from '../../src/shared/db/database.connection';
import { startTestDatabase, type TestDatabase } from '../support/mongo';
import { silentLogger } from './app.harness';

describe('development seed', () => {
  let testDb: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDb = await startTestDatabase('seed');
    database = await connectDatabase(testDb.uri, { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName });
  });
  afterAll(async () => {
    await database.connection.db?.dropDatabase();
    await database.close();
    await testDb.stop();
  });

  const ctx = () => ({ connection: database.connection, logger: silentLogger, config: { env: 'test' as const, secrets: { JWT_SECRET: 'j'.repeat(32), QR_SIGNING_SECRET: 'q'.repeat(32), PII_HASH_SECRET: 'p'.repeat(32), LEDGER_SIGNING_KEY: 'l'.repeat(32) } } });
  const marker: Seeder = {
    name: 'marker',
    run: async ({ connection }) => {
      await connection.collection('seed_marker').insertOne({ seeded: true });
    },
  };

  it('does nothing when there are no seeders', async () => {
    await expect(seedDevelopmentDatabase(ctx(), [])).resolves.toBe('no-seeders');
  });

  it('runs the seeders on an empty database, and never again once it holds data', async () => {
    await expect(seedDevelopmentDatabase(ctx(), [marker])).resolves.toBe('seeded');
    await expect(seedDevelopmentDatabase(ctx(), [marker])).resolves.toBe('database-not-empty');
    expect(await database.connection.collection('seed_marker').countDocuments()).toBe(1);
  });
});
