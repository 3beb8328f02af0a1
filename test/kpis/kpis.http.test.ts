import { unitOfWork } from '../../src/shared/db/unit-of-work';
import type { CaseFigures, CasesPort } from '../../src/components/kpis';
import { fullCylinder, saleNow, sleep, suspendStation, unknownCodes } from '../alerts/alerts.harness';
import { aCylinderAtScale, aScaleKit, requestId, signed, type ScaleKit } from '../devices/devices.harness';
import { anEnterpriseKit, anEvent, expectStatus, principal, type EnterpriseKit } from '../ledger/ledger.harness';
import { startWorld, type World } from '../support/world';

/**
 * The KPIs on a small world built by hand, where the right answers can be counted on one's
 * fingers. Enterprise A (清城区 441802) fills five cylinders:
 *   a1 dispatched, received at A's supply point, handed over (confirmed)   → reached
 *   a2 dispatched, received at the supply point, then nothing              → unaccounted
 *   a3 dispatched, received, returned empty to the station                 → unaccounted, returned
 *   a4 filled and left at the station                                      → at station
 *   a5 sold at the station (unconfirmed)                                   → reached
 * Enterprise B (清新区 441803) fills b1: dispatched, received, handed over (confirmed) → reached.
 * Enterprise C (清新区) has a scale whose interlock denied two requests.
 * Alerts: four codes the city never issued (OUT_OF_CITY_CYLINDER, A's, in A's district: a refusal
 * takes its site's district): two taken into a case, one
 * dismissed; one sale at B's suspended station (UNLICENSED_SELLER in 清新区) taken into a case
 * closed as rectified.
 */
const QINGCHENG = '441802';
const QINGXIN = '441803';
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

