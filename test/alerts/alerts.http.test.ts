import { aCredential, aVehicle } from '../../seed/builders';
import { buildGrai } from '../../src/components/qr';
import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, fullCylinder, openClient, principal, saleNow, sleep, suspendStation, unknownCodes, type EnterpriseKit } from './alerts.harness';

/** The REST side of supervision: the feed with its filters and cursors, an alert with its evidence resolved, a regulator's acknowledgement and dismissal. */
const DISTRICT_A = '441802';
const DISTRICT_B = '441881';

let world: World;
let a: EnterpriseKit;
let b: EnterpriseKit;
const city = principal('city_regulator');
let unlicensedId = '';
/** Full cylinders of A, filled before its station lost its licence: each later sale is refused. */
const spare: string[] = [];

type AlertBody = { id: string; rule: string; subject: { kind: string; id: string }; status: string; seq: number; districtCode: string | null; enterpriseId: string | null; count: number; evidence: { kind: string; id: string; record: Record<string, unknown> | null }[] };
type Page = { items: AlertBody[]; nextCursor: string | null };

beforeAll(async () => {
  world = await startWorld('alerts_http', { alerts: { now: () => world.clock.now() } });
  a = await anEnterpriseKit(world, DISTRICT_A);
  b = await anEnterpriseKit(world, DISTRICT_B);
  const cylinderId = await fullCylinder(world, a);
  spare.push(await fullCylinder(world, a), await fullCylinder(world, a));
  await suspendStation(world, a);
  expect((await world.as(a.admin).post('/api/v1/events', saleNow(cylinderId, a))).status).toBe(422);
  await expectStatus(world.as(b.admin).post('/api/v1/events/batch', { events: unknownCodes(3) }), 200);
  await world.alerts.settled();
  const page = await expectStatus<Page>(world.as(city).get('/api/v1/alerts?rule=UNLICENSED_SELLER'), 200);
  unlicensedId = page.items[0]?.id ?? '';
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('GET /api/v1/alerts', () => {
  it('lists within scope: the city everything, a district its own, an enterprise its own; filters and cursor pages', async () => {
    // Other tests of this file add alerts of their own: what beforeAll raised is always there.
    const all = await expectStatus<Page>(world.as(city).get('/api/v1/alerts'), 200);
    expect(all.items.filter((i) => i.rule === 'OUT_OF_CITY_CYLINDER' && i.enterpriseId === b.enterpriseId)).toHaveLength(3);
    expect(all.items.map((i) => i.id)).toContain(unlicensedId);
    // Newest change first.
    expect(all.items.map((i) => i.seq)).toEqual([...all.items.map((i) => i.seq)].sort((x, y) => y - x));
    const districtA = await expectStatus<Page>(world.as(principal('district_regulator', { districtCode: DISTRICT_A })).get('/api/v1/alerts'), 200);
    expect(districtA.items.map((i) => i.id)).toContain(unlicensedId);
    expect(districtA.items.every((i) => i.districtCode === DISTRICT_A)).toBe(true);
    const enterpriseB = await expectStatus<Page>(world.as(principal('enterprise_admin', { enterpriseId: b.enterpriseId })).get('/api/v1/alerts'), 200);
    expect(enterpriseB.items.filter((i) => i.rule === 'OUT_OF_CITY_CYLINDER')).toHaveLength(3);
    expect(enterpriseB.items.every((i) => i.enterpriseId === b.enterpriseId)).toBe(true);
    // A filter never widens the scope: naming another district is refused.
    await expectStatus(world.as(principal('district_regulator', { districtCode: DISTRICT_B })).get(`/api/v1/alerts?district=${DISTRICT_A}`), 403);
    const first = await expectStatus<Page>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${b.enterpriseId}&limit=2`), 200);
    const second = await expectStatus<Page>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${b.enterpriseId}&limit=2&cursor=${first.nextCursor}`), 200);
    expect([first.items.length, second.items.length, second.nextCursor]).toEqual([2, 1, null]);
    const since = Math.min(...all.items.map((i) => i.seq));
    const catchUp = await expectStatus<Page>(world.as(city).get(`/api/v1/alerts?since=${since}`), 200);
    expect(catchUp.items.map((i) => i.seq)).toEqual(all.items.map((i) => i.seq).filter((s) => s > since).sort((x, y) => x - y));
    expect((await world.as(city).get('/api/v1/alerts?severity=urgent')).status).toBe(400);
  });

  it("a refusal of no district (a code the city never issued) is its enterprise's district's: that regulator sees it, another district's does not", async () => {
    const mine = (p: Page) => p.items.filter((i) => i.rule === 'OUT_OF_CITY_CYLINDER' && i.enterpriseId === b.enterpriseId);
    const all = mine(await expectStatus<Page>(world.as(city).get('/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER'), 200));
    expect(all.map((i) => i.districtCode)).toEqual([DISTRICT_B, DISTRICT_B, DISTRICT_B]);
    expect(mine(await expectStatus<Page>(world.as(principal('district_regulator', { districtCode: DISTRICT_B })).get('/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER'), 200))).toHaveLength(3);
    expect(mine(await expectStatus<Page>(world.as(principal('district_regulator', { districtCode: DISTRICT_A })).get('/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER'), 200))).toHaveLength(0);
  });
});

