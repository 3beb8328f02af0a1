import { aCylinder, aVehicle, aWorker } from '../../seed/builders';
import { expectStatus, startRegistryWorld, type RegistryWorld } from './registry.harness';
import { twoEnterprises, type TwoEnterprises } from './registry.fixture';

describe('the import port: idempotent, all-or-nothing upserts on natural keys', () => {
  let world: RegistryWorld;
  let f: TwoEnterprises;
  beforeAll(async () => {
    world = await startRegistryWorld('registry_import');
    f = await twoEnterprises(world);
  });
  afterAll(() => world.stop());

  const count = (name: string) => world.connection.db!.collection(name).countDocuments();

  it('creates new records, leaves identical ones unchanged and updates changed ones, audited', async () => {
    const port = world.registry.bulkUpsert;
    const rows = [aWorker().build(), aWorker().untrained().build()];
    expect(await port.upsertMany('workers', rows, f.adminA, { dryRun: false })).toEqual({ created: 2, updated: 0, unchanged: 0, errors: [] });
    expect(await port.upsertMany('workers', rows, f.adminA, { dryRun: false })).toEqual({ created: 0, updated: 0, unchanged: 2, errors: [] });
    const changed = [{ ...rows[0]!, realName: '改名员工' }, rows[1]!];
    expect(await port.upsertMany('workers', changed, f.adminA, { dryRun: false })).toEqual({ created: 0, updated: 1, unchanged: 1, errors: [] });
    const audit = await world.connection.db!.collection('audit_records').find({ resource: 'workers' }).toArray();
    expect(audit.map((a) => a.action).sort()).toEqual(['import_create', 'import_create', 'import_update']);
  });

  it('reports every bad input with its index, field and reason, and then writes nothing', async () => {
    const before = await count('cylinders');
    const auditBefore = await count('audit_records');
    const good = aCylinder().registeredTo(f.stationA).build();
    const result = await world.registry.bulkUpsert.upsertMany(
      'cylinders',
      [good, { ...aCylinder().registeredTo(f.stationA).build(), nominalKg: 12 }, aCylinder().registeredTo(f.stationB).build(), { ...good }],
      f.adminA,
      { dryRun: false },
    );
    expect(result.errors).toEqual([
      { index: 1, field: 'nominalKg', reason: expect.any(String) },
      { index: 2, field: 'fillingSiteId', reason: 'no such active site' },
      { index: 3, field: 'serial', reason: 'duplicates input 0' },
    ]);
    expect(await count('cylinders')).toBe(before);
    expect(await count('audit_records')).toBe(auditBefore);
  });

  it('a dry run classifies the inputs the same way and writes nothing', async () => {
    const before = await count('vehicles');
    const result = await world.registry.bulkUpsert.upsertMany('vehicles', [aVehicle().build(), aVehicle().build()], f.adminA, { dryRun: true });
    expect(result).toEqual({ created: 2, updated: 0, unchanged: 0, errors: [] });
    expect(await count('vehicles')).toBe(before);
  });

  it('cannot touch another enterprise\'s records: a plate registered elsewhere is an error, not an update', async () => {
    const plateOfB = aVehicle().build();
    await expectStatus(world.as(f.adminB).post('/api/v1/vehicles', plateOfB), 201);
    const result = await world.registry.bulkUpsert.upsertMany('vehicles', [{ ...plateOfB, kind: 'van' }], f.adminA, { dryRun: false });
    expect(result.errors).toEqual([{ index: 0, field: 'plate', reason: 'must be unique: it is already registered and cannot be registered by this enterprise' }]);
    const stored = await world.connection.db!.collection('vehicles').findOne({ plate: plateOfB.plate });
    expect(stored?.kind).toBe(plateOfB.kind);
  });

  it('refuses roles that may not import (403)', async () => {
    await expect(world.registry.bulkUpsert.upsertMany('sites', [], f.auditor, { dryRun: true })).rejects.toMatchObject({ status: 403 });
  });

  it('exposes the strict create schema for each importable resource', () => {
    const schema = world.registry.bulkUpsert.inputSchema('cylinders');
    expect(schema.safeParse({ ...aCylinder().registeredTo(f.stationA).build(), extra: 1 }).success).toBe(false);
    expect(schema.safeParse(aCylinder().registeredTo(f.stationA).build()).success).toBe(true);
  });

  // 2,000 rows, not 10,000: the embedded engine checks unique keys against every earlier write of
  // the same transaction (quadratic), so 10,000 rows there take minutes; see the bench for the figure.
  it('imports 2,000 cylinders in one transaction, and re-importing the same rows changes nothing', async () => {
    const ROWS = 2_000;
    const rows = Array.from({ length: ROWS }, (_, i) => aCylinder().registeredTo(f.stationA).withSerial(`BULK-${String(i).padStart(6, '0')}`).build());
    const started = performance.now();
    const first = await world.registry.bulkUpsert.upsertMany('cylinders', rows, f.adminA, { dryRun: false });
    const firstMs = performance.now() - started;
    expect(first).toEqual({ created: ROWS, updated: 0, unchanged: 0, errors: [] });
    const again = await world.registry.bulkUpsert.upsertMany('cylinders', rows, f.adminA, { dryRun: false });
    expect(again).toEqual({ created: 0, updated: 0, unchanged: ROWS, errors: [] });
    expect(firstMs).toBeLessThan(30_000);
  }, 120_000);
});
