import iconv from 'iconv-lite';
import type { Principal } from '../../src/components/auth';
import { createImportService, type ImportReport } from '../../src/components/imports/imports.service';
import { parseCsv } from '../../src/components/imports/imports.csv';
import { decodeCsv } from '../../src/components/imports/imports.decode';
import { FakeCodes, FakeImportPort } from './fake-bulk-upsert';

const ENT = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const SITE = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const admin: Principal = { kind: 'user', userId: 'cccccccccccccccccccccccc', username: 'ent-admin', role: 'enterprise_admin', enterpriseId: ENT };

const CYLINDER_HEADER = '钢印号,制造单位,制造日期,公称容量,皮重,上次检验日期,充装站';
const cylinderRow = (serial: string, extra: Partial<Record<'date' | 'kg' | 'tare', string>> = {}) =>
  `${serial},佛山市燃气具厂,${extra.date ?? '2020/3/5'},${extra.kg ?? '15'},${extra.tare ?? '14.5'},2024-03-01,${SITE}`;

function setup() {
  const port = new FakeImportPort();
  const service = createImportService(port, new FakeCodes());
  const run = (csv: string | Buffer, opts: { dryRun?: boolean; resource?: 'cylinders' | 'workers' | 'sites' } = {}): Promise<ImportReport> =>
    service.importCsv(admin, {
      resource: opts.resource ?? 'cylinders',
      body: typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv,
      dryRun: opts.dryRun ?? false,
    });
  return { port, run };
}

describe('CSV import service', () => {
  it('reports every bad row with its line, column as written and reason, and writes nothing', async () => {
    const { port, run } = setup();
    const csv = [
      CYLINDER_HEADER,
      cylinderRow('QY-0001'),
      cylinderRow('QY-0002', { date: '2020/13/1' }),
      cylinderRow('QY-0003', { kg: '12' }),
      '"QY-\n0004",佛山市燃气具厂,2020-01-01,15,abc,2024-03-01,' + SITE,
      cylinderRow('QY-0001'),
      cylinderRow('=1+2'),
    ].join('\r\n');
    const report = await run(csv);
    expect(report.errors).toEqual([
      { line: 3, column: '制造日期', reason: '"2020/13/1" is not a date (YYYY-MM-DD or YYYY/M/D)' },
      { line: 4, column: '公称容量', reason: '12 is not one of 5, 15, 50' },
      { line: 5, column: '皮重', reason: '"abc" is not a number' },
      { line: 7, column: '钢印号', reason: 'repeats the record of line 2' },
      { line: 8, column: '钢印号', reason: expect.stringContaining('spreadsheet formula') },
    ]);
    expect(report).toMatchObject({ rows: 6, created: 0, errorCount: 5 });
    expect(port.calls).toBe(0);
    expect(port.stored.size).toBe(0);
  });

  it('imports a clean file once: the second run creates nothing and finds every row unchanged', async () => {
    const { port, run } = setup();
    const csv = [CYLINDER_HEADER, cylinderRow('QY-0001'), cylinderRow('QY-0002'), cylinderRow('QY-0003')].join('\n');
    expect(await run(csv)).toMatchObject({ rows: 3, created: 3, updated: 0, unchanged: 0, errors: [] });
    expect(await run(csv)).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 3, errors: [] });
    expect(port.stored.size).toBe(3);
    expect(port.stored.get(`cylinders:${ENT}:QY-0001`)).toMatchObject({ manufactureDate: '2020-03-05', nominalKg: 15, tareKg: 14.5 });
  });

  it('reads a GBK file as Chinese Excel saves it, Chinese names intact', async () => {
    const { port, run } = setup();
    const csv = ['姓名,身份证号,岗位,手机', '张三,44180219900101123X,送气工,13812341234', '欧阳娜娜,441802199202021234,充装工,'].join('\r\n');
    const report = await run(iconv.encode(csv, 'gbk'), { resource: 'workers' });
    expect(report).toMatchObject({ encoding: 'gb18030', created: 2, errors: [] });
    expect([...port.stored.values()].map((w) => [w.realName, w.role])).toEqual([
      ['张三', 'delivery_worker'],
      ['欧阳娜娜', 'filling_operator'],
    ]);
  });

  it('reads a UTF-8 file with a BOM without taking the BOM into the first header', async () => {
    const { run } = setup();
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([CYLINDER_HEADER, cylinderRow('QY-1')].join('\n'))]);
    expect(await run(csv)).toMatchObject({ encoding: 'utf-8', created: 1, errors: [] });
  });

  it('dry run counts what it would create and writes nothing', async () => {
    const { port, run } = setup();
    const csv = [CYLINDER_HEADER, cylinderRow('QY-1'), cylinderRow('QY-2')].join('\n');
    expect(await run(csv, { dryRun: true })).toMatchObject({ dryRun: true, created: 2, errors: [] });
    expect(port.stored.size).toBe(0);
  });

  it('names unknown columns and missing required columns on line 1 and reads no row', async () => {
    const { port, run } = setup();
    const report = await run(['钢印号,颜色,制造日期', 'QY-1,红,2020-01-01'].join('\n'));
    expect(report.errors).toEqual(
      expect.arrayContaining([
        { line: 1, column: '颜色', reason: 'unknown column' },
        { line: 1, column: 'manufacturer', reason: 'required column is missing' },
        { line: 1, column: 'fillingSiteId', reason: 'required column is missing' },
      ]),
    );
    expect(report.errors.every((e) => e.line === 1)).toBe(true);
    expect(port.calls).toBe(0);
  });

  it('accepts English field names, nested credential columns and a coordinate pair split in two columns', async () => {
    const { port, run } = setup();
    const csv = ['name,类型,address,districtCode,经度,纬度,许可证号,许可证有效期至', '清城供应站,供应站,清城区某路1号,441802,113.05,23.68,QY-L-1,2027/1/31'].join('\n');
    expect(await run(csv, { resource: 'sites' })).toMatchObject({ created: 1, errors: [] });
    expect([...port.stored.values()][0]).toMatchObject({
      kind: 'supply_point',
      coordinates: [113.05, 23.68],
      licence: { number: 'QY-L-1', validTo: '2027-01-31' },
    });
  });

  it("maps the registry's per-record errors back to the file's lines and imports nothing", async () => {
    const { port, run } = setup();
    const other = 'dddddddddddddddddddddddd';
    const csv = ['enterpriseId,' + CYLINDER_HEADER, `${ENT},${cylinderRow('QY-1')}`, `${other},${cylinderRow('QY-2')}`].join('\n');
    const report = await run(csv);
    expect(report.errors).toEqual([{ line: 3, column: 'enterpriseId', reason: 'no such active enterprise' }]);
    expect(port.stored.size).toBe(0);
  });

  it('refuses a file with a row whose cell count differs from the header', async () => {
    const { run } = setup();
    const report = await run([CYLINDER_HEADER, cylinderRow('QY-1'), 'QY-2,厂'].join('\n'));
    expect(report.errors).toEqual([{ line: 3, column: '', reason: 'has 2 cells; the header has 7' }]);
  });

  it('refuses operators and delivery workers with 403 before reading the file', async () => {
    const port = new FakeImportPort();
    const service = createImportService(port, new FakeCodes());
    const operator: Principal = { ...admin, role: 'filling_operator' };
    await expect(service.importCsv(operator, { resource: 'cylinders', body: Buffer.from('x'), dryRun: false })).rejects.toMatchObject({ status: 403 });
  });
});