describe('GET /api/v1/alerts/{id}', () => {
  it('resolves the evidence to the refusal itself; another district reads it as missing', async () => {
    const alert = await expectStatus<AlertBody>(world.as(principal('district_regulator', { districtCode: DISTRICT_A })).get(`/api/v1/alerts/${unlicensedId}`), 200);
    expect(alert.evidence[0]).toMatchObject({ kind: 'refusal', record: { type: 'sell', reason: 'SITE_LICENCE_INVALID', districtCode: DISTRICT_A } });
    // What the rule saw: English by default, Chinese for a Chinese reader, both beside it.
    const reader = principal('district_regulator', { districtCode: DISTRICT_A });
    const zh = (await world.http.get(`/api/v1/alerts/${unlicensedId}`).set('Authorization', `Bearer ${world.tokenFor(reader)}`).set('Accept-Language', 'zh-CN')).body as { detail: string; detailText: { zh: string; en: string }; evidence: { note: string }[] };
    expect(zh.detail).toBe('销售被拒绝（站点许可证无效）：站点无有效许可证');
    expect(zh.evidence[0]?.note).toBe(zh.detail);
    expect((alert as unknown as { detail: string }).detail).toBe('sell refused (SITE_LICENCE_INVALID) by a site without a valid licence');
    expect(zh.detailText).toEqual({ zh: zh.detail, en: 'sell refused (SITE_LICENCE_INVALID) by a site without a valid licence' });
    const outside = await world.as(principal('district_regulator', { districtCode: DISTRICT_B })).get(`/api/v1/alerts/${unlicensedId}`);
    const missing = await world.as(principal('district_regulator', { districtCode: DISTRICT_B })).get('/api/v1/alerts/0123456789abcdef01234567');
    expect([outside.status, outside.body.code]).toEqual([missing.status, missing.body.code]);
    expect(outside.status).toBe(404);
  });

  it('raises OUT_OF_CITY_CYLINDER from a public scan of a code the city never issued, with the scan as evidence', async () => {
    // A well-formed code of the city's prefix that no cylinder carries.
    const grai = buildGrai('0614141', '15', `NEVER${Date.now() % 100_000}`).value;
    await world.http.get(`/8003/${grai}?lat=23.70&lng=113.10`);
    await world.alerts.settled();
    const page = await expectStatus<Page>(world.as(city).get('/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&limit=1'), 200);
    const alert = await expectStatus<AlertBody>(world.as(city).get(`/api/v1/alerts/${page.items[0]?.id}`), 200);
    expect(alert).toMatchObject({ subject: { kind: 'code', id: grai } });
    expect(alert.evidence[0]).toMatchObject({ kind: 'scan', record: { grai, warnings: ['UNKNOWN_CODE'] } });
  });
});

