import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { anEnterprise } from '../../seed/builders';
import { REJECTION_REASONS } from '../../src/components/ledger';
import { createMessageCatalog, negotiateLanguage } from '../../src/shared/errors/problem.localize';
import { messageLiterals } from '../support/message-literals';
import { principal, startWorld, type World } from '../support/world';

const SRC = join(__dirname, '../../src');
const catalog = createMessageCatalog([REJECTION_REASONS]);

/** A text that is a code (UPPER_SNAKE), carries no English word, or only joins values ("{}: {}"). */
function isNoSentence(text: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(text) || !/[a-z]{2}/.test(text.replace(/\{\}/g, ''));
}

function sourceOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceOf(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('the one message table', () => {
  it('has Chinese for every detail, field error and import line message the source writes', () => {
    const untranslated = messageLiterals(SRC)
      .filter((m) => !isNoSentence(m.text))
      .filter((m) => catalog.chinese(m.text.replace(/\{\}/g, 'x1')) === undefined)
      .map((m) => `${m.file}:${m.line} ${m.text}`);
    expect(untranslated).toEqual([]);
  });

  it('titles every problem code thrown in the source, in both languages', () => {
    const thrown = new Set(sourceOf(SRC).flatMap((text) => [...text.matchAll(/new AppError\('([A-Z_]+)'/g)].map((m) => m[1] ?? '')));
    expect(thrown.size).toBeGreaterThan(40);
    expect([...thrown].filter((code) => !catalog.knowsCode(code))).toEqual([]);
    expect(catalog.title('WORKER_UNCERTIFIED', 'zh-CN', '')).toBe(REJECTION_REASONS.WORKER_UNCERTIFIED.zh);
    expect(catalog.title('WORKER_UNCERTIFIED', 'en', '')).toBe(REJECTION_REASONS.WORKER_UNCERTIFIED.en);
    for (const code of Object.keys(REJECTION_REASONS)) expect(catalog.knowsCode(code)).toBe(true);
  });

  it('carries the values a sentence names, and words among them in Chinese', () => {
    expect(catalog.message('No site 65f0c0ffee0000000000abcd', 'zh-CN')).toBe('站点 65f0c0ffee0000000000abcd 不存在');
    expect(catalog.message('Role enterprise_admin may not verify credentials', 'zh-CN')).toBe('企业管理员无权核验证照');
    expect(catalog.message('Too small: expected string to have >=1 characters', 'zh-CN')).toBe('不能为空');
    expect(catalog.message('Too big: expected string to have <=100 characters', 'zh-CN')).toBe('最多 100 个字符');
    expect(catalog.message('something nobody wrote down', 'zh-CN')).toBe('something nobody wrote down');
    expect(catalog.detail('NOT_FOUND', 'something nobody wrote down', 'zh-CN')).toBe('请求的记录不存在');
    expect(catalog.message('No site x', 'en')).toBe('No site x');
  });
});

describe('Accept-Language', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR, en;q=0.5, zh;q=0.7', 'zh-CN'],
    ['de', 'en'],
    ['zh;q=0, en', 'en'],
  ])('%p is answered in %p', (header, lang) => {
    expect(negotiateLanguage(header)).toBe(lang);
  });
});

describe('problems over HTTP, in the language asked for', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld('error_messages');
  });
  afterAll(() => world?.stop());

  const city = () => principal('city_regulator');

  it('answers a bad enterprise with each field error in Chinese, the codes unchanged', async () => {
    const body = { ...anEnterprise().inDistrict('441802').build(), districtCode: '44', name: '' };
    const zh = await world.as(city()).post('/api/v1/enterprises', body).set('Accept-Language', 'zh-CN,zh;q=0.9');
    expect(zh.status).toBe(400);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(zh.headers.vary).toMatch(/Accept-Language/i);
    expect(zh.body).toMatchObject({ code: 'VALIDATION_FAILED', title: '输入有误', type: 'urn:lpg-trace:problem:validation-failed' });
    expect(zh.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'districtCode', message: '须为 6 位行政区划代码' },
        { path: 'name', message: '不能为空' },
      ]),
    );
    const en = await world.as(city()).post('/api/v1/enterprises', body);
    expect(en.headers['content-language']).toBe('en');
    expect(en.body).toMatchObject({ code: 'VALIDATION_FAILED', title: 'Validation failed' });
    expect(en.body.errors).toEqual(expect.arrayContaining([{ path: 'districtCode', message: 'must be a 6-digit administrative division code' }]));
  });

  it('says a wrong password in Chinese', async () => {
    const res = await world.http.post('/api/v1/auth/login').set('Accept-Language', 'zh-CN').send({ username: 'nobody-here', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'INVALID_CREDENTIALS', title: '登录失败', detail: '用户名或密码错误' });
  });

  it('names every bad line of a rejected import in Chinese', async () => {
    const token = world.tokenFor(city());
    const res = await fetch(`${world.url}/api/v1/imports/vehicles?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'zh-CN' },
      body: 'plate,nonsense\n粤R12345,1\n',
    });
    const body = (await res.json()) as { code: string; title: string; detail: string; errors: { line: number; column: string; reason: string }[] };
    expect(res.status).toBe(422);
    expect(body.code).toBe('IMPORT_REJECTED');
    expect(body.title).toBe('导入被拒绝');
    expect(body.detail).toMatch(/^发现 \d+ 处错误，未导入任何记录$/);
    expect(body.errors).toEqual(expect.arrayContaining([{ line: 1, column: 'nonsense', reason: '未知的列' }]));
  });

  it('serves the ledger\'s reason table to the consoles, which name refusals by it', async () => {
    const res = await world.as(principal('district_regulator', { districtCode: '441802' })).get('/api/v1/events/rejection-reasons');
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual({ code: 'WORKER_UNCERTIFIED', ...REJECTION_REASONS.WORKER_UNCERTIFIED });
    expect(res.body.items).toHaveLength(Object.keys(REJECTION_REASONS).length);
    expect((await world.http.get('/api/v1/events/rejection-reasons')).status).toBe(401);
  });

  it('writes the HTML error page in Chinese for a browser that asks for it', async () => {
    const res = await world.http.get('/no-such-page').set('Accept-Language', 'zh-CN');
    expect(res.status).toBe(404);
    expect(res.text).toContain('没有此接口：GET /no-such-page');
  });
});