interface Ratio {
  numerator: number;
  denominator: number;
  value: number | null;
}
interface Kpis {
  period: { from: string; to: string };
  district: string | null;
  asOf: string;
  figures: {
    caseFilingRate: Ratio;
    rectificationRate: Ratio;
    openCases: number | null;
    overdueCases: number | null;
    casesInPeriod: Omit<CaseFigures, 'open' | 'overdue'> | null;
    overdueCylinders: { inCirculation: number; atStations: number };
    pastServiceLife: { inCirculation: number; atStations: number };
    fillsPerStationPerDay: { siteId: string; siteName: string | null; day: string; fills: number }[];
    denialsByReason: { reason: string; zh: string; en: string; count: number }[];
    confirmedHandOverRate: { enterpriseId: string; enterpriseName: string | null; confirmed: number; total: number; value: number | null }[];
    alertsByRule: { rule: string; zh: string; en: string; district: string | null; count: number }[];
  };
}
interface Problem {
  code: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

let world: World;
let a: EnterpriseKit;
let b: EnterpriseKit;
let c: ScaleKit;
/** The KPIs' clock runs this far ahead of the real one (years later, cylinders are overdue). */
let shiftMs = 0;
const caseCalls: Parameters<CasesPort['caseFigures']>[] = [];
const cases: CasesPort = {
  async caseFigures(scope, period) {
    caseCalls.push([scope, period]);
    return { open: 3, overdue: 1, opened: 4, closedRectified: 1, closedUnfounded: 0, escalated: 2 };
  },
};

const city = principal('city_regulator');
const qingxin = principal('district_regulator', { districtCode: QINGXIN });
const qingcheng = principal('district_regulator', { districtCode: QINGCHENG });
const zh = { 'Accept-Language': 'zh-CN' };

async function post(kit: EnterpriseKit, body: object): Promise<void> {
  await expectStatus(world.as(kit.admin).post('/api/v1/events', body), 201);
}

async function filled(kit: EnterpriseKit): Promise<string> {
  return fullCylinder(world, kit);
}

async function toSupplyPoint(kit: EnterpriseKit, id: string): Promise<void> {
  await post(kit, anEvent('dispatch', id).with({ vehicleId: kit.vehicle }).build());
  await post(kit, anEvent('receive', id).with({ siteId: kit.supplyPoint }).build());
}

const pass = async () => {
  world.alerts.runner.kick();
  await sleep(30);
  await world.alerts.settled();
};

const kpis = async (who = city, query = '') => expectStatus<Kpis>(world.as(who).get(`/api/v1/kpis${query}`), 200);

beforeAll(async () => {
  world = await startWorld('kpis_http', { kpis: { now: () => new Date(Date.now() + shiftMs), cases } });
  a = await anEnterpriseKit(world, QINGCHENG);
  b = await anEnterpriseKit(world, QINGXIN);
  c = await aScaleKit(world, QINGXIN);

  const [a1, a2, a3, a4, a5] = [await filled(a), await filled(a), await filled(a), await filled(a), await filled(a)];
  await toSupplyPoint(a, a1);
  await post(a, anEvent('hand_over', a1).with({ customerId: a.customer, confirmedByCustomer: true }).build());
  await toSupplyPoint(a, a2);
  await toSupplyPoint(a, a3);
  await post(a, anEvent('return_empty', a3).with({ siteId: a.station }).build());
  void a4;
  await post(a, anEvent('sell', a5).at(a.station).with({ customerId: a.customer, confirmedByCustomer: false }).build());
  const b1 = await filled(b);
  await toSupplyPoint(b, b1);
  await post(b, anEvent('hand_over', b1).with({ customerId: b.customer, confirmation: { method: 'phone_last4' } }).build());

  // The interlock denies C's scale twice: a cylinder not checked before filling, a code nobody issued.
  const unchecked = await aCylinderAtScale(world, c.kit, { inspected: false });
  for (const code of [unchecked.uri, 'NO-SUCH-SERIAL']) {
    const res = await signed(world, c.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: c.operator.staffNumber, code });
    expect(res.body.decision).toBe('deny');
  }

  // Alerts, and the cases that took some of them in.
  await expectStatus(world.as(a.admin).post('/api/v1/events/batch', { events: unknownCodes(4, 'KPI') }), 200);
  const spare = await filled(b);
  await suspendStation(world, b);
  const refused = await world.as(b.admin).post('/api/v1/events', saleNow(spare, b));
  expect(refused.status).toBe(422);
  await pass();
  type Alert = { id: string; rule: string };
  const list = async (rule: string) => (await expectStatus<{ items: Alert[] }>(world.as(city).get(`/api/v1/alerts?rule=${rule}`), 200)).items;
  const outOfCity = await list('OUT_OF_CITY_CYLINDER');
  const unlicensed = await list('UNLICENSED_SELLER');
  expect([outOfCity.length, unlicensed.length]).toEqual([4, 1]);
  const tx = unitOfWork(world.connection);
  (await tx((s) => world.alerts.service.attachToCase(s, [outOfCity[0]!.id, outOfCity[1]!.id], { caseId: 'case-1', number: '清城-2026-0001' }, city)))();
  await expectStatus(world.as(city).post(`/api/v1/alerts/${outOfCity[2]!.id}/dismiss`, { reason: '系统测试码' }), 200);
  (await tx((s) => world.alerts.service.attachToCase(s, [unlicensed[0]!.id], { caseId: 'case-2', number: '清新-2026-0001' }, city)))();
  (await tx((s) => world.alerts.service.closeWithCase(s, 'case-2', 'rectified', city)))();
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

beforeEach(() => {
  shiftMs = 0;
  caseCalls.length = 0;
});

describe('GET /kpis: the figures of a hand-built world', () => {
  it('counts fills per station and day, confirmed hand-overs per enterprise and the interlock denials per reason', async () => {
    const { figures } = await kpis();
    const fills = (site: string) => figures.fillsPerStationPerDay.filter((f) => f.siteId === site).reduce((n, f) => n + f.fills, 0);
    // A's five, B's b1 and the spare cylinder sold at the suspended station.
    expect([fills(a.station), fills(b.station)]).toEqual([5, 2]);
    expect(figures.fillsPerStationPerDay.find((f) => f.siteId === a.station)?.siteName).toEqual(expect.any(String));
    expect(figures.confirmedHandOverRate).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ enterpriseId: a.enterpriseId, confirmed: 1, total: 2, value: 0.5, enterpriseName: expect.any(String) }),
        expect.objectContaining({ enterpriseId: b.enterpriseId, confirmed: 1, total: 1, value: 1 }),
      ]),
    );
    expect(figures.confirmedHandOverRate).toHaveLength(2);
    expect(figures.denialsByReason).toEqual([
      { reason: 'NOT_INSPECTED', zh: '气瓶回站后未通过充装前检查', en: 'The cylinder has passed no pre-fill check since it came back', count: 1 },
      { reason: 'UNKNOWN_CODE', zh: '气瓶码未登记或不是本市发放的码', en: 'The code is not a cylinder the city registered', count: 1 },
    ]);
  });

  it('rates case filing of illegal operations and rectification of unlicensed points, leaving dismissed alerts out', async () => {
    const { figures } = await kpis();
    // Illegal operations: 3 out-of-city codes not dismissed + 1 unlicensed seller; in a case: 2 + 1.
    expect(figures.caseFilingRate).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
    expect(figures.rectificationRate).toEqual({ numerator: 1, denominator: 1, value: 1 });
    // Alerts as raised, the dismissed one included, by rule and district.
    expect(figures.alertsByRule).toEqual(
      expect.arrayContaining([
        { rule: 'OUT_OF_CITY_CYLINDER', zh: '外地充装', en: expect.any(String), district: QINGCHENG, count: 4 },
        { rule: 'UNLICENSED_SELLER', zh: '无证经营', en: 'Unlicensed seller', district: QINGXIN, count: 1 },
      ]),
    );
  });

  it('takes open and overdue cases from the cases component, in the reader\'s scope and period', async () => {
    const body = await kpis(qingxin, '?from=2026-11-01&to=2026-11-30');
    expect([body.figures.openCases, body.figures.overdueCases]).toEqual([3, 1]);
    expect(body.figures.casesInPeriod).toEqual({ opened: 4, closedRectified: 1, closedUnfounded: 0, escalated: 2 });
    expect(caseCalls).toEqual([[{ district: QINGXIN }, { from: new Date('2026-10-31T16:00:00.000Z'), to: new Date('2026-11-30T16:00:00.000Z') }]]);
    expect(body.period).toEqual({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
  });

  it('counts cylinders overdue for inspection and past their service life by where they are now', async () => {
    // Now: every commissioned cylinder is in date.
    expect((await kpis()).figures.overdueCylinders).toEqual({ inCirculation: 0, atStations: 0 });
    // Three and a half years later (inspected a year ago, every 4 years): overdue, not yet past 8 years of life.
    shiftMs = 3.5 * YEAR;
    const later = (await kpis(city, `?from=2026-11-01&to=2026-12-31`)).figures;
    // With customers: a1, a5, b1; at A's supply point: a2. At stations: a3 (returned), a4, the spare at B's, C's unchecked one.
    expect(later.overdueCylinders).toEqual({ inCirculation: 4, atStations: 4 });
    expect(later.pastServiceLife).toEqual({ inCirculation: 0, atStations: 0 });
    shiftMs = 6.5 * YEAR;
    expect((await kpis(city, `?from=2026-11-01&to=2026-12-31`)).figures.pastServiceLife).toEqual({ inCirculation: 4, atStations: 4 });
    // 清新区: b1 with its customer; B's spare and C's cylinder at their stations.
    expect((await kpis(qingxin, `?from=2026-11-01&to=2026-12-31`)).figures.pastServiceLife).toEqual({ inCirculation: 1, atStations: 2 });
  });

  it('counts nothing of a period in which nothing happened', async () => {
    const { figures } = await kpis(city, '?from=2020-01-01&to=2020-01-31');
    expect(figures.fillsPerStationPerDay).toEqual([]);
    expect(figures.caseFilingRate).toEqual({ numerator: 0, denominator: 0, value: null });
    expect(figures.alertsByRule).toEqual([]);
    expect(figures.denialsByReason).toEqual([]);
  });
});

