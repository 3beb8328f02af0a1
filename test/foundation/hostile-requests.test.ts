import { Types } from 'mongoose';
import { anEnterprise } from '../../seed/builders';
import { signAccessToken, type Role } from '../../src/components/auth';
import { startAuthTestApp, strongPassword, TEST_SECRETS, type AuthTestApp } from '../auth/auth.harness';
import { describeAnswer, namesField, routes, send, urlOf, type Answer, type Document, type Route, type Send } from './openapi.walker';

/**
 * Every documented route attacked from outside, as an attacker and as a careless user would: no
 * token, a forged, expired or deactivated account's token; every role's token; bodies that are
 * not objects, prototype keys, deep nesting, the wrong content type, invalid UTF-8; hostile limits
 * and cursors; methods the route lacks. Whatever the route, the answer is a problem+json (never a
 * 500, never a stack or a driver's text) and the state is unchanged.
 */
const PROBLEM = 'application/problem+json';
// What an answer must never carry: a stack frame, the driver's or the ODM's words, a duplicate-key text.
const INTERNALS = /\bat [\w$.<>]+ \(|node_modules|MongoServerError|MongoError|E11000|mongoose|CastError|BSONError|\/src\/components\//;

/** Query parameters a listing needs besides those documented as required (one of several is). */
const NEEDS: Record<string, Record<string, string>> = { '/api/v1/fill-records': { siteId: new Types.ObjectId().toHexString() } };

/** Routes whose answer is a page or a file, not JSON (they answer problems under /api only). */
const isApi = (r: Route) => r.path.startsWith('/api/');

describe('hostile requests against every route of the document', () => {
  let app: AuthTestApp;
  let doc: Document;
  let all: Route[];
  const tokens: Partial<Record<Role, string>> = {};
  let deactivatedToken = '';
  let enterpriseId = '';

  async function account(role: Role, extra: { enterpriseId?: string; districtCode?: string } = {}) {
    const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
    const password = strongPassword();
    const id = await app.insertUser({ username, role, password, ...extra });
    return { id, token: (await app.login(username, password)).accessToken };
  }

  const go = (request: Send) => send(app.url, request);
  const json = (route: Route, token: string | undefined, body: string | undefined, extra: Record<string, string> = {}): Send => ({
    method: route.method,
    url: urlOf(route),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
    ...(body === undefined ? {} : { body }),
  });
  // Logging out ends the session the other probes' tokens belong to: it is probed without a valid token only.
  const endsSession = (r: Route) => r.path === '/api/v1/auth/logout';
  // Device routes are reached only with a device's signature: their bodies are attacked in test/devices.
  const withBody = (r: Route) => r.bodyTypes.some((t) => /json/.test(t)) && !endsSession(r) && r.auth !== 'device';

  beforeAll(async () => {
    app = await startAuthTestApp('hostile_requests');
    tokens.city_regulator = (await account('city_regulator')).token;
    const enterprise = await app.call('POST', '/api/v1/enterprises', { token: tokens.city_regulator, body: anEnterprise().inDistrict('441802').build() });
    enterpriseId = String(enterprise.body.id);
    tokens.district_regulator = (await account('district_regulator', { districtCode: '441802' })).token;
    tokens.auditor = (await account('auditor')).token;
    tokens.enterprise_admin = (await account('enterprise_admin', { enterpriseId, districtCode: '441802' })).token;
    tokens.filling_operator = (await account('filling_operator', { enterpriseId, districtCode: '441802' })).token;
    tokens.delivery_worker = (await account('delivery_worker', { enterpriseId, districtCode: '441802' })).token;
    const victim = await account('enterprise_admin', { enterpriseId, districtCode: '441802' });
    deactivatedToken = victim.token;
    const off = await app.call('POST', `/api/v1/users/${victim.id}/deactivate`, { token: tokens.city_regulator });
    expect(off.status).toBe(200);
    doc = (await app.call('GET', '/api/openapi.json')).body as unknown as Document;
    all = routes(doc);
  }, 120_000);
  afterAll(() => app.close());

  /** Asserts the answer is a problem of one of `statuses`, with nothing internal in it. */
  function check(wrong: string[], request: Send, res: Answer, statuses: number[], api = true) {
    const problem = !api || res.contentType.startsWith(PROBLEM);
    if (!statuses.includes(res.status) || !problem || INTERNALS.test(res.text)) wrong.push(describeAnswer(request, res));
  }

  it('answers 401 problem+json to every bearer route without a valid token, whatever is wrong with it', async () => {
    const forged = signAccessToken('not-the-platform-secret-0123456789abcdef', { kind: 'user', userId: new Types.ObjectId().toHexString(), username: 'x', role: 'city_regulator' });
    const expired = signAccessToken(TEST_SECRETS.JWT_SECRET, { kind: 'user', userId: new Types.ObjectId().toHexString(), username: 'x', role: 'city_regulator' }, -60);
    const bearer = all.filter((r) => r.auth === 'bearer');
    expect(bearer.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const route of bearer) {
      const body = route.bodyTypes.length > 0 ? '{}' : undefined;
      for (const auth of [undefined, 'Bearer', 'Bearer garbage', `Bearer ${forged}`, `Bearer ${expired}`, `Bearer ${deactivatedToken}`, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const request = json(route, undefined, body, auth ? { authorization: auth } : {});
        check(wrong, request, await go(request), [401]);
      }
      // Nothing is parsed before the caller is known: a stranger's bad input is not described to it
      // (logout excepted: its body may be the credential, a refresh token).
      if (route.path === '/api/v1/auth/logout') continue;
      const malformed = Object.fromEntries(route.params.filter((p) => p.in !== 'header').map((p) => [p.name, 'not-an-id']));
      const hostile: Send = { method: route.method, url: urlOf(route, malformed), headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: '[]' }) };
      check(wrong, hostile, await go(hostile), [401]);
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('answers 401 problem+json to every device route without a device signature', async () => {
    const device = all.filter((r) => r.auth === 'device');
    expect(device.length).toBeGreaterThan(3);
    const wrong: string[] = [];
    for (const route of device) {
      const variants: Record<string, string>[] = [{}, { 'x-device-id': 'not-an-id', 'x-device-timestamp': 'NaN', 'x-device-nonce': '', 'x-device-signature': 'x' }, { authorization: `Bearer ${tokens.city_regulator ?? ''}` }];
      for (const headers of variants) {
        const request = json(route, undefined, route.bodyTypes.length > 0 ? '{}' : undefined, headers);
        check(wrong, request, await go(request), [401]);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(['city_regulator', 'district_regulator', 'auditor', 'enterprise_admin', 'filling_operator', 'delivery_worker'] as const)('never answers 5xx to any route, nor anything internal (as %s)', async (role) => {
    const wrong: string[] = [];
    for (const route of all) {
      if (endsSession(route)) continue;
      const request = json(route, tokens[role], withBody(route) ? '{}' : undefined);
      const res = await go(request);
      if (res.status >= 500 || INTERNALS.test(res.text) || (isApi(route) && res.status >= 400 && !res.contentType.startsWith(PROBLEM))) wrong.push(describeAnswer(request, res));
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  /** The role that gets past the permission check of a route taking a JSON body, to reach its parsing. */
  async function firstAdmitted(route: Route, body: string): Promise<{ role: Role | 'public'; res: Answer; request: Send } | undefined> {
    if (route.auth === 'public') {
      const request = json(route, undefined, body, { 'accept-language': 'zh-CN', accept: 'application/json' });
      return { role: 'public', res: await go(request), request };
    }
    for (const role of ['city_regulator', 'enterprise_admin', 'delivery_worker', 'filling_operator'] as const) {
      const request = json(route, tokens[role], body, { 'accept-language': 'zh-CN' });
      const res = await go(request);
      if (res.status !== 403) return { role, res, request };
    }
    return undefined;
  }

  it.each([
    ['a JSON array', '[]'],
    ['null', 'null'],
    ['a string', '"text"'],
    ['a number', '42'],
    ['true', 'true'],
  ])('refuses %s where an object is expected: 400 in Chinese, on every route taking JSON', async (_what, body) => {
    const wrong: string[] = [];
    for (const route of all.filter(withBody)) {
      const admitted = await firstAdmitted(route, body);
      if (!admitted) continue;
      const { res, request } = admitted;
      // Chinese: the title is the table's, not the English one.
      if (res.status !== 400 || !res.contentType.startsWith(PROBLEM) || !/[\u4e00-\u9fff]/.test(String(res.body.title))) wrong.push(`${admitted.role} ${describeAnswer(request, res)}`);
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('refuses prototype keys and deep nesting in any JSON body, and changes nothing', async () => {
    const before = await app.call('GET', '/api/v1/enterprises', { token: tokens.city_regulator });
    const nested = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const wrong: string[] = [];
    for (const route of all.filter(withBody)) {
      for (const body of ['{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', nested]) {
        const admitted = await firstAdmitted(route, body);
        if (!admitted) continue;
        if (![400, 413].includes(admitted.res.status) || INTERNALS.test(admitted.res.text)) wrong.push(`${admitted.role} ${describeAnswer(admitted.request, admitted.res)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    const after = await app.call('GET', '/api/v1/enterprises', { token: tokens.city_regulator });
    expect(after.body.items).toEqual(before.body.items);
  }, 300_000);

  it('answers a body of the wrong content type, invalid UTF-8 or malformed JSON with a 4xx problem, never a 500 or a hang', async () => {
    const wrong: string[] = [];
    const invalidUtf8 = Uint8Array.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    for (const route of all.filter(withBody)) {
      const variants: Send[] = [
        { ...json(route, tokens.city_regulator, 'name=x&a[b]=c'), headers: { authorization: `Bearer ${tokens.city_regulator}`, 'content-type': 'text/plain' } },
        { ...json(route, tokens.city_regulator, 'name=x'), headers: { authorization: `Bearer ${tokens.city_regulator}`, 'content-type': 'application/x-www-form-urlencoded' } },
        { ...json(route, tokens.city_regulator, '{"a":'), headers: { authorization: `Bearer ${tokens.city_regulator}`, 'content-type': 'application/json' } },
        { method: route.method, url: urlOf(route), headers: { authorization: `Bearer ${tokens.city_regulator}`, 'content-type': 'application/json' }, body: invalidUtf8 },
        { method: route.method, url: urlOf(route), headers: { authorization: `Bearer ${tokens.city_regulator}`, 'content-type': 'application/json; charset=koi8-r' }, body: '{}' },
      ];
      for (const request of variants) {
        if (route.auth !== 'bearer') delete request.headers?.authorization;
        const res = await go(request);
        if (res.status < 400 || res.status >= 500 || (isApi(route) && !res.contentType.startsWith(PROBLEM)) || INTERNALS.test(res.text)) {
          // A public form route takes urlencoded bodies on purpose: it must still refuse an empty report.
          wrong.push(describeAnswer(request, res));
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('refuses an oversize body with 413 problem+json', async () => {
    const route = all.find((r) => r.method === 'POST' && r.path === '/api/v1/enterprises');
    if (!route) throw new Error('no POST /enterprises in the document');
    const request = json(route, tokens.city_regulator, JSON.stringify({ name: 'x'.repeat(200_000) }));
    const res = await go(request);
    expect([res.status, res.contentType.split(';')[0], res.body.code]).toEqual([413, PROBLEM, 'PAYLOAD_TOO_LARGE']);
  });

  it('refuses limit=0/-1/1e9/abc/1.5 and garbage cursors with 400 naming the parameter, on every listing', async () => {
    const wrong: string[] = [];
    for (const route of all.filter((r) => r.method === 'GET' && r.params.some((p) => p.in === 'query' && (p.name === 'limit' || p.name === 'cursor')))) {
      const values: [string, string][] = [];
      if (route.params.some((p) => p.name === 'limit')) for (const v of ['0', '-1', '1e9', 'abc', '1.5', '', 'Infinity', 'NaN']) values.push(['limit', v]);
      if (route.params.some((p) => p.name === 'cursor')) for (const v of ['garbage', 'eyJ4IjoxfQ', 'a.b.c', '../../etc']) values.push(['cursor', v]);
      for (const [name, value] of values) {
        const token = route.path.startsWith('/api/v1/deliveries/visits') ? tokens.delivery_worker : tokens.city_regulator;
        const request: Send = { method: 'GET', url: urlOf(route, { ...NEEDS[route.path], [name]: value }), headers: { authorization: `Bearer ${token}`, 'accept-language': 'zh-CN' } };
        const res = await go(request);
        // Refused roles, and a parent record that does not exist (a random id), answer before the page is read.
        if (res.status === 403 || (res.status === 404 && route.params.some((p) => p.in === 'path'))) continue;
        if (res.status !== 400 || !namesField(res, name)) wrong.push(describeAnswer(request, res));
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('answers a method a route lacks with a 404 or 405 problem, never 500', async () => {
    const wrong: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      const route = all.find((r) => r.path === path);
      if (!route) continue;
      for (const method of ['DELETE', 'PUT', 'PATCH', 'POST', 'GET'].filter((m) => !(m.toLowerCase() in ops))) {
        const request: Send = { method, url: urlOf(route), headers: { authorization: `Bearer ${tokens.city_regulator}`, 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) };
        // Device routes authenticate the signature first, whatever the method: 401 to a user's token.
        check(wrong, request, await go(request), route.auth === 'device' ? [401, 404, 405] : [404, 405]);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
