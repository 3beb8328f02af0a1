import bcrypt from 'bcrypt';
import { DEFAULT_BCRYPT_COST, DEFAULT_LOGIN_THROTTLE } from '../../src/components/auth';
import { startAuthTestApp, strongPassword, type AuthTestApp } from './auth.harness';

describe('login throttling and password changes', () => {
  let app: AuthTestApp;
  beforeAll(async () => {
    app = await startAuthTestApp('auth_lockout');
  });
  afterAll(() => app.close());

  const login = (username: string, password: string) => app.call('POST', '/api/v1/auth/login', { body: { username, password } });

  it('5 bad passwords slow down the address that gave them, never lock the account: the owner logs in from elsewhere', async () => {
    const password = strongPassword();
    await app.insertUser({ username: 'locked.one', role: 'auditor', password });
    const { accessToken } = await app.login('locked.one', password);
    const codes: unknown[] = [];
    for (let i = 0; i < DEFAULT_LOGIN_THROTTLE.freeFailures + 1; i++) codes.push((await login('locked.one', 'Wrong-password-99')).body.code);
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'TOO_MANY_LOGIN_ATTEMPTS']);

    const right = await login('locked.one', password);
    expect([right.status, right.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    // A token issued before keeps working, and the right password from another address logs in.
    expect((await app.call('GET', '/api/v1/auth/me', { token: accessToken })).status).toBe(200);
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'locked.one', password }, from: '198.51.100.9' })).status).toBe(200);
  });

  it('a success resets the count of consecutive failures', async () => {
    const password = strongPassword();
    await app.insertUser({ username: 'resets.count', role: 'auditor', password });
    for (let i = 0; i < 4; i++) await login('resets.count', 'Wrong-password-99');
    expect((await login('resets.count', password)).status).toBe(200);
    for (let i = 0; i < 4; i++) await login('resets.count', 'Wrong-password-99');
    expect((await login('resets.count', password)).status).toBe(200);
  });

  it('changes the password: the old one stops working, other sessions end, this one continues', async () => {
    const password = strongPassword();
    await app.insertUser({ username: 'changer', role: 'auditor', password });
    const other = await app.login('changer', password);
    const mine = await app.login('changer', password);
    const next = strongPassword();
    const res = await app.call('POST', '/api/v1/auth/password', { token: mine.accessToken, body: { currentPassword: password, newPassword: next } });
    expect(res.status).toBe(204);
    expect((await login('changer', password)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login('changer', next)).status).toBe(200);
    expect((await app.call('GET', '/api/v1/auth/me', { token: other.accessToken })).status).toBe(401);
    expect((await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: other.refreshToken } })).status).toBe(401);
    expect((await app.call('GET', '/api/v1/auth/me', { token: mine.accessToken })).status).toBe(200);
  });

  it('refuses a password change with a wrong current password', async () => {
    const password = strongPassword();
    await app.insertUser({ username: 'wrong.current', role: 'auditor', password });
    const { accessToken } = await app.login('wrong.current', password);
    const res = await app.call('POST', '/api/v1/auth/password', { token: accessToken, body: { currentPassword: 'Not-the-one-42', newPassword: strongPassword() } });
    expect([res.status, res.body.code]).toEqual([403, 'CURRENT_PASSWORD_INCORRECT']);
  });

  it.each([
    ['too short', 'Ab1!short', 'must be at least 12 characters'],
    ['one class only', 'abcdefghijklmnop', 'must mix at least 3 of: lower-case, upper-case, digits, symbols'],
    ['containing the username', 'Policy.Tester-2024', 'must not contain the username'],
    ['common', 'Password123!', 'is too common'],
  ])('refuses a new password that is %s, naming the reason', async (_label, newPassword, reason) => {
    const password = strongPassword();
    const username = `policy.tester${Math.floor(Math.random() * 1e6)}`;
    await app.insertUser({ username, role: 'auditor', password });
    const { accessToken } = await app.login(username, password);
    const candidate = newPassword.replace('Policy.Tester', username);
    const res = await app.call('POST', '/api/v1/auth/password', { token: accessToken, body: { currentPassword: password, newPassword: candidate } });
    expect([res.status, res.body.code]).toEqual([400, 'WEAK_PASSWORD']);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ path: 'newPassword', message: reason }]));
  });

  it('hashes with bcrypt at cost 12 or more by default', async () => {
    expect(DEFAULT_BCRYPT_COST).toBeGreaterThanOrEqual(12);
    const hash = await bcrypt.hash('x', DEFAULT_BCRYPT_COST);
    expect(bcrypt.getRounds(hash)).toBeGreaterThanOrEqual(12);
  });

  it('throttles logins per client address', async () => {
    const throttled = await startAuthTestApp('auth_throttle', {
      auth: { bcryptCost: 4, loginThrottle: { capacity: 3, refillPerMinute: 1 } },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await throttled.call('POST', '/api/v1/auth/login', { body: { username: 'whoever', password: 'Whatever-123' } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await throttled.close();
    }
  });
});
