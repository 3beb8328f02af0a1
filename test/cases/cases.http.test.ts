import { startWorld, type World } from '../support/world';
import { anEnterpriseKit, expectStatus, principal, sleep, unknownCodes, type EnterpriseKit } from '../alerts/alerts.harness';

/**
 * Cases over HTTP, as the regulator's and the enterprise's consoles use them: 立案 from alerts →
 * assignment → the enterprise's rectification with a photo → 复查销号, each actor allowed only its
 * step, each step audited and kept in the history; the alerts close with the case; scope; bad
 * input; the overdue sweep.
 */
const DISTRICT = '441802';
const OTHER_DISTRICT = '441881';

type Account = { id: string; username: string; role: string };
type CaseBody = {
  id: string; number: string; status: string; outcome: string | null; district: string; enterpriseId: string | null; enterpriseName: string | null;
  alertIds: string[]; officer: Account | null; deadline: string | null; overdue: boolean; actions: string[];
  rectifications: { text: string; photoIds: string[]; by: Account }[]; history: { action: string; from: string | null; to: string; by: Account; note: string | null }[];
};
type AlertBody = { id: string; status: string; case?: { id: string; number: string; closed?: { outcome: string } }; subject: { kind: string; id: string } };
type Problem = { code: string; detail?: string; errors?: { path: string; message: string }[] };

let world: World;
let kit: EnterpriseKit;
let other: EnterpriseKit;
let officerId = '';
const city = principal('city_regulator');
const district = principal('district_regulator', { districtCode: DISTRICT });
const otherDistrict = principal('district_regulator', { districtCode: OTHER_DISTRICT });
const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rectified-valve-photo')]);

beforeAll(async () => {
  world = await startWorld('cases_http', { alerts: { now: () => world.clock.now() }, cases: { now: () => world.clock.now(), overdueSweepMs: 1 } });
  kit = await anEnterpriseKit(world, DISTRICT);
  other = await anEnterpriseKit(world, OTHER_DISTRICT);
  officerId = await world.insertUser({ username: `officer${Math.random().toString(36).slice(2, 7)}`, role: 'district_regulator', districtCode: DISTRICT, password: 'Officer-Passw0rd!' });
}, 180_000);

afterAll(async () => {
  await world?.stop();
});

const pass = async () => {
  world.alerts.runner.kick();
  await sleep(30);
  await world.alerts.settled();
};

async function openAlerts(tag: string): Promise<string[]> {
  await expectStatus(world.as(kit.admin).post('/api/v1/events/batch', { events: unknownCodes(2, tag) }), 200);
  await pass();
  const page = await expectStatus<{ items: AlertBody[] }>(world.as(city).get(`/api/v1/alerts?rule=OUT_OF_CITY_CYLINDER&enterprise=${kit.enterpriseId}`), 200);
  return page.items.filter((a) => a.subject.id.includes(tag)).map((a) => a.id);
}

const caseBody = (alertIds: string[]) => ({
  source: { type: 'alerts', alertIds },
  subject: { type: 'enterprise', id: kit.enterpriseId },
  legalBasis: '《城镇燃气管理条例》第四十五条',
  title: '使用非本市气瓶经营',
});

