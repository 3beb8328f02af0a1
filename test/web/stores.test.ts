import { createPinia, setActivePinia } from 'pinia';
import { installApi } from '../../web/src/api';
import { createApiClient } from '../../web/src/api/client';
import { useLanguageStorage, useLocaleStore } from '../../web/src/stores/locale';
import { useSessionStore } from '../../web/src/stores/session';

/** The consoles' stores over a scripted platform (the same fetch stand-in as the client's tests, smaller). */
function scripted(routes: Record<string, (body: unknown, headers: Record<string, string>) => { status: number; body?: unknown }>) {
  const seen: string[] = [];
  const fetch = async (url: string | URL, init?: RequestInit) => {
    const key = `${init?.method ?? 'GET'} ${String(url).split('?')[0]}`;
    seen.push(key);
    const route = routes[key];
    if (!route) throw new Error(`unscripted ${key}`);
    const answer = route(typeof init?.body === 'string' ? JSON.parse(init.body) : undefined, { ...(init?.headers as Record<string, string>) });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  };
  installApi(createApiClient({ fetch: fetch as typeof globalThis.fetch, language: () => 'zh-CN', retryDelaysMs: [] }));
  return seen;
}

const user = { id: 'u1', username: 'zhao', displayName: '赵敏', role: 'district_regulator', districtCode: '441802', mustChangePassword: false };
const tokens = (accessToken: string, mustChangePassword = false) => ({ status: 200, body: { accessToken, expiresIn: 900, mustChangePassword, user: { ...user, mustChangePassword } } });
const me = (headers: Record<string, string>) => ({ status: 200, body: { ...user, permissions: { sites: ['read'], credentials: ['verify', 'reject'], token: [headers.Authorization] } } });

beforeEach(() => setActivePinia(createPinia()));

describe('the session store', () => {
  it('logs in, then knows the role and what its permission row allows', async () => {
    scripted({ 'POST /api/v1/auth/login': () => tokens('A1'), 'GET /api/v1/auth/me': (_b, h) => me(h) });
    const session = useSessionStore();
    expect(session.status).toBe('unknown');
    await session.login('zhao', 'pw');
    expect(session.status).toBe('authenticated');
    expect(session.isRegulator).toBe(true);
    expect(session.user?.displayName).toBe('赵敏');
    expect(session.can('credentials', 'verify')).toBe(true);
    expect(session.can('sites', 'create')).toBe(false);
    expect(session.permissions.token).toEqual(['Bearer A1']);
  });

  it('restores the session after a reload from the refresh cookie, once', async () => {
    const seen = scripted({ 'POST /api/v1/auth/refresh': () => tokens('A2'), 'GET /api/v1/auth/me': (_b, h) => me(h) });
    const session = useSessionStore();
    await session.restore();
    await session.restore();
    expect(session.status).toBe('authenticated');
    expect(seen.filter((s) => s === 'POST /api/v1/auth/refresh')).toHaveLength(1);
  });

  it('is anonymous after a reload without a session, and after logout', async () => {
    scripted({
      'POST /api/v1/auth/refresh': () => ({ status: 400, body: { title: 'x', status: 400, code: 'VALIDATION_FAILED' } }),
      'POST /api/v1/auth/login': () => tokens('A1'),
      'GET /api/v1/auth/me': (_b, h) => me(h),
      'POST /api/v1/auth/logout': () => ({ status: 204 }),
    });
    const session = useSessionStore();
    await session.restore();
    expect(session.status).toBe('anonymous');
    await session.login('zhao', 'pw');
    await session.logout();
    expect(session.status).toBe('anonymous');
    expect(session.user).toBeUndefined();
    expect(session.can('sites', 'read')).toBe(false);
  });

  it('keeps a wrong password\'s problem for the login page to show, and stays anonymous', async () => {
    scripted({ 'POST /api/v1/auth/login': () => ({ status: 401, body: { title: '登录失败', status: 401, code: 'INVALID_CREDENTIALS', detail: '用户名或密码错误' } }) });
    const session = useSessionStore();
    await expect(session.login('zhao', 'nope')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', problem: { detail: '用户名或密码错误' } });
    expect(session.status).not.toBe('authenticated');
  });

  it('after an administrator\'s reset: must change the password, then is unrestricted on the refreshed tokens', async () => {
    let changed = false;
    scripted({
      'POST /api/v1/auth/login': () => tokens('A1', true),
      'GET /api/v1/auth/me': (_b, h) => me(h),
      'POST /api/v1/auth/password': (body) => {
        changed = JSON.stringify(body) === JSON.stringify({ currentPassword: 'old', newPassword: 'new-Strong-1' });
        return { status: 204 };
      },
      'POST /api/v1/auth/refresh': () => tokens('A2', false),
    });
    const session = useSessionStore();
    await session.login('zhao', 'old');
    expect(session.mustChangePassword).toBe(true);
    await session.changePassword('old', 'new-Strong-1');
    expect(changed).toBe(true);
    expect(session.mustChangePassword).toBe(false);
    expect(session.permissions.token).toEqual(['Bearer A2']);
  });
});

describe('the locale store', () => {
  it('is Chinese by default and keeps the English switch between visits', () => {
    const kept = new Map<string, string>();
    useLanguageStorage({ getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => void kept.set(k, v) });
    const first = useLocaleStore();
    expect(first.language).toBe('zh-CN');
    first.setLanguage('en');
    setActivePinia(createPinia());
    expect(useLocaleStore().language).toBe('en');
    kept.set('lpg.language', 'fr');
    setActivePinia(createPinia());
    expect(useLocaleStore().language).toBe('zh-CN');
    useLanguageStorage(undefined);
  });
});
