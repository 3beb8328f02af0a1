import iconv from 'iconv-lite';
import { signAccessToken, type Principal } from '../../src/components/auth';
import { startAuthTestApp, strongPassword, TEST_SECRETS, type AuthTestApp } from '../auth/auth.harness';

/** An 18-character resident ID number: 17 digits and their GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * (weights[i] ?? 0), 0);
  return first17 + ('10X98765432'[sum % 11] ?? '');
}

/** Bulk import through HTTP: the real app, components and registry on a real MongoDB wire endpoint. */
describe('POST /api/v1/imports/{resource}', () => {
  let app: AuthTestApp;
  let cityToken: string;
  const ent: Record<'a' | 'b', { id: string; siteId: string; token: string }> = {} as never;

  const tokenFor = async (role: Principal['role'], enterpriseId?: string): Promise<string> => {
    const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
    const fields = { username, role, password: strongPassword(), ...(enterpriseId ? { enterpriseId } : {}) };
    const userId = await app.insertUser(fields);
    return signAccessToken(TEST_SECRETS.JWT_SECRET, { kind: 'user', userId, username, role, ...(enterpriseId ? { enterpriseId } : {}) });
  };

  const post = async (path: string, token: string, body: unknown) => {
    const res = await app.call('POST', path, { token, body });
    if (res.status !== 201 && res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  async function upload(resource: string, body: Buffer | string, opts: { token: string; dryRun?: boolean; contentType?: string; query?: string }) {
    const query = opts.query ?? `dryRun=${String(opts.dryRun ?? false)}`;
    const res = await fetch(`${app.url}/api/v1/imports/${resource}?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': opts.contentType ?? 'text/csv' },
      body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  }

  const count = (collection: string, filter: Record<string, unknown> = {}) => app.database.connection.collection(collection).countDocuments(filter);

  beforeAll(async () => {
    app = await startAuthTestApp('imports');
    cityToken = await tokenFor('city_regulator');
    for (const key of ['a', 'b'] as const) {
      const enterprise = await post('/api/v1/enterprises', cityToken, {
        name: `清远${key}燃气有限公司`,
        districtCode: '441802',
        address: '清城区松岗大道1号',
        licence: { number: `粤QY-${key}-001`, scope: '瓶装液化石油气', issuer: '清远市城市管理和综合执法局', validFrom: '2024-01-01', validTo: '2029-01-01' },
      });
      const id = String(enterprise.id);
      const site = await post('/api/v1/sites', cityToken, {
        enterpriseId: id,
        kind: 'filling_station',
        name: `${key}充装站`,
        code: 'S01',
        districtCode: '441802',
        address: '清城区源潭镇',
        coordinates: [113.05, 23.68],
        licence: { number: `SITE-${key}-1`, validTo: '2029-01-01' },
        fillingLicence: { number: `TS-${key}-1`, validTo: '2029-01-01' },
      });
      ent[key] = { id, siteId: String(site.id), token: await tokenFor('enterprise_admin', id) };
    }
  });
  afterAll(() => app?.close());

  const HEADER = '钢印号,制造单位,制造日期,公称容量,皮重,上次检验日期,充装站';
  const row = (serial: string, siteId: string, over: { date?: string; kg?: string; tare?: string } = {}) =>
    `${serial},佛山市燃气具厂,${over.date ?? '2021/3/5'},${over.kg ?? '15'},${over.tare ?? '14.5'},2024-03-01,${siteId}`;

  it('reports every bad row with line, column and reason as a 422 problem and imports nothing', async () => {
    const a = ent.a;
    const csv = [
      HEADER,
      row('BAD-0001', a.siteId),
      row('BAD-0002', a.siteId, { date: '2021-02-30' }),
      row('BAD-0003', a.siteId, { kg: '12' }),
      `BAD-0004,"佛山市\n燃气具厂",2021-01-01,15,abc,2024-03-01,${a.siteId}`,
      row('BAD-0001', a.siteId),
      row('BAD-0006', ent.b.siteId),
    ].join('\r\n');
    const res = await upload('cylinders', csv, { token: a.token });
    expect(res.status).toBe(422);
    expect(res.type).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'IMPORT_REJECTED', status: 422, dryRun: false, resource: 'cylinders', rows: 6, created: 0, errorCount: 4 });
    expect(res.body.errors).toEqual([
      { line: 3, column: '制造日期', reason: expect.stringContaining('not a date') },
      { line: 4, column: '公称容量', reason: '12 is not one of 5, 15, 50' },
      { line: 5, column: '皮重', reason: '"abc" is not a number' },
      { line: 7, column: '钢印号', reason: 'repeats the record of line 2' },
    ]);
    expect(await count('cylinders', { serial: /^BAD-/ })).toBe(0);

    // Rows the file alone cannot fault are checked by the registry; its errors come back by line too.
    const scoped = await upload('cylinders', [HEADER, row('BAD-0001', a.siteId), row('BAD-0006', ent.b.siteId)].join('\n'), { token: a.token });
    expect(scoped.status).toBe(422);
    expect(scoped.body.errors).toEqual([{ line: 3, column: '充装站', reason: expect.stringContaining('no such active site') }]);
    expect(await count('cylinders', { serial: /^BAD-/ })).toBe(0);
  });

  it('imports a good file once: the same file again creates nothing and leaves one copy of each record', async () => {
    // 1,500 rows (~150 kB): larger than the global 100 kB JSON limit, which this route does not use.
    const rows = Array.from({ length: 1_500 }, (_, i) => row(`QY-${String(i).padStart(5, '0')}`, ent.a.siteId));
    const csv = [HEADER, ...rows].join('\r\n');
    const first = await upload('cylinders', csv, { token: ent.a.token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ dryRun: false, resource: 'cylinders', encoding: 'utf-8', rows: 1_500, created: 1_500, updated: 0, unchanged: 0, errorCount: 0, errors: [] });
    const second = await upload('cylinders', csv, { token: ent.a.token });
    expect(second.body).toMatchObject({ created: 0, updated: 0, unchanged: 1_500, errors: [] });
    expect(await count('cylinders', { serial: /^QY-/ })).toBe(1_500);
  });

  it('refuses a re-import that would make an over-age YSP-15 a new YSP-50, line by line, and changes nothing', async () => {
    const first = await upload('cylinders', [HEADER, row('OLD-0001', ent.a.siteId, { date: '2010/5/1' })].join('\n'), { token: ent.a.token });
    expect(first.body).toMatchObject({ created: 1, errors: [] });
    const before = await app.database.connection.collection('cylinders').findOne({ serial: 'OLD-0001' });
    const again = await upload('cylinders', [HEADER, row('OLD-0001', ent.a.siteId, { date: '2024/3/1', kg: '50', tare: '48' })].join('\n'), { token: ent.a.token });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ created: 0, updated: 0, errorCount: 2 });
    expect(again.body.errors).toEqual([
      { line: 2, column: '制造日期', reason: 'is not allowed to change once registered (PATCH refuses it too): registered 2010-05-01, given 2024-03-01' },
      { line: 2, column: '公称容量', reason: 'is not allowed to change once registered (PATCH refuses it too): registered 15, given 50' },
    ]);
    expect(await app.database.connection.collection('cylinders').findOne({ serial: 'OLD-0001' })).toEqual(before);
  });

  it('imports a GBK file with Chinese names, and the names read back right', async () => {
    const csv = ['工号,姓名,身份证号,岗位', `W001,张三,${idNumber('44180219900101123')},送气工`, `W002,欧阳娜娜,${idNumber('11010519491231002')},充装工`].join('\r\n');
    const res = await upload('workers', iconv.encode(csv, 'gbk'), { token: ent.a.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'gb18030', created: 2 });
    const list = await app.call('GET', '/api/v1/workers?sort=realName', { token: ent.a.token });
    const names = (list.body.items as { realName: string; role: string }[]).map((w) => [w.realName, w.role]).sort();
    expect(names).toEqual([
      ['张三', 'delivery_worker'],
      ['欧阳娜娜', 'filling_operator'],
    ]);
  });

  it('imports a UTF-8 file that starts with a BOM', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(['车牌号,车辆类型', '粤R12345,气瓶运输车'].join('\r\n'), 'utf8')]);
    const res = await upload('vehicles', csv, { token: ent.a.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'utf-8', created: 1, errors: [] });
    expect(await count('vehicles', { plate: '粤R12345', kind: 'cylinder_truck' })).toBe(1);
  });

  it('dry run reports what it would create and writes nothing', async () => {
    const csv = [HEADER, row('DRY-0001', ent.a.siteId), row('DRY-0002', ent.a.siteId)].join('\n');
    const res = await upload('cylinders', csv, { token: ent.a.token, dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, created: 2, errors: [] });
    expect(await count('cylinders', { serial: /^DRY-/ })).toBe(0);
    const bad = await upload('cylinders', [HEADER, row('DRY-0003', ent.a.siteId, { tare: 'x' })].join('\n'), { token: ent.a.token, dryRun: true });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ dryRun: true, errors: [{ line: 2, column: '皮重', reason: '"x" is not a number' }] });
  });

  it("refuses an enterprise admin's import into another enterprise and writes nothing there", async () => {
    const csv = ['enterpriseId,' + HEADER, `${ent.b.id},${row('XENT-0001', ent.b.siteId)}`].join('\n');
    const res = await upload('cylinders', csv, { token: ent.a.token });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ line: 2, column: 'enterpriseId', reason: expect.stringContaining('no such active enterprise') }]));
    expect(await count('cylinders', { serial: 'XENT-0001' })).toBe(0);
  });

  it('answers 403 to filling operators and delivery workers, 401 without a token', async () => {
    const csv = [HEADER, row('ROLE-0001', ent.a.siteId)].join('\n');
    for (const role of ['filling_operator', 'delivery_worker', 'auditor', 'district_regulator'] as const) {
      const res = await upload('cylinders', csv, { token: await tokenFor(role, role === 'district_regulator' || role === 'auditor' ? undefined : ent.a.id) });
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN']);
    }
    const anonymous = await fetch(`${app.url}/api/v1/imports/cylinders?dryRun=false`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(anonymous.status).toBe(401);
    expect(await count('cylinders', { serial: 'ROLE-0001' })).toBe(0);
  });

  it('refuses an empty file (400), a JSON body (415), an unknown registry (404) and a missing dryRun (400)', async () => {
    const token = ent.a.token;
    expect((await upload('cylinders', '', { token })).body).toMatchObject({ status: 400, code: 'EMPTY_FILE' });
    expect((await upload('cylinders', '{"a":1}', { token, contentType: 'application/json' })).status).toBe(415);
    expect((await upload('enterprises', 'name\nx', { token })).status).toBe(404);
    expect((await upload('cylinders', 'a\nb', { token, query: '' })).body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
