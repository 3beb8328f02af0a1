import type { Principal } from '../../src/components/auth';
import { aCredential, aSite, aVehicle, aWorker, anEnterprise } from '../../seed/builders';
import { expectStatus, principal, startRegistryWorld, type RegistryWorld } from './registry.harness';

type Body = Record<string, unknown> & { id: string };
type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };
type Holder = 'enterprises' | 'sites' | 'vehicles' | 'workers';

let world: RegistryWorld;
let city: Principal;
let admin: Principal;
let districtA: Principal;
let districtB: Principal;
let enterpriseId: string;
/** Every credential of one enterprise (清城区 441802): [holder, kind, record id]. */
let credentials: [Holder, string, string][];

const credentialOf = async (holder: Holder, id: string, kind: string) =>
  (await expectStatus<Body>(world.as(city).get(`/api/v1/${holder}/${id}`), 200))[kind] as Record<string, unknown>;
const route = (holder: Holder, id: string, kind: string, command: string) => `/api/v1/${holder}/${id}/credentials/${kind}/${command}`;
const renewal = () => {
  const c = aCredential('RENEW').build();
  return { number: c.number, validFrom: c.validFrom, validTo: '2035-12-31' };
};

beforeAll(async () => {
  world = await startRegistryWorld('credentials_http');
  city = principal('city_regulator');
  districtA = principal('district_regulator', { districtCode: '441802' });
  districtB = principal('district_regulator', { districtCode: '441803' });
  enterpriseId = (await expectStatus<Body>(world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict('441802').build()), 201)).id;
  admin = principal('enterprise_admin', { enterpriseId, districtCode: '441802' });
  const asCity = world.as(city);
  const station = await expectStatus<Body>(asCity.post('/api/v1/sites', aSite().fillingStation().forEnterprise(enterpriseId).inDistrict('441802').build()), 201);
  const vehicle = await expectStatus<Body>(asCity.post('/api/v1/vehicles', aVehicle().forEnterprise(enterpriseId).build()), 201);
  const worker = await expectStatus<Body>(asCity.post('/api/v1/workers', aWorker().forEnterprise(enterpriseId).build()), 201);
  credentials = [
    ['enterprises', 'licence', enterpriseId],
    ['sites', 'licence', station.id],
    ['sites', 'fillingLicence', station.id],
    ['vehicles', 'permit', vehicle.id],
    ['workers', 'certificate', worker.id],
  ];
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('credentials: who makes them count', () => {
  it('an enterprise\'s own submissions await verification; the city\'s entries are verified at once', async () => {
    const own = await expectStatus<Body>(world.as(admin).post('/api/v1/sites', aSite().inDistrict('441802').build()), 201);
    expect(own.licence).toMatchObject({ state: 'submitted', status: 'unverified' });
    const worker = await expectStatus<Body>(world.as(admin).post('/api/v1/workers', aWorker().build()), 201);
    expect(worker.certificateStatus).toBe('unverified');
    const listed = await expectStatus<{ items: Body[] }>(world.as(admin).get('/api/v1/sites?status=unverified'), 200);
    expect(listed.items.map((s) => s.id)).toEqual([own.id]);
    for (const [holder, kind, id] of credentials) expect(await credentialOf(holder, id, kind)).toMatchObject({ state: 'verified', status: 'valid' });
  });

  it('an enterprise still applying is registered without a licence; its administrator submits it, a regulator verifies it', async () => {
    const applying = await expectStatus<Body>(world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict('441802').withoutLicence().build()), 201);
    expect(applying.licence).toBeUndefined();
    // A second one: licence numbers are unique among the licences issued, and neither holds one yet.
    const other = await expectStatus<Body>(world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict('441803').withoutLicence().build()), 201);
    const missing = await expectStatus<{ items: Body[] }>(world.as(city).get('/api/v1/enterprises?status=missing&limit=100'), 200);
    expect(missing.items.map((e) => e.id).sort()).toEqual([applying.id, other.id].sort());
    const own = principal('enterprise_admin', { enterpriseId: applying.id, districtCode: '441802' });
    const paper = { ...renewal(), scope: '瓶装液化石油气', issuer: '清远市城市管理和综合执法局' };
    const submitted = await expectStatus<Body>(world.as(own).post(route('enterprises', applying.id, 'licence', 'submit'), paper), 200);
    expect(submitted.licence).toMatchObject({ number: paper.number, state: 'submitted', status: 'unverified' });
    // It waits in the regulators' queue (the district's and the city's), not in another district's.
    for (const [who, expected] of [[city, true], [districtA, true], [districtB, false]] as const) {
      const queue = await expectStatus<{ items: Body[] }>(world.as(who).get('/api/v1/enterprises?status=unverified&limit=100'), 200);
      expect(queue.items.some((e) => e.id === applying.id)).toBe(expected);
    }
    const verified = await expectStatus<Body>(world.as(districtA).post(route('enterprises', applying.id, 'licence', 'verify'), { reason: '现场核查合格' }), 200);
    expect(verified.licence).toMatchObject({ state: 'verified', status: 'valid' });
    // The number is now taken: another enterprise cannot be registered under it.
    const clash = await world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict('441803').withLicence((l) => l.numbered(paper.number)).build());
    expect(clash.status).toBe(409);
  });

  it('a regulator verifies a submission; the audit trail keeps who and why', async () => {
    const own = await expectStatus<Body>(world.as(admin).post('/api/v1/vehicles', aVehicle().build()), 201);
    expect(own.permitStatus).toBe('unverified');
    const verified = await expectStatus<Body>(world.as(districtA).post(route('vehicles', own.id, 'permit', 'verify'), { reason: '核对原件一致' }), 200);
    expect(verified).toMatchObject({ permitStatus: 'valid', permit: { state: 'verified', decision: { action: 'verify', reason: '核对原件一致' } } });
    const audit = await expectStatus<{ items: { action: string; reason?: string; actor: { role: string } }[] }>(world.as(city).get(`/api/v1/audit?recordId=${own.id}`), 200);
    expect(audit.items[0]).toMatchObject({ action: 'credential_verify', reason: '核对原件一致', actor: { role: 'district_regulator' } });
  });

  describe.each(['verify', 'suspend', 'revoke', 'reinstate', 'amend'] as const)('the enterprise cannot %s its own credentials', (command) => {
    it.each([0, 1, 2, 3, 4])('credential #%i', async (i) => {
      const [holder, kind, id] = credentials[i]!;
      const body = command === 'amend' ? { validTo: '2040-01-01', reason: '延期' } : { reason: '自行处理' };
      const res = await expectStatus<Problem>(world.as(admin).post(route(holder, id, kind, command), body), 403);
      expect(res.code).toBe('FORBIDDEN');
      expect(await credentialOf(holder, id, kind)).toMatchObject({ state: 'verified', status: 'valid' });
    });
  });

  it.each([0, 1, 2, 3, 4])('the enterprise cannot extend a verified credential through PATCH (#%i), and is told why', async (i) => {
    const [holder, kind, id] = credentials[i]!;
    const before = await credentialOf(holder, id, kind);
    const res = await expectStatus<Problem>(world.as(admin).patch(`/api/v1/${holder}/${id}`, { [kind]: { validTo: '2040-01-01', number: 'FAKE-0001' } }), holder === 'enterprises' ? 403 : 409);
    if (holder !== 'enterprises') {
      expect(res.code).toBe('CREDENTIAL_LOCKED');
      expect(res.errors?.map((e) => e.path).sort()).toEqual([`${kind}.number`, `${kind}.validTo`]);
      expect(res.errors?.[0]?.message).toContain('submit a renewal');
    }
    expect(await credentialOf(holder, id, kind)).toEqual(before);
  });

  // Workers are keyed by a hashed ID number the test cannot re-import; their PATCH is covered above.
  it.each([1, 2, 3])('the enterprise cannot extend a verified credential through the CSV import (#%i)', async (i) => {
    const [holder, kind, id] = credentials[i]!;
    const stored = await expectStatus<Body>(world.as(city).get(`/api/v1/${holder}/${id}`), 200);
    const paper = (c: unknown) => {
      const { number, validFrom, validTo } = c as Record<string, string>;
      return { number: number!, validFrom: validFrom!.slice(0, 10), validTo: validTo!.slice(0, 10) };
    };
    // The row repeats the site's other credentials as registered, and lies about this one.
    const row = holder === 'sites'
      ? { ...aSite().fillingStation().named(String(stored.name)).inDistrict('441802').build(), licence: paper(stored.licence), fillingLicence: paper(stored.fillingLicence), [kind]: { number: 'FAKE-0002', validTo: '2040-01-01' } }
      : holder === 'vehicles'
        ? { ...aVehicle().withPlate(String(stored.plate)).build(), permit: { number: 'FAKE-0002', validTo: '2040-01-01' } }
        : {};
    const before = await credentialOf(holder, id, kind);
    const result = await world.registry.bulkUpsert.upsertMany(holder as 'sites' | 'vehicles', [row], admin, { dryRun: false });
    expect(result.errors).toContainEqual(expect.objectContaining({ index: 0, field: `${kind}.validTo`, reason: expect.stringContaining('verified') }));
    expect(await credentialOf(holder, id, kind)).toEqual(before);
  });

  it('the enterprise cannot lift a revocation (PATCH nor route); the revocation shows on the next read', async () => {
    const [holder, kind, id] = credentials[1]!;
    const revoked = await expectStatus<Body>(world.as(city).post(route(holder, id, kind, 'revoke'), { reason: '违规充装' }), 200);
    expect(revoked[kind]).toMatchObject({ state: 'revoked', status: 'revoked', decision: { action: 'revoke', reason: '违规充装' } });
    expect((await expectStatus<Body>(world.as(admin).get(`/api/v1/sites/${id}`), 200)).licence).toMatchObject({ status: 'revoked' });
    const summary = await world.registry.siteById(id);
    expect(summary?.licenceStatus).toBe('revoked');
    const patch = await expectStatus<Problem>(world.as(admin).patch(`/api/v1/sites/${id}`, { licence: { revokedAt: null } }), 409);
    expect(patch.errors).toEqual([expect.objectContaining({ path: 'licence.revokedAt', message: expect.stringContaining('only by a regulator') })]);
    await expectStatus(world.as(admin).post(route(holder, id, kind, 'reinstate'), { reason: '已整改' }), 403);
    // A renewal does not lift it either: it waits, and even verified it leaves the licence revoked.
    const renewed = await expectStatus<Body>(world.as(admin).post(route(holder, id, kind, 'submit'), renewal()), 200);
    expect(renewed.licence).toMatchObject({ status: 'revoked', renewal: { validTo: '2035-12-31T00:00:00.000Z' } });
    const back = await expectStatus<Body>(world.as(city).post(route(holder, id, kind, 'reinstate'), { reason: '复议后撤销处罚' }), 200);
    expect(back.licence).toMatchObject({ state: 'verified', status: 'valid' });
  });

  it('a renewal awaits verification without disturbing the verified credential', async () => {
    const [holder, kind, id] = credentials[3]!;
    const before = await credentialOf(holder, id, kind);
    const pending = await expectStatus<Body>(world.as(admin).post(route(holder, id, kind, 'submit'), renewal()), 200);
    expect(pending.permit).toMatchObject({ number: before.number, validTo: before.validTo, status: 'valid', renewal: { validTo: '2035-12-31T00:00:00.000Z' } });
    const verified = await expectStatus<Body>(world.as(city).post(route(holder, id, kind, 'verify'), {}), 200);
    expect(verified.permit).toMatchObject({ validTo: '2035-12-31T00:00:00.000Z', status: 'valid' });
    expect((verified.permit as Record<string, unknown>).renewal).toBeUndefined();
  });

  it('a regulator rejects a submission with a reason: it shows as rejected, leaves the queue, and the holder submits again', async () => {
    const site = await expectStatus<Body>(world.as(admin).post('/api/v1/sites', aSite().inDistrict('441802').build()), 201);
    const queue = async (status: string) => (await expectStatus<{ items: Body[] }>(world.as(admin).get(`/api/v1/sites?status=${status}`), 200)).items.map((s) => s.id);
    expect(await queue('unverified')).toContain(site.id);
    const noReason = await expectStatus<Problem>(world.as(districtA).post(route('sites', site.id, 'licence', 'reject'), {}), 400);
    expect(noReason.errors).toContainEqual(expect.objectContaining({ path: 'reason' }));
    await expectStatus(world.as(admin).post(route('sites', site.id, 'licence', 'reject'), { reason: '自行驳回' }), 403);
    await expectStatus(world.as(districtB).post(route('sites', site.id, 'licence', 'reject'), { reason: '越区' }), 404);
    const rejected = await expectStatus<Body>(world.as(districtA).post(route('sites', site.id, 'licence', 'reject'), { reason: '许可证扫描件不清晰' }), 200);
    expect(rejected.licence).toMatchObject({ state: 'rejected', status: 'rejected', decision: { action: 'reject', reason: '许可证扫描件不清晰' } });
    expect((await expectStatus<Body>(world.as(admin).get(`/api/v1/sites/${site.id}`), 200)).licence).toMatchObject({ status: 'rejected', decision: { reason: '许可证扫描件不清晰' } });
    expect(await queue('unverified')).not.toContain(site.id);
    expect(await queue('rejected')).toEqual([site.id]);
    const again = await expectStatus<Body>(world.as(admin).post(route('sites', site.id, 'licence', 'submit'), renewal()), 200);
    expect(again.licence).toMatchObject({ state: 'submitted', status: 'unverified' });
    expect((again.licence as Record<string, unknown>).rejectedAt).toBeUndefined();
  });

  it('suspension needs a reason; a transition the state does not allow is 409 naming what it allows', async () => {
    const [holder, kind, id] = credentials[4]!;
    const missing = await expectStatus<Problem>(world.as(city).post(route(holder, id, kind, 'suspend'), {}), 400);
    expect(missing.errors).toContainEqual(expect.objectContaining({ path: 'reason' }));
    const wrong = await expectStatus<Problem>(world.as(city).post(route(holder, id, kind, 'reinstate'), { reason: 'x' }), 409);
    expect(wrong).toMatchObject({ code: 'CREDENTIAL_TRANSITION_NOT_ALLOWED', detail: expect.stringContaining('allowed: submit, verify, reject, suspend, revoke, amend') });
  });

  it('a regulator amends the dates of a verified credential, with a reason', async () => {
    const [holder, kind, id] = credentials[0]!;
    const amended = await expectStatus<Body>(world.as(districtA).post(route(holder, id, kind, 'amend'), { validTo: '2031-06-30', reason: '换发新证' }), 200);
    expect(amended.licence).toMatchObject({ validTo: '2031-06-30T00:00:00.000Z', status: 'valid', decision: { action: 'amend', reason: '换发新证' } });
  });

  it.each([0, 1, 2, 3, 4])('a district regulator cannot touch another district\'s credentials (#%i): 404, as for a missing record', async (i) => {
    const [holder, kind, id] = credentials[i]!;
    const before = await credentialOf(holder, id, kind);
    for (const command of ['verify', 'suspend', 'revoke', 'reinstate'] as const) {
      const res = await expectStatus<Problem>(world.as(districtB).post(route(holder, id, kind, command), { reason: '越区' }), 404);
      expect(res.code).toBe('NOT_FOUND');
    }
    expect(await credentialOf(holder, id, kind)).toEqual(before);
  });

  it('a supply point has no filling licence to verify', async () => {
    const point = await expectStatus<Body>(world.as(city).post('/api/v1/sites', aSite().forEnterprise(enterpriseId).inDistrict('441802').build()), 201);
    const res = await expectStatus<Problem>(world.as(city).post(route('sites', point.id, 'fillingLicence', 'verify'), {}), 400);
    expect(res.errors).toContainEqual(expect.objectContaining({ path: 'kind' }));
  });
});
