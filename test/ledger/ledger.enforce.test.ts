import { aCredential, aCylinder, aSite, aVehicle, aWorker, anEnterprise } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { REJECTION_REASONS } from '../../src/components/ledger';
import { anEvent, expectStatus, principal, startLedgerWorld, type LedgerWorld } from './ledger.harness';

type Problem = { status: number; code: string; detail: string; reasons: { code: string; detail: string }[] };
type Refusal = {
  id: string;
  eventId: string;
  cylinderId: string;
  districtCode: string;
  enterpriseId: string;
  reason: string;
  occurredAt: string;
  actor: { id: string };
  where: { siteId?: string };
  reasons: { reason: string; detail: string; credential?: { kind: string; holder: string; recordId: string; number: string | null; status: string; validTo?: string } }[];
};
type RefusalPage = { items: Refusal[]; nextCursor: string | null };

/**
 * Enforcement on every event, through the API: a regulator's decision on a credential counts from
 * the next event on, and a refusal is kept with its evidence for the regulators who supervise
 * where it happened. The records whose credentials must count are entered by the city regulator
 * (a regulator's entry is the verified one).
 */
describe('capture enforces licences, permits and certificates on every event', () => {
  let world: LedgerWorld;
  const city = principal('city_regulator');
  let enterpriseId: string;
  let admin: Principal;
  let station: string;
  let expiredStation: string;
  let expiredNumber: string;
  beforeAll(async () => {
    world = await startLedgerWorld('ledger_enforce');
    const as = world.as(city);
    enterpriseId = (await expectStatus<{ id: string }>(as.post('/api/v1/enterprises', anEnterprise().inDistrict('441802').build()), 201)).id;
    admin = principal('enterprise_admin', { enterpriseId });
    station = (await expectStatus<{ id: string }>(as.post('/api/v1/sites', aSite().fillingStation().forEnterprise(enterpriseId).inDistrict('441802').build()), 201)).id;
    const expired = aCredential('粤清燃站').expired().build();
    expiredNumber = expired.number;
    expiredStation = (await expectStatus<{ id: string }>(as.post('/api/v1/sites', aSite().fillingStation().forEnterprise(enterpriseId).inDistrict('441802').withLicence(expired).build()), 201)).id;
    await expectStatus(as.post('/api/v1/vehicles', aVehicle().forEnterprise(enterpriseId).build()), 201);
  });
  afterAll(() => world.stop());

  const newCylinder = async () => (await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/cylinders', aCylinder().registeredTo(station).build()), 201)).id;
  /** An event happening now (a regulator's decision dated today counts from today's start). */
  const now = <T extends { occurredAt: string }>(body: T): T => ({ ...body, occurredAt: new Date().toISOString() });
  const post = (body: object) => world.as(admin).post('/api/v1/events', body);

  it("takes a regulator's revocation of a site licence, and a suspension of the enterprise's, into account on the very next event", async () => {
    const cylinder = await newCylinder();
    await expectStatus(post(now(anEvent('commission', cylinder).at(station).build())), 201);
    const decide = (record: string, command: string, reason: string) => expectStatus(world.as(city).post(`/api/v1/${record}/credentials/licence/${command}`, { reason }), 200);
    await decide(`sites/${station}`, 'revoke', '现场检查发现无证经营');

    const inspect = now(anEvent('inspect', cylinder).at(station).with({ result: 'pass' }).build());
    const refused = await expectStatus<Problem>(post(inspect), 422);
    expect(refused).toMatchObject({ code: 'SITE_LICENCE_INVALID', reasons: [{ code: 'SITE_LICENCE_INVALID', detail: expect.stringContaining('is revoked') }] });
    expect((await world.ledger.cylinderState(cylinder))?.state).toBe('empty_at_station');

    await decide(`enterprises/${enterpriseId}`, 'suspend', '停业整顿');
    const again = await expectStatus<Problem>(post(now(anEvent('inspect', cylinder).at(station).with({ result: 'pass' }).build())), 422);
    // Every reason that applies, the first being the problem's code.
    expect(again.code).toBe('ENTERPRISE_LICENCE_INVALID');
    expect(again.reasons.map((r) => r.code)).toEqual(['ENTERPRISE_LICENCE_INVALID', 'SITE_LICENCE_INVALID']);

    // Reinstated by the regulator, the next event is taken again.
    await decide(`enterprises/${enterpriseId}`, 'reinstate', '整改完成');
    await decide(`sites/${station}`, 'reinstate', '复查合格');
    await expectStatus(post(now(anEvent('inspect', cylinder).at(station).with({ result: 'pass' }).build())), 201);
  });

  it("refuses an event at a site whose licence expired, and shows the refusal with its evidence to the district's regulator only", async () => {
    const cylinder = await newCylinder();
    const body = now(anEvent('commission', cylinder).at(expiredStation).build());
    const refused = await expectStatus<Problem>(post(body), 422);
    expect(refused.reasons).toEqual([{ code: 'SITE_LICENCE_INVALID', detail: expect.stringContaining(`${expiredNumber} of site ${expiredStation} is expired`) }]);
    expect(await world.ledger.cylinderState(cylinder)).toBeNull();

    const district = principal('district_regulator', { districtCode: '441802' });
    const page = await expectStatus<RefusalPage>(world.as(district).get(`/api/v1/events/rejected?cylinderId=${cylinder}`), 200);
    expect(page.items).toEqual([
      expect.objectContaining({
        eventId: body.eventId,
        cylinderId: cylinder,
        enterpriseId,
        districtCode: '441802',
        reason: 'SITE_LICENCE_INVALID',
        occurredAt: body.occurredAt,
        actor: expect.objectContaining({ id: admin.userId }),
        where: { siteId: expiredStation },
        reasons: [expect.objectContaining({ reason: 'SITE_LICENCE_INVALID', credential: expect.objectContaining({ kind: 'site_licence', holder: 'sites', recordId: expiredStation, number: expiredNumber, status: 'expired' }) })],
      }),
    ]);
    expect(page.nextCursor).toBeNull();

    const elsewhere = principal('district_regulator', { districtCode: '441803' });
    expect((await expectStatus<RefusalPage>(world.as(elsewhere).get(`/api/v1/events/rejected?cylinderId=${cylinder}`), 200)).items).toEqual([]);
    const otherEnterprise = principal('enterprise_admin', { enterpriseId: '64b000000000000000000b99' });
    expect((await expectStatus<RefusalPage>(world.as(otherEnterprise).get(`/api/v1/events/rejected?cylinderId=${cylinder}`), 200)).items).toEqual([]);
    expect((await expectStatus<RefusalPage>(world.as(admin).get(`/api/v1/events/rejected?cylinderId=${cylinder}`), 200)).items).toHaveLength(1);
    await expectStatus(world.as(principal('filling_operator', { enterpriseId })).get('/api/v1/events/rejected'), 403);
  });

  it('lists refusals newest first by reason, a page at a time with the signed cursor', async () => {
    const cylinder = await newCylinder();
    const first = now(anEvent('commission', cylinder).at(expiredStation).build());
    await expectStatus(post(first), 422);
    const second = now(anEvent('commission', cylinder).at(expiredStation).build());
    await expectStatus(post(second), 422);
    const auditor = world.as(principal('auditor'));
    const page = await expectStatus<RefusalPage>(auditor.get(`/api/v1/events/rejected?cylinderId=${cylinder}&reason=SITE_LICENCE_INVALID&limit=1`), 200);
    expect(page.items.map((r) => r.eventId)).toEqual([second.eventId]);
    const rest = await expectStatus<RefusalPage>(auditor.get(`/api/v1/events/rejected?cylinderId=${cylinder}&reason=SITE_LICENCE_INVALID&limit=1&cursor=${page.nextCursor ?? ''}`), 200);
    expect(rest).toEqual({ items: [expect.objectContaining({ eventId: first.eventId })], nextCursor: null });
    expect((await expectStatus<RefusalPage>(auditor.get(`/api/v1/events/rejected?cylinderId=${cylinder}&reason=VEHICLE_PERMIT_INVALID`), 200)).items).toEqual([]);
    await expectStatus(auditor.get('/api/v1/events/rejected?reason=NOT_A_REASON'), 400);
    await expectStatus(auditor.get(`/api/v1/events/rejected?cursor=${page.nextCursor ?? ''}AA`), 400);
  });

  it("refuses a worker's event when the certificate is expired or the worker is another enterprise's (WORKER_UNCERTIFIED, WORKER_NOT_EMPLOYED)", async () => {
    const as = world.as(city);
    const untrained = (await expectStatus<{ id: string }>(as.post('/api/v1/workers', aWorker().forEnterprise(enterpriseId).fillingOperator().withExpiredCertificate().build()), 201)).id;
    const other = (await expectStatus<{ id: string }>(as.post('/api/v1/enterprises', anEnterprise().build()), 201)).id;
    const stranger = (await expectStatus<{ id: string }>(as.post('/api/v1/workers', aWorker().forEnterprise(other).fillingOperator().build()), 201)).id;
    const cylinder = await newCylinder();
    const asWorker = (workerId: string) => world.as(principal('filling_operator', { enterpriseId, workerId }));
    const uncertified = await expectStatus<Problem>(asWorker(untrained).post('/api/v1/events', now(anEvent('commission', cylinder).at(station).build())), 422);
    expect(uncertified.reasons.map((r) => r.code)).toEqual(['WORKER_UNCERTIFIED']);
    const notEmployed = await expectStatus<Problem>(asWorker(stranger).post('/api/v1/events', now(anEvent('commission', cylinder).at(station).build())), 422);
    expect(notEmployed.reasons.map((r) => r.code)).toEqual(['WORKER_NOT_EMPLOYED']);
  });

  it('documents every reason code with its Chinese and English message in the OpenAPI document', async () => {
    const doc = (await world.http.get('/api/openapi.json').expect(200)).body as {
      components: { schemas: Record<string, { enum?: string[]; description?: string }> };
      paths: Record<string, { post?: { responses: Record<string, { description: string }> } }>;
    };
    const codes = doc.components.schemas.RejectionCode;
    expect(codes?.enum).toEqual(Object.keys(REJECTION_REASONS));
    const refused = doc.paths['/api/v1/events']?.post?.responses['422']?.description ?? '';
    for (const [code, { zh, en }] of Object.entries(REJECTION_REASONS)) {
      expect(codes?.description).toContain(`| \`${code}\` |`);
      expect(refused).toContain(`${zh} | ${en}`);
    }
    expect(Object.keys(doc.paths)).toContain('/api/v1/events/rejected');
  });
});
