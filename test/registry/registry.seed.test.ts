import mongoose from 'mongoose';
import { registryDemoSeeder } from '../../seed/registry-demo.seed';
import { silentLogger } from '../foundation/app.harness';
import { startTestDatabase } from '../support/mongo';
import { SECRETS } from './registry.harness';

describe('the Qingyuan demo seed', () => {
  it('registers three enterprises, their sites in several districts, workers, customers and 50 cylinders, one overdue', async () => {
    const db = await startTestDatabase('registry_seed');
    const connection = mongoose.createConnection(db.uri, { dbName: db.dbName });
    await connection.asPromise();
    try {
      await registryDemoSeeder.run({ connection, logger: silentLogger, config: { secrets: SECRETS, env: 'test' } });
      const d = connection.db!;
      expect(await d.collection('districts').countDocuments()).toBe(8);
      expect(await d.collection('enterprises').countDocuments()).toBe(3);
      expect(new Set(await d.collection('sites').distinct('districtCode')).size).toBeGreaterThanOrEqual(4);
      expect(await d.collection('cylinders').countDocuments()).toBe(50);
      expect(await d.collection('cylinders').countDocuments({ nextInspectionDate: { $lte: new Date() } })).toBeGreaterThanOrEqual(1);
      expect(await d.collection('workers').countDocuments({ certificate: null })).toBeGreaterThanOrEqual(1);
    } finally {
      await connection.db?.dropDatabase();
      await connection.close();
      await db.stop();
    }
  });
});
