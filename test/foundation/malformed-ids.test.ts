import { anEnterprise } from '../../seed/builders';
import { OBJECT_ID_PATTERN } from '../../src/shared/http/object-id.schema';
import { startAuthTestApp, strongPassword, type AuthTestApp } from '../auth/auth.harness';
import { isIdLike, isObjectId, routes, send, urlOf, type Answer, type Document, type Parameter, type Route } from './openapi.walker';

/**
 * Every id a route takes in its path or query is parsed at the edge. This walks the whole OpenAPI
 * document, so a route added later is checked without anyone remembering to: a malformed id in any
 * path parameter or id-like query parameter is a 400 naming that parameter, never a 500. Path
 * segments a route treats as codes rather than ids (an enum such as a label format or an import
 * registry) may answer 404 instead.
 */
const MALFORMED = 'not-an-id';

interface Probe {
  route: Route;
  param: Parameter;
  url: string;
}

function probes(doc: Document): Probe[] {
  return routes(doc).flatMap((route) =>
    route.params
      .filter((p) => p.in === 'path' || (p.in === 'query' && isIdLike(p)))
      .map((param) => ({ route, param, url: urlOf(route, { [param.name]: MALFORMED }) })),
  );
}

/** The probe with the route's body (an empty object) when it takes one. */
function callWith(base: string, probe: Probe, token: string): Promise<Answer> {
  const hasBody = probe.route.bodyTypes.length > 0;
  return send(base, {
    method: probe.route.method,
    url: probe.url,
    headers: { authorization: `Bearer ${token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(hasBody ? { body: '{}' } : {}),
  });
}

describe('malformed ids in any route of the API', () => {
  let app: AuthTestApp;
  let doc: Document;
  const tokens: Record<string, string> = {};
  /** Probes a role was refused (403) before its input was parsed: each must be parsed by some role. */
  const refused = new Map<string, number>();

  async function loginAs(role: 'city_regulator' | 'enterprise_admin', extra: { enterpriseId?: string; districtCode?: string } = {}) {
    const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
    const password = strongPassword();
    await app.insertUser({ username, role, password, ...extra });
    return (await app.login(username, password)).accessToken;
  }

  const call = (probe: Probe, token: string) => callWith(app.url, probe, token);

  beforeAll(async () => {
    app = await startAuthTestApp('malformed_ids');
    tokens.city_regulator = await loginAs('city_regulator');
    const enterprise = await app.call('POST', '/api/v1/enterprises', { token: tokens.city_regulator, body: anEnterprise().inDistrict('441802').build() });
    tokens.enterprise_admin = await loginAs('enterprise_admin', { enterpriseId: String(enterprise.body.id), districtCode: '441802' });
    doc = (await app.call('GET', '/api/openapi.json')).body as unknown as Document;
  });
  afterAll(() => app.close());

  it('finds the id parameters of every component in the document', () => {
    const found = probes(doc).map((p) => `${p.route.method} ${p.route.path} ${p.param.name}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'GET /api/v1/cylinders/{id}/export id',
        'GET /api/v1/epcis/events cylinderId',
        'GET /api/v1/audit recordId',
        'GET /api/v1/users/{id} id',
        'GET /api/v1/devices/{id} id',
        'GET /api/v1/events cylinderId',
        'GET /api/v1/cylinders/{id}/chain/verify id',
        'GET /api/v1/qr/sheets cylinderIds',
        'PATCH /api/v1/sites/{id} id',
        'GET /api/v1/workers siteId',
      ]),
    );
  });

  it('documents every id parameter with the one shared id pattern', () => {
    const undocumented = probes(doc)
      // cylinderIds is a comma-separated list: each item is parsed with the same schema.
      .filter((p) => isObjectId(p.param) && p.param.name !== 'cylinderIds' && p.param.schema?.pattern !== OBJECT_ID_PATTERN.source)
      .map((p) => `${p.route.method} ${p.route.path} ${p.param.name}`);
    expect(undocumented).toEqual([]);
  });

  it.each(['city_regulator', 'enterprise_admin'])('answers a malformed id with 400 naming the parameter, never 500 (as %s)', async (role) => {
    const wrong: string[] = [];
    for (const probe of probes(doc)) {
      const res = await call(probe, tokens[role] ?? '');
      const named = Array.isArray(res.body.errors) && (res.body.errors as { path?: string }[]).some((e) => e.path === probe.param.name || e.path?.startsWith(`${probe.param.name}.`));
      const codeSegment = !isObjectId(probe.param);
      // A role the permission table refuses is answered 403 before anything is parsed; that is no leak.
      if (res.status === 403) refused.set(probe.url, (refused.get(probe.url) ?? 0) + 1);
      const acceptable = res.status === 403 || (res.status === 400 && named) || (codeSegment && [400, 404].includes(res.status));
      if (!acceptable) wrong.push(`${probe.route.method} ${probe.url} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('reaches the parsing of every probed route with one of the two roles', () => {
    expect([...refused].filter(([, times]) => times === 2).map(([url]) => url)).toEqual([]);
  });
});
