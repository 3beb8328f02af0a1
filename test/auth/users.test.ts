import { newId, startAuthTestApp, strongPassword, type AuthTestApp } from './auth.harness';

describe('accounts: who may create, read, change and deactivate which users', () => {
  let app: AuthTestApp;
  const entA = newId();
  const entB = newId();
  const workerA = newId();
  const pw = strongPassword();
  let city: string;
  let adminA: string;
  let adminB: string;
  let districtReg: string;
  beforeAll(async () => {
    app = await startAuthTestApp('auth_users', {
      accountLookups: {
        enterpriseDistrict: async (id) => ({ [entA]: '441802', [entB]: '441881' })[id],
        workerEmployer: async (id) => (id === workerA ? entA : undefined),
        districtExists: async (code) => ['441802', '441881'].includes(code),
      },
    });
    await app.insertUser({ username: 'city', role: 'city_regulator', password: pw });
    city = (await app.login('city', pw)).accessToken;
    const create = (body: Record<string, unknown>) => app.call('POST', '/api/v1/users', { token: city, body: { displayName: 'x', password: pw, ...body } });
    expect((await create({ username: 'admin.a', role: 'enterprise_admin', enterpriseId: entA })).status).toBe(201);
    expect((await create({ username: 'admin.b', role: 'enterprise_admin', enterpriseId: entB })).status).toBe(201);
    expect((await create({ username: 'district.qc', role: 'district_regulator', districtCode: '441802' })).status).toBe(201);
    adminA = (await app.login('admin.a', pw)).accessToken;
    adminB = (await app.login('admin.b', pw)).accessToken;
    districtReg = (await app.login('district.qc', pw)).accessToken;
    // Enterprise A's operator, which the listings below expect whichever test runs first.
    const operator = await app.call('POST', '/api/v1/users', { token: adminA, body: { username: 'operator.a', displayName: 'x', password: pw, role: 'filling_operator', workerId: workerA } });
    expect(operator.status).toBe(201);
  });
  afterAll(() => app.close());

  const createAs = (token: string, body: Record<string, unknown>) =>
    app.call('POST', '/api/v1/users', { token, body: { displayName: '张三', password: strongPassword(), ...body } });

  it("takes an enterprise user's district from the registry and never returns a hash", async () => {
    const res = await createAs(city, { username: 'admin.a2', role: 'enterprise_admin', enterpriseId: entA });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'admin.a2', role: 'enterprise_admin', enterpriseId: entA, districtCode: '441802', active: true, locked: false });
    expect(JSON.stringify(res.body)).not.toMatch(/hash|\$2[aby]\$/i);
  });

  it('lets an enterprise administrator create operators of its own enterprise, linked to its worker', async () => {
    const res = await createAs(adminA, { username: 'operator.a1', role: 'filling_operator', workerId: workerA });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ enterpriseId: entA, workerId: workerA, districtCode: '441802' });
  });

  it('refuses an enterprise administrator a city regulator, an auditor or a district regulator', async () => {
    for (const role of ['city_regulator', 'auditor', 'district_regulator']) {
      const res = await createAs(adminA, { username: `sneaky.${role}`, role, districtCode: '441802' });
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN']);
    }
  });

  it("refuses an enterprise administrator a user of another enterprise, or another enterprise's worker", async () => {
    const other = await createAs(adminA, { username: 'other.ent', role: 'enterprise_admin', enterpriseId: entB });
    expect([other.status, other.body.code]).toEqual([403, 'FORBIDDEN']);
    const foreignWorker = await createAs(adminB, { username: 'foreign.worker', role: 'delivery_worker', workerId: workerA });
    expect(foreignWorker.status).toBe(400);
    expect(foreignWorker.body.errors).toEqual([{ path: 'workerId', message: 'no such worker in this enterprise' }]);
  });

  it('refuses operators, workers, auditors and district regulators any account creation', async () => {
    const res = await createAs(districtReg, { username: 'nope.nope', role: 'auditor' });
    expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('checks what each role needs: a district for a district regulator, an enterprise and worker for an operator', async () => {
    const noDistrict = await createAs(city, { username: 'dr.nodistrict', role: 'district_regulator' });
    expect(noDistrict.body.errors).toEqual([{ path: 'districtCode', message: 'is required for a district_regulator' }]);
    const badDistrict = await createAs(city, { username: 'dr.baddistrict', role: 'district_regulator', districtCode: '999999' });
    expect(badDistrict.body.errors).toEqual([{ path: 'districtCode', message: 'no such district' }]);
    const noWorker = await createAs(city, { username: 'op.noworker', role: 'filling_operator', enterpriseId: entA });
    expect(noWorker.body.errors).toEqual([{ path: 'workerId', message: 'is required for a filling_operator' }]);
    const unknownEnt = await createAs(city, { username: 'ea.unknown', role: 'enterprise_admin', enterpriseId: newId() });
    expect(unknownEnt.body.errors).toEqual([{ path: 'enterpriseId', message: 'no such enterprise' }]);
  });

  it('refuses a duplicate username, a weak password and unknown or operator fields', async () => {
    const dup = await createAs(city, { username: 'admin.a', role: 'auditor' });
    expect([dup.status, dup.body.code]).toEqual([409, 'USERNAME_TAKEN']);
    const weak = await createAs(city, { username: 'weak.one', role: 'auditor', password: 'weak' });
    expect([weak.status, weak.body.code]).toEqual([400, 'WEAK_PASSWORD']);
    const extra = await createAs(city, { username: 'extra.field', role: 'auditor', active: false });
    expect(extra.body.errors).toEqual([{ path: 'active', message: 'is not allowed' }]);
    const op = await createAs(city, { username: { $gt: '' }, role: 'auditor' });
    expect(op.status).toBe(400);
    const listOp = await app.call('GET', '/api/v1/users?role[$ne]=auditor', { token: city });
    expect(listOp.status).toBe(400);
  });

  it('lists users within scope only: an enterprise its own, a district its district, the city all', async () => {
    const names = async (token: string) => {
      const res = await app.call('GET', '/api/v1/users?limit=200', { token });
      expect(res.status).toBe(200);
      return (res.body.items as { username: string }[]).map((u) => u.username).sort();
    };
    const ofA = await names(adminA);
    expect(ofA).toEqual(expect.arrayContaining(['admin.a', 'operator.a']));
    expect(ofA).not.toContain('admin.b');
    expect(ofA).not.toContain('city');
    expect(await names(adminB)).toEqual(['admin.b']);
    const ofDistrict = await names(districtReg);
    expect(ofDistrict).toEqual(expect.arrayContaining(['admin.a', 'district.qc']));
    expect(ofDistrict).not.toContain('admin.b');
    expect(await names(city)).toEqual(expect.arrayContaining(['admin.a', 'admin.b', 'city', 'district.qc']));
    // A filter naming another enterprise is refused: it never widens the scope.
    const viaFilter = await app.call('GET', `/api/v1/users?enterpriseId=${entB}`, { token: adminA });
    expect([viaFilter.status, viaFilter.body.items]).toEqual([403, undefined]);
  });

  it('pages with a cursor and keeps the scope on every page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.call('GET', `/api/v1/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: adminB });
      seen.push(...(res.body.items as { username: string }[]).map((u) => u.username));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['admin.b']);
    const all: string[] = [];
    cursor = null;
    do {
      const res = await app.call('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: city });
      all.push(...(res.body.items as { id: string }[]).map((u) => u.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect((await app.call('GET', '/api/v1/users?cursor=bm90LWFuLWlk', { token: city })).body.code).toBe('INVALID_CURSOR');
  });

  it("answers another enterprise's user 404, to read, to change and to deactivate", async () => {
    const b = (await app.call('GET', '/api/v1/users?limit=200', { token: adminB })).body.items as { id: string }[];
    const id = b[0]?.id ?? '';
    expect((await app.call('GET', `/api/v1/users/${id}`, { token: adminA })).status).toBe(404);
    expect((await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { displayName: 'hijacked' } })).status).toBe(404);
    expect((await app.call('POST', `/api/v1/users/${id}/deactivate`, { token: adminA })).status).toBe(404);
    expect((await app.call('GET', `/api/v1/users/${id}`, { token: adminB })).status).toBe(200);
  });

  it('deactivates without deleting: the account stays listed, its tokens and logins stop, re-activation restores it', async () => {
    const created = await createAs(adminA, { username: 'to.deactivate', role: 'delivery_worker', workerId: workerA, password: pw });
    const id = String(created.body.id);
    const { accessToken } = await app.login('to.deactivate', pw);
    const res = await app.call('POST', `/api/v1/users/${id}/deactivate`, { token: adminA });
    expect([res.status, res.body.active]).toEqual([200, false]);
    expect((await app.call('GET', '/api/v1/auth/me', { token: accessToken })).body.code).toBe('ACCOUNT_INACTIVE');
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'to.deactivate', password: pw } })).body.code).toBe('ACCOUNT_INACTIVE');
    expect((await app.call('GET', `/api/v1/users/${id}`, { token: adminA })).body.active).toBe(false);
    expect(await app.database.connection.collection('users').countDocuments({ username: 'to.deactivate' })).toBe(1);
    expect((await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { active: true } })).body.active).toBe(true);
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'to.deactivate', password: pw } })).status).toBe(200);
  });

  it('lets an administrator reset a password, which ends the sessions opened with the old one', async () => {
    const created = await createAs(adminA, { username: 'reset.me', role: 'enterprise_admin', password: pw });
    const { refreshToken } = await app.login('reset.me', pw);
    const next = strongPassword();
    const res = await app.call('PATCH', `/api/v1/users/${String(created.body.id)}`, { token: adminA, body: { password: next } });
    expect(res.status).toBe(200);
    expect((await app.call('POST', '/api/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    expect((await app.call('POST', '/api/v1/auth/login', { body: { username: 'reset.me', password: next } })).status).toBe(200);
  });

  it('writes every account change to the audit trail, who did it, before and after, never a password hash', async () => {
    const created = await createAs(adminA, { username: 'audited.one', role: 'delivery_worker', workerId: workerA, password: pw });
    const id = String(created.body.id);
    await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { displayName: '李四' } });
    await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { password: strongPassword() } });
    await app.call('POST', `/api/v1/users/${id}/deactivate`, { token: adminA });
    const trail = await app.call('GET', `/api/v1/audit?resource=users&recordId=${id}`, { token: adminA });
    expect(trail.status).toBe(200);
    type Entry = { action: string; actor: { username: string }; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    const entries = [...(trail.body.items as Entry[])].reverse();
    expect(entries.map((e) => [e.action, e.actor.username])).toEqual([['create', 'admin.a'], ['update', 'admin.a'], ['update', 'admin.a'], ['deactivate', 'admin.a']]);
    expect(entries[0]).toMatchObject({ before: null, after: { username: 'audited.one', role: 'delivery_worker', enterpriseId: entA, workerId: workerA, active: true } });
    expect([entries[1]?.before?.displayName, entries[1]?.after?.displayName]).toEqual(['张三', '李四']);
    expect(entries[2]?.after?.passwordChangedAt).not.toBe(entries[2]?.before?.passwordChangedAt);
    expect([entries[3]?.before?.active, entries[3]?.after?.active]).toEqual([true, false]);
    expect(JSON.stringify(trail.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    // Another enterprise's administrator does not see it.
    expect((await app.call('GET', `/api/v1/audit?resource=users&recordId=${id}`, { token: adminB })).body.items).toEqual([]);
  });

  it('pages the audit trail newest first with an opaque cursor, and a replayed cursor keeps the scope', async () => {
    const created = await createAs(adminA, { username: 'audit.pages', role: 'delivery_worker', workerId: workerA, password: pw });
    const id = String(created.body.id);
    for (const displayName of ['一', '二', '三']) await app.call('PATCH', `/api/v1/users/${id}`, { token: adminA, body: { displayName } });
    const whole = await app.call('GET', `/api/v1/audit?resource=users&recordId=${id}`, { token: adminA });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.call('GET', `/api/v1/audit?resource=users&recordId=${id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: adminA });
      expect(res.status).toBe(200);
      ids.push(...(res.body.items as { id: string }[]).map((e) => e.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(ids).toEqual((whole.body.items as { id: string }[]).map((e) => e.id));
    expect(ids).toHaveLength(4);
    const cityPage = await app.call('GET', '/api/v1/audit?limit=1', { token: city });
    const replayed = await app.call('GET', `/api/v1/audit?limit=200&cursor=${String(cityPage.body.nextCursor)}`, { token: adminB });
    expect(replayed.status).toBe(200);
    expect((replayed.body.items as { id: string }[]).some((e) => ids.includes(e.id))).toBe(false);
    const tampered = await app.call('GET', '/api/v1/audit?cursor=bm90LWFuLWlk', { token: adminA });
    expect([tampered.status, tampered.body.code]).toEqual([400, 'INVALID_CURSOR']);
    const usersCursor = (await app.call('GET', '/api/v1/users?limit=1', { token: city })).body.nextCursor as string;
    expect((await app.call('GET', `/api/v1/audit?cursor=${usersCursor}`, { token: city })).body.code).toBe('INVALID_CURSOR');
  });

  it('audits a user changing their own password, and a failed change leaves no entry', async () => {
    const created = await createAs(adminA, { username: 'own.password', role: 'enterprise_admin', password: pw });
    const { accessToken } = await app.login('own.password', pw);
    const change = (currentPassword: string) => app.call('POST', '/api/v1/auth/password', { token: accessToken, body: { currentPassword, newPassword: strongPassword() } });
    expect((await change('not-my-password-at-all')).status).toBe(403);
    expect((await change(pw)).status).toBeLessThan(300);
    const trail = await app.call('GET', `/api/v1/audit?resource=users&recordId=${String(created.body.id)}`, { token: adminA });
    expect((trail.body.items as { action: string; actor: { username: string } }[]).map((e) => [e.action, e.actor.username])).toEqual([['password_change', 'own.password'], ['create', 'admin.a']]);
  });

  it('refuses to deactivate oneself', async () => {
    const me = await app.call('GET', '/api/v1/auth/me', { token: adminA });
    const res = await app.call('POST', `/api/v1/users/${String(me.body.id)}/deactivate`, { token: adminA });
    expect([res.status, res.body.code]).toEqual([409, 'CANNOT_DEACTIVATE_SELF']);
  });
});
