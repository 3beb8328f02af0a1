import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { aCylinder, aSite } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { anEnterpriseKit, anEvent, expectStatus, principal, startLedgerWorld, type EnterpriseKit, type LedgerWorld } from '../ledger/ledger.harness';

type Body = Record<string, unknown>;
type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

/**
 * A commissioned cylinder's stamped facts, inspection dates and filling station are the
 * authority's to change, on every path that writes a cylinder: PATCH, the CSV import's bulk
 * upsert and ledger capture.
 */
describe('a commissioned cylinder is not its owner\'s to restate', () => {
  let world: LedgerWorld;
  let a: EnterpriseKit;
  let b: EnterpriseKit;
  let secondStation: string;
  const city = principal('city_regulator');
  const qingcheng = principal('district_regulator', { districtCode: '441802' });
  const qingxin = principal('district_regulator', { districtCode: '441803' });
  beforeAll(async () => {
    world = await startLedgerWorld('cylinder_authority');
    a = await anEnterpriseKit(world, '441802');
    b = await anEnterpriseKit(world, '441803');
    secondStation = (await expectStatus<{ id: string }>(world.as(principal('city_regulator')).post('/api/v1/sites', aSite().fillingStation().inDistrict('441803').forEnterprise(a.enterpriseId).build()), 201)).id;
  });
  afterAll(() => world.stop());

  let graiSeq = 0;
  /** Registered and commissioned (a GRAI bound, as QR commissioning binds it). */
  async function commissioned(build = aCylinder().registeredTo(a.station)) {
    const row = build.build();
    const c = await expectStatus<Body>(world.as(a.admin).post('/api/v1/cylinders', row), 201);
    const grai = `0690123400001${String(graiSeq++).padStart(3, '0')}`;
    await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(String(c.id)) }, { $set: { grai } });
    const view: Body = { ...c, grai };
    return { id: String(c.id), row, view };
  }
  const read = (id: string, who: Principal = a.admin) => expectStatus<Body>(world.as(who).get(`/api/v1/cylinders/${id}`), 200);
  const audit = async (id: string) => (await expectStatus<{ items: Body[] }>(world.as(city).get(`/api/v1/audit?resource=cylinders&recordId=${id}`), 200)).items;

  describe('PATCH and import by the enterprise', () => {
    it.each([
      ['designLifeYears', { designLifeYears: 30 }, 'STAMPED_FACT_LOCKED'],
      ['manufacturer', { manufacturer: '另一家厂' }, 'STAMPED_FACT_LOCKED'],
      ['lastInspectionDate', { lastInspectionDate: new Date().toISOString().slice(0, 10) }, 'INSPECTION_THROUGH_LEDGER'],
    ])('refuses to change %s of a commissioned cylinder with 409 and the reason, and changes nothing', async (field, patch, code) => {
      const c = await commissioned();
      const answer = await expectStatus<Problem>(world.as(a.admin).patch(`/api/v1/cylinders/${c.id}`, patch), 409);
      expect(answer).toMatchObject({ code });
      expect(answer.errors?.map((e) => e.path)).toEqual([field]);
      expect(await read(c.id)).toEqual(c.view);
    });

    it('refuses to move a commissioned cylinder to another filling station by PATCH: that is a transfer request', async () => {
      const c = await commissioned();
      const answer = await expectStatus<Problem>(world.as(a.admin).patch(`/api/v1/cylinders/${c.id}`, { fillingSiteId: secondStation }), 409);
      expect(answer).toMatchObject({ code: 'TRANSFER_NEEDS_APPROVAL' });
      expect(answer.errors?.[0]?.message).toContain('transfer-requests');
      expect(await read(c.id)).toEqual(c.view);
    });

    it('names every locked field at once under one code when several rules refuse', async () => {
      const c = await commissioned(aCylinder().registeredTo(a.station).overdue());
      const answer = await expectStatus<Problem>(world.as(a.admin).patch(`/api/v1/cylinders/${c.id}`, { designLifeYears: 30, lastInspectionDate: new Date().toISOString().slice(0, 10), tareKg: 14.6 }), 409);
      expect(answer.code).toBe('COMMISSIONED_CYLINDER_LOCKED');
      expect(answer.errors?.map((e) => e.path)).toEqual(['designLifeYears', 'lastInspectionDate']);
      expect(await read(c.id)).toEqual(c.view);
    });

    it('still takes the tare weight, and a field given with its registered value, on a commissioned cylinder', async () => {
      const c = await commissioned();
      const patched = await expectStatus<Body>(world.as(a.admin).patch(`/api/v1/cylinders/${c.id}`, { tareKg: 14.7, designLifeYears: 8, fillingSiteId: a.station }), 200);
      expect(patched).toMatchObject({ tareKg: 14.7, designLifeYears: 8, fillingSiteId: a.station });
    });

    it('lets the enterprise fix its own typos before commissioning', async () => {
      const c = await expectStatus<Body>(world.as(a.admin).post('/api/v1/cylinders', aCylinder().registeredTo(a.station).build()), 201);
      const patched = await expectStatus<Body>(world.as(a.admin).patch(`/api/v1/cylinders/${String(c.id)}`, { designLifeYears: 10, fillingSiteId: secondStation }), 200);
      expect(patched).toMatchObject({ designLifeYears: 10, fillingSiteId: secondStation, districtCode: '441803' });
    });

    it('refuses the same laundering through the CSV import\'s bulk upsert, row by row, and writes nothing', async () => {
      const overdue = await commissioned(aCylinder().registeredTo(a.station).overdue());
      const old = await commissioned();
      const today = new Date().toISOString().slice(0, 10);
      const result = await world.registry.bulkUpsert.upsertMany(
        'cylinders',
        [{ ...overdue.row, lastInspectionDate: today }, { ...old.row, designLifeYears: 30, fillingSiteId: secondStation }],
        a.admin,
        { dryRun: false },
      );
      expect(result).toMatchObject({ created: 0, updated: 0, unchanged: 0 });
      expect(result.errors.map((e) => [e.index, e.field])).toEqual([[0, 'lastInspectionDate'], [1, 'designLifeYears'], [1, 'fillingSiteId']]);
      expect(result.errors[0]?.reason).toContain('periodic_inspection');
      expect(await read(overdue.id)).toEqual(overdue.view);
      expect(await read(old.id)).toEqual(old.view);
      // The rows as registered are an idempotent re-import.
      expect(await world.registry.bulkUpsert.upsertMany('cylinders', [overdue.row, old.row], a.admin, { dryRun: false })).toEqual({ created: 0, updated: 0, unchanged: 2, errors: [] });
    });
  });

  describe('a regulator\'s correction', () => {
    it('corrects the design life with a reason: the service-life end follows and the audit trail says who and why', async () => {
      const c = await commissioned();
      const reason = '钢印复核：设计使用年限为10年';
      const corrected = await expectStatus<Body>(world.as(qingcheng).post(`/api/v1/cylinders/${c.id}/corrections`, { designLifeYears: 10, reason }), 200);
      expect(corrected.designLifeYears).toBe(10);
      expect(new Date(String(corrected.serviceLifeEndsAt)).getUTCFullYear()).toBe(new Date(String(c.view.serviceLifeEndsAt)).getUTCFullYear() + 2);
      const [entry] = await audit(c.id);
      expect(entry).toMatchObject({ action: 'correct', reason, actor: { role: 'district_regulator' }, before: { designLifeYears: 8 }, after: { designLifeYears: 10 } });
    });

    it('needs a reason, and is refused to the enterprise (403) and to another district\'s regulator (404)', async () => {
      const c = await commissioned();
      const noReason = await expectStatus<Problem>(world.as(city).post(`/api/v1/cylinders/${c.id}/corrections`, { designLifeYears: 10 }), 400);
      expect(noReason.errors?.map((e) => e.path)).toEqual(['reason']);
      await expectStatus(world.as(a.admin).post(`/api/v1/cylinders/${c.id}/corrections`, { designLifeYears: 30, reason: '我们说的' }), 403);
      await expectStatus(world.as(qingxin).post(`/api/v1/cylinders/${c.id}/corrections`, { designLifeYears: 30, reason: '越区' }), 404);
      expect(await read(c.id)).toEqual(c.view);
    });
  });

  describe('inspection dates move only with a periodic_inspection recorded by a regulator', () => {
    const inspection = (id: string, next: string) => anEvent('periodic_inspection', id).with({ result: 'pass', nextInspectionDate: next }).build();
    const next = new Date(Date.now() + 4 * 365 * 86_400_000).toISOString().slice(0, 10);

    /** Commissioned in date (an overdue cylinder is not commissioned), then its inspection falls due. */
    async function emptyAtStation() {
      const c = await commissioned(aCylinder().registeredTo(a.station));
      await expectStatus(world.as(a.admin).post('/api/v1/events', anEvent('commission', c.id).at(a.station).build()), 201);
      await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(c.id) }, { $set: { nextInspectionDate: new Date('2025-01-01T00:00:00Z') } });
      return { ...c, view: await read(c.id) };
    }

    it('refuses a periodic_inspection from the enterprise with 403 INSPECTION_NOT_PERMITTED, single or in a batch', async () => {
      const c = await emptyAtStation();
      expect(await expectStatus<Problem>(world.as(a.admin).post('/api/v1/events', inspection(c.id, next)), 403)).toMatchObject({ code: 'INSPECTION_NOT_PERMITTED' });
      const batch = await expectStatus<{ results: Body[] }>(world.as(a.admin).post('/api/v1/events/batch', { events: [inspection(c.id, next)] }), 200);
      expect(batch.results[0]).toMatchObject({ status: 'rejected', reason: 'INSPECTION_NOT_PERMITTED' });
      expect((await read(c.id)).status).toBe('overdue_inspection');
    });

    it('refuses it on the capture path EPCIS documents take too (one rule for every capture)', async () => {
      const c = await emptyAtStation();
      const [outcome] = await world.ledger.appendMany([inspection(c.id, next)], { kind: 'user', id: a.admin.userId, role: 'enterprise_admin', enterpriseId: a.enterpriseId });
      expect(outcome).toMatchObject({ status: 'rejected', reason: 'INSPECTION_NOT_PERMITTED' });
      expect((await read(c.id)).nextInspectionDate).toBe(c.view.nextInspectionDate);
    });

    it('takes it from the district regulator of the cylinder\'s district: the dates move', async () => {
      const c = await emptyAtStation();
      const recorded = await expectStatus<{ event: Body }>(world.as(qingcheng).post('/api/v1/events', inspection(c.id, next)), 201);
      expect(recorded.event).toMatchObject({ actor: { kind: 'user', id: qingcheng.userId, role: 'district_regulator' }, districtCode: '441802' });
      const after = await read(c.id);
      expect(String(after.nextInspectionDate).slice(0, 10)).toBe(next);
      expect(after.status).toBe('in_service');
    });

    it('answers another district\'s regulator 404, and a regulator\'s custody event 403', async () => {
      const c = await emptyAtStation();
      expect(await expectStatus<Problem>(world.as(qingxin).post('/api/v1/events', inspection(c.id, next)), 404)).toMatchObject({ code: 'CYLINDER_NOT_FOUND' });
      const fill = anEvent('inspect', c.id).at(a.station).with({ result: 'pass' }).build();
      expect(await expectStatus<Problem>(world.as(city).post('/api/v1/events', fill), 403)).toMatchObject({ code: 'EVENT_NOT_PERMITTED' });
      expect((await read(c.id)).status).toBe('overdue_inspection');
    });
  });

  describe('a transfer to another filling station', () => {
    const requestTransfer = (id: string, body: object = { fillingSiteId: secondStation, reason: '清新站扩产' }) =>
      world.as(a.admin).post(`/api/v1/cylinders/${id}/transfer-requests`, body);

    it('is requested by the enterprise, listed for the district regulator, approved: the cylinder moves, audited', async () => {
      const c = await commissioned();
      const pending = await expectStatus<Body>(requestTransfer(c.id), 201);
      expect(pending).toMatchObject({ status: 'pending', fromSiteId: a.station, toSiteId: secondStation, districtCode: '441802', toDistrictCode: '441803' });
      expect((await read(c.id)).fillingSiteId).toBe(a.station);
      const queue = await expectStatus<{ items: Body[] }>(world.as(qingcheng).get('/api/v1/cylinder-transfer-requests?status=pending'), 200);
      expect(queue.items.map((r) => r.id)).toContain(pending.id);
      expect((await expectStatus<{ items: Body[] }>(world.as(qingxin).get('/api/v1/cylinder-transfer-requests?status=pending'), 200)).items.map((r) => r.id)).not.toContain(pending.id);

      const approved = await expectStatus<Body>(world.as(qingcheng).post(`/api/v1/cylinders/${c.id}/transfer-requests/${String(pending.id)}/approve`, { reason: '核准' }), 200);
      expect(approved).toMatchObject({ status: 'approved', decidedBy: { role: 'district_regulator' }, decisionReason: '核准' });
      expect(await read(c.id)).toMatchObject({ fillingSiteId: secondStation, districtCode: '441803' });
      const [entry] = await audit(c.id);
      expect(entry).toMatchObject({ action: 'transfer', reason: '核准', before: { fillingSiteId: a.station }, after: { fillingSiteId: secondStation, districtCode: '441803' } });
      await expectStatus<Problem>(world.as(city).post(`/api/v1/cylinders/${c.id}/transfer-requests/${String(pending.id)}/reject`, { reason: '迟了' }), 409);
    });

    it('cannot be approved by the enterprise (403) nor by another district\'s regulator (404); a rejection needs a reason and moves nothing', async () => {
      const c = await commissioned();
      const pending = await expectStatus<Body>(requestTransfer(c.id), 201);
      const path = (verdict: string) => `/api/v1/cylinders/${c.id}/transfer-requests/${String(pending.id)}/${verdict}`;
      await expectStatus(world.as(a.admin).post(path('approve'), {}), 403);
      await expectStatus(world.as(qingxin).post(path('approve'), {}), 404);
      expect(await expectStatus<Problem>(requestTransfer(c.id), 409)).toMatchObject({ code: 'TRANSFER_ALREADY_PENDING' });
      const noReason = await expectStatus<Problem>(world.as(city).post(path('reject'), {}), 400);
      expect(noReason.errors?.map((e) => e.path)).toEqual(['reason']);
      expect(await expectStatus<Body>(world.as(city).post(path('reject'), { reason: '无扩产批复' }), 200)).toMatchObject({ status: 'rejected', decisionReason: '无扩产批复' });
      expect((await read(c.id)).fillingSiteId).toBe(a.station);
    });

    it('refuses a station that is not the enterprise\'s own filling station, naming the field', async () => {
      const c = await commissioned();
      const foreign = await expectStatus<Problem>(requestTransfer(c.id, { fillingSiteId: b.station, reason: '换站' }), 400);
      expect(foreign.errors?.map((e) => e.path)).toEqual(['fillingSiteId']);
      const supply = await expectStatus<Problem>(requestTransfer(c.id, { fillingSiteId: a.supplyPoint, reason: '换站' }), 400);
      expect(supply.errors).toEqual([{ path: 'fillingSiteId', message: 'is not a filling station' }]);
      await expectStatus(world.as(b.admin).post(`/api/v1/cylinders/${c.id}/transfer-requests`, { fillingSiteId: b.station, reason: randomUUID() }), 404);
    });
  });
});