describe('the path 立案 → 整改 → 复查销号', () => {
  it('opens a case from alerts, assigns it, takes the enterprise\'s rectification and closes it with its alerts', async () => {
    const alertIds = await openAlerts('CASEA');
    expect(alertIds).toHaveLength(2);
    const opened = await expectStatus<CaseBody>(world.as(city).post('/api/v1/cases', caseBody(alertIds)), 201);
    expect(opened).toMatchObject({ number: `${DISTRICT}-${year}-0001`, status: 'open', outcome: null, district: DISTRICT, enterpriseId: kit.enterpriseId, officer: null, actions: ['assign', 'review'] });
    expect(opened.enterpriseName).toEqual(expect.any(String));
    expect([...opened.alertIds].sort()).toEqual([...alertIds].sort());
    for (const id of alertIds) {
      const alert = await expectStatus<AlertBody>(world.as(city).get(`/api/v1/alerts/${id}`), 200);
      expect(alert.case?.number).toBe(opened.number);
    }
    // The alerts are taken: a second case from them is refused and numbers nothing.
    expect((await expectStatus<Problem>(world.as(city).post('/api/v1/cases', caseBody(alertIds)), 409)).code).toBe('ALERT_IN_CASE');

    const admin = world.as(kit.admin);
    // The enterprise sees its case, with its own next step only once it is assigned.
    expect((await expectStatus<CaseBody>(admin.get(`/api/v1/cases/${opened.id}`), 200)).actions).toEqual([]);
    expect((await expectStatus<Problem>(admin.post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline: new Date(Date.now() + 86_400_000).toISOString() }), 403)).code).toBe('FORBIDDEN');
    expect((await expectStatus<Problem>(admin.post(`/api/v1/cases/${opened.id}/rectification`, { text: '已整改' }), 409)).code).toBe('CASE_TRANSITION_REFUSED');

    const deadline = new Date(world.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const assigned = await expectStatus<CaseBody>(world.as(district).post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline }), 200);
    expect(assigned).toMatchObject({ status: 'assigned', deadline, overdue: false, officer: { id: officerId, role: 'district_regulator' } });
    // The note the system wrote: codes kept, said in the reader's language (English by default).
    expect(assigned.history[1]?.note).toMatch(new RegExp(`^.+, ${deadline.replace(/[.]/g, '\\.')}$`));
    const inChinese = await world.http.get(`/api/v1/cases/${opened.id}`).set('Authorization', `Bearer ${world.tokenFor(district)}`).set('Accept-Language', 'zh-CN');
    expect((inChinese.body as CaseBody).history[1]?.note).toMatch(/^承办人 .+，整改期限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect((await expectStatus<CaseBody>(admin.get(`/api/v1/cases/${opened.id}`), 200)).actions).toEqual(['rectification']);
    // A regulator does not rectify; the enterprise does not review.
    expect((await expectStatus<Problem>(world.as(district).post(`/api/v1/cases/${opened.id}/rectification`, { text: '代为整改' }), 403)).code).toBe('FORBIDDEN');
    expect((await expectStatus<Problem>(admin.post(`/api/v1/cases/${opened.id}/review`, { outcome: 'rectified', note: '自查合格' }), 403)).code).toBe('FORBIDDEN');

    const photo = await world.http.post(`/api/v1/cases/${opened.id}/photos`).set('Authorization', `Bearer ${world.tokenFor(kit.admin)}`).set('Content-Type', 'image/png').send(PNG);
    expect(photo.status).toBe(201);
    const photoId = String(photo.body.id);
    const image = await world.http.get(`/api/v1/cases/${opened.id}/photos/${photoId}`).set('Authorization', `Bearer ${world.tokenFor(district)}`);
    expect([image.status, image.headers['content-type']]).toEqual([200, 'image/png']);
    expect(Buffer.compare(image.body as Buffer, PNG)).toBe(0);
    const submitted = await expectStatus<CaseBody>(admin.post(`/api/v1/cases/${opened.id}/rectification`, { text: '已停止使用外地气瓶，全部退回', photoIds: [photoId] }), 200);
    expect(submitted.status).toBe('submitted');
    // Every photo of the case is listed with the case (the consoles show them as thumbnails), none of its bytes.
    const photos = (submitted as unknown as { photos: { id: string; type: string; bytes: number; uploadedBy: { id: string } }[] }).photos;
    expect(photos).toEqual([expect.objectContaining({ id: photoId, type: 'image/png', bytes: PNG.length, uploadedBy: expect.objectContaining({ id: kit.admin.userId }) })]);
    expect(submitted.rectifications).toEqual([expect.objectContaining({ text: '已停止使用外地气瓶，全部退回', photoIds: [photoId], by: expect.objectContaining({ id: kit.admin.userId, role: 'enterprise_admin' }) })]);

    const closed = await expectStatus<CaseBody>(world.as(district).post(`/api/v1/cases/${opened.id}/review`, { outcome: 'rectified', note: '复查合格，予以销号' }), 200);
    expect(closed).toMatchObject({ status: 'closed', outcome: 'rectified', actions: [] });
    expect(closed.history.map((h) => [h.action, h.from, h.to, h.by.id])).toEqual([
      ['open', null, 'open', city.userId],
      ['assign', 'open', 'assigned', district.userId],
      ['rectification', 'assigned', 'submitted', kit.admin.userId],
      ['review', 'submitted', 'closed', district.userId],
    ]);
    expect(closed.history[3]?.note).toBe('复查合格，予以销号');
    for (const id of alertIds) {
      const alert = await expectStatus<AlertBody>(world.as(city).get(`/api/v1/alerts/${id}`), 200);
      expect([alert.status, alert.case?.closed?.outcome]).toEqual(['closed', 'rectified']);
    }
    // A closed case takes nothing more.
    expect((await expectStatus<Problem>(world.as(district).post(`/api/v1/cases/${opened.id}/review`, { outcome: 'unfounded', note: '再议' }), 409)).code).toBe('CASE_TRANSITION_REFUSED');
    // Every step is in the audit trail with who did it.
    const audit = await expectStatus<{ items: { action: string; actor: { userId: string } }[] }>(world.as(city).get(`/api/v1/audit?resource=cases&recordId=${opened.id}`), 200);
    expect(audit.items.map((e) => [e.action, e.actor.userId]).reverse()).toEqual([
      ['case_open', city.userId],
      ['case_assign', district.userId],
      ['case_rectification', kit.admin.userId],
      ['case_review', district.userId],
    ]);
  });

  it('sends a case back when not rectified, to be assigned again, and closes one unfounded from open', async () => {
    const opened = await expectStatus<CaseBody>(world.as(district).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: kit.supplyPoint }, legalBasis: '《广东省燃气管理条例》', title: '供应站未按规定存放气瓶' }), 201);
    expect(opened.number).toBe(`${DISTRICT}-${year}-0002`);
    const deadline = new Date(world.clock.now().getTime() + 86_400_000).toISOString();
    await expectStatus(world.as(district).post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline }), 200);
    await expectStatus(world.as(kit.admin).post(`/api/v1/cases/${opened.id}/rectification`, { text: '已整改' }), 200);
    const escalated = await expectStatus<CaseBody>(world.as(district).post(`/api/v1/cases/${opened.id}/review`, { outcome: 'not_rectified', note: '现场仍有气瓶露天堆放' }), 200);
    expect([escalated.status, escalated.outcome, escalated.actions]).toEqual(['escalated', null, ['assign', 'review']]);
    expect((await expectStatus<CaseBody>(world.as(district).post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline }), 200)).status).toBe('assigned');

    const own = await expectStatus<CaseBody>(world.as(city).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'location', location: { lat: 23.7, lng: 113.03, address: '清城区某路口' } }, legalBasis: '《城镇燃气管理条例》', title: '疑似黑气点', district: DISTRICT }), 201);
    expect([own.number, own.enterpriseId]).toEqual([`${DISTRICT}-${year}-0003`, null]);
    const unfounded = await expectStatus<CaseBody>(world.as(city).post(`/api/v1/cases/${own.id}/review`, { outcome: 'unfounded', note: '现场核实无经营行为' }), 200);
    expect([unfounded.status, unfounded.outcome]).toEqual(['closed', 'unfounded']);
    // Rectified needs a rectification to judge.
    const fresh = await expectStatus<CaseBody>(world.as(city).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: other.station }, legalBasis: '《城镇燃气管理条例》', title: '充装站台账不全' }), 201);
    expect(fresh.number).toBe(`${OTHER_DISTRICT}-${year}-0001`);
    const refused = await expectStatus<Problem>(world.as(city).post(`/api/v1/cases/${fresh.id}/review`, { outcome: 'rectified', note: '合格' }), 409);
    expect(refused.detail).toBe('review rectified is not allowed in status open (allowed: unfounded)');
  });
});

