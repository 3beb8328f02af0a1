import { aCustomer, aCylinder, aVehicle, aWorker } from '../../seed/builders';
import { expectStatus, principal, startRegistryWorld, type RegistryWorld } from './registry.harness';
import { twoEnterprises, type TwoEnterprises } from './registry.fixture';

type Body = Record<string, unknown> & { id: string; enterpriseId?: string; districtCode?: string };
type Page = { items: Body[]; nextCursor: string | null };

describe('scope: every enterprise sees only its own records, a district regulator only its district', () => {
  let world: RegistryWorld;
  let f: TwoEnterprises;
  const bIds: Record<string, string> = {};
  beforeAll(async () => {
    world = await startRegistryWorld('registry_scope');
    f = await twoEnterprises(world);
    for (const admin of [f.adminA, f.adminB]) {
      const station = admin === f.adminA ? f.stationA : f.stationB;
      const as = world.as(admin);
      for (let i = 0; i < 3; i++) await expectStatus(as.post('/api/v1/cylinders', aCylinder().registeredTo(station).build()), 201);
    }
    const asB = world.as(f.adminB);
    bIds.sites = f.stationB;
    bIds.enterprises = f.enterpriseB;
    bIds.vehicles = (await expectStatus<Body>(asB.post('/api/v1/vehicles', aVehicle().build()), 201)).id;
    bIds.workers = (await expectStatus<Body>(asB.post('/api/v1/workers', aWorker().atSite(f.stationB).build()), 201)).id;
    bIds.customers = (await expectStatus<Body>(asB.post('/api/v1/customers', aCustomer().inDistrict('441803').build()), 201)).id;
    bIds.cylinders = (await expectStatus<Body>(asB.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationB).build()), 201)).id;
  });
  afterAll(() => world.stop());

  const resources = ['enterprises', 'sites', 'vehicles', 'workers', 'customers', 'cylinders'];

  it.each(resources)('an enterprise admin reading another enterprise\'s %s by id gets 404, exactly like a missing record', async (resource) => {
    const asA = world.as(f.adminA);
    const other = await world.as(f.adminA).get(`/api/v1/${resource}/${bIds[resource]}`);
    const missing = await asA.get(`/api/v1/${resource}/${'0'.repeat(24)}`);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body.code).toBe(missing.body.code);
  });

  it.each(['sites', 'vehicles', 'workers', 'customers', 'cylinders'])('an enterprise admin cannot change or deactivate another enterprise\'s %s (404), and it stays unchanged', async (resource) => {
    const asA = world.as(f.adminA);
    const before = await expectStatus<Body>(world.as(f.city).get(`/api/v1/${resource}/${bIds[resource]}`), 200);
    await expectStatus(asA.patch(`/api/v1/${resource}/${bIds[resource]}`, {}), 404);
    await expectStatus(asA.post(`/api/v1/${resource}/${bIds[resource]}/deactivate`), 404);
    expect(await expectStatus<Body>(world.as(f.city).get(`/api/v1/${resource}/${bIds[resource]}`), 200)).toEqual(before);
  });

  it('refuses a filter naming another enterprise\'s id (403) rather than answering its records', async () => {
    for (const resource of ['enterprises', 'sites', 'vehicles', 'workers', 'customers', 'cylinders']) {
      await expectStatus(world.as(f.adminA).get(`/api/v1/${resource}?enterpriseId=${f.enterpriseB}`), 403);
      await expectStatus(world.as(f.adminA).get(`/api/v1/${resource}?enterpriseId=${f.enterpriseA}`), 200);
    }
    const own = await expectStatus<Page>(world.as(f.adminA).get('/api/v1/enterprises'), 200);
    expect(own.items.map((e) => e.id)).toEqual([f.enterpriseA]);
  });

  it('a cursor taken from a city regulator\'s listing, replayed by an enterprise admin, still yields only own records', async () => {
    const cityPage = await expectStatus<Page>(world.as(f.city).get('/api/v1/cylinders?limit=1'), 200);
    expect(cityPage.nextCursor).toEqual(expect.any(String));
    let cursor: string | null = cityPage.nextCursor;
    const seen: Body[] = [];
    while (cursor) {
      const page: Page = await expectStatus<Page>(world.as(f.adminA).get(`/api/v1/cylinders?limit=2&cursor=${cursor}`), 200);
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((c) => c.enterpriseId === f.enterpriseA)).toBe(true);
  });

  it('an enterprise admin cannot register a record for another enterprise, nor point at its sites', async () => {
    const asA = world.as(f.adminA);
    const forB = await expectStatus<{ errors: { path: string }[] }>(asA.post('/api/v1/vehicles', aVehicle().forEnterprise(f.enterpriseB).build()), 400);
    expect(forB.errors).toEqual([{ path: 'enterpriseId', message: 'no such active enterprise' }]);
    const worker = await expectStatus<{ errors: { path: string }[] }>(asA.post('/api/v1/workers', aWorker().atSite(f.stationB).build()), 400);
    expect(worker.errors).toEqual([{ path: 'siteId', message: 'no such active site' }]);
    // Without an enterpriseId, the record is the caller's own.
    const own = await expectStatus<Body>(asA.post('/api/v1/vehicles', aVehicle().build()), 201);
    expect(own.enterpriseId).toBe(f.enterpriseA);
  });

  it('a district regulator sees only its district, in lists, by id and by filter', async () => {
    const qingxin = world.as(principal('district_regulator', { districtCode: '441803' }));
    for (const resource of resources) {
      const page = await expectStatus<Page>(qingxin.get(`/api/v1/${resource}?limit=200`), 200);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((i) => i.districtCode === '441803')).toBe(true);
    }
    await expectStatus(qingxin.get(`/api/v1/sites/${f.stationA}`), 404);
    // A filter naming another district is refused, as in every listing (it never widens the scope).
    const filtered = await expectStatus<{ detail: string }>(qingxin.get('/api/v1/cylinders?districtCode=441802').set('Accept-Language', 'zh-CN'), 403);
    expect(filtered.detail).toBe('区县监管部门只能查看本区县的数据');
    const districts = await expectStatus<Page>(qingxin.get('/api/v1/districts'), 200);
    expect(districts.items.map((d) => d.code)).toEqual(['441803']);
  });

  it('the audit trail is scoped like the records it describes', async () => {
    const mine = await expectStatus<Page>(world.as(f.adminA).get(`/api/v1/audit?resource=cylinders&recordId=${bIds.cylinders}`), 200);
    expect(mine.items).toEqual([]);
    const theirs = await expectStatus<Page>(world.as(f.adminB).get(`/api/v1/audit?resource=cylinders&recordId=${bIds.cylinders}`), 200);
    expect(theirs.items).toHaveLength(1);
  });

  it('a delivery worker reads only their own worker record', async () => {
    const me = principal('delivery_worker', { enterpriseId: f.enterpriseB, workerId: bIds.workers });
    const page = await expectStatus<Page>(world.as(me).get('/api/v1/workers'), 200);
    expect(page.items.map((w) => w.id)).toEqual([bIds.workers]);
    await expectStatus(world.as(me).post('/api/v1/vehicles', aVehicle().build()), 403);
  });
});
