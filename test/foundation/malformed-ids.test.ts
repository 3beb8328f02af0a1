import { anEnterprise } from '../../seed/builders';
import { OBJECT_ID_PATTERN } from '../../src/shared/http/object-id.schema';
import { newId, startAuthTestApp, strongPassword, type AuthTestApp } from '../auth/auth.harness';

/**
 * Every id a route takes in its path or query is parsed at the edge. This walks the whole OpenAPI
 * document, so a route added later is checked without anyone remembering to: a malformed id in any
 * path parameter or id-like query parameter is a 400 naming that parameter, never a 500. Path
 * segments a route treats as codes rather than ids (an enum such as a label format or an import
 * registry) may answer 404 instead.
 */
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: { type?: string; pattern?: string; enum?: unknown[]; default?: unknown };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: unknown;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const MALFORMED = 'not-an-id';
const ID_LIKE = /(^id$|Ids?$|^before$)/;
// Ledger event ids and delivery visit ids are client-made UUIDs, looked up as strings and never cast: unknown is a 404.
const LOOKED_UP_AS_TEXT = new Set(['eventId', 'visitId']);
const isIdLike = (p: Parameter) => ID_LIKE.test(p.name);
const isObjectId = (p: Parameter) => isIdLike(p) && !LOOKED_UP_AS_TEXT.has(p.name);

/** A value the parameter accepts, so that only the one parameter under test is malformed. */
function validValue(p: Parameter): string {
  if (p.schema?.enum?.length) return String(p.schema.enum[0]);
  if (isIdLike(p)) return newId();
  if (p.schema?.type === 'integer' || p.schema?.type === 'number') return '1';
  return 'x';
}

interface Probe {
  method: string;
  path: string;
  param: Parameter;
  url: string;
  hasBody: boolean;
}

function probes(doc: Document): Probe[] {
  const out: Probe[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const targets = params.filter((p) => p.in === 'path' || (p.in === 'query' && isIdLike(p)));
      for (const param of targets) {
        let url = template;
        for (const p of pathParams) url = url.replace(`{${p.name}}`, encodeURIComponent(p === param ? MALFORMED : validValue(p)));
        const query = new URLSearchParams();
        for (const p of params.filter((q) => q.in === 'query' && (q.required || q === param))) query.set(p.name, p === param ? MALFORMED : validValue(p));
        const qs = query.toString();
        out.push({ method: method.toUpperCase(), path: template, param, url: qs ? `${url}?${qs}` : url, hasBody: op.requestBody !== undefined });
      }
    }
  }
  return out;
}

/** Any answer, JSON or not (a page may answer HTML); the status and the problem's field list. */
async function callWith(url: string, probe: Probe, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (probe.hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${probe.url}`, { method: probe.method, headers, ...(probe.hasBody ? { body: '{}' } : {}) });
  const text = await res.text();
  let body: Record<string, unknown> = { text: text.slice(0, 200) };
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: res.status, body };
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
    const found = probes(doc).map((p) => `${p.method} ${p.path} ${p.param.name}`);
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
      .map((p) => `${p.method} ${p.path} ${p.param.name}`);
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
      if (!acceptable) wrong.push(`${probe.method} ${probe.url} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('reaches the parsing of every probed route with one of the two roles', () => {
    expect([...refused].filter(([, times]) => times === 2).map(([url]) => url)).toEqual([]);
  });
});