describe('scope', () => {
  it('shows a case to the city, its district and its enterprise only; others get 404 as for a missing case', async () => {
    const opened = await expectStatus<CaseBody>(world.as(city).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: kit.station }, legalBasis: '《城镇燃气管理条例》', title: '充装前未检查' }), 201);
    for (const who of [city, district, kit.admin]) {
      expect((await expectStatus<CaseBody>(world.as(who).get(`/api/v1/cases/${opened.id}`), 200)).id).toBe(opened.id);
      const page = await expectStatus<{ items: CaseBody[] }>(world.as(who).get('/api/v1/cases?limit=200'), 200);
      expect(page.items.map((c) => c.id)).toContain(opened.id);
    }
    for (const [who, step, body] of [[otherDistrict, 'review', { outcome: 'unfounded', note: '越权' }], [other.admin, 'rectification', { text: '越权' }]] as const) {
      expect((await expectStatus<Problem>(world.as(who).get(`/api/v1/cases/${opened.id}`), 404)).code).toBe('NOT_FOUND');
      expect((await expectStatus<Problem>(world.as(who).post(`/api/v1/cases/${opened.id}/${step}`, body), 404)).code).toBe('NOT_FOUND');
      const page = await expectStatus<{ items: CaseBody[] }>(world.as(who).get('/api/v1/cases?limit=200'), 200);
      expect(page.items.map((c) => c.id)).not.toContain(opened.id);
    }
    // A district regulator opens no case about another district's site.
    expect((await expectStatus<Problem>(world.as(otherDistrict).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: kit.station }, legalBasis: '依据', title: '越权立案' }), 404)).code).toBe('NOT_FOUND');
    for (const role of ['filling_operator', 'delivery_worker'] as const) {
      expect((await world.as(principal(role, { enterpriseId: kit.enterpriseId })).get('/api/v1/cases')).status).toBe(403);
    }
  });
});

