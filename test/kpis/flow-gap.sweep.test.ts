import { fullCylinder, openClient, sleep } from '../alerts/alerts.harness';
import { anEnterpriseKit, anEvent, expectStatus, principal, type EnterpriseKit } from '../ledger/ledger.harness';
import { startWorld, type World } from '../support/world';

/**
 * The FLOW_GAP alert: supervision runs the reconciliation sweep hourly; a site holding at least
 * FLOW_GAP_MIN_CYLINDERS (here 2) cylinders that reached no registered customer within
 * FLOW_GAP_DAYS (7) raises it, pushed live to the district's regulator and the enterprise.
 */
const QINGCHENG = '441802';
const DAY = 86_400_000;
type Alert = { id: string; rule: string; subject: { kind: string; id: string }; districtCode: string | null; enterpriseId: string | null; count: number; detail: string };

let world: World;
let kit: EnterpriseKit;
const city = principal('city_regulator');

beforeAll(async () => {
  world = await startWorld('kpis_flow_gap', { alerts: { now: () => world.clock.now() }, kpisConfig: { flowGap: { days: 7, minCylinders: 2 } } });
  kit = await anEnterpriseKit(world, QINGCHENG);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

const pass = async () => {
  world.alerts.runner.kick();
  await sleep(30);
  await world.alerts.settled();
};
const flowGaps = async () => (await expectStatus<{ items: Alert[] }>(world.as(city).get('/api/v1/alerts?rule=FLOW_GAP'), 200)).items;

async function receivedAtSupplyPoint(): Promise<string> {
  const id = await fullCylinder(world, kit);
  await expectStatus(world.as(kit.admin).post('/api/v1/events', anEvent('dispatch', id).with({ vehicleId: kit.vehicle }).build()), 201);
  await expectStatus(world.as(kit.admin).post('/api/v1/events', anEvent('receive', id).with({ siteId: kit.supplyPoint }).build()), 201);
  return id;
}

describe('the FLOW_GAP sweep', () => {
  it('raises one alert for a site whose cylinders vanished after FLOW_GAP_DAYS, again only when the gap grows', async () => {
    const sold = await receivedAtSupplyPoint();
    await expectStatus(world.as(kit.admin).post('/api/v1/events', anEvent('hand_over', sold).with({ customerId: kit.customer, confirmedByCustomer: true }).build()), 201);
    await receivedAtSupplyPoint();
    await receivedAtSupplyPoint();
    await pass();
    // Within the seven days nothing is missing yet.
    expect(await flowGaps()).toEqual([]);

    const district = await openClient(world, principal('district_regulator', { districtCode: QINGCHENG }));
    world.clock.advance(8 * DAY);
    await pass();
    const [alert, ...others] = await flowGaps();
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ subject: { kind: 'site', id: kit.supplyPoint }, districtCode: QINGCHENG, enterpriseId: kit.enterpriseId, count: 1 });
    expect(alert?.detail).toContain('2 of 3 cylinders');
    const [pushed] = await district.waitFor(1, 15_000);
    expect([pushed?.event, pushed?.payload.alert.rule]).toEqual(['alert:new', 'FLOW_GAP']);
    district.close();
    const own = await expectStatus<{ items: Alert[] }>(world.as(kit.admin).get('/api/v1/alerts?rule=FLOW_GAP'), 200);
    expect(own.items.map((a) => a.id)).toEqual([alert?.id]);

    // An hour later, the same gap: no new occurrence.
    world.clock.advance(3_600_000);
    await pass();
    expect((await flowGaps()).map((a) => a.count)).toEqual([1]);
    // Another cylinder vanishes (filled now, due on the moved clock): the gap grew, a second occurrence.
    await receivedAtSupplyPoint();
    world.clock.advance(3_600_000);
    await pass();
    const [grown] = await flowGaps();
    expect([grown?.id, grown?.count]).toEqual([alert?.id, 2]);
    expect(grown?.detail).toContain('3 of 4 cylinders');
  });
});