describe('GET /kpis: scope', () => {
  it('shows a district regulator its own district only, by default', async () => {
    const body = await kpis(qingxin);
    expect(body.district).toBe(QINGXIN);
    expect(body.figures.fillsPerStationPerDay.map((f) => f.siteId)).toEqual(expect.not.arrayContaining([a.station]));
    expect(body.figures.confirmedHandOverRate.map((r) => r.enterpriseId)).toEqual([b.enterpriseId]);
    expect(body.figures.alertsByRule.map((r) => r.district)).toEqual([QINGXIN]);
    // The unlicensed seller at B's station is 清新区's; the out-of-city codes are the city's.
    expect(body.figures.caseFilingRate).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(body.figures.denialsByReason.map((d) => d.count)).toEqual([1, 1]);
    const other = await kpis(qingcheng);
    expect(other.figures.denialsByReason).toEqual([]);
    expect(other.figures.confirmedHandOverRate.map((r) => r.enterpriseId)).toEqual([a.enterpriseId]);
  });

  it('refuses a district regulator another district, in Chinese', async () => {
    const res = await world.as(qingxin).get(`/api/v1/kpis?district=${QINGCHENG}`).set(zh);
    expect(res.status).toBe(403);
    expect((res.body as Problem).detail).toBe('区县监管部门只能查看本区县的统计指标');
  });

  it("shows an enterprise admin its enterprise's figures only", async () => {
    const body = await kpis(a.admin);
    expect(body.figures.confirmedHandOverRate.map((r) => r.enterpriseId)).toEqual([a.enterpriseId]);
    expect(body.figures.fillsPerStationPerDay.map((f) => f.siteId)).toEqual(expect.arrayContaining([a.station]));
    expect(body.figures.fillsPerStationPerDay.every((f) => f.siteId === a.station)).toBe(true);
    // Its own four out-of-city codes: three not dismissed, two in a case.
    expect(body.figures.caseFilingRate).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
    expect(body.figures.rectificationRate.denominator).toBe(0);
    expect(body.figures.denialsByReason).toEqual([]);
  });

  it('is closed to operators, delivery workers, the auditor and anyone without a token', async () => {
    for (const role of ['filling_operator', 'delivery_worker', 'auditor'] as const) {
      expect((await world.as(principal(role, { enterpriseId: a.enterpriseId })).get('/api/v1/kpis')).status).toBe(403);
    }
    expect((await world.http.get('/api/v1/kpis')).status).toBe(401);
  });
});

