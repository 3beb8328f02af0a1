import { ENTERPRISE_LICENCE_INDEX, LEGACY_ENTERPRISE_LICENCE_INDEX, registryModels } from '../../src/components/registry/registry.model';
import { initModels } from '../../src/components/registry/registry.repository';
import { connectDatabase, type Database } from '../../src/shared/db/database.connection';
import { startTestDatabase, type TestDatabase } from '../support/mongo';

/**
 * A database written before enterprises could be registered without a licence carries the full
 * unique index on the licence number: two enterprises still applying (no number) would collide.
 * The registry's start replaces it with the partial one.
 */
describe('registry indexes on an older database', () => {
  let testDb: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDb = await startTestDatabase('registry_indexes');
    database = await connectDatabase(testDb.uri, { mode: 'embedded', engine: 'lpg-embedded', name: testDb.dbName });
  }, 60_000);
  afterAll(async () => {
    await database?.connection.db?.dropDatabase();
    await database?.close();
    await testDb?.stop();
  });

  it('drops the full licence-number index and builds the partial one: two enterprises without a licence then coexist', async () => {
    const enterprises = database.connection.collection('enterprises');
    await enterprises.createIndex({ 'licence.number': 1 }, { unique: true, name: LEGACY_ENTERPRISE_LICENCE_INDEX });
    const at = new Date();
    const doc = (n: number) => ({ name: `申请中燃气公司${n}`, districtCode: '441802', address: `清城区${n}号`, active: true, createdAt: at, updatedAt: at });
    await enterprises.insertOne(doc(1));
    await expect(enterprises.insertOne(doc(2))).rejects.toMatchObject({ code: 11000 });
    await initModels(registryModels(database.connection));
    const names = (await enterprises.indexes()).map((i) => i.name);
    expect(names).toContain(ENTERPRISE_LICENCE_INDEX);
    expect(names).not.toContain(LEGACY_ENTERPRISE_LICENCE_INDEX);
    await enterprises.insertOne(doc(2));
    // Still unique among issued licences.
    await enterprises.insertOne({ ...doc(3), licence: { number: '粤清燃经02-000001', validTo: at } });
    await expect(enterprises.insertOne({ ...doc(4), licence: { number: '粤清燃经02-000001', validTo: at } })).rejects.toMatchObject({ code: 11000 });
    // A second start finds nothing to drop.
    await initModels(registryModels(database.connection));
    expect(await enterprises.countDocuments()).toBe(3);
  });
});
