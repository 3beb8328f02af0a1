import { signedHeaders } from '../../src/components/devices';
import { anEnterpriseKit, expectStatus, startLedgerWorld, type EnterpriseKit, type LedgerWorld } from '../ledger/ledger.harness';
import { startWorld } from '../support/world';
import { aScale, signed, type Scale } from './devices.harness';

describe('signed device requests', () => {
  let world: LedgerWorld;
  let kit: EnterpriseKit;
  let scale: Scale;
  beforeAll(async () => {
    world = await startLedgerWorld('device_auth');
    kit = await anEnterpriseKit(world, '441802');
    scale = await aScale(world, kit.admin, kit.station);
  });
  afterAll(() => world.stop());

  it('answers a correctly signed request with the scale it came from, and marks it seen', async () => {
    const res = await signed(world, scale, 'GET', '/api/v1/device/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: scale.id, siteId: kit.station, status: 'active' });
    expect(typeof res.body.lastSeenAt).toBe('string');
    expect(Number(res.headers.get('x-server-time'))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses missing or malformed signature headers, naming each one', async () => {
    const res = await fetch(`${world.url}/api/v1/device/me`);
    const body = (await res.json()) as { code: string; errors: { path: string }[] };
    expect([res.status, body.code]).toEqual([401, 'DEVICE_AUTH_MISSING']);
    expect(body.errors.map((e) => e.path)).toEqual(['X-Device-Id', 'X-Timestamp', 'X-Nonce', 'X-Signature']);
    const shortNonce = await signed(world, scale, 'GET', '/api/v1/device/me', undefined, { nonce: 'too-short' });
    expect([shortNonce.status, shortNonce.body.code]).toEqual([401, 'DEVICE_AUTH_MISSING']);
  });

  it('refuses an unknown device, and a signature made with another secret', async () => {
    const unknown = await signed(world, { id: '0123456789abcdef01234567', secret: scale.secret }, 'GET', '/api/v1/device/me');
    expect([unknown.status, unknown.body.code]).toEqual([401, 'DEVICE_UNKNOWN']);
    const wrongSecret = await signed(world, { id: scale.id, secret: `${scale.secret}x` }, 'GET', '/api/v1/device/me');
    expect([wrongSecret.status, wrongSecret.body.code]).toEqual([401, 'DEVICE_SIGNATURE_INVALID']);
  });

  it('refuses a body altered after signing, and a request signed for another path', async () => {
    const body = { firmware: '1.0.0', sequence: 1, bufferedReports: 0 };
    const altered = await signed(world, scale, 'POST', '/api/v1/device/me', body, { sendBody: JSON.stringify({ ...body, sequence: 2 }) });
    expect([altered.status, altered.body.code]).toEqual([401, 'DEVICE_SIGNATURE_INVALID']);
    const headers = signedHeaders(scale, { method: 'GET', path: '/api/v1/device/me?x=1' });
    const res = await fetch(`${world.url}/api/v1/device/me`, { headers });
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([401, 'DEVICE_SIGNATURE_INVALID']);
  });

  it('refuses a timestamp more than five minutes off, either way, and tells the scale the platform time', async () => {
    for (const offset of [-301_000, 301_000]) {
      const res = await signed(world, scale, 'GET', '/api/v1/device/me', undefined, { clockOffsetMs: offset });
      expect([res.status, res.body.code]).toEqual([401, 'DEVICE_CLOCK_SKEW']);
      expect(Math.abs(Number(res.headers.get('x-server-time')) - Date.now())).toBeLessThan(10_000);
    }
    const inside = await signed(world, scale, 'GET', '/api/v1/device/me', undefined, { clockOffsetMs: -290_000 });
    expect(inside.status).toBe(200);
  });

  it('refuses a replayed request, also when the two copies arrive together', async () => {
    const headers = signedHeaders(scale, { method: 'GET', path: '/api/v1/device/me' });
    const send = () => fetch(`${world.url}/api/v1/device/me`, { headers });
    expect((await send()).status).toBe(200);
    const again = await send();
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([401, 'DEVICE_NONCE_REPLAYED']);

    const twins = signedHeaders(scale, { method: 'GET', path: '/api/v1/device/me' });
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => fetch(`${world.url}/api/v1/device/me`, { headers: twins })))).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('refuses a replay after the app restarted on the same database', async () => {
    const headers = signedHeaders(scale, { method: 'GET', path: '/api/v1/device/me' });
    expect((await fetch(`${world.url}/api/v1/device/me`, { headers })).status).toBe(200);
    await world.restart({});
    const replay = await fetch(`${world.url}/api/v1/device/me`, { headers });
    expect([replay.status, ((await replay.json()) as { code: string }).code]).toEqual([401, 'DEVICE_NONCE_REPLAYED']);
    expect((await signed(world, scale, 'GET', '/api/v1/device/me')).status).toBe(200);
  });

  it('refuses every request of a revoked scale from the next one on', async () => {
    const other = await aScale(world, kit.admin, kit.station, '待吊销的秤');
    expect((await signed(world, other, 'GET', '/api/v1/device/me')).status).toBe(200);
    await expectStatus(world.as(kit.admin).post(`/api/v1/devices/${other.id}/revoke`), 200);
    const res = await signed(world, other, 'GET', '/api/v1/device/me');
    expect([res.status, res.body.code]).toEqual([401, 'DEVICE_REVOKED']);
  });

  it('refuses a revoked scale on its next request in every process, also one that holds its key', async () => {
    const other = await aScale(world, kit.admin, kit.station, '两进程吊销的秤');
    const second = await startWorld('device_auth_second', { database: world.dbRef, secrets: world.secrets });
    try {
      // Both processes have verified it once (and so hold its key).
      expect((await signed(world, other, 'GET', '/api/v1/device/me')).status).toBe(200);
      expect((await signed(second, other, 'GET', '/api/v1/device/me')).status).toBe(200);
      await expectStatus(world.as(kit.admin).post(`/api/v1/devices/${other.id}/revoke`), 200);
      for (const process of [second, world, second]) {
        const res = await signed(process, other, 'GET', '/api/v1/device/me');
        expect([res.status, res.body.code]).toEqual([401, 'DEVICE_REVOKED']);
      }
    } finally {
      await second.stop();
    }
  });

  it('checks a known scale’s signature before any database round trip: a forged request costs none', async () => {
    expect((await signed(world, scale, 'GET', '/api/v1/device/me')).status).toBe(200);
    world.commands.length = 0;
    const forged = await signed(world, { id: scale.id, secret: `${scale.secret}x` }, 'GET', '/api/v1/device/me');
    expect([forged.status, forged.body.code]).toEqual([401, 'DEVICE_SIGNATURE_INVALID']);
    expect(world.commands).toEqual([]);
    const good = await signed(world, scale, 'GET', '/api/v1/device/me');
    expect(good.status).toBe(200);
    expect(world.commands).toEqual(expect.arrayContaining(['find', 'insert']));
  });

  it('keeps a used nonce in a TTL collection, past the window only', async () => {
    const indexes = await world.connection.collection('device_nonces').indexes();
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 })]));
    const kept = await world.connection.collection('device_nonces').find({ _id: { $regex: `^${scale.id}:` } } as object).toArray();
    for (const doc of kept) expect((doc.expiresAt as Date).getTime()).toBeLessThan(Date.now() + 7 * 60_000);
  });
});