describe('GET /kpis: bad queries', () => {
  const problem = async (query: string) => {
    const res = await world.as(city).get(`/api/v1/kpis${query}`).set(zh);
    expect(res.status).toBe(400);
    return res.body as Problem;
  };

  it('names the field in Chinese: not a date, a period backwards or over 366 days, a bad district, an unknown parameter', async () => {
    expect((await problem('?from=yesterday')).errors).toEqual([{ path: 'from', message: '须为日期（YYYY-MM-DD）或带时区的 ISO 日期时间' }]);
    expect((await problem('?from=2026-02-30')).errors).toEqual([{ path: 'from', message: '不是有效日期' }]);
    expect((await problem('?from=2026-12-01&to=2026-11-01')).errors).toEqual([{ path: 'to', message: '须晚于开始时间（from）' }]);
    expect((await problem('?from=2024-01-01&to=2026-01-01')).errors).toEqual([{ path: 'to', message: '与开始时间（from）相隔不得超过 366 天' }]);
    expect((await problem('?district=qingcheng')).errors).toEqual([{ path: 'district', message: '须为 6 位行政区划代码' }]);
    const unknown = await problem('?district=441802&scope=all');
    expect(unknown.code).toBe('VALIDATION_FAILED');
    expect(unknown.errors?.map((e) => e.path)).toEqual(['scope']);
  });
});

describe('the OpenAPI document', () => {
  it('defines each figure by its numerator and denominator, and documents the four routes', async () => {
    const doc = (await world.http.get('/api/openapi.json')).body as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties: Record<string, { properties: Record<string, { description?: string }> }> }> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/kpis', '/api/v1/kpis.csv', '/api/v1/reconciliation', '/api/v1/reconciliation.csv']));
    const figures = doc.components.schemas.Kpis?.properties.figures?.properties ?? {};
    expect(figures.caseFilingRate?.description).toMatch(/立案率.*Numerator: alerts of an illegal operation.*Denominator: all such alerts/s);
    expect(figures.rectificationRate?.description).toMatch(/整治率.*Numerator: unlicensed points.*Denominator: all such unlicensed points/s);
    for (const name of ['openCases', 'overdueCases', 'overdueCylinders', 'pastServiceLife', 'fillsPerStationPerDay', 'denialsByReason', 'confirmedHandOverRate', 'alertsByRule']) {
      expect([name, (figures[name]?.description ?? '').length > 40]).toEqual([name, true]);
    }
  });
});

describe('GET /kpis.csv', () => {
  it('is the same figures as a UTF-8 CSV with a BOM and Chinese headers, named by its period', async () => {
    const res = await world.as(city).get('/api/v1/kpis.csv?from=2026-11-01&to=2026-11-30').buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (chunk: Buffer) => chunks.push(chunk));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('kpis-2026-11-01-2026-11-30.csv');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('指标,对象,区县,日期,分子,分母,数值');
    expect(lines).toContain('未结案件,,,,,,3');
  });

  it('carries the figures of today: the case-filing rate as a percentage', async () => {
    const res = await world.as(city).get('/api/v1/kpis.csv');
    expect(res.text).toContain('立案率,,,,3,4,75.0%');
    expect(res.text).toContain('无证经营点整治率,,,,1,1,100.0%');
  });
});

interface Row {
  rank: number;
  enterpriseId: string;
  enterpriseName: string | null;
  siteId: string | null;
  siteName: string | null;
  siteKind: string | null;
  district: string | null;
  filled: number;
  reachedCustomers: number;
  returned: number;
  unaccounted: number;
  pending: number;
  atStation: number;
  gapRate: number | null;
  cylinders: { cylinderId: string; filledAt: string; lastEvent: { type: string; at: string; siteId: string | null } }[];
}
interface Reconciliation {
  period: { from: string; to: string };
  gapDays: number;
  sort: string;
  workers: { workerId: string; unaccounted: number }[];
  items: Row[];
}

