import { aCredential, aCustomer, aCylinder, aSite, aVehicle, aWorker, anEnterprise } from '../../seed/builders';
import { expectStatus, principal, startRegistryWorld, type RegistryWorld } from './registry.harness';
import { twoEnterprises, type TwoEnterprises } from './registry.fixture';

type Body = Record<string, unknown> & { id: string };
type Audit = { items: { action: string; actor: { userId: string }; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] };

describe('registry records: create, read, update, deactivate, with an audit trail', () => {
  let world: RegistryWorld;
  let f: TwoEnterprises;
  beforeAll(async () => {
    world = await startRegistryWorld('registry_crud');
    f = await twoEnterprises(world);
  });
  afterAll(() => world.stop());

  const auditOf = (resource: string, id: string) =>
    expectStatus<Audit>(world.as(f.city).get(`/api/v1/audit?resource=${resource}&recordId=${id}`), 200);

  it('lists the eight districts of Qingyuan, seeded once however often the registry starts', async () => {
    await world.registry.ensureDistricts();
    const page = await expectStatus<{ items: { code: string; name: string }[] }>(world.as(f.auditor).get('/api/v1/districts'), 200);
    expect(page.items.map((d) => d.code)).toEqual(['441802', '441803', '441821', '441823', '441825', '441826', '441881', '441882']);
    expect(page.items.find((d) => d.code === '441881')?.name).toBe('英德市');
  });

  const cases: { resource: string; build: () => object; patch: object; changed: [string, unknown] }[] = [
    { resource: 'sites', build: () => aSite().build(), patch: { address: '清城区新地址1号' }, changed: ['address', '清城区新地址1号'] },
    { resource: 'vehicles', build: () => aVehicle().build(), patch: { kind: 'van' }, changed: ['kind', 'van'] },
    { resource: 'workers', build: () => aWorker().build(), patch: { role: 'other' }, changed: ['role', 'other'] },
    { resource: 'customers', build: () => aCustomer().build(), patch: { address: '清城区搬家路2号' }, changed: ['address', '清城区搬家路2号'] },
    { resource: 'cylinders', build: () => aCylinder().registeredTo(f.stationA).build(), patch: { tareKg: 15.1 }, changed: ['tareKg', 15.1] },
  ];

  it.each(cases.map((c) => [c.resource, c] as const))('an enterprise admin registers, reads, changes and deactivates %s; each step is audited', async (resource, c) => {
    const admin = world.as(f.adminA);
    const created = await expectStatus<Body>(admin.post(`/api/v1/${resource}`, c.build()), 201);
    expect(created).toMatchObject({ enterpriseId: f.enterpriseA, active: true });

    expect(await expectStatus<Body>(admin.get(`/api/v1/${resource}/${created.id}`), 200)).toEqual(created);

    const updated = await expectStatus<Body>(admin.patch(`/api/v1/${resource}/${created.id}`, c.patch), 200);
    expect(updated[c.changed[0]]).toEqual(c.changed[1]);

    const deactivated = await expectStatus<Body>(admin.post(`/api/v1/${resource}/${created.id}/deactivate`), 200);
    expect(deactivated).toMatchObject({ active: false, deactivatedAt: expect.any(String) });
    // Never deleted: still readable, and listed among inactive records.
    await expectStatus(admin.get(`/api/v1/${resource}/${created.id}`), 200);
    const inactive = await expectStatus<{ items: Body[] }>(admin.get(`/api/v1/${resource}?active=false`), 200);
    expect(inactive.items.map((i) => i.id)).toContain(created.id);

    const trail = await auditOf(resource, created.id);
    expect(trail.items.map((e) => e.action)).toEqual(['deactivate', 'update', 'create']);
    expect(trail.items.every((e) => e.actor.userId === f.adminA.userId)).toBe(true);
    const update = trail.items[1];
    expect(update?.after?.[c.changed[0]]).toEqual(c.changed[1]);
    expect(update?.before?.[c.changed[0]]).not.toEqual(c.changed[1]);
  });

  it('a city regulator registers an enterprise for any district and must name the enterprise of a new site', async () => {
    const city = world.as(f.city);
    const enterprise = await expectStatus<Body>(city.post('/api/v1/enterprises', anEnterprise().inDistrict('441881').build()), 201);
    expect(enterprise).toMatchObject({ districtCode: '441881', licence: { status: 'valid' } });
    const missing = await expectStatus<{ errors: { path: string }[] }>(city.post('/api/v1/sites', aSite().build()), 400);
    expect(missing.errors).toContainEqual(expect.objectContaining({ path: 'enterpriseId' }));
    await expectStatus(city.post('/api/v1/sites', aSite().forEnterprise(enterprise.id).inDistrict('441881').build()), 201);
  });

  it('an enterprise admin may not register enterprises (403), nor a district unknown to the city', async () => {
    await expectStatus(world.as(f.adminA).post('/api/v1/enterprises', anEnterprise().build()), 403);
    const res = await expectStatus<{ errors: { path: string }[] }>(world.as(f.adminA).post('/api/v1/sites', aSite().inDistrict('110101').build()), 400);
    expect(res.errors).toContainEqual(expect.objectContaining({ path: 'districtCode' }));
  });

  it('derives the licence status: expiring, suspended, revoked, and back to valid when a suspension is lifted', async () => {
    const city = world.as(f.city);
    const expiring = await expectStatus<Body>(city.post('/api/v1/enterprises', anEnterprise().withLicence((l) => (l as ReturnType<typeof aCredential>).expiring(10)).build()), 201);
    expect(expiring.licence).toMatchObject({ status: 'expiring' });
    const e = await expectStatus<Body>(city.post('/api/v1/enterprises', anEnterprise().build()), 201);
    // Suspension and revocation are regulator decisions with a reason (credential routes), not PATCHed dates.
    const decide = (command: string, reason: string) => city.post(`/api/v1/enterprises/${e.id}/credentials/licence/${command}`, { reason });
    const suspended = await expectStatus<Body>(decide('suspend', '停业整改'), 200);
    expect(suspended.licence).toMatchObject({ status: 'suspended' });
    const lifted = await expectStatus<Body>(decide('reinstate', '整改完成'), 200);
    expect(lifted.licence).toMatchObject({ status: 'valid' });
    await expectStatus(decide('suspend', '再次停业'), 200);
    const revoked = await expectStatus<Body>(decide('revoke', '吊销'), 200);
    expect(revoked.licence).toMatchObject({ status: 'revoked' });

    const byStatus = async (status: string) =>
      (await expectStatus<{ items: Body[] }>(city.get(`/api/v1/enterprises?status=${status}&limit=200`), 200)).items.map((i) => i.id);
    expect(await byStatus('expiring')).toEqual([expiring.id]);
    expect(await byStatus('revoked')).toEqual([e.id]);
    expect(await byStatus('valid')).not.toContain(e.id);
  });

  it('derives worker certificate and vehicle permit statuses, missing and expired included', async () => {
    const admin = world.as(f.adminA);
    const untrained = await expectStatus<Body>(admin.post('/api/v1/workers', aWorker().untrained().build()), 201);
    // Entered by the enterprise, a certificate is unverified whatever its dates; verified, they decide.
    const lapsed = await expectStatus<Body>(admin.post('/api/v1/workers', aWorker().withExpiredCertificate().build()), 201);
    expect(untrained.certificateStatus).toBe('missing');
    expect(lapsed.certificateStatus).toBe('unverified');
    const verified = await expectStatus<Body>(world.as(f.city).post(`/api/v1/workers/${lapsed.id}/credentials/certificate/verify`, {}), 200);
    expect(verified.certificateStatus).toBe('expired');
    const unpermitted = await expectStatus<Body>(admin.post('/api/v1/vehicles', aVehicle().withoutPermit().build()), 201);
    expect(unpermitted.permitStatus).toBe('missing');
    const list = await expectStatus<{ items: Body[] }>(admin.get('/api/v1/workers?status=missing'), 200);
    expect(list.items.map((w) => w.id)).toEqual([untrained.id]);
  });

  it('derives cylinder model, next inspection (last + 4 years) and status; finds the overdue ones', async () => {
    const admin = world.as(f.adminA);
    const c = await expectStatus<Body>(admin.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).ofSize(50).build()), 201);
    expect(c).toMatchObject({ model: 'YSP-50', status: 'in_service', districtCode: '441802' });
    expect(new Date(String(c.nextInspectionDate)).getUTCFullYear()).toBe(new Date(String(c.lastInspectionDate)).getUTCFullYear() + 4);
    const overdue = await expectStatus<Body>(admin.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).overdue().build()), 201);
    expect(overdue.status).toBe('overdue_inspection');
    const old = await expectStatus<Body>(admin.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationA).pastServiceLife().build()), 201);
    expect(old.status).toBe('past_service_life');
    const list = await expectStatus<{ items: Body[] }>(admin.get('/api/v1/cylinders?status=overdue_inspection'), 200);
    expect(list.items.map((i) => i.id)).toEqual([overdue.id]);
    const scrapped = await expectStatus<Body>(admin.patch(`/api/v1/cylinders/${old.id}`, { scrappedAt: '2024-01-01' }), 200);
    expect(scrapped.status).toBe('scrapped');
    await expectStatus(admin.patch(`/api/v1/cylinders/${old.id}`, { tareKg: 14 }), 400);
  });

  it('refuses a cylinder registered to a supply point, or to another enterprise\'s filling station', async () => {
    const admin = world.as(f.adminA);
    const point = await expectStatus<Body>(admin.post('/api/v1/sites', aSite().build()), 201);
    const toPoint = await expectStatus<{ errors: { path: string; message: string }[] }>(admin.post('/api/v1/cylinders', aCylinder().registeredTo(point.id).build()), 400);
    expect(toPoint.errors).toEqual([{ path: 'fillingSiteId', message: 'is not a filling station' }]);
    const toOther = await expectStatus<{ errors: { path: string }[] }>(admin.post('/api/v1/cylinders', aCylinder().registeredTo(f.stationB).build()), 400);
    expect(toOther.errors).toEqual([{ path: 'fillingSiteId', message: 'no such active site' }]);
  });

  it('answers 409 for a second cylinder with the same steel-stamp serial in one enterprise', async () => {
    const admin = world.as(f.adminA);
    const body = aCylinder().registeredTo(f.stationA).build();
    await expectStatus(admin.post('/api/v1/cylinders', body), 201);
    const res = await expectStatus<{ code: string }>(admin.post('/api/v1/cylinders', body), 409);
    expect(res.code).toBe('CONFLICT');
  });

  it('a district regulator reads but may not write (403)', async () => {
    const district = world.as(principal('district_regulator', { districtCode: '441802' }));
    await expectStatus(district.post('/api/v1/sites', aSite().forEnterprise(f.enterpriseA).build()), 403);
    await expectStatus(district.get('/api/v1/sites'), 200);
  });

  it('answers 401 without a token', async () => {
    await expectStatus(world.http.get('/api/v1/sites'), 401);
  });

  it('documents every registry route in OpenAPI with bearer auth', async () => {
    const doc = await expectStatus<{ paths: Record<string, Record<string, { security?: unknown }>>; components: { securitySchemes: Record<string, unknown> } }>(world.http.get('/api/openapi.json'), 200);
    for (const r of ['districts', 'enterprises', 'sites', 'vehicles', 'workers', 'customers', 'cylinders']) {
      expect(Object.keys(doc.paths[`/api/v1/${r}`] ?? {}).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths[`/api/v1/${r}/{id}`] ?? {}).sort()).toEqual(['get', 'patch']);
      expect(doc.paths[`/api/v1/${r}/{id}/deactivate`]?.post?.security).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.paths['/api/v1/audit']?.get).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
