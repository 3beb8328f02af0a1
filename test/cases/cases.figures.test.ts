import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, principal, type EnterpriseKit } from '../alerts/alerts.harness';

/**
 * caseFigures, the KPIs' source, on cases a person can count by hand: one opened before the
 * period, four in it (one left overdue, one rectified, one unfounded, one sent back), one in
 * another district.
 */
const A = '441802';
const B = '441881';
const DAY = 86_400_000;

let world: World;
let kit: EnterpriseKit;
let other: EnterpriseKit;
let officer = '';
const district = principal('district_regulator', { districtCode: A });
const city = principal('city_regulator');

beforeAll(async () => {
  world = await startWorld('cases_figures', { alerts: { now: () => world.clock.now() }, cases: { now: () => world.clock.now() } });
  kit = await anEnterpriseKit(world, A);
  other = await anEnterpriseKit(world, B);
  officer = await world.insertUser({ username: `figures${Math.random().toString(36).slice(2, 7)}`, role: 'district_regulator', districtCode: A, password: 'Figures-Passw0rd!' });
}, 180_000);

afterAll(async () => {
  await world?.stop();
});

const open = async (who = district, site = kit.station) =>
  (await expectStatus<{ id: string }>(world.as(who).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: site }, legalBasis: '依据', title: '统计用案件' }), 201)).id;
const step = (id: string, path: string, body: object, who: typeof district = district) => expectStatus(world.as(who).post(`/api/v1/cases/${id}/${path}`, body), 200);
const assign = (id: string, hours: number) => step(id, 'assign', { officerId: officer, deadline: new Date(world.clock.now().getTime() + hours * 3_600_000).toISOString() });

it('counts open, overdue, opened, closed rectified / unfounded and escalated cases within a scope and a period', async () => {
  await open();
  world.clock.advance(2 * DAY);
  const from = new Date(world.clock.now().getTime() - DAY);
  const overdue = await open();
  await assign(overdue, 1);
  const rectified = await open();
  await assign(rectified, 48);
  await step(rectified, 'rectification', { text: '已整改' }, kit.admin);
  await step(rectified, 'review', { outcome: 'rectified', note: '合格' });
  const unfounded = await open();
  await step(unfounded, 'review', { outcome: 'unfounded', note: '不实' });
  const sentBack = await open();
  await assign(sentBack, 48);
  await step(sentBack, 'rectification', { text: '已整改' }, kit.admin);
  await step(sentBack, 'review', { outcome: 'not_rectified', note: '未整改到位' });
  await open(city, other.station);
  world.clock.advance(2 * 3_600_000);
  const period = { from, to: new Date(world.clock.now().getTime() + DAY) };

  const expected = { open: 3, overdue: 1, opened: 4, closedRectified: 1, closedUnfounded: 1, escalated: 1 };
  expect(await world.components.cases.caseFigures({ district: A }, period)).toEqual(expected);
  expect(await world.components.cases.caseFigures({ enterpriseId: kit.enterpriseId }, period)).toEqual(expected);
  expect(await world.components.cases.caseFigures({}, period)).toEqual({ ...expected, open: 4, opened: 5 });
  expect(await world.components.cases.caseFigures({ district: B }, period)).toEqual({ open: 1, overdue: 0, opened: 1, closedRectified: 0, closedUnfounded: 0, escalated: 0 });
  // A period before any case: only the standing figures (open, overdue) count.
  expect(await world.components.cases.caseFigures({ district: A }, { from: new Date(0), to: new Date(1000) })).toEqual({ open: 3, overdue: 1, opened: 0, closedRectified: 0, closedUnfounded: 0, escalated: 0 });
});
