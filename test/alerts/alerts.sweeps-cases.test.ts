import { unitOfWork } from '../../src/shared/db/unit-of-work';
import type { SweepNotice } from '../../src/components/alerts';
import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, openClient, principal, sleep, unknownCodes, type EnterpriseKit } from './alerts.harness';

/**
 * What other components hand supervision: a registered sweep's notices become alerts once per
 * state; a case takes alerts in (they stay active and keep collecting occurrences) and closes them
 * when it closes, each step a change on the feed.
 */
const DISTRICT = '441802';
type AlertBody = { id: string; rule: string; status: string; count: number; seq: number; subject: { kind: string; id: string }; case?: { id: string; number: string; closed?: { outcome: string } } };
type Page = { items: AlertBody[] };

let world: World;
let kit: EnterpriseKit;
const city = principal('city_regulator');

beforeAll(async () => {
  world = await startWorld('alerts_sweeps', { alerts: { now: () => world.clock.now() } });
  kit = await anEnterpriseKit(world, DISTRICT);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

const pass = async () => {
  world.alerts.runner.kick();
  await sleep(30);
  await world.alerts.settled();
};

describe('registerSweep', () => {
  it('raises a notice once per state, runs again only when due, and a failing sweep does not stop the rules', async () => {
    let deadline = '2026-12-01T00:00:00.000Z';
    let runs = 0;
    const notice = (): SweepNotice => ({
      noticeKey: 'case:c1',
      noticed: deadline,
      finding: { rule: 'RECTIFICATION_OVERDUE', subject: { kind: 'case', id: 'c1' }, districtCode: DISTRICT, enterpriseId: kit.enterpriseId, evidence: { kind: 'case', id: `c1@${deadline}`, at: world.clock.now(), note: `rectification due ${deadline}` } },
    });
    world.alerts.registerSweep({ name: 'test-overdue', everyMs: 3_600_000, run: async () => (runs++, [notice()]) });
    world.alerts.registerSweep({ name: 'test-broken', everyMs: 1, run: async () => Promise.reject(new Error('boom')) });
    expect(() => world.alerts.registerSweep({ name: 'test-overdue', everyMs: 1, run: async () => [] })).toThrow(/registered already/);
    await pass();
    const listed = async () => (await expectStatus<Page>(world.as(city).get('/api/v1/alerts?rule=RECTIFICATION_OVERDUE'), 200)).items;
    expect((await listed()).map((a) => [a.subject.id, a.count])).toEqual([['c1', 1]]);
    // Not due yet: the sweep does not run again.
    await pass();
    expect(runs).toBe(1);
    // Due, same state: it runs, nothing new.
    world.clock.advance(3_600_000);
    await pass();
    expect(runs).toBe(2);
    expect((await listed()).map((a) => a.count)).toEqual([1]);
    // A new deadline passed: a new occurrence of the one open alert.
    deadline = '2026-12-08T00:00:00.000Z';
    world.clock.advance(3_600_000);
    await pass();
    expect((await listed()).map((a) => a.count)).toEqual([2]);
    // The rules still run beside the failing sweep.
    await expectStatus(world.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(1) }), 200);
    await pass();
    expect((await expectStatus<Page>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${kit.enterpriseId}`), 200)).items).toHaveLength(1);
  });
});

describe('alerts handled in a case', () => {
  it('are checked against the caller, join the case, collect occurrences, and close with it on the feed', async () => {
    await expectStatus(world.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(2, 'CASEX') }), 200);
    await pass();
    const alerts = (await expectStatus<Page>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${kit.enterpriseId}`), 200)).items.filter((a) => a.subject.id.includes('CASEX'));
    expect(alerts).toHaveLength(2);
    const ids = alerts.map((a) => a.id);
    // Codes the city never issued are the district's of the enterprise that met them: another district's regulator cannot take them into a case, this one's can.
    await expect(world.alerts.service.forCase(principal('district_regulator', { districtCode: '441881' }), ids)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await world.alerts.service.forCase(principal('district_regulator', { districtCode: DISTRICT }), ids)).map((a) => a.id).sort()).toEqual([...ids].sort());
    expect((await world.alerts.service.forCase(city, ids)).map((a) => a.id).sort()).toEqual([...ids].sort());

    const client = await openClient(world, city, Math.max(...alerts.map((a) => a.seq)));
    const tx = unitOfWork(world.connection);
    const publish = await tx((session) => world.alerts.service.attachToCase(session, ids, { caseId: 'case-1', number: '清城-2026-0001' }, city));
    publish();
    await expect(world.alerts.service.forCase(city, ids)).rejects.toMatchObject({ code: 'ALERT_IN_CASE' });
    const inCase = await expectStatus<AlertBody>(world.as(city).get(`/api/v1/alerts/${ids[0]}`), 200);
    expect([inCase.status, inCase.case?.number]).toEqual(['open', '清城-2026-0001']);

    const closed = await tx((session) => world.alerts.service.closeWithCase(session, 'case-1', 'rectified', city));
    closed();
    for (const id of ids) {
      const body = await expectStatus<AlertBody>(world.as(city).get(`/api/v1/alerts/${id}`), 200);
      expect([body.status, body.case?.closed?.outcome]).toEqual(['closed', 'rectified']);
    }
    await expect(world.alerts.service.forCase(city, ids)).rejects.toMatchObject({ code: 'ALERT_NOT_ACTIVE' });
    // Each step reached the live client: two attaches, two closes.
    await client.waitFor(4, 5_000);
    expect(client.received.map((r) => `${r.payload.alert.id === ids[0] ? 'a' : 'b'}:${r.payload.alert.status}`).sort()).toEqual(['a:closed', 'a:open', 'b:closed', 'b:open']);
    client.close();
  });
});