const reconciliation = async (who = city, query = '') => expectStatus<Reconciliation>(world.as(who).get(`/api/v1/reconciliation${query}`), 200);
const counts = (r: Row) => [r.siteId, r.filled, r.reachedCustomers, r.returned, r.unaccounted, r.pending, r.atStation, r.gapRate];

describe('GET /reconciliation', () => {
  it('ranks the site whose cylinders reached no registered customer within FLOW_GAP_DAYS first, with those cylinders', async () => {
    // Eight days on, every fill of the world is due.
    shiftMs = 8 * DAY;
    const body = await reconciliation();
    expect(body.gapDays).toBe(7);
    expect(body.items.map(counts)).toEqual([
      [a.supplyPoint, 3, 1, 1, 2, 0, 0, 2 / 3],
      [a.station, 2, 1, 0, 0, 0, 1, 0],
      [b.supplyPoint, 1, 1, 0, 0, 0, 0, 0],
      [b.station, 1, 0, 0, 0, 0, 1, null],
    ]);
    const [top] = body.items;
    expect(top).toMatchObject({ rank: 1, enterpriseId: a.enterpriseId, siteKind: 'supply_point', district: QINGCHENG, siteName: expect.any(String), enterpriseName: expect.any(String) });
    expect(top?.cylinders.map((c) => c.lastEvent.type).sort()).toEqual(['receive', 'return_empty']);
    expect(body.items.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    // Every event here was recorded by an enterprise admin, no worker: no worker to rank.
    expect(body.workers).toEqual([]);
  });

  it('ranks by the number unaccounted when asked (sort=unaccounted), and says which ranking it is', async () => {
    shiftMs = 8 * DAY;
    const body = await reconciliation(city, '?sort=unaccounted');
    expect(body).toMatchObject({ sort: 'unaccounted' });
    expect(body.items[0]?.siteId).toBe(a.supplyPoint);
    // Ties on zero unaccounted go by rate (0 before null), then by the most filled.
    expect(body.items.map((r) => r.siteId)).toEqual([a.supplyPoint, a.station, b.supplyPoint, b.station]);
    expect((await world.as(city).get('/api/v1/reconciliation?sort=volume')).status).toBe(400);
  });

  it('does not count as unaccounted what may still reach a customer: before FLOW_GAP_DAYS, they are pending', async () => {
    const body = await reconciliation();
    expect(body.items.find((r) => r.siteId === a.supplyPoint)).toMatchObject({ reachedCustomers: 1, unaccounted: 0, pending: 2 });
    expect(body.items.find((r) => r.siteId === a.station)).toMatchObject({ reachedCustomers: 1, atStation: 0, pending: 1 });
  });

  it('shows a district regulator the sites of its district, an enterprise admin its own', async () => {
    shiftMs = 8 * DAY;
    expect((await reconciliation(qingxin)).items.map((r) => r.siteId)).toEqual([b.supplyPoint, b.station]);
    expect((await reconciliation(a.admin)).items.map((r) => r.siteId)).toEqual([a.supplyPoint, a.station]);
    expect((await reconciliation(city, `?enterpriseId=${b.enterpriseId}`)).items.map((r) => r.siteId)).toEqual([b.supplyPoint, b.station]);
    const refused = await world.as(a.admin).get(`/api/v1/reconciliation?enterpriseId=${b.enterpriseId}`).set(zh);
    expect([refused.status, (refused.body as Problem).detail]).toEqual([403, '企业只能查看本企业的统计指标']);
    expect((await world.as(qingxin).get(`/api/v1/reconciliation?district=${QINGCHENG}`)).status).toBe(403);
  });

  it('refuses a bad query naming the field', async () => {
    const res = await world.as(city).get('/api/v1/reconciliation?enterpriseId=B&to=2026-13-01').set(zh);
    expect(res.status).toBe(400);
    expect((res.body as Problem).errors?.map((e) => e.path).sort()).toEqual(['enterpriseId', 'to']);
  });

  it('is a CSV with a BOM and Chinese headers too', async () => {
    shiftMs = 8 * DAY;
    const res = await world.as(city).get('/api/v1/reconciliation.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?reconciliation-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const [header, first] = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe('排名,企业,站点,区县,充装,送达实名用户,回收,去向不明,未到期,在站,去向不明率,去向不明气瓶（示例）');
    expect(first?.split(',').slice(3, 11)).toEqual([QINGCHENG, '3', '1', '1', '2', '0', '0', '66.7%']);
  });
});
