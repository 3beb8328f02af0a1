import { newId, startAuthTestApp, strongPassword, type AuthTestApp } from './auth.harness';

/**
 * Issue 9, defects 1 and 9: what a stolen access token, or a lower authority, may do to an
 * account's password and state.
 */
describe('account changes that would persist a takeover or overrule a higher authority', () => {
  let app: AuthTestApp;
  const entA = newId();
  const workerA = newId();
  const pw = strongPassword();
  let city: string;
  let adminA: string;
  let adminAId: string;
  beforeAll(async () => {
    app = await startAuthTestApp('auth_takeover', {
      accountLookups: {
        enterpriseDistrict: async (id) => (id === entA ? '441802' : undefined),
        workerEmployer: async (id) => (id === workerA ? entA : undefined),
        districtExists: async (code) => code === '441802',
      },
    });
    await app.insertUser({ username: 'city', role: 'city_regulator', password: pw });
    city = (await app.login('city', pw)).accessToken;
    const created = await app.call('POST', '/api/v1/users', { token: city, body: { username: 'admin.a', displayName: 'A', role: 'enterprise_admin', enterpriseId: entA, password: pw } });
    adminAId = String(created.body.id);
    adminA = (await app.login('admin.a', pw)).accessToken;
  });
  afterAll(() => app.close());

  const login = (username: string, password: string) => app.call('POST', '/api/v1/auth/login', { body: { username, password } });
  const worker = async (username: string, password = pw) => {
    const res = await app.call('POST', '/api/v1/users', { token: adminA, body: { username, displayName: username, role: 'delivery_worker', workerId: workerA, password } });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };

  describe('a stolen access token', () => {
    it.each([
      ['an enterprise administrator', 'admin.a'],
      ['the city regulator', 'city'],
    ])("refuses %s setting its own password through PATCH /users/{own id}: the current password is needed", async (_who, username) => {
      const token = username === 'city' ? city : adminA;
      const me = await app.call('GET', '/api/v1/auth/me', { token });
      const stolen = strongPassword();
      const res = await app.call('PATCH', `/api/v1/users/${String(me.body.id)}`, { token, body: { password: stolen } });
      expect([res.status, res.body.code]).toEqual([403, 'OWN_PASSWORD_NEEDS_CURRENT']);
      expect(String(res.body.detail)).toContain('/api/v1/auth/password');
      expect((await login(username, stolen)).status).toBe(401);
      expect((await login(username, pw)).status).toBe(200);
    });

    it('refuses a password hidden among other changes to the own account, changing nothing', async () => {
      const res = await app.call('PATCH', `/api/v1/users/${adminAId}`, { token: adminA, body: { displayName: 'Taken over', password: strongPassword() } });
      expect(res.status).toBe(403);
      expect((await app.call('GET', '/api/v1/auth/me', { token: adminA })).body.displayName).toBe('A');
    });

    it('still lets an account rename itself (nothing that outlives the token)', async () => {
      const res = await app.call('PATCH', `/api/v1/users/${adminAId}`, { token: adminA, body: { displayName: 'A' } });
      expect(res.status).toBe(200);
    });

    it('cannot raise its role, enterprise or state through PATCH: unknown keys are refused', async () => {
      for (const body of [{ role: 'city_regulator' }, { enterpriseId: newId() }, { active: false }, { locked: true }, { mustChangePassword: false }]) {
        const res = await app.call('PATCH', `/api/v1/users/${adminAId}`, { token: adminA, body });
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      }
    });

    it('cannot lock the owner out by giving wrong current passwords to /auth/password', async () => {
      const password = strongPassword();
      await worker('victim.of.token', password);
      const { accessToken } = await app.login('victim.of.token', password);
      for (let i = 0; i < 8; i++) {
        await app.call('POST', '/api/v1/auth/password', { token: accessToken, body: { currentPassword: `Guess-${i}-abcdefg`, newPassword: strongPassword() } });
      }
      expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'victim.of.token', password }, from: '198.51.100.7' })).status).toBe(200);
    });
  });

  describe("an administrator's reset of another account's password", () => {
    it('forces a change at the next login: the new session may only change the password until it does', async () => {
      const id = await worker('reset.target');
      const reset = strongPassword();
      expect((await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { password: reset } })).status).toBe(200);

      const logged = await login('reset.target', reset);
      expect(logged.status).toBe(200);
      expect(logged.body.mustChangePassword).toBe(true);
      expect(logged.body.user).toMatchObject({ mustChangePassword: true });
      const token = String(logged.body.accessToken);
      const blocked = await app.call('GET', '/api/v1/cylinders', { token });
      expect([blocked.status, blocked.body.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
      expect((await app.call('GET', '/api/v1/auth/me', { token })).status).toBe(200);

      const next = strongPassword();
      expect((await app.call('POST', '/api/v1/auth/password', { token, body: { currentPassword: reset, newPassword: next } })).status).toBe(204);
      const refreshed = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: String(logged.body.refreshToken) } });
      expect([refreshed.status, refreshed.body.mustChangePassword]).toEqual([200, false]);
      expect((await app.call('GET', '/api/v1/cylinders', { token: String(refreshed.body.accessToken) })).status).toBe(200);
      const again = await login('reset.target', next);
      expect([again.status, again.body.mustChangePassword]).toEqual([200, false]);
    });

    it('shows the pending change to the administrator', async () => {
      const id = await worker('reset.shown');
      const res = await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { password: strongPassword() } });
      expect(res.body.mustChangePassword).toBe(true);
    });
  });

  describe('a deactivation by a higher authority', () => {
    it("refuses an enterprise administrator re-activating an account the city regulator deactivated", async () => {
      const id = await worker('city.deactivated');
      expect((await app.call('POST', `/api/v1/users/${id}/deactivate`, { token: city })).status).toBe(200);
      const res = await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { active: true } });
      expect([res.status, res.body.code]).toEqual([403, 'DEACTIVATED_BY_HIGHER_AUTHORITY']);
      expect(String(res.body.detail)).toContain('city_regulator');
      expect((await login('city.deactivated', pw)).body.code).toBe('ACCOUNT_INACTIVE');
      expect((await app.call('GET', `/api/v1/users/${id}`, { token: adminA })).body).toMatchObject({ active: false, deactivatedByRole: 'city_regulator' });

      expect((await app.call('PATCH', `/api/v1/users/${id}`, { token: city, body: { active: true } })).body.active).toBe(true);
      expect((await login('city.deactivated', pw)).status).toBe(200);
    });

    it('keeps the higher authority when a lower one deactivates the account again', async () => {
      const id = await worker('deactivated.twice');
      await app.call('POST', `/api/v1/users/${id}/deactivate`, { token: city });
      expect((await app.call('POST', `/api/v1/users/${id}/deactivate`, { token: adminA })).status).toBe(200);
      const res = await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { active: true } });
      expect([res.status, res.body.code]).toEqual([403, 'DEACTIVATED_BY_HIGHER_AUTHORITY']);
    });

    it('lets an authority lift its own deactivation, and a higher one lift a lower one', async () => {
      const own = await worker('ent.deactivated');
      await app.call('POST', `/api/v1/users/${own}/deactivate`, { token: adminA });
      expect((await app.call('PATCH', `/api/v1/users/${own}`, { token: adminA, body: { active: true } })).body.active).toBe(true);
      await app.call('POST', `/api/v1/users/${own}/deactivate`, { token: adminA });
      expect((await app.call('PATCH', `/api/v1/users/${own}`, { token: city, body: { active: true } })).body.active).toBe(true);
    });

    it("answers an enterprise administrator's deactivation or re-activation of a regulator's account 404, as if it did not exist", async () => {
      const cityId = String((await app.call('GET', '/api/v1/auth/me', { token: city })).body.id);
      expect((await app.call('POST', `/api/v1/users/${cityId}/deactivate`, { token: adminA })).status).toBe(404);
      expect((await app.call('PATCH', `/api/v1/users/${cityId}`, { token: adminA, body: { active: true } })).status).toBe(404);
      expect((await app.call('GET', '/api/v1/auth/me', { token: city })).status).toBe(200);
    });

    it('treats an account deactivated before the authority was recorded as deactivated by the city', async () => {
      const id = await worker('legacy.deactivated');
      const { Types } = await import('mongoose');
      await app.database.connection.collection('users').updateOne({ _id: new Types.ObjectId(id) }, { $set: { active: false } });
      const res = await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { active: true } });
      expect([res.status, res.body.code]).toEqual([403, 'DEACTIVATED_BY_HIGHER_AUTHORITY']);
    });
  });
});
