import jsQR from 'jsqr';
import { Types } from 'mongoose';
import { PNG } from 'pngjs';
import { anEnterprise, aCylinder, aSite } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { buildGrai, parseGrai, parseQrUri } from '../../src/components/qr';
import { QR_SCAN_LIMIT_COLLECTION } from '../../src/components/qr';
import { expectStatus, principal } from '../registry/registry.harness';
import { QR_DOMAIN, startQrWorld, type QrWorld } from './qr.harness';

interface Code { cylinderId: string; grai: string; uri: string; graiText: string; serial: string }
interface Outcome { cylinderId: string; status: string; code?: Code; reason?: string }

/** What a person sees: the page's text without tags, entities decoded, spaces collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, ' ');
}

/** The path and query of a code's URI, as the phone opens it on our host. */
const pathOf = (uri: string) => uri.replace(`https://${QR_DOMAIN}`, '');

let world: QrWorld;
let city: Principal;
let admin: Principal;
let otherAdmin: Principal;
let enterpriseName: string;
let stationId: string;
let stationName: string;

async function aRegisteredCylinder(build = aCylinder()): Promise<string> {
  const body = build.forEnterprise(admin.enterpriseId ?? '').registeredTo(stationId).build();
  return (await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/cylinders', body), 201)).id;
}

/**
 * What the ledger's scrap event does to the record (in its transaction): this world's ledger is a
 * stand-in, and a commissioned cylinder is scrapped only through the ledger, never by PATCH.
 */
async function scrappedByLedger(id: string): Promise<void> {
  await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(id) }, { $set: { scrappedAt: new Date() } });
}

async function commissioned(build = aCylinder()): Promise<Code & { id: string }> {
  const id = await aRegisteredCylinder(build);
  const outcome = await expectStatus<Outcome>(world.as(admin).post(`/api/v1/cylinders/${id}/commission`), 201);
  return { id, ...(outcome.code as Code) };
}

beforeAll(async () => {
  world = await startQrWorld('qr_http');
  city = principal('city_regulator');
  const enterprise = anEnterprise().inDistrict('441802').build();
  enterpriseName = enterprise.name;
  const a = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/enterprises', enterprise), 201);
  const b = await expectStatus<{ id: string }>(world.as(city).post('/api/v1/enterprises', anEnterprise().inDistrict('441803').build()), 201);
  admin = principal('enterprise_admin', { enterpriseId: a.id });
  otherAdmin = principal('enterprise_admin', { enterpriseId: b.id });
  const site = aSite().fillingStation().inDistrict('441802').build();
  stationName = site.name;
  stationId = (await expectStatus<{ id: string }>(world.as(admin).post('/api/v1/sites', site), 201)).id;
});

afterAll(async () => {
  await world.stop();
});

