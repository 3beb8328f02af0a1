import { anEnterpriseKit, anEvent, expectStatus, principal, type EnterpriseKit } from '../ledger/ledger.harness';
import { startWorld, type World } from '../support/world';

const QINGCHENG = '441802';
const QINGXIN = '441803';
type Kpis = { period: { from: string; to: string }; district: string | null; figures: Record<string, unknown> };

let world: World;
let kit: EnterpriseKit;
const city = principal('city_regulator');

beforeAll(async () => {
  world = await startWorld('kpis_http');
  kit = await anEnterpriseKit(world, QINGCHENG);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('GET /kpis', () => {
  it('answers the figures of the period to a city regulator', async () => {
    const cylinderId = await kit.newCylinder();
    await expectStatus(world.as(kit.admin).post(`/api/v1/cylinders/${cylinderId}/commission`), 201);
    await expectStatus(world.as(kit.admin).post('/api/v1/events', anEvent('inspect', cylinderId).at(kit.station).with({ result: 'pass' }).build()), 201);
    await expectStatus(world.as(kit.admin).post('/api/v1/events', anEvent('fill', cylinderId).at(kit.station).with({ tareKg: 14.5, grossKg: 29.4, netKg: 14.9, durationS: 42 }).build()), 201);
    const body = await expectStatus<Kpis>(world.as(city).get('/api/v1/kpis'), 200);
    expect(body.district).toBeNull();
    expect(body.figures.fillsPerStationPerDay).toEqual([expect.objectContaining({ siteId: kit.station, fills: 1 })]);
    void QINGXIN;
  });
});
