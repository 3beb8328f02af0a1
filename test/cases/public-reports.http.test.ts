import { aSite } from '../../seed/builders';
import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, principal, type EnterpriseKit } from '../alerts/alerts.harness';

/**
 * The public's reports (举报) from the verification page: a receipt for the reporter, the same
 * code at the same place counted once, the district's regulator's queue (the place decides the
 * district), a dismissal with a reason, a case from a report and its outcome read back with the
 * receipt — which reveals nothing else.
 */
const A = '441802';
const B = '441881';
const NEAR_A = { lat: 23.5, lng: 112.9 };
const NEAR_B = { lat: 24.3, lng: 113.6 };

type Report = { id: string; receipt: string | null; status: string; district: string | null; code: string | null; contact: string | null; duplicates: number; caseId: string | null; text: string; location: { lat: number; lng: number } | null };
type Problem = { code: string; errors?: { path: string; message: string }[] };

let world: World;
let kit: EnterpriseKit;
const city = principal('city_regulator');
const districtA = principal('district_regulator', { districtCode: A });
const districtB = principal('district_regulator', { districtCode: B });

beforeAll(async () => {
  world = await startWorld('cases_reports');
  kit = await anEnterpriseKit(world, A);
  const byCity = (body: object) => expectStatus(world.as(city).post('/api/v1/sites', body), 201);
  await byCity(aSite().inDistrict(A).forEnterprise(kit.enterpriseId).at(NEAR_A.lng + 0.01, NEAR_A.lat).build());
  await byCity(aSite().inDistrict(B).forEnterprise(kit.enterpriseId).at(NEAR_B.lng, NEAR_B.lat + 0.01).build());
}, 180_000);

afterAll(async () => {
  await world?.stop();
});

async function aCode(): Promise<{ path: string; grai: string }> {
  const id = await kit.newCylinder();
  await expectStatus(world.as(kit.admin).post(`/api/v1/cylinders/${id}/commission`), 201);
  const { uri, grai } = await expectStatus<{ uri: string; grai: string }>(world.as(kit.admin).get(`/api/v1/cylinders/${id}/code`), 200);
  const url = new URL(uri);
  return { path: `${url.pathname}${url.search}`, grai };
}

async function report(code: { path: string; grai: string }, body: object): Promise<{ id: string; receipt: string }> {
  const [pathname, search] = code.path.split('?');
  const res = await world.http.post(`${pathname}/report?${search}`).set('Accept', 'application/json').send(body);
  expect(res.status).toBe(201);
  return res.body as { id: string; receipt: string };
}

const queue = async (who = districtA, query = '') => (await expectStatus<{ items: Report[] }>(world.as(who).get(`/api/v1/public-reports${query}`), 200)).items;
const status = (receipt: string) => world.http.get(`/api/v1/public/report-status?receipt=${receipt}`);