describe('acknowledge and dismiss', () => {
  it('acknowledges (pushed as alert:update, audited); occurrences still join it; a dismissal needs a reason, closes it, and the next occurrence opens a new alert', async () => {
    const regulator = principal('district_regulator', { districtCode: DISTRICT_A });
    const live = await openClient(world, city);
    try {
      const acked = await expectStatus<AlertBody>(world.as(regulator).post(`/api/v1/alerts/${unlicensedId}/acknowledge`, { note: '已派员核查' }), 200);
      expect(acked.status).toBe('acknowledged');
      const [pushed] = await live.waitFor(1);
      expect(pushed).toMatchObject({ event: 'alert:update', payload: { alert: { id: unlicensedId, status: 'acknowledged', seq: acked.seq }, added: [] } });
      expect((await world.as(principal('enterprise_admin', { enterpriseId: a.enterpriseId })).post(`/api/v1/alerts/${unlicensedId}/acknowledge`, {})).status).toBe(403);

      expect((await world.as(a.admin).post('/api/v1/events', saleNow(spare[0] as string, a))).status).toBe(422);
      await world.alerts.settled();
      const updated = await expectStatus<AlertBody>(world.as(city).get(`/api/v1/alerts/${unlicensedId}`), 200);
      expect([updated.status, updated.count]).toEqual(['acknowledged', 2]);

      const noReason = await world.as(regulator).post(`/api/v1/alerts/${unlicensedId}/dismiss`, {});
      expect([noReason.status, noReason.body.errors]).toEqual([400, [expect.objectContaining({ path: 'reason' })]]);
      const dismissed = await expectStatus<AlertBody>(world.as(regulator).post(`/api/v1/alerts/${unlicensedId}/dismiss`, { reason: '站点许可证已恢复' }), 200);
      expect(dismissed.status).toBe('dismissed');
      expect((await world.as(regulator).post(`/api/v1/alerts/${unlicensedId}/acknowledge`, {})).body.code).toBe('ALERT_DISMISSED');
      const audit = await expectStatus<{ items: { action: string; reason?: string }[] }>(world.as(city).get(`/api/v1/audit?resource=alerts&recordId=${unlicensedId}`), 200);
      expect(audit.items.map((e) => [e.action, e.reason])).toEqual([['dismiss', '站点许可证已恢复'], ['acknowledge', '已派员核查']]);

      expect((await world.as(a.admin).post('/api/v1/events', saleNow(spare[1] as string, a))).status).toBe(422);
      await world.alerts.settled();
      const open = await expectStatus<Page>(world.as(city).get('/api/v1/alerts?rule=UNLICENSED_SELLER&status=open'), 200);
      expect(open.items).toHaveLength(1);
      expect(open.items[0]?.id).not.toBe(unlicensedId);
    } finally {
      live.close();
    }
  });
});

describe('CREDENTIAL_EXPIRING', () => {
  it('is raised by the daily sweep for a credential ending within 30 days, once per end date', async () => {
    const vehicle = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/vehicles', aVehicle().forEnterprise(b.enterpriseId).withPermit(aCredential('粤交运危').expiring(10).build()).build()), 201);
    const other = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/vehicles', aVehicle().forEnterprise(b.enterpriseId).build()), 201);
    const listed = async () => (await expectStatus<Page & { items: { subject: { id: string } }[] }>(world.as(city).get('/api/v1/alerts?rule=CREDENTIAL_EXPIRING'), 200)).items.map((i) => i.subject.id);
    // Today's sweep ran when the world started; the next one is tomorrow.
    expect(await listed()).not.toContain(vehicle.id);
    world.clock.advance(86_400_000);
    world.alerts.runner.kick();
    await sleep(50);
    await world.alerts.settled();
    expect(await listed()).toContain(vehicle.id);
    expect(await listed()).not.toContain(other.id);
    world.clock.advance(86_400_000);
    world.alerts.runner.kick();
    await sleep(50);
    await world.alerts.settled();
    const again = await expectStatus<Page>(world.as(city).get('/api/v1/alerts?rule=CREDENTIAL_EXPIRING'), 200);
    expect(again.items.filter((i) => (i as unknown as { subject: { id: string } }).subject.id === vehicle.id).map((i) => i.count)).toEqual([1]);
  });
});
