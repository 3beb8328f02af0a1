import { anEnterprise } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { randomUUID } from 'node:crypto';
import { aCylinderAtScale, aFillReport, anAllow, aScaleKit, requestId, signed, type ScaleKit } from '../devices/devices.harness';
import { aDeliveryKit, aPng, checklist, earlier } from '../deliveries/deliveries.harness';
import { createHash } from 'node:crypto';
import { anEnterpriseKit, anEvent, expectStatus, principal, type EnterpriseKit } from '../ledger/ledger.harness';
import { startWorld, type CallResult, type World } from '../support/world';

/**
 * Round 2 of attacking the platform from outside: every date a request may carry, the signed
 * device API's bodies and refusals. Whatever is wrong, the answer is a 4xx problem naming the
 * field in the language asked for, never a 500, and nothing is stored.
 */
const DISTRICT = '441802';
const CHINESE = /[\u4e00-\u9fff]/;
const PROBLEM = 'application/problem+json';

let world: World;
let kit: EnterpriseKit;
let scaleKit: ScaleKit;
const city = principal('city_regulator');

beforeAll(async () => {
  world = await startWorld('hostile_requests_2');
  kit = await anEnterpriseKit(world, DISTRICT);
  scaleKit = await aScaleKit(world, DISTRICT);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

function call(who: Principal, method: string, path: string, body?: unknown): Promise<CallResult> {
  return world.call(method, path, { token: world.tokenFor(who), ...(body === undefined ? {} : { body }) });
}

/** The problem names `field` (an entry of `errors`, else its detail) with a Chinese title: what a console shows next to the field. */
function namesField(res: CallResult, field: string): boolean {
  const errors = Array.isArray(res.body.errors) ? (res.body.errors as { path?: string }[]) : [];
  const named = errors.some((e) => typeof e.path === 'string' && e.path.split('.').includes(field)) || String(res.body.detail ?? '').includes(field);
  return named && CHINESE.test(String(res.body.title));
}

/** A 400 naming the field, in Chinese; anything else is written down. */
function expectFieldRefusal(wrong: string[], what: string, res: CallResult, field: string): void {
  if (res.status !== 400 || !String(res.headers.get('content-type')).startsWith(PROBLEM) || !namesField(res, field)) wrong.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}

/** A request of a console switched to Chinese. */
async function zh(who: Principal, method: string, path: string, body?: unknown): Promise<CallResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${world.tokenFor(who)}`, 'accept-language': 'zh-CN', ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(`${world.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: res.headers };
}

/** Instants no client means: no year, a year past 9999, a day that does not exist, a zone no place has, none, a number, nothing. */
const BAD_INSTANTS: unknown[] = ['0000-01-01T00:00:00Z', '10000-01-01T00:00:00Z', '2026-02-30T10:00:00+08:00', '2025-04-31T10:00:00Z', '2026-01-01T10:00:00+15:00', '2026-01-01T10:00:00-13:00', '2026-01-01T10:00:00', 1767225600000, '', 'yesterday'];
/** Days no client means. */
const BAD_DAYS: unknown[] = ['0000-01-01', '10000-01-01', '2026-02-30', '2025-02-29', '2026-13-01', '2026-1-1', 20260101, '', 'today'];

describe('dates, attacked', () => {
  it('refuses every malformed occurredAt of an event, and one in the future, naming the field in Chinese, and stores nothing', async () => {
    const cylinderId = await kit.newCylinder();
    await expectStatus(world.as(kit.admin).post(`/api/v1/cylinders/${cylinderId}/commission`), 201);
    const wrong: string[] = [];
    for (const occurredAt of [...BAD_INSTANTS, new Date(Date.now() + 3_600_000).toISOString(), '2099-01-01T00:00:00+08:00']) {
      const res = await zh(kit.admin, 'POST', '/api/v1/events', { ...anEvent('inspect', cylinderId).at(kit.station).with({ result: 'pass' }).build(), occurredAt });
      expectFieldRefusal(wrong, `occurredAt ${JSON.stringify(occurredAt)}`, res, 'occurredAt');
    }
    expect(wrong).toEqual([]);
    const history = await call(city, 'GET', `/api/v1/cylinders/${cylinderId}/events`);
    expect((history.body.items as { type: string }[]).map((e) => e.type)).not.toContain('inspect');
    // The zones at the ends of the world are real: an inspection an hour ago at +14:00 and at −12:00 is recorded.
    for (const [offset, sign] of [[14, '+'], [12, '-']] as const) {
      const at = new Date(Date.now() - 3_600_000 + (sign === '+' ? offset : -offset) * 3_600_000).toISOString().slice(0, 19);
      const res = await call(kit.admin, 'POST', '/api/v1/events', { ...anEvent('inspect', cylinderId).at(kit.station).with({ result: 'pass' }).build(), occurredAt: `${at}${sign}${String(offset).padStart(2, '0')}:00` });
      expect([offset, res.status]).toEqual([offset, 201]);
    }
  });

  it('refuses every malformed credential date (validFrom, validTo) and a validFrom after validTo, and stores no enterprise', async () => {
    const before = await call(city, 'GET', '/api/v1/enterprises?limit=200');
    const wrong: string[] = [];
    for (const field of ['validFrom', 'validTo'] as const) {
      for (const value of [...BAD_DAYS, ...BAD_INSTANTS.filter((v) => typeof v === 'string' && v.includes('T'))]) {
        const body = anEnterprise().inDistrict(DISTRICT).build();
        const res = await zh(city, 'POST', '/api/v1/enterprises', { ...body, licence: { ...body.licence, [field]: value } });
        expectFieldRefusal(wrong, `licence.${field} ${JSON.stringify(value)}`, res, field);
      }
    }
    const body = anEnterprise().inDistrict(DISTRICT).build();
    const reversed = await zh(city, 'POST', '/api/v1/enterprises', { ...body, licence: { ...body.licence, validFrom: '2027-01-01', validTo: '2026-01-01' } });
    if (reversed.status !== 400 && reversed.status !== 422) wrong.push(`validFrom after validTo: ${reversed.status} ${JSON.stringify(reversed.body)}`);
    else if (!namesField(reversed, 'validTo') && !namesField(reversed, 'validFrom')) wrong.push(`validFrom after validTo names no field: ${JSON.stringify(reversed.body)}`);
    expect(wrong).toEqual([]);
    const after = await call(city, 'GET', '/api/v1/enterprises?limit=200');
    expect((after.body.items as unknown[]).length).toBe((before.body.items as unknown[]).length);
  });

  it('refuses malformed period bounds of the KPIs, the EPCIS query and the fill records, and a from after its to', async () => {
    const wrong: string[] = [];
    const q = (v: unknown) => encodeURIComponent(String(v));
    for (const value of [...BAD_DAYS, ...BAD_INSTANTS]) {
      for (const field of ['from', 'to']) {
        expectFieldRefusal(wrong, `kpis ${field}=${JSON.stringify(value)}`, await zh(city, 'GET', `/api/v1/kpis?${field}=${q(value)}`), field);
        expectFieldRefusal(wrong, `epcis ${field}=${JSON.stringify(value)}`, await zh(city, 'GET', `/api/v1/epcis/events?${field}=${q(value)}`), field);
      }
    }
    for (const value of BAD_DAYS) expectFieldRefusal(wrong, `fill-records day=${JSON.stringify(value)}`, await zh(city, 'GET', `/api/v1/fill-records?siteId=${kit.station}&day=${q(value)}`), 'day');
    expectFieldRefusal(wrong, 'kpis from after to', await zh(city, 'GET', '/api/v1/kpis?from=2026-06-02&to=2026-06-01'), 'to');
    expectFieldRefusal(wrong, 'epcis from after to', await zh(city, 'GET', '/api/v1/epcis/events?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z'), 'to');
    expect(wrong).toEqual([]);
  });

  it('refuses malformed manual-mode windows, inspection times and hazard deadlines', async () => {
    const wrong: string[] = [];
    const window = { reason: '测试：灌装秤维修中，手工记录充装', from: new Date(Date.now() - 3_600_000).toISOString(), until: new Date(Date.now() + 3_600_000).toISOString() };
    for (const value of BAD_INSTANTS) {
      for (const field of ['from', 'until'] as const) {
        expectFieldRefusal(wrong, `manual-mode ${field} ${JSON.stringify(value)}`, await zh(city, 'POST', `/api/v1/stations/${scaleKit.kit.station}/manual-mode`, { ...window, [field]: value }), field);
      }
      const inspection = { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt: new Date(Date.now() - 60_000).toISOString(), results: [{ code: 'A1', passed: false, deadline: new Date(Date.now() + 86_400_000).toISOString() }] };
      expectFieldRefusal(wrong, `inspectedAt ${JSON.stringify(value)}`, await zh(principal('district_regulator', { districtCode: DISTRICT }), 'POST', '/api/v1/inspections', { ...inspection, inspectedAt: value }), 'inspectedAt');
      expectFieldRefusal(wrong, `deadline ${JSON.stringify(value)}`, await zh(principal('district_regulator', { districtCode: DISTRICT }), 'POST', '/api/v1/inspections', { ...inspection, results: [{ code: 'A1', passed: false, deadline: value }] }), 'deadline');
    }
    const reversed = await zh(city, 'POST', `/api/v1/stations/${scaleKit.kit.station}/manual-mode`, { ...window, from: window.until, until: window.from });
    if (reversed.status !== 400 || !(namesField(reversed, 'until') || namesField(reversed, 'from'))) wrong.push(`manual-mode from after until: ${reversed.status} ${JSON.stringify(reversed.body)}`);
    expect(wrong).toEqual([]);
  });

  it('refuses a delivery, an inspection and a scale’s fill dated in the future, naming the field', async () => {
    const d = await aDeliveryKit(world, DISTRICT, 1);
    const worker = await d.worker();
    const customer = d.customers[0] as { id: string; phone: string };
    const cylinderId = await d.cylinder('in_transit');
    const wrong: string[] = [];
    for (const future of [new Date(Date.now() + 3_600_000).toISOString(), '2099-01-01T00:00:00+08:00']) {
      const visit = { visitId: randomUUID(), occurredAt: future, customerId: customer.id, deliver: { cylinders: [{ cylinderId }] }, confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) }, safetyCheck: { items: checklist() } };
      const res = await zh(worker, 'POST', '/api/v1/deliveries/visits', visit);
      if (res.status !== 400 || !namesField(res, 'occurredAt')) wrong.push(`visit occurredAt ${future}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      const inspection = { premises: { type: 'station', id: kit.station }, checklistVersion: 1, inspectedAt: future, results: [{ code: 'A1', passed: true }] };
      const inspected = await zh(principal('district_regulator', { districtCode: DISTRICT }), 'POST', '/api/v1/inspections', inspection);
      if (inspected.status !== 400 || !namesField(inspected, 'inspectedAt')) wrong.push(`inspectedAt ${future}: ${inspected.status} ${JSON.stringify(inspected.body).slice(0, 300)}`);
    }
    const ready = await aCylinderAtScale(world, scaleKit.kit);
    const authorizationId = await anAllow(world, scaleKit, ready.uri);
    for (const minutes of [8, 30, 60 * 24 * 365]) {
      const endedAt = new Date(Date.now() + minutes * 60_000);
      const report = aFillReport(authorizationId, ready.uri, scaleKit.operator.staffNumber, { startedAt: new Date(endedAt.getTime() - 75_000).toISOString(), endedAt: endedAt.toISOString() });
      const res = await signed(world, scaleKit.scale, 'POST', '/api/v1/device/fills', report);
      if (res.status !== 400 || !JSON.stringify(res.body.errors ?? res.body.detail).includes('endedAt')) wrong.push(`fill ended in ${minutes} min: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      const batch = await signed(world, scaleKit.scale, 'POST', '/api/v1/device/fills/batch', { reports: [report] });
      const [item] = (batch.body.results ?? []) as { status: string; reasons: { code: string; detail: string }[] }[];
      if (batch.status !== 200 || item?.status !== 'refused' || item.reasons[0]?.code !== 'VALIDATION_FAILED' || !item.reasons[0].detail.startsWith('endedAt')) wrong.push(`batch fill ended in ${minutes} min: ${JSON.stringify(batch.body).slice(0, 300)}`);
    }
    // Nothing of them is kept: the station's fill records hold no fill of that cylinder.
    const records = await call(scaleKit.kit.admin, 'GET', `/api/v1/fill-records?siteId=${scaleKit.kit.station}`);
    expect(JSON.stringify(records.body.items)).not.toContain(ready.id);
    const visits = await call(worker, 'GET', '/api/v1/deliveries/visits');
    expect(visits.body.items).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it('refuses a scale’s malformed fill times and calibration day', async () => {
    const wrong: string[] = [];
    const report = { fillId: 'fill-dates', sequence: 1, authorizationId: '0123456789abcdef01234567', code: '06141410150009X1', operator: scaleKit.operator.staffNumber, tareKg: 14.5, grossKg: 29.4, netKg: 14.9, startedAt: new Date(Date.now() - 80_000).toISOString(), endedAt: new Date(Date.now() - 5_000).toISOString() };
    for (const value of BAD_INSTANTS) {
      for (const field of ['startedAt', 'endedAt'] as const) {
        const res = await signed(world, scaleKit.scale, 'POST', '/api/v1/device/fills', { ...report, [field]: value });
        expectFieldRefusal(wrong, `fill ${field} ${JSON.stringify(value)}`, { ...res, body: { ...res.body, title: '输入有误' } }, field);
        if (res.status !== 400 || res.body.code !== 'VALIDATION_FAILED') wrong.push(`fill ${field} ${JSON.stringify(value)}: ${res.status} ${String(res.body.code)}`);
      }
    }
    for (const value of BAD_DAYS) {
      const res = await signed(world, scaleKit.scale, 'POST', '/api/v1/device/heartbeat', { firmware: 'QS-200 v2.4.1', sequence: 1, bufferedReports: 0, calibrationDueOn: value });
      if (res.status !== 400 || res.body.code !== 'VALIDATION_FAILED' || !JSON.stringify(res.body.errors).includes('calibrationDueOn')) wrong.push(`calibrationDueOn ${JSON.stringify(value)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the signed device API, attacked', () => {
  const ROUTES = ['/api/v1/device/fills/authorize', '/api/v1/device/fills', '/api/v1/device/fills/batch', '/api/v1/device/heartbeat', '/api/v1/device/reweighs'];
  /** Bodies a broken or hostile scale might sign: the wrong shape, prototype keys, deep nesting, numbers that are not numbers. */
  const HOSTILE: [string, string][] = [
    ['an array', '[]'],
    ['an array of objects', '[{"requestId":"r-1"}]'],
    ['null', 'null'],
    ['a string', '"x"'],
    ['a number too big for a double', '1e999'],
    ['a prototype key', '{"__proto__":{"isAdmin":true},"firmware":"x","sequence":1,"bufferedReports":0}'],
    ['a constructor key', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    ['deep nesting', `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`],
    ['deep arrays', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
    ['numbers as strings', '{"firmware":"x","sequence":"1","bufferedReports":"0","tareKg":"14.5","grossKg":"29.4","netKg":"14.9"}'],
    ['an infinite weight', '{"fillId":"f-1","sequence":1,"tareKg":1e999,"grossKg":-1e999,"netKg":1e999}'],
    ['a batch of non-objects', '{"reports":[1,"x",null,[]]}'],
    ['malformed JSON', '{"firmware":'],
    ['invalid UTF-8 text', '{"firmware":"\udcff"}'],
  ];

  it('answers every hostile body with a 400 problem and a stable code, never a 500, and changes no prototype', async () => {
    const wrong: string[] = [];
    for (const path of ROUTES) {
      for (const [what, text] of HOSTILE) {
        const res = await signed(world, scaleKit.scale, 'POST', path, undefined, { rawBody: text });
        // A batch answers each report on its own: items that are not reports are each refused as invalid.
        const results = Array.isArray(res.body.results) ? (res.body.results as { status: string; reasons?: { code: string }[] }[]) : [];
        if (path.endsWith('/batch') && res.status === 200 && results.length > 0 && results.every((r) => r.status === 'refused' && r.reasons?.[0]?.code === 'VALIDATION_FAILED') && res.body.accepted === 0) continue;
        if (res.status !== 400 || !['VALIDATION_FAILED', 'MALFORMED_JSON'].includes(String(res.body.code))) wrong.push(`${path} ${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 60_000);

  it('refuses a body over a megabyte with 413 before reading its signature', async () => {
    const res = await fetch(`${world.url}/api/v1/device/fills/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-device-id': scaleKit.scale.id }, body: `{"reports":[${'"x",'.repeat(2_500_000)}"x"]}` });
    const body = (await res.json()) as { code: string };
    expect([res.status, body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('titles its 401 refusals in the language asked for, like every other problem', async () => {
    const ask = async (lang: string | undefined, headers: Record<string, string> = {}) => {
      const res = await fetch(`${world.url}/api/v1/device/me`, { headers: { ...(lang ? { 'accept-language': lang } : {}), ...headers } });
      return { status: res.status, ...((await res.json()) as { code: string; title: string; detail: string }) };
    };
    const missing = await ask('zh-CN');
    expect(missing).toMatchObject({ status: 401, code: 'DEVICE_AUTH_MISSING', title: '请求缺少签名头或格式不正确' });
    expect(missing.detail).toMatch(CHINESE);
    expect(missing.detail).not.toMatch(/[a-z]{4}/);
    expect(await ask('en')).toMatchObject({ status: 401, code: 'DEVICE_AUTH_MISSING', title: 'Unauthorized' });
    // A scale naming no language gets English with the Chinese beside it, as the protocol says.
    expect((await ask(undefined)).detail).toMatch(CHINESE);
    const unknown = await signed(world, { id: '0123456789abcdef01234567', secret: scaleKit.scale.secret }, 'GET', '/api/v1/device/me', undefined, { override: { 'accept-language': 'zh-CN' } });
    expect([unknown.status, unknown.body.code, unknown.body.title]).toEqual([401, 'DEVICE_UNKNOWN', '设备未注册']);
    const forged = await signed(world, { id: scaleKit.scale.id, secret: `${scaleKit.scale.secret}x` }, 'GET', '/api/v1/device/me', undefined, { override: { 'accept-language': 'zh-CN' } });
    expect([forged.status, forged.body.code, forged.body.title]).toEqual([401, 'DEVICE_SIGNATURE_INVALID', '请求签名不正确']);
    const skewed = await signed(world, scaleKit.scale, 'GET', '/api/v1/device/me', undefined, { clockOffsetMs: 600_000, override: { 'accept-language': 'zh-CN' } });
    expect([skewed.status, skewed.body.code, skewed.body.title]).toEqual([401, 'DEVICE_CLOCK_SKEW', '设备时钟与平台相差超过 5 分钟，请校时']);
  });
});

describe('public pages, attacked', () => {
  const XSS = ['<script>alert(1)</script>', '"onmouseover="alert(1)', "'><img src=x onerror=alert(1)>", 'javascript:alert(1)'];
  /** Markup or an attribute an attacker wrote, unescaped in the page. */
  const INJECTED = /<script>alert|<img src=x|"onmouseover=|'><img/;

  async function page(path: string, init: RequestInit = {}): Promise<{ status: number; html: string; headers: Headers }> {
    const res = await fetch(`${world.url}${path}`, { redirect: 'manual', ...init, headers: { accept: 'text/html', ...(init.headers as Record<string, string> | undefined) } });
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  it('reflects no markup from the code, the signature, the receipt, the language or the form back into the verification page', async () => {
    const cylinderId = await kit.newCylinder();
    const code = await expectStatus<{ code: { grai: string } }>(world.as(kit.admin).post(`/api/v1/cylinders/${cylinderId}/commission`, {}), 201);
    const grai = code.code.grai;
    const wrong: string[] = [];
    for (const x of XSS) {
      const e = encodeURIComponent(x);
      for (const path of [`/no-such-page/${e}`, `/api/v1/no-such-route/${e}`, `/8003/${e}`, `/8003/${grai}?s=${e}`, `/8003/${grai}?receipt=${e}&reported=1`, `/8003/${grai}?lang=${e}`, `/8003/${grai}?lat=${e}&lng=1`, `/8003/find?code=${e}`, `/c/${e}`]) {
        const res = await page(path);
        if (res.status >= 500 || INJECTED.test(res.html) || /^javascript:/i.test(res.headers.get('location') ?? '')) wrong.push(`${path}: ${res.status} ${res.headers.get('location') ?? ''}`);
      }
      const form = await page(`/8003/${grai}/report?s=${e}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ reason: x, description: x, contact: x }).toString() });
      if (form.status >= 500 || INJECTED.test(form.html) || INJECTED.test(decodeURIComponent(form.headers.get('location') ?? ''))) wrong.push(`report form ${x}: ${form.status} ${form.headers.get('location') ?? ''}`);
    }
    expect(wrong).toEqual([]);
  });

  it('redirects only to its own pages, whatever code the manual entry is given', async () => {
    const wrong: string[] = [];
    for (const code of ['//evil.example', 'https://evil.example/x', '/\\evil.example', '\\\\evil.example', '%2F%2Fevil.example', '..%2F..%2Fapi', '\r\nLocation: https://evil.example']) {
      const res = await page(`/8003/find?code=${encodeURIComponent(code)}`);
      const location = res.headers.get('location') ?? '';
      const target = new URL(location, world.url);
      if (res.status >= 500 || (location && (target.origin !== world.url || !target.pathname.startsWith('/8003/') || target.pathname.includes('/../')))) wrong.push(`${JSON.stringify(code)}: ${res.status} → ${location}`);
    }
    expect(wrong).toEqual([]);
  });

  it('serves every HTML page with a script-tight CSP, no framing by other sites, and nosniff', async () => {
    const wrong: string[] = [];
    for (const path of ['/8003/06141410000153QY00000001', '/8003/find?code=x', '/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/c', '/no-such-page', '/api/docs/']) {
      const res = await page(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? /default-src ([^;]*)/.exec(csp)?.[1] ?? '';
      const problems = [
        !/frame-ancestors 'self'|frame-ancestors 'none'/.test(csp) && 'frame-ancestors',
        (scripts === '' || /'unsafe-inline'|\*/.test(scripts)) && `script-src ${scripts}`,
        /object-src 'none'/.test(csp) || 'object-src',
        res.headers.get('x-content-type-options') !== 'nosniff' && 'nosniff',
        !/SAMEORIGIN|DENY/i.test(res.headers.get('x-frame-options') ?? '') && 'x-frame-options',
      ].filter((p) => typeof p === 'string');
      if (problems.length > 0) wrong.push(`${path} (${res.status}): ${problems.join(', ')}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('cookies and other sites (CSRF)', () => {
  it('answers 401 to every bearer route of the document that is sent only the platform’s cookies', async () => {
    const username = `csrf${Date.now()}`;
    const password = 'Very-Long-Passw0rd!';
    await world.insertUser({ username, role: 'city_regulator', password });
    const login = await fetch(`${world.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, refreshTokenIn: 'cookie' }) });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookies).toMatch(/lpg_refresh=/);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const doc = (await world.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const wrong: string[] = [];
    let probed = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security?.length || template.startsWith('/api/v1/device/')) continue;
        const path = template.replace(/\{[^}]+\}/g, '0123456789abcdef01234567');
        // The cookie, the access token as a cookie too (a careless client), another site's page.
        const res = await fetch(`${world.url}${path}`, { method: method.toUpperCase(), headers: { cookie: `${cookies}; access_token=${accessToken}; token=${accessToken}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', ...(method === 'get' ? {} : { 'content-type': 'application/json' }) }, ...(method === 'get' ? {} : { body: '{}' }) });
        probed += 1;
        if (res.status !== 401) wrong.push(`${method.toUpperCase()} ${template}: ${res.status}`);
      }
    }
    expect(probed).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  }, 120_000);

  it('refuses the cookie-only routes — the consoles’ refresh, the customer page’s actions — when another site’s page sends them', async () => {
    const username = `csrf2${Date.now()}`;
    const password = 'Very-Long-Passw0rd!';
    await world.insertUser({ username, role: 'city_regulator', password });
    const login = await fetch(`${world.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, refreshTokenIn: 'cookie' }) });
    const setCookies = login.headers.getSetCookie();
    expect(setCookies.find((c) => c.startsWith('lpg_refresh='))).toMatch(/HttpOnly/i);
    expect(setCookies.find((c) => c.startsWith('lpg_refresh='))).toMatch(/SameSite=Strict/i);
    const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
    const refresh = (site: string) => fetch(`${world.url}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie, 'content-type': 'text/plain', 'sec-fetch-site': site, origin: 'https://evil.example' }, body: '' });
    const crossSite = await refresh('cross-site');
    expect([crossSite.status, ((await crossSite.json()) as { code: string }).code]).toEqual([403, 'FORBIDDEN']);
    // Refused before the token is spent: the console's own refresh still works with the same cookie.
    expect((await refresh('same-origin')).status).toBe(200);

    const link = await expectStatus<{ url: string }>(world.as(kit.admin).post(`/api/v1/deliveries/customers/${kit.customer}/page-link`), 201);
    const path = new URL(link.url, world.url).pathname;
    expect((await fetch(`${world.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    const opened = await fetch(`${world.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(opened.status).toBe(303);
    const session = opened.headers.get('set-cookie') ?? '';
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    const customerCookie = session.split(';')[0] ?? '';
    const code = await fetch(`${world.url}/c/handover-code`, { method: 'POST', redirect: 'manual', headers: { cookie: customerCookie, 'sec-fetch-site': 'cross-site' } });
    expect(code.status).toBe(403);
    const pageAfter = await (await fetch(`${world.url}/c`, { headers: { cookie: customerCookie } })).text();
    expect(pageAfter).toContain('当前没有有效的交付码');
  });
});

describe('public rate limits', () => {
  let limited: World;
  beforeAll(async () => {
    limited = await startWorld('hostile_requests_2_limits', { qr: { scanRatePerMinute: 3 } });
  }, 60_000);
  afterAll(async () => {
    await limited?.stop();
  });

  it('answers 429 with Retry-After past the limit of verify lookups, report submissions and receipt look-ups from one address', async () => {
    const statuses = async (make: () => Promise<Response>, times: number) => {
      const out: number[] = [];
      for (let i = 0; i < times; i++) out.push((await make()).status);
      return out;
    };
    const lookups = await statuses(() => fetch(`${limited.url}/8003/06141410000153QY00000001`, { headers: { accept: 'application/json' } }), 5);
    expect(lookups.slice(3)).toEqual([429, 429]);
    const report = await fetch(`${limited.url}/8003/06141410000153QY00000001/report`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'other', description: '测试' }) });
    expect(report.status).toBe(429);
    expect(Number(report.headers.get('retry-after'))).toBeGreaterThan(0);
    const receipts = await statuses(() => fetch(`${limited.url}/api/v1/public/report-status?receipt=JB2345678923`), 5);
    expect(receipts.slice(3)).toEqual([429, 429]);
  });
});

describe('idempotency keys across tenants and users', () => {
  /** A hand-over of one full cylinder on the vehicle to the kit's first customer, as a worker's phone sends it. */
  const handOver = (visitId: string, customer: { id: string; phone: string }, cylinderId: string) => ({ visitId, occurredAt: earlier(), customerId: customer.id, deliver: { cylinders: [{ cylinderId }] }, confirmation: { method: 'phone_last4', phoneLast4: customer.phone.slice(-4) }, safetyCheck: { items: checklist() } });

  it("never answers a visitId another worker used with that worker's visit, nor says how it differs; another enterprise's same id is its own", async () => {
    const a = await aDeliveryKit(world, DISTRICT, 1);
    const b = await aDeliveryKit(world, DISTRICT, 1);
    const [x, y, z] = [await a.worker(), await a.worker(), await b.worker()];
    const customerA = a.customers[0] as { id: string; phone: string };
    const visitId = randomUUID();
    const first = handOver(visitId, customerA, await a.cylinder('in_transit'));
    await expectStatus(world.as(x).post('/api/v1/deliveries/visits', first), 201);
    // The same worker sending again gets its own visit back (the phone's retry).
    const retry = await world.as(x).post('/api/v1/deliveries/visits', first);
    expect([retry.status, retry.body.duplicate]).toEqual([200, true]);

    const wrong: string[] = [];
    const leaks = (res: { status: number; body: unknown }) => JSON.stringify(res.body).includes(first.deliver.cylinders[0]?.cylinderId ?? '?') || JSON.stringify(res.body).includes(customerA.id);
    // Another worker of the enterprise, who may not read X's visits: the exact copy, other content, in a batch.
    const copy = await world.as(y).post('/api/v1/deliveries/visits', first);
    const other = await world.as(y).post('/api/v1/deliveries/visits', handOver(visitId, customerA, await a.cylinder('in_transit')));
    const batch = await world.as(y).post('/api/v1/deliveries/sync', { visits: [{ kind: 'visit', ...first }] });
    for (const [what, res, path] of [['copy', copy, 'visitId'], ['other content', other, 'visitId'], ['batch', batch, 'visits[0].visitId']] as const) {
      const paths = ((res.body.errors ?? []) as { path: string }[]).map((e) => e.path);
      if (res.status !== 409 || res.body.code !== 'VISIT_ID_CONFLICT' || paths.join() !== path || leaks(res)) wrong.push(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
    const ofY = await world.as(y).get('/api/v1/deliveries/visits');
    expect(ofY.body.items).toEqual([]);

    // Another enterprise's worker under the same id records its own flow.
    const customerB = b.customers[0] as { id: string; phone: string };
    const own = await world.as(z).post('/api/v1/deliveries/visits', handOver(visitId, customerB, await b.cylinder('in_transit')));
    expect([own.status, own.body.status, own.body.customerId]).toEqual([201, 'recorded', customerB.id]);
  }, 60_000);

  it("answers another enterprise's, or a narrower user's, resend of an eventId as a conflict that tells nothing of the stored event", async () => {
    const b = await anEnterpriseKit(world, '441881');
    const cylinderA = await kit.newCylinder();
    await expectStatus(world.as(kit.admin).post(`/api/v1/cylinders/${cylinderA}/commission`), 201);
    const event = anEvent('inspect', cylinderA).at(kit.station).with({ result: 'pass' }).build();
    await expectStatus(world.as(kit.admin).post('/api/v1/events', event), 201);
    const cylinderB = await b.newCylinder();
    await expectStatus(world.as(b.admin).post(`/api/v1/cylinders/${cylinderB}/commission`), 201);
    const wrong: string[] = [];
    const attempts: [string, Principal, object][] = [
      ['another enterprise, the exact copy', b.admin, event],
      ['another enterprise, its own cylinder', b.admin, { ...event, cylinderId: cylinderB, where: { siteId: b.station } }],
      ['a filling operator of another enterprise', principal('filling_operator', { enterpriseId: b.enterpriseId }), event],
    ];
    for (const [what, who, body] of attempts) {
      const res = await call(who, 'POST', '/api/v1/events', body);
      const text = JSON.stringify(res.body);
      if (res.status < 400 || res.status >= 500 || text.includes(cylinderA) || text.includes(kit.station) || text.includes(kit.enterpriseId)) wrong.push(`${what}: ${res.status} ${text.slice(0, 300)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers a scale reusing another scale's requestId or fillId with its own decision and record, never the other's", async () => {
    const other = await aScaleKit(world, '441881');
    const mine = await aCylinderAtScale(world, scaleKit.kit);
    const theirs = await aCylinderAtScale(world, other.kit);
    const key = requestId();
    const allowed = await signed(world, scaleKit.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: key, operator: scaleKit.operator.staffNumber, code: mine.uri });
    expect(allowed.body.decision).toBe('allow');
    const replayed = await signed(world, other.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: key, operator: other.operator.staffNumber, code: theirs.uri });
    expect(replayed.status).toBe(200);
    expect(replayed.body.authorizationId).not.toBe(allowed.body.authorizationId);
    expect(JSON.stringify(replayed.body)).not.toContain(mine.grai);
    // The same requestId with another cylinder at the other scale: its own (here, a refusal of a code not its station's) — not the first scale's allow.
    const foreign = await signed(world, other.scale, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: other.operator.staffNumber, code: mine.uri });
    expect(foreign.body.decision).not.toBe('allow');

    const authorizationA = await anAllow(world, scaleKit, mine.uri);
    const authorizationB = await anAllow(world, other, theirs.uri);
    const fillA = aFillReport(authorizationA, mine.uri, scaleKit.operator.staffNumber);
    const storedA = await signed(world, scaleKit.scale, 'POST', '/api/v1/device/fills', fillA);
    expect(storedA.status).toBe(201);
    const fillB = await signed(world, other.scale, 'POST', '/api/v1/device/fills', aFillReport(authorizationB, theirs.uri, other.operator.staffNumber, { fillId: fillA.fillId }));
    expect([fillB.status, fillB.body.status]).toEqual([201, 'accepted']);
    expect(JSON.stringify(fillB.body)).not.toContain(mine.id);
  }, 60_000);
});

describe('media and static files, attacked', () => {
  const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const put = (who: Principal, hash: string, type: string, data: Buffer) => fetch(`${world.url}/api/v1/deliveries/media/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${world.tokenFor(who)}`, 'content-type': type }, body: data });
  const get = (who: Principal, path: string) => fetch(`${world.url}${path}`, { headers: { authorization: `Bearer ${world.tokenFor(who)}` } });

  it('stores only images it recognizes by their bytes, serves them as images that no browser renders as a page, and only within the enterprise', async () => {
    const b = await anEnterpriseKit(world, '441881');
    const d = await aDeliveryKit(world, DISTRICT, 0);
    const worker = await d.worker();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>');
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const wrong: string[] = [];
    for (const [what, type, data] of [['an SVG', 'image/svg+xml', svg], ['an SVG declared PNG', 'image/png', svg], ['HTML declared JPEG', 'image/jpeg', html], ['HTML', 'text/html', html]] as const) {
      const res = await put(worker, sha(data), type, data);
      if (res.status !== 415) wrong.push(`${what}: ${res.status}`);
      const read = await get(d.admin, `/api/v1/deliveries/media/${sha(data)}`);
      if (read.status !== 404) wrong.push(`${what} readable: ${read.status}`);
    }
    expect(wrong).toEqual([]);
    const png = aPng(4242);
    expect((await put(worker, png.sha256, 'image/png', png.data)).status).toBe(201);
    const mine = await get(d.admin, `/api/v1/deliveries/media/${png.sha256}`);
    expect([mine.status, mine.headers.get('content-type'), mine.headers.get('x-content-type-options')]).toEqual([200, 'image/png', 'nosniff']);
    expect(mine.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect((await get(b.admin, `/api/v1/deliveries/media/${png.sha256}`)).status).toBe(404);
    // Over the size limit: 413, nothing stored.
    const big = Buffer.concat([png.data, Buffer.alloc(6 * 1024 * 1024, 1)]);
    const tooBig = await put(worker, sha(big), 'image/png', big);
    expect(tooBig.status).toBe(413);
  });

  it('answers traversal, NUL bytes and absolute paths in media ids and static paths with a 4xx, never a file outside', async () => {
    const wrong: string[] = [];
    const paths = [
      '/api/v1/deliveries/media/..%2f..%2f..%2fpackage.json',
      '/api/v1/deliveries/media/%2fetc%2fpasswd',
      '/api/v1/deliveries/media/' + 'a'.repeat(63) + '%00',
      '/api/v1/deliveries/media/' + 'A'.repeat(64),
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/%00',
      '/assets//etc/passwd',
      '/m/..%2f..%2fpackage.json',
      '/m/%2e%2e%2f%2e%2e%2fsrc%2fapp.ts',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const path of paths) {
      const res = await get(kit.admin, path);
      const text = await res.text();
      if (res.status >= 500 || /"name": "lpg-trace"|root:x:0:0|createApp/.test(text)) wrong.push(`${path}: ${res.status}`);
      if (path.startsWith('/api/') && res.status !== 400 && res.status !== 404) wrong.push(`${path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('wrong types in every documented field', () => {
  type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[] };
  const INTERNALS = /\bat [\w$.<>]+ \(|node_modules|MongoServerError|E11000|CastError|BSONError|\/src\/components\//;

  /** Values of every other JSON type than the field's, and the extremes of its own. */
  function wrongValues(schema: Schema): unknown[] {
    const types = ([] as string[]).concat(schema.type ?? []);
    const all: unknown[] = ['x'.repeat(20_000), 1e308, -1, 1.5, true, null, [], [[[]]], {}, { $gt: '' }, { 'a.b': 1 }];
    if (types.includes('string')) return [...all.filter((v) => typeof v !== 'string'), '', ' ', '\u0000', '$where', 'x'.repeat(20_000)];
    if (types.includes('number') || types.includes('integer')) return [...all.filter((v) => typeof v !== 'number'), '1', 'NaN', 1e308, -1e308, 0.1 + 0.2];
    if (types.includes('array')) return [...all.filter((v) => !Array.isArray(v)), Array.from({ length: 10_000 }, () => ({})), ['x', 1, null]];
    return all;
  }

  it('answers a wrong type or an extreme value in each body field and query parameter of every route with a 4xx problem, never a 500', async () => {
    const doc = (await world.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: Record<string, unknown>[] }>>; components?: { schemas?: Record<string, Schema> } };
    const resolve = (schema: Schema | undefined, depth = 0): Schema => {
      if (!schema || depth > 5) return {};
      if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''], depth + 1);
      const parts = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].map((x) => resolve(x, depth + 1));
      return parts.length ? { ...schema, properties: Object.assign({}, schema.properties, ...parts.map((p) => p.properties ?? {})) as Record<string, Schema> } : schema;
    };
    const roles = [principal('city_regulator'), kit.admin, principal('delivery_worker', { enterpriseId: kit.enterpriseId, workerId: '0123456789abcdef01234567' })];
    const wrong: string[] = [];
    let probes = 0;
    let fields = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        if (template.startsWith('/api/v1/device/') || template === '/api/v1/auth/logout' || template === '/api/v1/auth/password') continue;
        const url = template.replace(/\{[^}]+\}/g, '0123456789abcdef01234567');
        const json = op.requestBody?.content?.['application/json'];
        const properties = Object.entries(resolve(json?.schema).properties ?? {});
        fields += properties.length;
        const go = async (who: Principal | undefined, path: string, body?: unknown) => {
          probes += 1;
          const res = await fetch(`${world.url}${path}`, { method: method.toUpperCase(), headers: { ...(who ? { authorization: `Bearer ${world.tokenFor(who)}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
          const text = await res.text();
          if (res.status >= 500 || INTERNALS.test(text)) wrong.push(`${method.toUpperCase()} ${path} ${body === undefined ? '' : JSON.stringify(body).slice(0, 80)} → ${res.status} ${text.slice(0, 160)}`);
          return res.status;
        };
        // The first role the route admits: its parsing is what is attacked.
        let who: Principal | undefined;
        if (op.security?.length) {
          for (const role of roles) {
            if ((await go(role, url, json ? {} : undefined)) !== 403) {
              who = role;
              break;
            }
          }
          if (!who) continue;
        }
        for (const [name, schema] of properties) {
          for (const value of wrongValues(resolve(schema))) await go(who, url, { [name]: value });
        }
        for (const param of (op.parameters ?? []).filter((p) => p.in === 'query')) {
          const sep = url.includes('?') ? '&' : '?';
          for (const value of ['', '-1', '1e309', 'NaN', 'x'.repeat(5_000), '%00', '[object Object]', '$gt', '2026-02-30']) await go(who, `${url}${sep}${param.name}=${encodeURIComponent(value)}`, json ? {} : undefined);
          await go(who, `${url}${sep}${param.name}=a&${param.name}=b`, json ? {} : undefined);
          await go(who, `${url}${sep}${param.name}[$ne]=x`, json ? {} : undefined);
        }
      }
    }
    expect(fields).toBeGreaterThan(100);
    expect(probes).toBeGreaterThan(1_000);
    expect(wrong).toEqual([]);
  }, 600_000);
});