describe('public reports', () => {
  it('gives a receipt, counts the same code at the same place once, and queues it for the district of the place', async () => {
    const code = await aCode();
    const first = await report(code, { reason: 'unlicensed_seller', note: '路边三轮车卖气', contact: '13800138000', ...NEAR_A });
    expect(first.receipt).toMatch(/^JB[2-9A-HJ-NP-Z]{10}$/);
    const again = await report(code, { reason: 'unlicensed_seller', lat: NEAR_A.lat + 0.0003, lng: NEAR_A.lng });
    expect(again.receipt).not.toBe(first.receipt);
    const elsewhere = await report(code, { reason: 'mobile_selling', ...NEAR_B });

    const mine = (await queue()).filter((r) => r.code === code.grai);
    expect(mine.map((r) => [r.id, r.receipt, r.district, r.duplicates, r.status, r.contact])).toEqual([[first.id, first.receipt, A, 1, 'new', '13800138000']]);
    expect(mine[0]?.text).toBe('无证经营 / 黑气点：路边三轮车卖气');
    expect((await queue(districtB)).filter((r) => r.code === code.grai).map((r) => r.id)).toEqual([elsewhere.id]);
    expect((await queue(city)).filter((r) => r.code === code.grai).map((r) => r.id).sort()).toEqual([first.id, elsewhere.id].sort());
    expect((await expectStatus<Problem>(world.as(districtB).get(`/api/v1/public-reports/${first.id}`), 404)).code).toBe('NOT_FOUND');
    // The auditor reads the queue without the reporter's contact; the enterprise reads no queue.
    const audited = (await queue(principal('auditor'))).find((r) => r.id === first.id);
    expect(audited?.contact).toBeNull();
    expect((await world.as(kit.admin).get('/api/v1/public-reports')).status).toBe(403);
    // Supervision's view of the report (an alert's evidence) carries no contact.
    expect((await world.qr.reportsByIds([first.id]))[0]).not.toHaveProperty('contact');

    // The duplicate's receipt reads the original's status, and nothing else.
    const read = await status(again.receipt);
    expect(read.status).toBe(200);
    expect(Object.keys(read.body as object).sort()).toEqual(['outcome', 'receipt', 'status', 'updatedAt']);
    expect(read.body).toMatchObject({ receipt: again.receipt, status: 'received', outcome: null });
  });

  it('dismisses a report with a reason (the district of the place only), and the reporter reads the dismissal', async () => {
    const code = await aCode();
    const sent = await report(code, { reason: 'other', ...NEAR_B });
    expect((await expectStatus<Problem>(world.as(districtA).post(`/api/v1/public-reports/${sent.id}/dismiss`, { reason: '越权' }), 404)).code).toBe('NOT_FOUND');
    expect((await expectStatus<Problem>(world.as(districtB).post(`/api/v1/public-reports/${sent.id}/dismiss`, {}), 400)).errors?.map((e) => e.path)).toEqual(['reason']);
    const dismissed = await expectStatus<Report>(world.as(districtB).post(`/api/v1/public-reports/${sent.id}/dismiss`, { reason: '现场核实为正规送气员' }), 200);
    expect(dismissed.status).toBe('dismissed');
    expect((await expectStatus<Problem>(world.as(districtB).post(`/api/v1/public-reports/${sent.id}/dismiss`, { reason: '再次' }), 409)).code).toBe('REPORT_DISMISSED');
    expect((await status(sent.receipt)).body).toMatchObject({ status: 'dismissed', outcome: 'dismissed' });
    expect((await queue(districtB, '?status=dismissed')).map((r) => r.id)).toContain(sent.id);
    expect((await queue(districtB, '?status=new')).map((r) => r.id)).not.toContain(sent.id);
  });

  it('turns a report into a case; the reporter reads the case\'s outcome with the receipt', async () => {
    const code = await aCode();
    const sent = await report(code, { reason: 'suspected_fake', ...NEAR_A });
    const opened = await expectStatus<{ id: string; district: string; reportIds: string[] }>(
      world.as(districtA).post('/api/v1/cases', { source: { type: 'report', reportId: sent.id }, subject: { type: 'location', location: NEAR_A }, legalBasis: '《城镇燃气管理条例》第四十五条', title: '群众举报疑似假瓶' }),
      201,
    );
    expect([opened.district, opened.reportIds]).toEqual([A, [sent.id]]);
    expect((await status(sent.receipt)).body).toMatchObject({ status: 'in_case', outcome: null });
    expect((await expectStatus<Report>(world.as(districtA).get(`/api/v1/public-reports/${sent.id}`), 200))).toMatchObject({ status: 'in_case', caseId: opened.id });
    expect((await expectStatus<Problem>(world.as(districtA).post('/api/v1/cases', { source: { type: 'report', reportId: sent.id }, subject: { type: 'location', location: NEAR_A }, legalBasis: '依据', title: '重复' }), 409)).code).toBe('REPORT_IN_CASE');
    expect((await expectStatus<Problem>(world.as(districtA).post(`/api/v1/public-reports/${sent.id}/dismiss`, { reason: '已立案' }), 409)).code).toBe('REPORT_IN_CASE');
    await expectStatus(world.as(districtA).post(`/api/v1/cases/${opened.id}/review`, { outcome: 'unfounded', note: '经查为正品，不予立案' }), 200);
    expect((await status(sent.receipt)).body).toMatchObject({ status: 'closed', outcome: 'unfounded' });
  });

  it('answers a malformed receipt 400, an unknown one 404, and a flood of checks 429', async () => {
    expect((await status('JB123')).status).toBe(400);
    const unknown = await status('JB2345678923');
    expect([unknown.status, (unknown.body as Problem).code]).toEqual([404, 'NOT_FOUND']);
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++) last = (await status('JB2345678923')).status;
    expect(last).toBe(429);
  });
});
