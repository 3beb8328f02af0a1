import { io as connect, type Socket } from 'socket.io-client';
import { startWorld, type World } from '../support/world';
import { aScale } from '../devices/devices.harness';
import { alertsClient, anEnterpriseKit, connected, fullCylinder, openClient, principal, saleNow, sleep, suspendStation, type EnterpriseKit } from './alerts.harness';

/**
 * The realtime endpoint attacked from outside: malformed handshakes, namespaces nobody serves,
 * credentials that are not access tokens, clients that send events the server never asked for,
 * and other sites' pages. Whatever is sent, the answer is a refusal with a reason (never a
 * connection that receives anything), and the process keeps serving the regulators it serves.
 */
const DISTRICT = '441802';

let world: World;
let kit: EnterpriseKit;

beforeAll(async () => {
  world = await startWorld('alerts_socket_hostile');
  kit = await anEnterpriseKit(world, DISTRICT);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

/** Connects a client of `namespace` and waits for its outcome: connected, or the refusal's code (or message when it has none). */
function outcomeOf(socket: Socket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('TIMEOUT'), timeoutMs);
    socket.once('connect', () => (clearTimeout(timer), resolve('connected')));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => (clearTimeout(timer), resolve(err.data?.code ?? err.message)));
  });
}

/** The city regulator still receives a new alert: the process survived whatever came before. */
async function stillServing(): Promise<void> {
  const city = await openClient(world, principal('city_regulator'));
  try {
    const cylinderId = await fullCylinder(world, kit);
    await suspendStation(world, kit);
    const refused = await world.as(kit.admin).post('/api/v1/events', saleNow(cylinderId, kit));
    expect(refused.status).toBe(422);
    const [first] = await city.waitFor(1, 3_000);
    expect(first?.payload.alert.rule).toBe('UNLICENSED_SELLER');
  } finally {
    city.close();
  }
}

