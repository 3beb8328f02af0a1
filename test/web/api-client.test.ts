import { ApiError, createApiClient, NetworkError, type ApiClientOptions } from '../../web/src/api/client';

/**
 * The consoles' API client against a scripted platform: each call answers from a queue of
 * responses (or throws, as fetch does when an answer is lost on the way).
 */
type Answer = { status: number; body?: unknown } | 'lost';
interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestInit['credentials'];
}

function platform(script: Record<string, Answer[]>) {
  const calls: Call[] = [];
  const fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET';
    const path = String(url).split('?')[0] ?? '';
    calls.push({
      method,
      url: String(url),
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body,
      credentials: init?.credentials,
    });
    const answer = script[`${method} ${path}`]?.shift();
    if (!answer) throw new Error(`unscripted ${method} ${path}`);
    if (answer === 'lost') throw new TypeError('fetch failed');
    const json = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return new Response(answer.status === 204 ? null : json, { status: answer.status, headers: { 'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const user = { id: 'u1', username: 'zhang', displayName: '张伟', role: 'city_regulator', mustChangePassword: false };
const tokens = (accessToken: string, expiresIn = 900) => ({ status: 200, body: { accessToken, tokenType: 'Bearer', expiresIn, mustChangePassword: false, user } });
const problem = (status: number, code: string, detail = '') => ({ status, body: { type: 'urn:x', title: code, status, code, detail } });

function client(script: Record<string, Answer[]>, extra: Partial<ApiClientOptions> = {}) {
  const p = platform(script);
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const api = createApiClient({
    fetch: p.fetch,
    language: () => 'zh-CN',
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    retryDelaysMs: [10, 20, 40],
    ...extra,
  });
  return { api, calls: p.calls, sleeps, advance: (ms: number) => (clock += ms) };
}

describe('the consoles\' API client', () => {
  it('logs in in cookie mode and sends the access token and the console language with every call', async () => {
    const { api, calls } = client({ 'POST /api/v1/auth/login': [tokens('A1')], 'GET /api/v1/sites': [{ status: 200, body: { items: [], nextCursor: null } }] });
    await api.login('zhang', 'secret');
    expect(calls[0]?.body).toEqual({ username: 'zhang', password: 'secret', refreshTokenIn: 'cookie' });
    expect(calls[0]?.credentials).toBe('same-origin');
    await api.get('/api/v1/sites', { query: { kind: 'filling_station', q: '' } });
    expect(calls[1]?.url).toBe('/api/v1/sites?kind=filling_station');
    expect(calls[1]?.headers.Authorization).toBe('Bearer A1');
    expect(calls[1]?.headers['Accept-Language']).toBe('zh-CN');
  });

  it('refreshes once after a 401 TOKEN_EXPIRED and repeats the call with the new token', async () => {
    const { api, calls } = client({
      'POST /api/v1/auth/login': [tokens('A1')],
      'GET /api/v1/cylinders': [problem(401, 'TOKEN_EXPIRED'), { status: 200, body: { items: [1], nextCursor: null } }],
      'POST /api/v1/auth/refresh': [tokens('A2')],
    });
    await api.login('zhang', 'secret');
    expect(await api.get('/api/v1/cylinders')).toEqual({ items: [1], nextCursor: null });
    expect(calls.map((c) => `${c.method} ${c.url} ${c.headers.Authorization ?? ''}`)).toEqual([
      'POST /api/v1/auth/login ',
      'GET /api/v1/cylinders Bearer A1',
      'POST /api/v1/auth/refresh ',
      'GET /api/v1/cylinders Bearer A2',
    ]);
    expect(calls[2]?.body).toEqual({});
  });

  it('refreshes before the access token expires, one refresh for any number of waiting calls', async () => {
    const { api, calls, advance } = client({
      'POST /api/v1/auth/login': [tokens('A1', 60)],
      'POST /api/v1/auth/refresh': [tokens('A2')],
      'GET /api/v1/sites': [{ status: 200, body: 1 }, { status: 200, body: 2 }, { status: 200, body: 3 }],
    });
    await api.login('zhang', 'secret');
    advance(45_000); // 15 s left: within the 30 s the client refreshes ahead
    expect(await Promise.all([api.get('/api/v1/sites'), api.get('/api/v1/sites'), api.get('/api/v1/sites')])).toEqual([1, 2, 3]);
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(calls.filter((c) => c.url === '/api/v1/sites').map((c) => c.headers.Authorization)).toEqual(['Bearer A2', 'Bearer A2', 'Bearer A2']);
  });

  it('retries a refresh whose answer was lost (the platform answers a retry within 30 s with a fresh pair)', async () => {
    const { api, sleeps } = client({ 'POST /api/v1/auth/refresh': ['lost', 'lost', tokens('A3')] });
    const session = await api.restore();
    expect(session?.accessToken).toBe('A3');
    expect(sleeps).toEqual([10, 20]);
  });

  it('retries a read whose answer was lost, but not a write that is not idempotent', async () => {
    const { api, calls } = client({
      'POST /api/v1/auth/login': [tokens('A1')],
      'GET /api/v1/workers': ['lost', { status: 200, body: 'ok' }],
      'POST /api/v1/sites': ['lost'],
      'POST /api/v1/qr/commission': ['lost', { status: 200, body: { items: [] } }],
    });
    await api.login('zhang', 'secret');
    expect(await api.get('/api/v1/workers')).toBe('ok');
    await expect(api.post('/api/v1/sites', { name: 'x' })).rejects.toBeInstanceOf(NetworkError);
    expect(calls.filter((c) => c.url === '/api/v1/sites')).toHaveLength(1);
    expect(await api.post('/api/v1/qr/commission', { cylinderIds: ['c'] }, { idempotent: true })).toEqual({ items: [] });
  });

  it('gives up after every retry with a NetworkError', async () => {
    const { api } = client({ 'GET /api/v1/workers': ['lost', 'lost', 'lost', 'lost'] });
    await expect(api.get('/api/v1/workers', { anonymous: true })).rejects.toBeInstanceOf(NetworkError);
  });

  it('ends the session when the refresh is refused, and tells the page', async () => {
    const seen: (string | undefined)[] = [];
    const { api } = client(
      {
        'POST /api/v1/auth/login': [tokens('A1')],
        'GET /api/v1/sites': [problem(401, 'TOKEN_EXPIRED')],
        'POST /api/v1/auth/refresh': [problem(401, 'SESSION_REVOKED')],
      },
      { onSession: (s) => seen.push(s?.accessToken) },
    );
    await api.login('zhang', 'secret');
    await expect(api.get('/api/v1/sites')).rejects.toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(seen).toEqual(['A1', undefined]);
    expect(api.session).toBeUndefined();
  });

  it('does not refresh for a 401 a refresh cannot cure (a deactivated account)', async () => {
    const { api, calls } = client({ 'POST /api/v1/auth/login': [tokens('A1')], 'GET /api/v1/sites': [problem(401, 'ACCOUNT_INACTIVE')] });
    await api.login('zhang', 'secret');
    await expect(api.get('/api/v1/sites')).rejects.toMatchObject({ code: 'ACCOUNT_INACTIVE' });
    expect(calls.some((c) => c.url === '/api/v1/auth/refresh')).toBe(false);
    expect(api.session).toBeUndefined();
  });

  it('hands a problem\'s field errors over by path, for the form to show next to each field', async () => {
    const body = { type: 'urn:x', title: '输入有误', status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'licence.validTo', message: '必填' }, { path: 'name', message: '不能为空' }, { path: 'name', message: '最多 100 个字符' }] };
    const { api } = client({ 'POST /api/v1/enterprises': [{ status: 400, body }] });
    const error = await api.post('/api/v1/enterprises', {}, { anonymous: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors()).toEqual({ 'licence.validTo': '必填', name: '不能为空' });
  });

  it('does not ask the refresh route on a reload without the session hint', async () => {
    const { api, calls } = client({}, { sessionHint: () => false });
    expect(await api.restore()).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('ends the session at logout even when the platform cannot be reached', async () => {
    const { api } = client({ 'POST /api/v1/auth/login': [tokens('A1')], 'POST /api/v1/auth/logout': ['lost', 'lost', 'lost', 'lost'] });
    await api.login('zhang', 'secret');
    await expect(api.logout()).rejects.toBeInstanceOf(NetworkError);
    expect(api.session).toBeUndefined();
  });
});
