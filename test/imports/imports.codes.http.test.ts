import { COLUMN_ALIASES, TEMPLATE_HEADERS } from '../../src/components/imports/imports.columns';
import iconv from 'iconv-lite';
import { aSite, anEnterprise } from '../../seed/builders';
import { signAccessToken, type Principal } from '../../src/components/auth';
import { startAuthTestApp, strongPassword, TEST_SECRETS, type AuthTestApp } from '../auth/auth.harness';

/** An 18-character resident ID number: 17 digits and their GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * (weights[i] ?? 0), 0);
  return first17 + ('10X98765432'[sum % 11] ?? '');
}

/** CSV imports name stations by their code (站点编号) and vehicles by plate, as a clerk knows them. */
describe('CSV imports by human code', () => {
  let app: AuthTestApp;
  let cityToken: string;
  const ent: Record<'a' | 'b', { id: string; station: string; token: string }> = {} as never;
  let onlyInB: string;

  const tokenFor = async (role: Principal['role'], enterpriseId?: string): Promise<string> => {
    const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
    const userId = await app.insertUser({ username, role, password: strongPassword(), ...(enterpriseId ? { enterpriseId } : {}) });
    return signAccessToken(TEST_SECRETS.JWT_SECRET, { kind: 'user', userId, username, role, ...(enterpriseId ? { enterpriseId } : {}) });
  };
  const post = async (path: string, token: string, body: unknown): Promise<{ id: string }> => {
    const res = await app.call('POST', path, { token, body });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  const gbk = (lines: string[]) => iconv.encode(lines.join('\r\n'), 'gbk');
  async function upload(resource: string, body: Buffer, token: string) {
    const res = await fetch(`${app.url}/api/v1/imports/${resource}?dryRun=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const collection = (name: string) => app.database.connection.collection(name);

  beforeAll(async () => {
    app = await startAuthTestApp('imports_codes');
    cityToken = await tokenFor('city_regulator');
    for (const key of ['a', 'b'] as const) {
      const { id } = await post('/api/v1/enterprises', cityToken, anEnterprise().build());
      // Both enterprises call their filling station S01: a code is unique within its enterprise only.
      const station = await post('/api/v1/sites', cityToken, aSite().fillingStation().forEnterprise(id).withCode('S01').build());
      ent[key] = { id, station: station.id, token: await tokenFor('enterprise_admin', id) };
    }
    onlyInB = (await post('/api/v1/sites', cityToken, aSite().forEnterprise(ent.b.id).withCode('B77').build())).id;
  });
  afterAll(() => app?.close());

  const CYLINDERS = '钢印号,制造单位,制造日期,公称容量,皮重,上次检验日期,充装站';
  const cylinder = (serial: string, station: string) => `${serial},佛山市燃气具厂,2022/3/5,15,14.5,2024-03-01,${station}`;

  it('imports a GBK cylinder file that names the filling station by its station code, within the importer\'s enterprise', async () => {
    const res = await upload('cylinders', gbk([CYLINDERS, cylinder('CODE-0001', 'S01'), cylinder('CODE-0002', 's01'), cylinder('CODE-0003', ent.a.station)]), ent.a.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'gb18030', created: 3, errors: [] });
    const stored = await collection('cylinders').find({ serial: /^CODE-000/ }).toArray();
    expect(stored.map((c) => String(c.fillingSiteId))).toEqual([ent.a.station, ent.a.station, ent.a.station]);
  });

  it('imports a GBK worker file with staff numbers (工号) and sites by station code, and a vehicle file by plate', async () => {
    const workers = gbk(['工号,姓名,身份证号,岗位,所属站点', `W101,李四,${idNumber('44180219900101123')},充装工,S01`, `W102,王五,${idNumber('11010519491231002')},送气工,`]);
    const res = await upload('workers', workers, ent.a.token);
    expect(res).toMatchObject({ status: 200, body: { created: 2, errors: [] } });
    const li = await collection('workers').findOne({ realName: '李四' });
    expect(li).toMatchObject({ staffNumber: 'W101' });
    expect(String(li?.siteId)).toBe(ent.a.station);

    const vehicles = await upload('vehicles', gbk(['车牌号,车辆类型', '粤R7C001,气瓶运输车']), ent.a.token);
    expect(vehicles).toMatchObject({ status: 200, body: { created: 1 } });
    expect(String((await collection('vehicles').findOne({ plate: '粤R7C001' }))?.enterpriseId)).toBe(ent.a.id);
  });

  it('refuses a file with an unknown station code, or another enterprise\'s, naming row, column and value, and writes nothing', async () => {
    const before = await collection('cylinders').countDocuments();
    const res = await upload('cylinders', gbk([CYLINDERS, cylinder('UNK-0001', 'S01'), cylinder('UNK-0002', 'S99'), cylinder('UNK-0003', 'B77')]), ent.a.token);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'IMPORT_REJECTED', created: 0, errorCount: 2 });
    expect(res.body.errors).toEqual([
      { line: 3, column: '充装站', reason: '"S99" is not the code of a site of this enterprise' },
      { line: 4, column: '充装站', reason: '"B77" is not the code of a site of this enterprise' },
    ]);
    expect(await collection('cylinders').countDocuments()).toBe(before);
    expect(onlyInB).toMatch(/^[0-9a-f]{24}$/);
  });

  it('resolves a city regulator\'s codes within each row\'s enterprise, and asks for the enterprise when a row has none', async () => {
    const header = `企业,${CYLINDERS}`;
    const ok = await upload('cylinders', gbk([header, `${ent.b.id},${cylinder('CITY-0001', 'S01')}`]), cityToken);
    expect(ok).toMatchObject({ status: 200, body: { created: 1 } });
    expect(String((await collection('cylinders').findOne({ serial: 'CITY-0001' }))?.fillingSiteId)).toBe(ent.b.station);

    const missing = await upload('cylinders', gbk([CYLINDERS, cylinder('CITY-0002', 'S01')]), cityToken);
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ line: 2, column: '充装站', reason: expect.stringContaining('"S01"') })]);
  });

  it('refuses two rows claiming one station code (s21 is S21), naming the later row, without writing', async () => {
    const sites = gbk([
      '站点编号,站点名称,站点类型,区县代码,地址,经度,纬度,许可证号,许可证有效期至',
      'S21,新供应站甲,供应站,441802,清城区一路1号,113.05,23.68,LIC-S21-A,2029-01-01',
      's21,新供应站乙,供应站,441802,清城区一路2号,113.05,23.68,LIC-S21-B,2029-01-01',
    ]);
    const res = await upload('sites', sites, ent.a.token);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 3, column: '站点编号', reason: 'repeats the record of line 2' }]);
    expect(await collection('sites').countDocuments({ name: /^新供应站/ })).toBe(0);
  });

  it('refuses a new station whose code another station of the enterprise holds as a row error naming line and column, without writing', async () => {
    const sites = gbk([
      '站点编号,站点名称,站点类型,区县代码,地址,经度,纬度,许可证号,许可证有效期至',
      'S31,编号新站甲,供应站,441802,清城区二路1号,113.05,23.68,LIC-S31-A,2029-01-01',
      'S01,编号新站乙,供应站,441802,清城区二路2号,113.05,23.68,LIC-S01-B,2029-01-01',
    ]);
    const res = await upload('sites', sites, ent.a.token);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 3, column: '站点编号', reason: 'must be unique: another record already holds this value' }]);
    expect(await collection('sites').countDocuments({ name: /^编号新站/ })).toBe(0);
  });

  it('downloads a template whose headers, filled in, import as they are', async () => {
    const res = await fetch(`${app.url}/api/v1/imports/cylinders/template`, { headers: { authorization: `Bearer ${ent.a.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="cylinders-template.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const header = bytes.subarray(3).toString('utf8').trim();
    expect(header).toBe('钢印号,制造单位,制造日期,公称容量,皮重(kg),充装站,上次检验日期,设计使用年限');
    const filled = gbk([header, 'TPL-0001,佛山市燃气具厂,2023-05-01,15,14.6,S01,,15']);
    const imported = await upload('cylinders', filled, ent.a.token);
    expect([imported.status, imported.body.created]).toEqual([200, 1]);
    // Every template header is one the import knows.
    for (const [resource, headers] of Object.entries(TEMPLATE_HEADERS)) {
      expect(headers.filter((h) => !(h in COLUMN_ALIASES[resource as keyof typeof COLUMN_ALIASES]))).toEqual([]);
    }
    for (const resource of ['sites', 'vehicles', 'workers', 'customers']) {
      const template = await fetch(`${app.url}/api/v1/imports/${resource}/template`, { headers: { authorization: `Bearer ${ent.a.token}` } });
      expect(template.status).toBe(200);
    }
    expect((await fetch(`${app.url}/api/v1/imports/enterprises/template`, { headers: { authorization: `Bearer ${ent.a.token}` } })).status).toBe(404);
  });
});
