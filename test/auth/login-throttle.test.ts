import { startAuthTestApp, strongPassword, type AuthTestApp } from './auth.harness';

/**
 * Issue 9, defect 12: failed logins slow down the (username, client address) pair that makes
 * them; they never lock the account, and never tell whether a username exists.
 */
describe('login throttling without lockout or username oracle', () => {
  let app: AuthTestApp;
  const password = strongPassword();
  beforeAll(async () => {
    app = await startAuthTestApp('auth_login_throttle', {
      auth: {
        bcryptCost: 4,
        loginThrottle: { capacity: 1_000, refillPerMinute: 1_000, freeFailures: 3, baseDelaySeconds: 1, maxDelaySeconds: 60, accountFailuresPerHour: 12 },
        activeCacheMs: 0,
      },
    });
  });
  afterAll(() => app.close());

  const login = (username: string, pw: string, from: string) => app.call('POST', '/api/v1/auth/login', { body: { username, password: pw }, from });
  const shape = (res: { status: number; body: Record<string, unknown>; headers: Headers }) => ({
    status: res.status,
    code: res.body.code,
    detail: res.body.detail,
    retryAfter: res.headers.get('retry-after'),
  });

  it('answers a wrong password and an unknown user alike, attempt after attempt, until both are slowed alike', async () => {
    await app.insertUser({ username: 'exists.here', role: 'auditor', password });
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(shape(await login('exists.here', `Wrong-guess-${i}x`, '203.0.113.10')));
      unknown.push(shape(await login('nobody.at.all', `Wrong-guess-${i}x`, '203.0.113.10')));
    }
    expect(known).toEqual(unknown);
    expect(known.map((s) => (s as { code: unknown }).code)).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'TOO_MANY_LOGIN_ATTEMPTS',
      'TOO_MANY_LOGIN_ATTEMPTS',
      'TOO_MANY_LOGIN_ATTEMPTS',
    ]);
    expect(JSON.stringify(known)).not.toContain('ACCOUNT_LOCKED');
  });

  it('never lets guessing from one address lock out the owner logging in from another', async () => {
    await app.insertUser({ username: 'the.owner', role: 'auditor', password });
    for (let i = 0; i < 10; i++) await login('the.owner', `Wrong-guess-${i}x`, '203.0.113.66');
    const attacker = await login('the.owner', password, '203.0.113.66');
    expect([attacker.status, attacker.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    expect(Number(attacker.headers.get('retry-after'))).toBeGreaterThan(0);
    const owner = await login('the.owner', password, '198.51.100.20');
    expect(owner.status).toBe(200);
    // The account is not locked: its tokens keep working.
    expect((await app.call('GET', '/api/v1/auth/me', { token: String(owner.body.accessToken) })).status).toBe(200);
  });

  it('grows the delay with every further failure of the pair', async () => {
    await app.insertUser({ username: 'grows.delay', role: 'auditor', password });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) await login('grows.delay', `Wrong-guess-${i}x`, '203.0.113.77');
    for (let i = 0; i < 3; i++) {
      const blocked = await login('grows.delay', 'Wrong-guess-again', '203.0.113.77');
      waits.push(Number(blocked.headers.get('retry-after')));
      // Waiting out the delay lets exactly one more guess through.
      await new Promise((resolve) => setTimeout(resolve, waits[waits.length - 1]! * 1000 + 50));
      expect((await login('grows.delay', `Wrong-after-wait-${i}`, '203.0.113.77')).body.code).toBe('INVALID_CREDENTIALS');
    }
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThan(waits[1]!);
  }, 30_000);

  it('lets the owner in from a known address even while a distributed guess exhausts the account ceiling', async () => {
    await app.insertUser({ username: 'many.guessers', role: 'auditor', password });
    expect((await login('many.guessers', password, '198.51.100.30')).status).toBe(200);
    for (let i = 0; i < 15; i++) await login('many.guessers', `Wrong-guess-${i}x`, `203.0.113.${100 + i}`);
    const fresh = await login('many.guessers', password, '203.0.113.200');
    expect([fresh.status, fresh.body.code]).toEqual([429, 'TOO_MANY_LOGIN_ATTEMPTS']);
    expect((await login('many.guessers', password, '198.51.100.30')).status).toBe(200);
  });

  it('resets the pair on success', async () => {
    await app.insertUser({ username: 'resets.pair', role: 'auditor', password });
    for (let i = 0; i < 2; i++) await login('resets.pair', `Wrong-guess-${i}x`, '203.0.113.88');
    expect((await login('resets.pair', password, '203.0.113.88')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login('resets.pair', `Wrong-guess-${i}y`, '203.0.113.88')).body.code).toBe('INVALID_CREDENTIALS');
  });

  it('keeps the throttle in the database, so every app process shares it', async () => {
    const docs = await app.database.connection.collection('login_throttle').countDocuments({});
    expect(docs).toBeGreaterThan(0);
  });
});
