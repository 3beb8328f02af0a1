import { signAccessToken } from '../../src/components/auth';
import { startWorld, type World } from '../support/world';
import { alertsClient, anEnterpriseKit, connected, expectStatus, fullCylinder, openClient, principal, saleNow, sleep, suspendStation, unknownCodes, type EnterpriseKit } from './alerts.harness';

/**
 * The live push a regulator's console relies on, through real Socket.IO clients: who receives an
 * alert (and who does not), who may connect at all, and resuming with `since` after a disconnect.
 */
const DISTRICT_A = '441802';
const DISTRICT_B = '441881';

let world: World;
let a: EnterpriseKit;
let b: EnterpriseKit;

beforeAll(async () => {
  // Accounts are checked again every 200 ms here (30 s in production), so a deactivation shows at once.
  world = await startWorld('alerts_socket', { alerts: { recheckMs: 200 } });
  a = await anEnterpriseKit(world, DISTRICT_A);
  b = await anEnterpriseKit(world, DISTRICT_B);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('the /alerts namespace', () => {
  it('raises UNLICENSED_SELLER at the district regulator and the city within a second; another district and another enterprise receive nothing', async () => {
    const cylinderId = await fullCylinder(world, a);
    await suspendStation(world, a);
    const clients = {
      city: await openClient(world, principal('city_regulator')),
      district: await openClient(world, principal('district_regulator', { districtCode: DISTRICT_A })),
      owner: await openClient(world, principal('enterprise_admin', { enterpriseId: a.enterpriseId })),
      otherDistrict: await openClient(world, principal('district_regulator', { districtCode: DISTRICT_B })),
      otherEnterprise: await openClient(world, principal('enterprise_admin', { enterpriseId: b.enterpriseId })),
    };
    try {
      const refused = await world.as(a.admin).post('/api/v1/events', saleNow(cylinderId, a));
      const acceptedAt = Date.now();
      expect([refused.status, refused.body.code]).toEqual([422, 'SITE_LICENCE_INVALID']);
      const [city, district, owner] = await Promise.all([clients.city.waitFor(1, 1_000), clients.district.waitFor(1, 1_000), clients.owner.waitFor(1, 1_000)]);
      for (const received of [city, district, owner]) {
        const [first] = received;
        expect(first?.event).toBe('alert:new');
        expect(first?.payload.alert).toMatchObject({ rule: 'UNLICENSED_SELLER', title: { zh: '无证经营' }, severity: 'critical', status: 'open', subject: { kind: 'site', id: a.station }, districtCode: DISTRICT_A, enterpriseId: a.enterpriseId, count: 1 });
        expect(first?.payload.added[0]).toMatchObject({ kind: 'refusal' });
        expect((first?.at ?? Infinity) - acceptedAt).toBeLessThan(1_000);
      }
      // The same alert as the REST API shows it.
      const rest = await expectStatus<Record<string, unknown>>(world.as(principal('city_regulator')).get(`/api/v1/alerts/${city[0]?.payload.alert.id}`), 200);
      expect(rest).toMatchObject({ ...city[0]?.payload.alert, evidence: expect.any(Array) });
      await sleep(300);
      expect(clients.otherDistrict.received).toEqual([]);
      expect(clients.otherEnterprise.received).toEqual([]);
    } finally {
      for (const c of Object.values(clients)) c.close();
    }
  });

  it('refuses anonymous, forged, expired, deactivated and alert-less connections with a reason', async () => {
    const city = principal('city_regulator');
    // A real account (the world admits only the tokens it minted without one), then deactivated.
    const username = `gone${Date.now()}`;
    const userId = await world.insertUser({ username, role: 'district_regulator', password: 'Very-Long-Passw0rd!', districtCode: DISTRICT_A });
    const deactivated = signAccessToken(world.secrets.JWT_SECRET, { kind: 'user', userId, username, role: 'district_regulator', districtCode: DISTRICT_A });
    const before = alertsClient(world.url, { token: deactivated });
    expect(await connected(before)).toBe('connected');
    before.close();
    await world.connection.collection('users').updateOne({ username }, { $set: { active: false } });
    const cases: [string, Record<string, unknown> | undefined, string][] = [
      ['anonymous', undefined, 'UNAUTHORIZED'],
      ['forged', { token: signAccessToken('another-secret-entirely-0123456789abcdef', city) }, 'INVALID_TOKEN'],
      ['garbage', { token: 'not-a-token' }, 'INVALID_TOKEN'],
      ['expired', { token: signAccessToken(world.secrets.JWT_SECRET, city, -10) }, 'TOKEN_EXPIRED'],
      ['deactivated', { token: deactivated }, 'ACCOUNT_INACTIVE'],
      ['an operator', { token: world.tokenFor(principal('filling_operator', { enterpriseId: a.enterpriseId })) }, 'FORBIDDEN'],
      ['an auditor', { token: world.tokenFor(principal('auditor')) }, 'FORBIDDEN'],
      ['a bad since', { token: world.tokenFor(city), since: -1 }, 'VALIDATION_FAILED'],
    ];
    for (const [who, auth, code] of cases) {
      const client = alertsClient(world.url, auth);
      const outcome = await connected(client);
      client.close();
      expect([who, outcome === 'connected' ? 'connected' : outcome.code]).toEqual([who, code]);
    }
  });

  it('ends a connection when its token expires', async () => {
    const city = principal('city_regulator');
    world.tokenFor(city);
    const client = alertsClient(world.url, { token: signAccessToken(world.secrets.JWT_SECRET, city, 2) });
    const ended = new Promise((resolve) => client.socket.on('session:ended', resolve));
    const disconnected = new Promise((resolve) => client.socket.on('disconnect', resolve));
    expect(await connected(client)).toBe('connected');
    await expect(ended).resolves.toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(disconnected).resolves.toBe('io server disconnect');
    client.close();
  }, 15_000);

  it('ends a connection whose account is deactivated while it is connected', async () => {
    const username = `later${Date.now()}`;
    const userId = await world.insertUser({ username, role: 'city_regulator', password: 'Very-Long-Passw0rd!' });
    const client = alertsClient(world.url, { token: signAccessToken(world.secrets.JWT_SECRET, { kind: 'user', userId, username, role: 'city_regulator' }) });
    const ended = new Promise((resolve) => client.socket.on('session:ended', resolve));
    expect(await connected(client)).toBe('connected');
    await world.connection.collection('users').updateOne({ username }, { $set: { active: false } });
    await expect(ended).resolves.toMatchObject({ code: 'ACCOUNT_INACTIVE' });
    client.close();
  });

  it('gives a client that reconnects with `since` exactly the 50 alerts it missed, in order, then the live stream', async () => {
    const city = principal('city_regulator');
    const first = await openClient(world, city);
    await expectStatus(world.as(a.admin).post('/api/v1/events/batch', { events: unknownCodes(1) }), 200);
    const [seen] = await first.waitFor(1);
    first.close();
    const since = seen?.payload.alert.seq ?? 0;
    const batch = await expectStatus<{ rejected: number }>(world.as(a.admin).post('/api/v1/events/batch', { events: unknownCodes(50) }), 200);
    expect(batch.rejected).toBe(50);
    await world.alerts.settled();
    const again = await openClient(world, city, since);
    try {
      const missed = await again.waitFor(50);
      await sleep(300);
      expect(again.received).toHaveLength(50);
      const seqs = again.received.map((r) => r.payload.alert.seq);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => since + 1 + i));
      expect(new Set(missed.map((r) => r.payload.alert.subject.id)).size).toBe(50);
      expect(missed.every((r) => r.event === 'alert:new' && r.payload.alert.rule === 'OUT_OF_CITY_CYLINDER')).toBe(true);
      // Then live: the next one arrives once, after the backlog.
      await expectStatus(world.as(a.admin).post('/api/v1/events/batch', { events: unknownCodes(1) }), 200);
      await again.waitFor(51);
      await sleep(300);
      expect(again.received.map((r) => r.payload.alert.seq)).toEqual(Array.from({ length: 51 }, (_, i) => since + 1 + i));
    } finally {
      again.close();
    }
  });

  it('sends a district regulator reconnecting with `since` only its district\'s changes', async () => {
    const cylinderId = await fullCylinder(world, b);
    const district = principal('district_regulator', { districtCode: DISTRICT_B });
    const client = await openClient(world, district, 0);
    try {
      await suspendStation(world, b);
      expect((await world.as(b.admin).post('/api/v1/events', saleNow(cylinderId, b))).status).toBe(422);
      const [alert] = await client.waitFor(1);
      await sleep(300);
      expect(client.received.every((r) => r.payload.alert.districtCode === DISTRICT_B)).toBe(true);
      expect(alert?.payload.alert).toMatchObject({ rule: 'UNLICENSED_SELLER', subject: { id: b.station } });
    } finally {
      client.close();
    }
  });
});
