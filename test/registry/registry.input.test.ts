import { aCustomer, aCylinder, aWorker, anIdNumber } from '../../seed/builders';
import { expectStatus, principal, startRegistryWorld, type RegistryWorld } from './registry.harness';
import { twoEnterprises, type TwoEnterprises } from './registry.fixture';

type Body = Record<string, unknown> & { id: string };
type Page = { items: Body[]; nextCursor: string | null };
type Problem = { code: string; errors?: { path: string; message: string }[] };

const QUERY_COMMANDS = ['find', 'aggregate', 'insert', 'update', 'delete', 'findAndModify', 'count'];

describe('input at the edge, personal data and pagination', () => {
  let world: RegistryWorld;
  let f: TwoEnterprises;
  beforeAll(async () => {
    // Supervision looks for work by itself only once an hour here: its reads would count as queries the request sent.
    world = await startRegistryWorld('registry_input', { alertsConfig: { pollMs: 3_600_000 } });
    f = await twoEnterprises(world);
    // What the fixture's writes start in the background reads too, and would count as queries a request sent: the
    // manual-fill projection's pass scheduled after the last commit (run now, none left pending), and the rule pass.
    await world.components.devices.syncManualFills();
    await world.alerts.settled();
  });
  afterAll(() => world.stop());

  async function rejectedWithoutQuery(send: () => Promise<{ status: number; body: Problem }>): Promise<Problem> {
    world.commands.length = 0;
    const res = await send();
    expect(res.status).toBe(400);
    expect(world.commands.filter((c) => QUERY_COMMANDS.includes(c))).toEqual([]);
    return res.body;
  }

  it('records the database commands a request sends (so "no query" below means something)', async () => {
    world.commands.length = 0;
    await expectStatus(world.as(f.adminA).get('/api/v1/sites'), 200);
    expect(world.commands).toContain('find');
  });

  it('rejects {"$gt": ""} in a body field with 400 naming the field, and sends no query', async () => {
    const body = { ...aWorker().build(), realName: { $gt: '' } };
    const problem = await rejectedWithoutQuery(() => world.as(f.adminA).post('/api/v1/workers', body));
    expect(problem.errors?.map((e) => e.path)).toContain('realName');
    const patch = await rejectedWithoutQuery(() => world.as(f.adminA).patch(`/api/v1/sites/${f.stationA}`, { name: { $ne: null } }));
    expect(patch.errors?.map((e) => e.path)).toContain('name');
  });

  it('rejects operators in a query string and a path id with 400, and sends no query', async () => {
    const asA = world.as(f.adminA);
    await rejectedWithoutQuery(() => asA.get('/api/v1/sites?enterpriseId[$gt]='));
    await rejectedWithoutQuery(() => asA.get('/api/v1/sites?enterpriseId=%7B%22%24gt%22%3A%22%22%7D'));
    await rejectedWithoutQuery(() => asA.get('/api/v1/cylinders?q=a&q=b'));
    await rejectedWithoutQuery(() => asA.get(`/api/v1/sites/${encodeURIComponent('{"$gt":""}')}`));
    await rejectedWithoutQuery(() => asA.patch(`/api/v1/sites/${encodeURIComponent('{"$gt":""}')}`, { name: 'x' }));
  });

  it('rejects unknown keys on writes, listing every bad field', async () => {
    const problem = await rejectedWithoutQuery(() =>
      world.as(f.adminA).post('/api/v1/cylinders', { ...aCylinder().registeredTo(f.stationA).build(), status: 'in_service', $where: '1', nominalKg: 12 }),
    );
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['$where', 'nominalKg', 'status']);
  });

  it('refuses a GRAI on a cylinder write: a code is bound only by commissioning', async () => {
    const grai = '06141410150015QY1';
    const created = await rejectedWithoutQuery(() => world.as(f.adminA).post('/api/v1/cylinders', { ...aCylinder().registeredTo(f.stationA).build(), grai }));
    expect(created.errors?.map((e) => e.path)).toEqual(['grai']);
    const cylinder = await expectStatus(world.as(f.adminA).post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).build()), 201);
    const patched = await rejectedWithoutQuery(() => world.as(f.adminA).patch(`/api/v1/cylinders/${String(cylinder.id)}`, { grai }));
    expect(patched.errors?.map((e) => e.path)).toEqual(['grai']);
  });

  it('rejects an ID number whose GB 11643 check character is wrong', async () => {
    const valid = anIdNumber(4242);
    const wrong = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    const problem = await rejectedWithoutQuery(() => world.as(f.adminA).post('/api/v1/workers', aWorker().withIdNumber(wrong).build()));
    expect(problem.errors?.[0]?.path).toBe('idNumber');
  });

  it('rejects implausible coordinates, plates and phones', async () => {
    const asA = world.as(f.adminA);
    await rejectedWithoutQuery(() => asA.patch(`/api/v1/sites/${f.stationA}`, { coordinates: [23.68, 113.05] }));
    await rejectedWithoutQuery(() => asA.post('/api/v1/vehicles', { plate: 'ABC-123', kind: 'van' }));
    await rejectedWithoutQuery(() => asA.post('/api/v1/customers', aCustomer().withPhone('12345').build()));
  });

  it('never stores an ID number in clear: no field of the raw documents or audit entries contains it', async () => {
    const idNumber = anIdNumber(777);
    const worker = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/workers', aWorker().withIdNumber(idNumber).build()), 201);
    const customer = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/customers', aCustomer().withIdNumber(idNumber).build()), 201);
    expect(worker.idNumber).toBe(`**************${idNumber.slice(-4)}`);
    expect(customer.idNumber).toBe(`**************${idNumber.slice(-4)}`);
    expect(JSON.stringify(worker)).not.toMatch(/[0-9a-f]{64}/);
    for (const name of ['workers', 'customers', 'audit_records']) {
      const docs = await world.connection.db!.collection(name).find({}).toArray();
      expect(docs.length).toBeGreaterThan(0);
      const raw = JSON.stringify(docs);
      expect(raw).not.toContain(idNumber);
      expect(raw).not.toContain(idNumber.slice(0, 14));
    }
  });

  it('shows customers\' phones in full to their own enterprise and masked to regulators and auditors, audit included', async () => {
    const c = await expectStatus<Body>(world.as(f.adminA).post('/api/v1/customers', aCustomer().withPhone('13912345678').build()), 201);
    expect(c.phone).toBe('13912345678');
    for (const viewer of [f.city, f.auditor, principal('district_regulator', { districtCode: '441802' })]) {
      const seen = await expectStatus<Body>(world.as(viewer).get(`/api/v1/customers/${c.id}`), 200);
      expect(seen.phone).toBe('139****5678');
    }
    const trail = await expectStatus<{ items: { after: Body }[] }>(world.as(f.adminA).get(`/api/v1/audit?recordId=${c.id}`), 200);
    expect(trail.items[0]?.after.phone).toBe('139****5678');
  });

  it('walks every record exactly once through cursor pages, in either order and by any whitelisted sort', async () => {
    const asA = world.as(f.adminA);
    for (let i = 0; i < 11; i++) await expectStatus(asA.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).build()), 201);
    const all = await expectStatus<Page>(asA.get('/api/v1/cylinders?limit=200'), 200);
    for (const order of ['asc', 'desc']) {
      for (const sort of ['createdAt', 'serial', 'nextInspectionDate']) {
        const ids: string[] = [];
        let cursor: string | null = null;
        do {
          const q: string = `/api/v1/cylinders?limit=3&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
          const page: Page = await expectStatus<Page>(asA.get(q), 200);
          ids.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(ids).toHaveLength(all.items.length);
        expect(new Set(ids).size).toBe(all.items.length);
      }
    }
  });

  it('answers a tampered cursor, or one replayed with another sort, with 400 INVALID_CURSOR', async () => {
    const asA = world.as(f.adminA);
    // Enough cylinders for a second page, whichever tests registered some before.
    for (let i = 0; i < 3; i++) await expectStatus(asA.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).build()), 201);
    const page = await expectStatus<Page>(asA.get('/api/v1/cylinders?limit=2'), 200);
    const cursor = page.nextCursor!;
    const [body, mac] = cursor.split('.') as [string, string];
    const tampered = `${body.slice(0, -2)}${body.endsWith('A') ? 'B' : 'A'}${body.slice(-1)}.${mac}`;
    expect((await expectStatus<Problem>(asA.get(`/api/v1/cylinders?cursor=${tampered}`), 400)).code).toBe('INVALID_CURSOR');
    expect((await expectStatus<Problem>(asA.get(`/api/v1/cylinders?sort=serial&cursor=${cursor}`), 400)).code).toBe('INVALID_CURSOR');
    expect((await expectStatus<Problem>(asA.get(`/api/v1/vehicles?cursor=${cursor}`), 400)).code).toBe('INVALID_CURSOR');
  });

  it('searches text literally: regex characters match nothing special', async () => {
    await expectStatus(world.as(f.adminA).post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).build()), 201);
    const page = await expectStatus<Page>(world.as(f.adminA).get('/api/v1/cylinders?q=.*'), 200);
    expect(page.items).toEqual([]);
    const some = await expectStatus<Page>(world.as(f.adminA).get('/api/v1/cylinders?q=qy'), 200);
    expect(some.items.length).toBeGreaterThan(0);
  });
});
