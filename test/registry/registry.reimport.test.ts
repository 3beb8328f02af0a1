import { aCustomer, aCylinder, aSite, aVehicle, aWorker } from '../../seed/builders';
import { expectStatus, startRegistryWorld, type RegistryWorld } from './registry.harness';
import { twoEnterprises, type TwoEnterprises } from './registry.fixture';

type Body = Record<string, unknown>;

/**
 * An import may do only what the same user could do with create and PATCH, field by field, with the
 * same errors: a re-imported row for an existing record is that record's PATCH.
 */
describe('re-importing an existing record changes only what PATCH may change', () => {
  let world: RegistryWorld;
  let f: TwoEnterprises;
  beforeAll(async () => {
    world = await startRegistryWorld('registry_reimport');
    f = await twoEnterprises(world);
  });
  afterAll(() => world.stop());

  const upsert = (resource: 'sites' | 'vehicles' | 'workers' | 'customers' | 'cylinders', rows: object[], who = f.adminA) =>
    world.registry.bulkUpsert.upsertMany(resource, rows, who, { dryRun: false });
  const read = (resource: string, id: string, who = f.adminA) => expectStatus<Body>(world.as(who).get(`/api/v1/${resource}/${id}`), 200);

  it('refuses to turn an over-age YSP-15 into a new YSP-50 in service, naming each field and both values', async () => {
    const row = aCylinder().registeredTo(f.stationA).pastServiceLife().build();
    const old = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/cylinders', row), 201);
    expect(old).toMatchObject({ status: 'past_service_life', model: 'YSP-15' });

    const result = await upsert('cylinders', [{ ...row, manufactureDate: '2024-03-01', nominalKg: 50, tareKg: 48 }]);
    expect(result).toEqual({
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: [
        { index: 0, field: 'manufactureDate', reason: `is not allowed to change once registered (PATCH refuses it too): registered ${row.manufactureDate}, given 2024-03-01` },
        { index: 0, field: 'nominalKg', reason: 'is not allowed to change once registered (PATCH refuses it too): registered 15, given 50' },
      ],
    });
    expect(await read('cylinders', String(old.id))).toEqual(old);
  });

  it('refuses every change to a scrapped cylinder with the reason PATCH gives, and takes the same row again as unchanged', async () => {
    const row = aCylinder().registeredTo(f.stationA).build();
    const c = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/cylinders', row), 201);
    const scrapped = await expectStatus<Body>(world.as(f.adminA).patch(`/api/v1/cylinders/${String(c.id)}`, { scrappedAt: '2025-01-02' }), 200);
    const patchAnswer = await expectStatus<{ errors: unknown[] }>(world.as(f.adminA).patch(`/api/v1/cylinders/${String(c.id)}`, { manufacturer: '另一家厂', tareKg: 13 }), 400);

    const result = await upsert('cylinders', [{ ...row, manufacturer: '另一家厂', tareKg: 13 }]);
    expect(result.errors).toEqual(patchAnswer.errors.map((e) => ({ index: 0, field: (e as Body).path, reason: (e as Body).message })));
    expect(result.errors).toEqual([
      { index: 0, field: 'manufacturer', reason: 'cannot be changed: the cylinder is scrapped; its record is closed' },
      { index: 0, field: 'tareKg', reason: 'cannot be changed: the cylinder is scrapped; its record is closed' },
    ]);
    const dateAndSize = await upsert('cylinders', [{ ...row, manufactureDate: '2024-03-01', nominalKg: 5 }]);
    expect(dateAndSize.errors.map((e) => e.field)).toEqual(['manufactureDate', 'nominalKg']);
    expect(await read('cylinders', String(c.id))).toEqual(scrapped);

    expect(await upsert('cylinders', [row])).toEqual({ created: 0, updated: 0, unchanged: 1, errors: [] });
  });

  it('refuses to turn a supply point into a filling station (PATCH refuses kind)', async () => {
    const row = aSite().build();
    const point = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/sites', row), 201);
    const patchAnswer = await expectStatus<{ errors: Body[] }>(world.as(f.adminA).patch(`/api/v1/sites/${String(point.id)}`, { kind: 'filling_station' }), 400);
    expect(patchAnswer.errors).toEqual([{ path: 'kind', message: 'is not allowed' }]);

    const asStation = { ...row, kind: 'filling_station', fillingLicence: { number: 'TS-REIMPORT-1', validTo: '2030-01-01' } };
    const result = await upsert('sites', [asStation]);
    expect(result.errors).toEqual([
      { index: 0, field: 'kind', reason: 'is not allowed to change once registered (PATCH refuses it too): registered supply_point, given filling_station' },
    ]);
    expect(await read('sites', String(point.id))).toEqual(point);
  });

  it('changes what PATCH may change, the same way: a renamed worker, a moved site, a new phone', async () => {
    const workerRow = aWorker().build();
    const worker = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/workers', workerRow), 201);
    const siteRow = aSite().build();
    const site = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/sites', siteRow), 201);
    const customerRow = aCustomer().build();
    await expectStatus(world.as(f.adminA).post('/api/v1/customers', customerRow), 201);

    expect(await upsert('workers', [{ ...workerRow, realName: '改名员工' }])).toMatchObject({ updated: 1, errors: [] });
    expect(await upsert('sites', [{ ...siteRow, address: '清城区新地址8号' }])).toMatchObject({ updated: 1, errors: [] });
    expect(await upsert('customers', [{ ...customerRow, phone: '13912345678' }])).toMatchObject({ updated: 1, errors: [] });
    expect(await read('workers', String(worker.id))).toMatchObject({ realName: '改名员工' });
    expect(await read('sites', String(site.id))).toMatchObject({ address: '清城区新地址8号' });
  });

  it('leaves a field the row does not give as it is, as PATCH does (no reset to a default)', async () => {
    const row = { ...aCylinder().registeredTo(f.stationA).build(), designLifeYears: 12 };
    const c = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/cylinders', row), 201);
    const { designLifeYears: _omitted, ...withoutLife } = row;
    expect(await upsert('cylinders', [withoutLife])).toEqual({ created: 0, updated: 0, unchanged: 1, errors: [] });
    expect(await read('cylinders', String(c.id))).toMatchObject({ designLifeYears: 12, serviceLifeEndsAt: c.serviceLifeEndsAt });
  });

  it('gives a re-imported field the errors PATCH gives it', async () => {
    const row = aCylinder().registeredTo(f.stationA).build();
    const c = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/cylinders', row), 201);
    const tooEarly = '1990-01-01';
    const patchAnswer = await expectStatus<{ errors: Body[] }>(world.as(f.adminA).patch(`/api/v1/cylinders/${String(c.id)}`, { lastInspectionDate: tooEarly }), 400);
    const result = await upsert('cylinders', [{ ...row, lastInspectionDate: tooEarly }]);
    expect(result.errors).toEqual(patchAnswer.errors.map((e) => ({ index: 0, field: e.path, reason: e.message })));
  });

  it("refuses a city regulator's re-import that would move a vehicle to another enterprise (PATCH cannot)", async () => {
    const row = aVehicle().build();
    const v = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/vehicles', row), 201);
    const result = await upsert('vehicles', [{ ...row, enterpriseId: f.enterpriseB }], f.city);
    expect(result.errors).toEqual([
      { index: 0, field: 'enterpriseId', reason: `is not allowed to change once registered (PATCH refuses it too): registered ${f.enterpriseA}, given ${f.enterpriseB}` },
    ]);
    expect(await read('vehicles', String(v.id))).toMatchObject({ enterpriseId: f.enterpriseA });
  });

  it("answers another enterprise's plate without naming or hinting at its holder, as POST does", async () => {
    const row = aVehicle().build();
    await expectStatus(world.as(f.adminB).post('/api/v1/vehicles', row), 201);
    const post = await expectStatus<{ detail: string; errors: Body[] }>(world.as(f.adminA).post('/api/v1/vehicles', row), 409);
    const result = await upsert('vehicles', [row]);
    expect(result.errors).toEqual([{ index: 0, field: 'plate', reason: 'must be unique: it is already registered and cannot be registered by this enterprise' }]);
    for (const said of [JSON.stringify(post), JSON.stringify(result)]) {
      expect(said).not.toMatch(/another enterprise|other enterprise/);
      expect(said).not.toContain(f.enterpriseB);
    }
  });

  it("refuses another enterprise's filling licence number by naming the field only, never a value or a holder", async () => {
    const ofB = aSite().fillingStation().build();
    await expectStatus(world.as(f.adminB).post('/api/v1/sites', ofB), 201);
    const mine = { ...aSite().fillingStation().build(), fillingLicence: ofB.fillingLicence };
    const post = await expectStatus(world.as(f.adminA).post('/api/v1/sites', mine), 409);
    expect(post).toMatchObject({ code: 'CONFLICT', errors: [{ path: 'fillingLicence.number', message: 'must be unique' }] });
    // The import names the row and field, as for every other row problem, and writes nothing.
    const imported = await upsert('sites', [mine]);
    expect(imported.errors).toEqual([{ index: 0, field: 'fillingLicence.number', reason: 'must be unique: another record already holds this value' }]);
    expect(await world.connection.collection('sites').countDocuments({ name: mine.name })).toBe(0);
    for (const said of [JSON.stringify(post), JSON.stringify(imported)]) {
      expect(said).not.toContain(ofB.fillingLicence?.number ?? '?');
      expect(said).not.toContain(f.enterpriseB);
    }
  });
});
