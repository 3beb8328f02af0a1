import jwt from 'jsonwebtoken';
import { DEFAULT_SESSION_POLICY, signAccessToken } from '../../src/components/auth';
import { startAuthTestApp, strongPassword, TEST_SECRETS, type AuthTestApp } from './auth.harness';

describe('login, access tokens and refresh sessions', () => {
  let app: AuthTestApp;
  const password = strongPassword();
  let userId: string;
  beforeAll(async () => {
    app = await startAuthTestApp('auth_login');
    userId = await app.insertUser({ username: 'city.reg', role: 'city_regulator', password });
  });
  afterAll(() => app.close());

  it('logs in with the right password and answers /auth/me with the account, never its hash', async () => {
    const res = await app.call('POST', '/api/v1/auth/login', { body: { username: 'City.Reg', password } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: userId, username: 'city.reg', role: 'city_regulator' } });
    expect(String(res.body.refreshToken)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await app.call('GET', '/api/v1/auth/me', { token: String(res.body.accessToken) });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('city.reg');
    expect(JSON.stringify(me.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
  });

  it('answers an unknown user and a wrong password with the same error', async () => {
    const unknown = await app.call('POST', '/api/v1/auth/login', { body: { username: 'nobody.here', password } });
    const wrong = await app.call('POST', '/api/v1/auth/login', { body: { username: 'city.reg', password: `${password}x` } });
    expect([unknown.status, unknown.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect([wrong.status, wrong.body.code, wrong.body.detail]).toEqual([401, 'INVALID_CREDENTIALS', unknown.body.detail]);
    await app.login('city.reg', password); // resets the failure counter for the tests below
  });

  it.each([
    ['an operator as username', { username: { $gt: '' }, password: 'x' }],
    ['an operator as password', { username: 'city.reg', password: { $gt: '' } }],
    ['$where in an unknown key', { username: 'city.reg', password: 'x', $where: '1' }],
    ['an array as username', { username: ['city.reg'], password: 'x' }],
  ])('refuses %s with a 400 before any query', async (_label, body) => {
    const res = await app.call('POST', '/api/v1/auth/login', { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  describe('refuses bad access tokens with a 401', () => {
    let good: string;
    beforeAll(async () => {
      good = (await app.login('city.reg', password)).accessToken;
    });
    const me = (token: string) => app.call('GET', '/api/v1/auth/me', { token });
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

    it('accepts the untouched token', async () => {
      expect((await me(good)).status).toBe(200);
    });
    it('a token whose payload was altered', async () => {
      const [h, p, s] = good.split('.') as [string, string, string];
      const res = await me(`${h}.${flip(p, 10)}.${s}`);
      expect([res.status, res.body.code]).toEqual([401, 'INVALID_TOKEN']);
    });
    it('a token whose role claim was raised and re-encoded without the key', async () => {
      const [h, p, s] = good.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, role: 'auditor' })).toString('base64url');
      expect((await me(`${h}.${forged}.${s}`)).status).toBe(401);
    });
    it('a token whose signature was altered', async () => {
      const [h, p, s] = good.split('.') as [string, string, string];
      const res = await me(`${h}.${p}.${flip(s, 5)}`);
      expect([res.status, res.body.code]).toEqual([401, 'INVALID_TOKEN']);
    });
    it('an expired token', async () => {
      const expired = signAccessToken(TEST_SECRETS.JWT_SECRET, { kind: 'user', userId, username: 'city.reg', role: 'city_regulator' }, -1);
      const res = await me(expired);
      expect([res.status, res.body.code]).toEqual([401, 'TOKEN_EXPIRED']);
    });
    it('a token signed with another secret', async () => {
      const foreign = signAccessToken('another-secret-another-secret-another-secret', { kind: 'user', userId, username: 'city.reg', role: 'city_regulator' });
      const res = await me(foreign);
      expect([res.status, res.body.code]).toEqual([401, 'INVALID_TOKEN']);
    });
    it('an unsigned alg:none token', async () => {
      const claims = jwt.decode(good) as Record<string, unknown>;
      const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const res = await me(`${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`);
      expect([res.status, res.body.code]).toEqual([401, 'INVALID_TOKEN']);
    });
    it('a request with no token at all', async () => {
      const res = await app.call('GET', '/api/v1/auth/me');
      expect([res.status, res.body.code]).toEqual([401, 'UNAUTHORIZED']);
    });
  });

  it('rotates the refresh token: the new pair works, the old token is used up', async () => {
    const first = await app.login('city.reg', password);
    const rotated = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first.refreshToken);
    expect((await app.call('GET', '/api/v1/auth/me', { token: String(rotated.body.accessToken) })).status).toBe(200);
    const again = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: String(rotated.body.refreshToken) } });
    expect(again.status).toBe(200);
  });

  it('ends the whole session when a rotated refresh token is presented again after the retry grace', async () => {
    const first = await app.login('city.reg', password);
    const second = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    const newer = String(second.body.refreshToken);
    const newerAccess = String(second.body.accessToken);

    app.clock.advance((DEFAULT_SESSION_POLICY.retryGraceSeconds + 1) * 1000);
    const replay = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect([replay.status, replay.body.code]).toEqual([401, 'REFRESH_TOKEN_REUSED']);

    const legit = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: newer } });
    expect([legit.status, legit.body.code]).toEqual([401, 'SESSION_REVOKED']);
    // The access tokens of the session stop working too, not only in 15 minutes.
    const me = await app.call('GET', '/api/v1/auth/me', { token: newerAccess });
    expect([me.status, me.body.code]).toEqual([401, 'ACCOUNT_INACTIVE']);
  });

  it('answers a refresh retried soon after (its first answer lost on the way) with a fresh pair of the same session', async () => {
    const first = await app.login('city.reg', password);
    const lost = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    app.clock.advance(10_000);
    const retried = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(retried.status).toBe(200);
    expect(retried.body.refreshToken).not.toBe(lost.body.refreshToken);
    // Both new tokens stay good, and nothing was revoked.
    for (const token of [lost.body.refreshToken, retried.body.refreshToken]) {
      expect((await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: String(token) } })).status).toBe(200);
    }
    expect((await app.call('GET', '/api/v1/auth/me', { token: String(retried.body.accessToken) })).status).toBe(200);
  });

  it('keeps two tabs that refresh with the same token at the same moment both logged in', async () => {
    const first = await app.login('city.reg', password);
    const [a, b] = await Promise.all([0, 1].map(() => app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })));
    expect([a?.status, b?.status]).toEqual([200, 200]);
    expect((await app.call('GET', '/api/v1/auth/me', { token: String(a?.body.accessToken) })).status).toBe(200);
    expect((await app.call('GET', '/api/v1/auth/me', { token: String(b?.body.accessToken) })).status).toBe(200);
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const { refreshToken } = await app.login('city.reg', password);
    const raw = JSON.stringify(await app.database.connection.collection('auth_refresh_tokens').find({}).toArray());
    expect(raw).not.toContain(refreshToken);
    const { createHash } = await import('node:crypto');
    expect(raw).toContain(createHash('sha256').update(refreshToken).digest('hex'));
  });

  it('refuses an unknown refresh token and a malformed one', async () => {
    const unknown = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: 'A'.repeat(43) } });
    expect([unknown.status, unknown.body.code]).toEqual([401, 'INVALID_TOKEN']);
    const malformed = await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: { $ne: null } } });
    expect(malformed.status).toBe(400);
  });

  it('logout ends the session: its refresh token and its access token stop working', async () => {
    const { accessToken, refreshToken } = await app.login('city.reg', password);
    const out = await app.call('POST', '/api/v1/auth/logout', { token: accessToken });
    expect(out.status).toBe(204);
    expect((await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    expect((await app.call('GET', '/api/v1/auth/me', { token: accessToken })).status).toBe(401);
  });

  it('logout with only the refresh token also ends the session', async () => {
    const { accessToken, refreshToken } = await app.login('city.reg', password);
    expect((await app.call('POST', '/api/v1/auth/logout', { body: { refreshToken } })).status).toBe(204);
    expect((await app.call('GET', '/api/v1/auth/me', { token: accessToken })).status).toBe(401);
    expect((await app.call('POST', '/api/v1/auth/logout', {})).status).toBe(401);
  });
});