describe('bad input', () => {
  it('answers 400 naming every bad field in Chinese, and opens nothing', async () => {
    const before = (await expectStatus<{ items: CaseBody[] }>(world.as(city).get('/api/v1/cases?limit=200'), 200)).items.length;
    const res = await world.as(city).post('/api/v1/cases', { source: { type: 'alerts' }, subject: { type: 'site' }, legalBasis: '', extra: 1 }).set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(400);
    const body = res.body as Problem;
    expect(body.code).toBe('VALIDATION_FAILED');
    const paths = (body.errors ?? []).map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['source.alertIds', 'subject.id', 'legalBasis', 'title']));
    expect((body.errors ?? []).filter((e) => !/[\u4e00-\u9fff]/.test(e.message))).toEqual([]);
    const assign = await world.as(city).post(`/api/v1/cases/0123456789abcdef01234567/assign`, { officerId: 'nope', deadline: 'tomorrow' }).set('Accept-Language', 'zh-CN');
    expect(assign.status).toBe(400);
    expect(((assign.body as Problem).errors ?? []).map((e) => e.path).sort()).toEqual(['deadline', 'officerId']);
    const after = (await expectStatus<{ items: CaseBody[] }>(world.as(city).get('/api/v1/cases?limit=200'), 200)).items.length;
    expect(after).toBe(before);
  });

  it('refuses an officer who is no regulator of the case\'s district, and a deadline in the past', async () => {
    const opened = await expectStatus<CaseBody>(world.as(city).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: other.station }, legalBasis: '依据', title: '另一区的案件' }), 201);
    const wrong = await expectStatus<Problem>(world.as(city).post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline: new Date(Date.now() + 86_400_000).toISOString() }), 400);
    expect(wrong.errors).toEqual([{ path: 'officerId', message: "is not an active regulator of the case's district or the city" }]);
    const past = await expectStatus<Problem>(world.as(city).post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline: '2020-01-01' }), 400);
    expect(past.errors?.map((e) => e.path)).toEqual(['deadline']);
  });
});

describe('RECTIFICATION_OVERDUE', () => {
  it('raises the alert once a deadline passes without a rectification, and lists the case as overdue', async () => {
    const opened = await expectStatus<CaseBody>(world.as(district).post('/api/v1/cases', { source: { type: 'own' }, subject: { type: 'site', id: kit.station }, legalBasis: '依据', title: '逾期未整改' }), 201);
    await expectStatus(world.as(district).post(`/api/v1/cases/${opened.id}/assign`, { officerId, deadline: new Date(world.clock.now().getTime() + 3_600_000).toISOString() }), 200);
    await pass();
    const overdueAlerts = async () => (await expectStatus<{ items: AlertBody[] }>(world.as(district).get('/api/v1/alerts?rule=RECTIFICATION_OVERDUE'), 200)).items.filter((a) => a.subject.id === opened.id);
    expect(await overdueAlerts()).toHaveLength(0);
    world.clock.advance(2 * 3_600_000);
    await pass();
    expect((await overdueAlerts()).map((a) => a.subject)).toEqual([{ kind: 'case', id: opened.id }]);
    // The enterprise sees the alert about itself too.
    const mine = await expectStatus<{ items: AlertBody[] }>(world.as(kit.admin).get('/api/v1/alerts?rule=RECTIFICATION_OVERDUE'), 200);
    expect(mine.items.map((a) => a.subject.id)).toContain(opened.id);
    const overdue = await expectStatus<{ items: CaseBody[] }>(world.as(district).get('/api/v1/cases?overdue=true'), 200);
    expect(overdue.items.map((c) => [c.id, c.overdue])).toContainEqual([opened.id, true]);
    const figures = await world.components.cases.caseFigures({ district: DISTRICT }, { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000 * 2) });
    expect(figures.overdue).toBeGreaterThanOrEqual(1);
    expect(figures.closedRectified).toBe(1);
  });
});