describe('commissioning (赋码建档)', () => {
  it('binds a GRAI once: the second call answers the same code, a different code is refused', async () => {
    const id = await aRegisteredCylinder(aCylinder().ofSize(15));
    const first = await expectStatus<Outcome>(world.as(admin).post(`/api/v1/cylinders/${id}/commission`), 201);
    expect(first.status).toBe('commissioned');
    const grai = first.code?.grai ?? '';
    // 0 + prefix 0614141 + asset type 00015 (15 kg) + check digit + serial.
    expect(grai).toMatch(/^0061414100015\d\d+$/);
    expect(parseGrai(grai, 7).ok).toBe(true);

    const again = await expectStatus<Outcome>(world.as(admin).post(`/api/v1/cylinders/${id}/commission`), 200);
    expect(again).toMatchObject({ status: 'already_commissioned', code: { grai } });

    const other = buildGrai('0614141', '15', '99999999').value;
    const refused = await expectStatus<{ code: string }>(world.as(admin).post(`/api/v1/cylinders/${id}/commission`, { grai: other }), 409);
    expect(refused.code).toBe('GRAI_ALREADY_BOUND');
    expect((await expectStatus<Code>(world.as(admin).get(`/api/v1/cylinders/${id}/code`), 200)).grai).toBe(grai);

    // The ledger is told once per cylinder, always under the same event id.
    expect(world.ledger.commissions.filter((c) => c.cylinderId === id)).toEqual([expect.objectContaining({ grai })]);
  });

  it('gives each capacity its own asset type', async () => {
    const small = await commissioned(aCylinder().ofSize(5));
    const large = await commissioned(aCylinder().ofSize(50));
    expect(small.grai.slice(8, 13)).toBe('00005');
    expect(large.grai.slice(8, 13)).toBe('00050');
  });

  it('commissions a batch and reports each cylinder; another enterprise\'s cylinder is not found', async () => {
    const a = await aRegisteredCylinder();
    const b = (await commissioned()).id;
    const foreign = new Types.ObjectId().toHexString();
    const body = await expectStatus<{ items: Outcome[] }>(world.as(admin).post('/api/v1/qr/commission', { cylinderIds: [a, b, foreign] }), 200);
    expect(body.items.map((i) => [i.cylinderId, i.status, i.reason])).toEqual([
      [a, 'commissioned', undefined],
      [b, 'already_commissioned', undefined],
      [foreign, 'rejected', 'NOT_FOUND'],
    ]);
    const other = await expectStatus<{ items: Outcome[] }>(world.as(otherAdmin).post('/api/v1/qr/commission', { cylinderIds: [a] }), 200);
    expect(other.items[0]).toMatchObject({ status: 'rejected', reason: 'NOT_FOUND' });
    await expectStatus(world.as(principal('auditor')).post('/api/v1/qr/commission', { cylinderIds: [a] }), 403);
    const invalid = await expectStatus<{ errors: { path: string }[] }>(world.as(admin).post('/api/v1/qr/commission', { cylinderIds: [], extra: 1 }), 400);
    expect(invalid.errors.map((e) => e.path).sort()).toEqual(['cylinderIds', 'extra']);
  });

  it('refuses to scrap a commissioned cylinder by PATCH, pointing at the ledger\'s scrap event; an uncommissioned one may still be closed', async () => {
    const live = await commissioned();
    const refused = await expectStatus<{ code: string; detail: string; errors: { path: string }[] }>(
      world.as(admin).patch(`/api/v1/cylinders/${live.id}`, { scrappedAt: new Date().toISOString().slice(0, 10) }),
      409,
    );
    expect(refused).toMatchObject({ code: 'SCRAP_THROUGH_LEDGER', errors: [{ path: 'scrappedAt' }] });
    expect(refused.detail).toContain('scrap');
    const record = await expectStatus<{ status: string; scrappedAt?: string }>(world.as(admin).get(`/api/v1/cylinders/${live.id}`), 200);
    expect(record.scrappedAt).toBeUndefined();
    const never = await aRegisteredCylinder();
    await expectStatus(world.as(admin).patch(`/api/v1/cylinders/${never}`, { scrappedAt: new Date().toISOString().slice(0, 10) }), 200);
  });

  it('refuses a scrapped cylinder, retires its code, and never issues a retired GRAI again', async () => {
    const scrappedFirst = await aRegisteredCylinder();
    await expectStatus(world.as(admin).patch(`/api/v1/cylinders/${scrappedFirst}`, { scrappedAt: new Date().toISOString().slice(0, 10) }), 200);
    expect((await expectStatus<{ code: string }>(world.as(admin).post(`/api/v1/cylinders/${scrappedFirst}/commission`), 409)).code).toBe('CYLINDER_SCRAPPED');

    const x = await commissioned();
    expect((await expectStatus<{ code: string }>(world.as(admin).post(`/api/v1/cylinders/${x.id}/retire-code`), 409)).code).toBe('CYLINDER_NOT_SCRAPPED');
    await scrappedByLedger(x.id);
    await expectStatus(world.as(admin).post(`/api/v1/cylinders/${x.id}/retire-code`), 200);
    const retired = await world.connection.collection('retired_grais').findOne({ grai: x.grai });
    expect(retired).toMatchObject({ grai: x.grai });

    // Worst case: the serial counter restored from an old backup and the scrapped record's code lost.
    await world.connection.collection('qr_counters').deleteMany({});
    await world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(x.id) }, { $unset: { grai: 1 } });
    const fresh: string[] = [];
    for (let i = 0; i < 6; i += 1) fresh.push((await commissioned()).grai);
    expect(fresh).not.toContain(x.grai);
    const y = await aRegisteredCylinder();
    expect((await expectStatus<{ code: string }>(world.as(admin).post(`/api/v1/cylinders/${y}/commission`, { grai: x.grai }), 409)).code).toBe('GRAI_RETIRED');
  });
});