describe('CSV reading', () => {
  it('numbers each row by the line it starts on, counting line breaks inside quoted cells and skipping blank lines', () => {
    const table = parseCsv('a,b\n1,2\n\n"x\ny",3\n4,5\n,\n6,"7\r\n\r\n"\n8,9\n');
    expect(table.header.line).toBe(1);
    expect(table.rows.map((r) => r.line)).toEqual([2, 4, 6, 8, 11]);
  });

  it('refuses an empty file and a header without rows with 400 EMPTY_FILE', () => {
    expect(() => parseCsv('')).toThrow(expect.objectContaining({ code: 'EMPTY_FILE', status: 400 }));
    expect(() => parseCsv('a,b\n\n')).toThrow(expect.objectContaining({ code: 'EMPTY_FILE' }));
  });

  it('refuses malformed CSV with 400 MALFORMED_CSV', () => {
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(expect.objectContaining({ code: 'MALFORMED_CSV', status: 400 }));
  });

  it('refuses more than 50,000 data rows with 413', () => {
    const csv = `a\n${'1\n'.repeat(50_001)}`;
    expect(() => parseCsv(csv)).toThrow(expect.objectContaining({ code: 'TOO_MANY_ROWS', status: 413 }));
  });

  it('detects GB18030 when the bytes are not UTF-8, and honours an explicit encoding', () => {
    const bytes = iconv.encode('钢印号,制造单位', 'gbk');
    expect(decodeCsv(bytes)).toEqual({ text: '钢印号,制造单位', encoding: 'gb18030' });
    expect(decodeCsv(bytes, 'gbk').text).toBe('钢印号,制造单位');
    expect(() => decodeCsv(bytes, 'utf-8')).toThrow(expect.objectContaining({ code: 'INVALID_ENCODING' }));
    expect(decodeCsv(Buffer.from('\uFEFF钢印号', 'utf8')).text).toBe('钢印号');
  });
});
