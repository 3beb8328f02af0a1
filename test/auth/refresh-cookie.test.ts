import express from 'express';
import { REFRESH_COOKIE } from '../../src/components/auth';
import { SESSION_HINT_COOKIE } from '../../src/components/auth/auth.routes';
import { authRoutes } from '../../src/components/auth/auth.routes';
import type { AuthService } from '../../src/components/auth/auth.service';
import { listenOnFreePort } from '../foundation/app.harness';
import { startAuthTestApp, strongPassword, type AuthTestApp } from './auth.harness';

/** The web consoles' session: the refresh token in an httpOnly cookie the page cannot read. */
describe('the refresh cookie (cookie-mode login)', () => {
  let app: AuthTestApp;
  const password = strongPassword();
  beforeAll(async () => {
    app = await startAuthTestApp('auth_cookie');
    await app.insertUser({ username: 'cookie.reg', role: 'city_regulator', password });
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  /** The refresh cookie as a browser would send it back: its name=value from the Set-Cookie headers. */
  const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith(`${REFRESH_COOKIE}=`))?.split(';')[0] ?? '';
  const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? null;

  it('sets an httpOnly, SameSite=Strict cookie scoped to the refresh route, and leaves the token out of the body', async () => {
    const res = await post('/api/v1/auth/login', { username: 'cookie.reg', password, refreshTokenIn: 'cookie' });
    expect(res.status).toBe(200);
    const refresh = setCookie(res, REFRESH_COOKIE) ?? '';
    expect(refresh).toMatch(new RegExp(`^${REFRESH_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(refresh).toMatch(/; Path=\/api\/v1\/auth\/refresh/);
    expect(refresh).toMatch(/; HttpOnly/);
    expect(refresh).toMatch(/; SameSite=Strict/);
    expect(refresh).toMatch(/; Expires=/);
    expect(refresh).not.toMatch(/Secure/); // development and tests run on plain http
    // The page's hint that a session cookie exists carries nothing secret, and is all a script can read.
    expect(setCookie(res, SESSION_HINT_COOKIE)).toMatch(/^lpg_session=1; Path=\/; Expires=[^;]+; SameSite=Strict$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refreshToken');
  });

  it('refreshes from the cookie alone (a page reload), rotating it', async () => {
    const login = await post('/api/v1/auth/login', { username: 'cookie.reg', password, refreshTokenIn: 'cookie' });
    const first = cookieOf(login);
    const refreshed = await post('/api/v1/auth/refresh', {}, first);
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('refreshToken');
    const me = await fetch(`${app.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${String(body.accessToken)}` } });
    expect(me.status).toBe(200);
    // The console shows only what the role may do: its row of the permission table.
    expect(((await me.json()) as { permissions: Record<string, string[]> }).permissions).toMatchObject({ enterprises: ['read', 'create', 'update', 'deactivate'], credentials: expect.arrayContaining(['verify', 'reject']) });
    const second = cookieOf(refreshed);
    expect(second).toMatch(new RegExp(`^${REFRESH_COOKIE}=`));
    expect(second).not.toBe(first);
    expect((await post('/api/v1/auth/refresh', {}, second)).status).toBe(200);
  });

  it('keeps the JSON refresh for API clients: no cookie, the token in the body', async () => {
    const login = await post('/api/v1/auth/login', { username: 'cookie.reg', password });
    expect(login.headers.getSetCookie()).toEqual([]);
    const { refreshToken } = (await login.json()) as { refreshToken: string };
    const refreshed = await post('/api/v1/auth/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.getSetCookie()).toEqual([]);
    expect(((await refreshed.json()) as Record<string, unknown>).refreshToken).toEqual(expect.any(String));
  });

  it('answers a refresh with neither body token nor cookie 400, naming refreshToken', async () => {
    const res = await post('/api/v1/auth/refresh', {});
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([{ path: 'refreshToken', message: 'is required' }]);
  });

  it('ends the session at logout and clears the cookie, so a reload finds no session', async () => {
    const login = await post('/api/v1/auth/login', { username: 'cookie.reg', password, refreshTokenIn: 'cookie' });
    const cookie = cookieOf(login);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const logout = await fetch(`${app.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    expect(logout.status).toBe(204);
    expect(setCookie(logout, REFRESH_COOKIE)).toMatch(new RegExp(`^${REFRESH_COOKIE}=; Path=/api/v1/auth/refresh; Expires=Thu, 01 Jan 1970`));
    expect(setCookie(logout, SESSION_HINT_COOKIE)).toMatch(/^lpg_session=; Path=\/; Expires=Thu, 01 Jan 1970/);
    const reload = await post('/api/v1/auth/refresh', {}, cookie);
    expect(reload.status).toBe(401);
    expect(setCookie(reload, REFRESH_COOKIE)).toMatch(new RegExp(`^${REFRESH_COOKIE}=;`));
  });

  it('marks the cookie Secure in production (the wiring passes secureCookies when NODE_ENV=production)', async () => {
    const tokens = { accessToken: 'a', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r'.repeat(43), refreshExpiresAt: new Date(Date.now() + 60_000).toISOString(), mustChangePassword: false };
    const service = { login: () => Promise.resolve(tokens) } as unknown as AuthService;
    const server = await listenOnFreePort(express().use(express.json()).use(authRoutes(service, { secureCookies: true })));
    try {
      const res = await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'prod.reg', password, refreshTokenIn: 'cookie' }),
      });
      expect(res.headers.getSetCookie()).toEqual([expect.stringMatching(/; Secure/), expect.stringMatching(/; Secure/)]);
    } finally {
      await server.close();
    }
  });
});