describe('the /alerts handshake, attacked', () => {
  it('refuses a token that is not a string, too long, or beside unknown keys, and a since that is not a whole non-negative number', async () => {
    const token = world.tokenFor(principal('city_regulator'));
    const cases: [string, Record<string, unknown>, string][] = [
      ['a numeric token', { token: 12345 }, 'UNAUTHORIZED'],
      ['an object token', { token: { $ne: null } }, 'UNAUTHORIZED'],
      ['an array token', { token: [token] }, 'UNAUTHORIZED'],
      ['a null token', { token: null }, 'UNAUTHORIZED'],
      ['an empty token', { token: '' }, 'VALIDATION_FAILED'],
      ['a 5 kB token', { token: `${token}${'a'.repeat(5_000)}` }, 'VALIDATION_FAILED'],
      ['an unknown key', { token, role: 'city_regulator' }, 'VALIDATION_FAILED'],
      ['a prototype key', JSON.parse(`{"token":${JSON.stringify(token)},"__proto__":{"role":"city_regulator"}}`) as Record<string, unknown>, 'VALIDATION_FAILED'],
      ['a NaN since (sent as null)', { token, since: Number.NaN }, 'VALIDATION_FAILED'],
      ['a string since', { token, since: '5' }, 'VALIDATION_FAILED'],
      ['a fractional since', { token, since: 1.5 }, 'VALIDATION_FAILED'],
      ['a negative since', { token, since: -3 }, 'VALIDATION_FAILED'],
      ['an unsafe integer since', { token, since: 1e20 }, 'VALIDATION_FAILED'],
      ['an infinite since (sent as null)', { token, since: Number.POSITIVE_INFINITY }, 'VALIDATION_FAILED'],
    ];
    const wrong: string[] = [];
    for (const [what, auth, code] of cases) {
      const client = alertsClient(world.url, auth);
      const outcome = await connected(client);
      client.close();
      const got = outcome === 'connected' ? 'connected' : outcome.code;
      // The refusal names what is wrong without echoing the token back.
      if (got !== code || (outcome !== 'connected' && outcome.message.includes(token))) wrong.push(`${what}: ${JSON.stringify(outcome)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses credentials that are not access tokens: a refresh token, a device secret, a customer page link, a QR signature', async () => {
    const username = `sock${Date.now()}`;
    const password = 'Very-Long-Passw0rd!';
    await world.insertUser({ username, role: 'city_regulator', password });
    const { refreshToken } = await world.login(username, password);
    const scale = await aScale(world, kit.admin, kit.station);
    const link = await world.as(kit.admin).post(`/api/v1/deliveries/customers/${kit.customer}/page-link`, {});
    const cylinderId = await fullCylinder(world, kit);
    const code = await world.as(kit.admin).get(`/api/v1/cylinders/${cylinderId}/code`);
    const uri = String((code.body as { uri?: string }).uri ?? '');
    const candidates: [string, string][] = [
      ['a refresh token', refreshToken],
      ['a device secret', scale.secret],
      ['a device id', scale.id],
      ['a customer page link', String((link.body as { url?: string }).url ?? 'no-link').split('/').pop() ?? ''],
      ['a QR signature', new URL(uri || 'https://x/?s=none').searchParams.get('s') ?? 'none'],
    ];
    const wrong: string[] = [];
    for (const [what, token] of candidates) {
      const client = alertsClient(world.url, { token });
      const outcome = await connected(client);
      client.close();
      if (outcome === 'connected' || outcome.code !== 'INVALID_TOKEN') wrong.push(`${what}: ${JSON.stringify(outcome)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses the default namespace and every namespace nobody serves, with or without a token', async () => {
    const token = world.tokenFor(principal('city_regulator'));
    const wrong: string[] = [];
    for (const namespace of ['/', '/admin', '/alerts-admin', '/x'.repeat(200), '/%2e%2e/alerts']) {
      for (const auth of [undefined, { token }]) {
        const socket = connect(`${world.url}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
        const got: unknown[] = [];
        socket.onAny((event: string, ...args: unknown[]) => got.push([event, ...args]));
        const outcome = await outcomeOf(socket);
        await sleep(50);
        socket.close();
        if (outcome === 'connected' || outcome === 'TIMEOUT' || got.length > 0) wrong.push(`${namespace} ${auth ? 'with' : 'without'} a token: ${outcome} ${JSON.stringify(got)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('survives a client emitting events of its own, server events, acknowledgements and a payload over the limit', async () => {
    const client = await openClient(world, principal('city_regulator'));
    const nested = JSON.parse(`${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`) as unknown;
    client.socket.emit('alert:new', { alert: { id: 'forged' } });
    client.socket.emit('session:ended', { code: 'X' });
    client.socket.emit('__proto__', { polluted: true });
    client.socket.emit('constructor', 'x');
    client.socket.emit('alerts:changes', [{ seq: 1, districtCode: null, enterpriseId: null, payload: {} }]);
    client.socket.emit('anything', nested);
    client.socket.emit('with-ack', 1, () => undefined);
    client.socket.emit('bytes', Buffer.alloc(50_000, 1));
    await sleep(200);
    expect(client.socket.connected).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Over Socket.IO's message limit the server closes this one connection, nothing else.
    const closed = new Promise((resolve) => client.socket.once('disconnect', resolve));
    client.socket.emit('huge', 'x'.repeat(300_000));
    await expect(closed).resolves.toBeDefined();
    client.close();
    expect(client.received).toEqual([]);
    await stillServing();
  }, 30_000);

  it('gives another site no way in: no CORS grant on the polling handshake, and nothing without a token on the websocket', async () => {
    const res = await fetch(`${world.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${world.url}/socket.io/?EIO=4&transport=polling`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // A page of another site opening the websocket with the browser's cookies only is an anonymous client.
    const socket = connect(`${world.url}/alerts`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: 'https://evil.example', cookie: 'lpg_refresh=abc; lpg_session=1' } });
    expect(await outcomeOf(socket)).toBe('UNAUTHORIZED');
    socket.close();
  });
});
