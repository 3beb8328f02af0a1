import { newId, startAuthTestApp, strongPassword, type AuthTestApp } from './auth.harness';

describe('device credentials for filling scales', () => {
  let app: AuthTestApp;
  const entA = newId();
  const entB = newId();
  const stationA = newId();
  const supplyA = newId();
  const stationB = newId();
  const pw = strongPassword();
  let adminA: string;
  let adminB: string;
  let city: string;
  beforeAll(async () => {
    app = await startAuthTestApp('auth_devices');
    app.sites.set(stationA, { id: stationA, kind: 'filling_station', enterpriseId: entA, districtCode: '441802', active: true });
    app.sites.set(supplyA, { id: supplyA, kind: 'supply_point', enterpriseId: entA, districtCode: '441802', active: true });
    app.sites.set(stationB, { id: stationB, kind: 'filling_station', enterpriseId: entB, districtCode: '441881', active: true });
    await app.insertUser({ username: 'admin.a', role: 'enterprise_admin', enterpriseId: entA, districtCode: '441802', password: pw });
    await app.insertUser({ username: 'admin.b', role: 'enterprise_admin', enterpriseId: entB, districtCode: '441881', password: pw });
    await app.insertUser({ username: 'city', role: 'city_regulator', password: pw });
    adminA = (await app.login('admin.a', pw)).accessToken;
    adminB = (await app.login('admin.b', pw)).accessToken;
    city = (await app.login('city', pw)).accessToken;
  });
  afterAll(() => app.close());

  const register = (token: string, body: Record<string, unknown>) => app.call('POST', '/api/v1/devices', { token, body });

  it('shows the secret once at registration and stores it nowhere in the database', async () => {
    const res = await register(adminA, { siteId: stationA, name: '1号灌装秤', serialNumber: 'SC-0001' });
    expect(res.status).toBe(201);
    const secret = String(res.body.secret);
    const id = String(res.body.deviceId);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(res.body.device).toMatchObject({ id, siteId: stationA, enterpriseId: entA, districtCode: '441802', status: 'active' });

    const read = await app.call('GET', `/api/v1/devices/${id}`, { token: adminA });
    const list = await app.call('GET', '/api/v1/devices', { token: adminA });
    expect(JSON.stringify([read.body, list.body])).not.toContain(secret);
    expect(JSON.stringify([read.body, list.body])).not.toMatch(/secret/i);

    const raw = await app.database.connection.collection('devices').find({}).toArray();
    const dump = JSON.stringify(raw);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
    expect(raw[0]?.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('registers scales only at a filling station of the caller’s own enterprise', async () => {
    const supply = await register(adminA, { siteId: supplyA, name: 'scale' });
    expect([supply.status, supply.body.code]).toEqual([422, 'SITE_NOT_FILLING_STATION']);
    const foreign = await register(adminA, { siteId: stationB, name: 'scale' });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'SITE_NOT_FOUND']);
    const missing = await register(adminA, { siteId: newId(), name: 'scale' });
    expect(missing.status).toBe(404);
    const byRegulator = await register(city, { siteId: stationA, name: 'scale' });
    expect([byRegulator.status, byRegulator.body.code]).toEqual([403, 'FORBIDDEN']);
    const smuggled = await register(adminA, { siteId: stationA, name: 'scale', enterpriseId: entB });
    expect(smuggled.status).toBe(400);
  });

  it('lists and reads devices within scope only', async () => {
    const b = await register(adminB, { siteId: stationB, name: 'B scale' });
    const idB = String(b.body.deviceId);
    const ofA = (await app.call('GET', '/api/v1/devices', { token: adminA })).body.items as { id: string }[];
    expect(ofA.map((d) => d.id)).not.toContain(idB);
    expect((await app.call('GET', `/api/v1/devices/${idB}`, { token: adminA })).status).toBe(404);
    const ofCity = (await app.call('GET', '/api/v1/devices', { token: city })).body.items as { id: string }[];
    expect(ofCity.map((d) => d.id)).toContain(idB);
  });

  it('revokes a device for good, only within scope', async () => {
    const created = await register(adminA, { siteId: stationA, name: 'to revoke' });
    const id = String(created.body.deviceId);
    expect((await app.call('POST', `/api/v1/devices/${id}/revoke`, { token: adminB })).status).toBe(404);
    const revoked = await app.call('POST', `/api/v1/devices/${id}/revoke`, { token: adminA });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    const again = await app.call('POST', `/api/v1/devices/${id}/revoke`, { token: adminA });
    expect([again.status, again.body.code]).toEqual([409, 'DEVICE_ALREADY_REVOKED']);
    const active = (await app.call('GET', '/api/v1/devices?status=active', { token: adminA })).body.items as { id: string }[];
    expect(active.map((d) => d.id)).not.toContain(id);
  });
});