describe('labels', () => {
  it('a PNG label decodes (jsQR) to the signed URI of the cylinder', async () => {
    const c = await commissioned();
    const res = await world.as(admin).get(`/api/v1/cylinders/${c.id}/label.png`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = PNG.sync.read(res.body as Buffer);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? '';
    const parsed = parseQrUri(decoded, QR_DOMAIN);
    if (!parsed.ok) throw new Error(`decoded ${decoded}: ${parsed.reason}`);
    expect(parsed.grai).toBe(c.grai);
    expect(world.qr.keyring.verify(parsed.grai, parsed.signature ?? '')).toMatchObject({ valid: true });
  });

  it('an SVG label shows the GRAI and the steel-stamp serial; a sheet holds one label per cylinder', async () => {
    const a = await commissioned();
    const b = await commissioned();
    const svg = await world.as(admin).get(`/api/v1/cylinders/${a.id}/label.svg`);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const text = (svg.body as Buffer).toString();
    expect(text).toContain(a.graiText);
    expect(text).toContain(`钢印号 ${a.serial}`);

    const uncommissioned = await aRegisteredCylinder();
    const sheet = await world.as(admin).get(`/api/v1/qr/sheets?cylinderIds=${a.id},${b.id},${uncommissioned}`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers['content-type']).toMatch(/^text\/html/);
    expect(sheet.text.match(/<figure class="label"/g)).toHaveLength(2);
    expect(sheet.text).toContain('/assets/css/qr-sheet.css');
    expect(visibleText(sheet.text)).toContain(`${uncommissioned} NOT_COMMISSIONED`);
    const css = await world.http.get('/assets/css/qr-sheet.css');
    expect(css.text).toMatch(/@page\s*{\s*size:\s*A4/);
  });

  it('gives the console the same labels as JSON, each with its SVG, another enterprise\'s cylinder skipped like a missing one', async () => {
    const [a, b] = [await commissioned(), await commissioned()];
    const uncommissioned = await aRegisteredCylinder();
    const labels = await world.as(admin).get(`/api/v1/qr/labels?cylinderIds=${a.id},${b.id},${uncommissioned}`);
    expect(labels.status).toBe(200);
    expect(labels.body.items.map((i: { grai: string }) => i.grai)).toEqual([a.grai, b.grai]);
    expect(labels.body.items[0]).toMatchObject({ cylinderId: a.id, uri: a.uri, serial: a.serial });
    expect(labels.body.items[0].svg).toMatch(/^<svg[^>]*width="38mm"/);
    expect(labels.body.skipped).toEqual([{ cylinderId: uncommissioned, reason: 'NOT_COMMISSIONED' }]);
    const foreign = await world.as(otherAdmin).get(`/api/v1/qr/labels?cylinderIds=${a.id}`);
    expect(foreign.body).toEqual({ items: [], skipped: [{ cylinderId: a.id, reason: 'NOT_FOUND' }] });
  });
});

describe('public verification page /8003/{GRAI}', () => {
  it('shows a genuine cylinder in zh-CN: owner, capacity, next inspection, last fill at a registered station', async () => {
    const c = await commissioned(aCylinder().ofSize(15));
    world.ledger.states.set(c.id, { state: 'with_customer', lastFill: { siteId: stationId, at: new Date('2025-03-01T06:05:00Z') } });
    const res = await world.http.get(pathOf(c.uri));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="zh-CN">');
    const text = visibleText(res.text);
    expect(text).toContain('正品气瓶：二维码真实有效');
    expect(text).toContain(enterpriseName);
    expect(text).toContain('15 kg (YSP-15)');
    expect(text).toContain(`${stationName} · 2025-03-01 14:05`);
    expect(text).toContain(c.serial);
    expect(text).not.toMatch(/严禁|警告/);
  });

  it('warns about an overdue, a past-service-life and a scrapped cylinder', async () => {
    const overdue = await commissioned(aCylinder().overdue());
    expect(visibleText((await world.http.get(pathOf(overdue.uri))).text)).toContain('此气瓶已超过定期检验日期（超期未检），严禁充装和使用！');
    const old = await commissioned(aCylinder().pastServiceLife());
    expect(visibleText((await world.http.get(pathOf(old.uri))).text)).toContain('此气瓶已超过设计使用年限，应予报废');
    const scrapped = await commissioned();
    await scrappedByLedger(scrapped.id);
    const text = visibleText((await world.http.get(pathOf(scrapped.uri))).text);
    expect(text).toContain('此气瓶已报废，严禁充装和使用！');
    expect(text).toContain('已报废');
    // Seeing it scrapped retires its code.
    expect(await world.connection.collection('retired_grais').findOne({ grai: scrapped.grai })).not.toBeNull();
  });

  it('warns about a lost cylinder and a last fill outside the city\'s registered stations', async () => {
    const c = await commissioned();
    world.ledger.states.set(c.id, { state: 'lost', lastFill: { siteId: new Types.ObjectId().toHexString(), at: new Date() } });
    const text = visibleText((await world.http.get(pathOf(c.uri))).text);
    expect(text).toContain('此气瓶已登记为丢失。');
    expect(text).toContain('最近一次充装不在本市登记的充装站，可能是非法充装。');
  });

  it('warns about an unknown code, a bad signature and an altered digit', async () => {
    const never = buildGrai('0614141', '15', '77777777').value;
    const unknown = await world.http.get(`/8003/${never}?s=k1.AAAAAAAAAAAAAAAAAAAAAA`);
    expect(unknown.status).toBe(404);
    expect(visibleText(unknown.text)).toContain('本市未登记此气瓶码，可能是伪造或外地气瓶。');

    const c = await commissioned();
    const forgedSig = await world.http.get(`/8003/${c.grai}?s=k1.AAAAAAAAAAAAAAAAAAAAAA`);
    const forgedText = visibleText(forgedSig.text);
    expect(forgedText).toContain('警告：此二维码不是真码');
    expect(forgedText).toContain('防伪签名校验失败：二维码被篡改或伪造。');
    expect(forgedText).not.toContain(enterpriseName);

    const last = Number(c.grai.at(-1));
    const altered = `${c.grai.slice(0, -1)}${(last + 1) % 10}`;
    const signature = new URL(c.uri).searchParams.get('s') ?? '';
    const alteredRes = await world.http.get(`/8003/${altered}?s=${signature}`).set('Accept', 'application/json');
    expect(alteredRes.body).toMatchObject({ verdict: expect.not.stringMatching(/^genuine$/) });
    const digit = `${c.grai.slice(0, 3)}${(Number(c.grai[3]) + 1) % 10}${c.grai.slice(4)}`;
    expect((await world.http.get(`/8003/${digit}?s=${signature}`).set('Accept', 'application/json')).body).toMatchObject({ verdict: 'not_genuine', warnings: ['MALFORMED_CODE'] });
    // Without its signature (typed by hand) the code cannot be verified: neither genuine nor fake.
    expect((await world.http.get(`/8003/${c.grai}`).set('Accept', 'application/json')).body).toMatchObject({ verdict: 'unverified', signature: 'missing', warnings: ['MISSING_SIGNATURE'] });
  });

  it('refuses every other spelling of a printed signature: only the canonical base64url is genuine', async () => {
    const c = await commissioned();
    const printed = new URL(c.uri).searchParams.get('s') ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The 22nd character carries 2 bits of the MAC and 4 unused ones: 15 other spellings decode alike.
    const last = alphabet.indexOf(printed.at(-1) ?? '');
    const variants = [...alphabet].filter((ch, i) => i !== last && i >> 4 === last >> 4).map((ch) => `${printed.slice(0, -1)}${ch}`);
    expect(variants).toHaveLength(15);
    expect(Buffer.from(variants[0]?.slice(3) ?? '', 'base64url')).toEqual(Buffer.from(printed.slice(3), 'base64url'));
    expect((await world.http.get(`/8003/${c.grai}?s=${printed}`).set('Accept', 'application/json')).body).toMatchObject({ verdict: 'genuine', signature: 'valid' });
    for (const variant of variants) {
      const json = await world.http.get(`/8003/${c.grai}?s=${variant}`).set('Accept', 'application/json');
      expect([variant, json.body]).toEqual([variant, expect.objectContaining({ verdict: 'not_genuine', signature: 'invalid', warnings: ['BAD_SIGNATURE'] })]);
      const page = visibleText((await world.http.get(`/8003/${c.grai}?s=${variant}`)).text);
      expect(page).toContain('防伪签名校验失败：二维码被篡改或伪造。');
      expect(page).not.toContain(enterpriseName);
    }
    // A report sent from an altered code is stored as one about a code that is not genuine.
    const reported = await world.http.post(`/8003/${c.grai}/report?s=${variants[0] ?? ''}`).set('Accept', 'application/json').send({ reason: 'suspected_fake' });
    expect(reported.status).toBe(201);
    expect(await world.connection.collection('public_reports').findOne({ grai: c.grai })).toMatchObject({ verdict: 'not_genuine' });
  });

  it('speaks English with ?lang=en or Accept-Language, Chinese otherwise', async () => {
    const c = await commissioned(aCylinder().overdue());
    const en = visibleText((await world.http.get(`${pathOf(c.uri)}&lang=en`)).text);
    expect(en).toContain('Cylinder overdue for inspection: do not fill or use it');
    expect(en).not.toContain('Genuine cylinder');
    expect(en).toContain('overdue for its periodic inspection');
    const byHeader = await world.http.get(pathOf(c.uri)).set('Accept-Language', 'en-US,en;q=0.9');
    expect(byHeader.text).toContain('<html lang="en">');
    const zh = await world.http.get(pathOf(c.uri)).set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.5');
    expect(zh.text).toContain('<html lang="zh-CN">');
  });

  it('answers the same information as JSON by content negotiation', async () => {
    const c = await commissioned(aCylinder().overdue().ofSize(50));
    const res = await world.http.get(pathOf(c.uri)).set('Accept', 'application/json');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      grai: c.grai,
      verdict: 'genuine',
      signature: 'valid',
      warnings: ['OVERDUE_INSPECTION'],
      cylinder: { enterpriseName, nominalKg: 50, model: 'YSP-50', serial: c.serial, status: 'overdue_inspection', lastFill: null },
    });
    expect(res.body.cylinder.nextInspectionDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('keeps verifying codes signed with the old key after rotation, and signs new labels with the new key', async () => {
    const c = await commissioned();
    expect(c.uri).toContain('?s=k1.');
    await world.reconfigure({ keyId: 'k2' });
    try {
      const code = await expectStatus<Code>(world.as(admin).get(`/api/v1/cylinders/${c.id}/code`), 200);
      expect(code.uri).toContain('?s=k2.');
      expect((await world.http.get(pathOf(c.uri)).set('Accept', 'application/json')).body.verdict).toBe('genuine');
      expect((await world.http.get(pathOf(code.uri)).set('Accept', 'application/json')).body.verdict).toBe('genuine');
      await world.reconfigure({ keyId: 'k2', revokedKeyIds: ['k1'] });
      expect((await world.http.get(pathOf(c.uri)).set('Accept', 'application/json')).body).toMatchObject({ verdict: 'not_genuine', warnings: ['BAD_SIGNATURE'] });
    } finally {
      await world.reconfigure({});
    }
  });

  it('records every scan without personal data', async () => {
    const c = await commissioned();
    await world.connection.collection('public_scans').deleteMany({});
    await world.http.get(`${pathOf(c.uri)}&lat=23.681234&lng=113.056789`).set('User-Agent', 'Mozilla/5.0 (iPhone) secret-device-id');
    await world.http.get('/8003/123');
    const scans = await world.connection.collection('public_scans').find({}).sort({ at: 1 }).toArray();
    expect(scans).toHaveLength(2);
    for (const scan of scans) {
      expect(Object.keys(scan).sort()).toEqual(expect.arrayContaining(['_id', 'at', 'clientHash', 'grai', 'verdict', 'warnings']));
      expect(Object.keys(scan).every((k) => ['_id', 'seq', 'at', 'clientHash', 'grai', 'verdict', 'warnings', 'location'].includes(k))).toBe(true);
      expect(scan.clientHash).toMatch(/^[0-9a-f]{12}$/);
      const raw = JSON.stringify(scan);
      expect(raw).not.toMatch(/127\.0\.0\.1|::1|::ffff|iPhone|secret-device-id/);
    }
    expect(scans[0]).toMatchObject({ grai: c.grai, verdict: 'genuine', location: { lat: 23.68, lng: 113.06 } });
    expect(scans[1]).toMatchObject({ grai: '123', verdict: 'not_genuine', warnings: ['MALFORMED_CODE'] });
  });

  it('stores a report from the form and from JSON, and names the bad field', async () => {
    const c = await commissioned();
    const signature = new URL(c.uri).searchParams.get('s') ?? '';
    const form = await world.http
      .post(`/8003/${c.grai}/report?s=${signature}`)
      .type('form')
      .set('Accept', 'text/html')
      .send({ reason: 'unlicensed_seller', note: '路边三轮车在卖气', lat: '23.68123', lng: '113.05678' });
    expect(form.status).toBe(303);
    expect(form.headers.location).toContain('reported=1');
    const thanks = await world.http.get(form.headers.location as string);
    expect(visibleText(thanks.text)).toContain('已收到您的举报，感谢您的监督！');
    const receipt = /receipt=(JB[0-9A-Z]{10})/.exec(String(form.headers.location))?.[1];
    expect(receipt).toMatch(/^JB[2-9A-HJ-NP-Z]{10}$/);
    expect(visibleText(thanks.text)).toMatch(new RegExp(`举报回执号：\\s*${receipt}`));

    const json = await world.http.post(`/8003/${c.grai}/report`).set('Accept', 'application/json').send({ reason: 'suspected_fake' });
    expect(json.status).toBe(201);
    const reports = await world.connection.collection('public_reports').find({ grai: c.grai }).sort({ at: 1 }).toArray();
    expect(reports.map((r) => [r.reason, r.note, r.coordinates, r.verdict])).toEqual([
      ['unlicensed_seller', '路边三轮车在卖气', [113.0568, 23.6812], 'genuine'],
      ['suspected_fake', undefined, undefined, 'unverified'],
    ]);
    expect(json.body.receipt).toMatch(/^JB[2-9A-HJ-NP-Z]{10}$/);

    const bad = await world.http.post(`/8003/${c.grai}/report`).set('Accept', 'application/json').send({ reason: 'nonsense', ip: '1.2.3.4' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(bad.text).errors.map((e: { path: string }) => e.path).sort()).toEqual(['ip', 'reason']);
  });

  it('answers 429 problem+json with Retry-After when one address asks too often', async () => {
    const c = await commissioned();
    // The production limit (settings → the shared limiter), lowered, with the earlier tests' counts gone.
    await world.connection.collection(QR_SCAN_LIMIT_COLLECTION).deleteMany({});
    await world.reconfigure({ scanRatePerMinute: 2 });
    try {
      expect((await world.http.get(pathOf(c.uri))).status).toBe(200);
      expect((await world.http.get(pathOf(c.uri))).status).toBe(200);
      const limited = await world.http.get(pathOf(c.uri)).set('Accept', 'application/json');
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(JSON.parse(limited.text)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect((await world.http.get(pathOf(c.uri)).set('Accept', 'text/html')).status).toBe(429);
    } finally {
      await world.reconfigure({});
    }
  });
});

describe('OpenAPI', () => {
  it('documents commissioning, labels, sheets and the public verification routes', async () => {
    const res = await world.http.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/cylinders/{id}/commission', '/api/v1/qr/commission', '/api/v1/cylinders/{id}/label.{format}', '/api/v1/qr/sheets', '/8003/{grai}', '/8003/{grai}/report']),
    );
  });
});
