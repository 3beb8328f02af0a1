import { anEnterprise } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { aScaleKit, signed, type ScaleKit } from '../devices/devices.harness';
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
