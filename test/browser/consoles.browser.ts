import { randomUUID } from 'node:crypto';
import iconv from 'iconv-lite';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { aCylinder, anEnterprise, aSite } from '../../seed/builders';
import { strongPassword } from '../auth/auth.harness';
import { launchChromium, openContext, startCityWorld, watchProblems, type CityWorld } from './browser.harness';
import { ensureConsoleBuilt, logIn, SCREENS, screenshot } from './console.harness';

/**
 * The web consoles in Debian's Chromium, per role: an enterprise administrator imports a GBK file
 * and prints labels, a city regulator verifies credentials and reads a cylinder's chain, a district
 * regulator sees only its district. Every page in Chinese, at 1280×800 and 1920×1080, with nothing
 * in the browser console; screenshots in test-results/screenshots.
 */
let world: CityWorld;
let browser: Browser;
const password = strongPassword();
const accounts = { admin: '', city: '', district: '', otherDistrict: '' };
let enterpriseId = '';
let otherEnterprise = '';
let otherCylinder = '';

async function account(role: 'city_regulator' | 'district_regulator' | 'enterprise_admin', extra: { enterpriseId?: string; districtCode?: string }): Promise<string> {
  const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 7)}`;
  await world.app.insertUser({ username, role, password, ...extra });
  return username;
}

beforeAll(async () => {
  ensureConsoleBuilt();
  [world, browser] = await Promise.all([startCityWorld('browser_consoles'), launchChromium()]);
  // The enterprise the admin works for (Qingcheng, 441802), with its filling station S01 registered by the city.
  enterpriseId = String((await world.ok('POST', '/api/v1/enterprises', world.city, anEnterprise().inDistrict('441802').build())).id);
  await world.ok('POST', '/api/v1/sites', world.city, aSite().fillingStation().inDistrict('441802').forEnterprise(enterpriseId).withCode('S01').build());
  // Another district's enterprise (Qingxin, 441803) with a cylinder, and a licence awaiting verification.
  otherEnterprise = String((await world.ok('POST', '/api/v1/enterprises', world.city, anEnterprise().inDistrict('441803').build())).id);
  const otherStation = String((await world.ok('POST', '/api/v1/sites', world.city, aSite().fillingStation().inDistrict('441803').forEnterprise(otherEnterprise).build())).id);
  const otherAdmin = await world.app.login(await account('enterprise_admin', { enterpriseId: otherEnterprise, districtCode: '441803' }), password);
  otherCylinder = String((await world.ok('POST', '/api/v1/cylinders', otherAdmin.accessToken, aCylinder().registeredTo(otherStation).build())).id);
  accounts.admin = await account('enterprise_admin', { enterpriseId, districtCode: '441802' });
  accounts.city = await account('city_regulator', {});
  accounts.district = await account('district_regulator', { districtCode: '441802' });
  accounts.otherDistrict = await account('district_regulator', { districtCode: '441803' });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await world?.app.close();
});

async function session(viewport: { width: number; height: number } = SCREENS[0].viewport): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await openContext(browser, { viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

/** The menu entries the side menu shows, in order. */
const menuOf = (page: Page) => page.locator('.console-menu .el-menu-item').allTextContents().then((items) => items.map((i) => i.trim()));

describe('the login page at /', () => {
  it('says a wrong password in Chinese, logs in, survives a reload, and logs out', async () => {
    const { context, page, problems } = await session();
    await page.goto(`${world.app.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('.login-card h2').textContent()).toBe('账号登录');
    await screenshot(page, 'login-1280x800');
    await page.locator('input[name=username]').fill(accounts.admin);
    await page.locator('input[name=password]').fill(`${password}-wrong`);
    await page.locator('.login-submit').click();
    await expect(page.locator('.login-error').textContent()).resolves.toContain('用户名或密码错误');
    // The one expected console line: the browser reports the refused login's 401.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    problems.length = 0;

    await page.locator('input[name=password]').fill(password);
    await page.locator('.login-submit').click();
    await page.waitForURL(/\/console$/);
    expect(await page.locator('.console-name').textContent()).toBe(accounts.admin);
    // A reload keeps the session: the refresh cookie, which no script can read, restores it.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('lpg_session=1');
    await page.reload();
    await page.locator('.console-menu').waitFor();
    expect(page.url()).toBe(`${world.app.url}/console`);

    await page.locator('.logout').click();
    await page.waitForURL(`${world.app.url}/`);
    await page.reload();
    await page.locator('.login-card').waitFor();
    expect(page.url()).toBe(`${world.app.url}/`);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the enterprise console', () => {
  const header = '钢印号,制造单位,制造日期,公称容量,皮重(kg),充装站,上次检验日期,设计使用年限';
  const row = (serial: string, date: string) => `${serial},佛山市燃气具厂,${date},15,14.6,S01,,15`;
  const serials = ['WEB-0001', 'WEB-0002', 'WEB-0003'];

  it('imports a GBK file: names the bad row in Chinese, then imports the fixed file', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.admin, password);
    expect(await menuOf(page)).toEqual(['工作台', '被拒事件', '本企业告警', '整改案件', '离线冲突', '燃气企业', '站点', '车辆', '从业人员', '用户', '气瓶', '证照与换证', '批量导入', '赋码与标签', '气瓶追溯', '灌装秤实时']);
    await page.locator('.console-menu .el-menu-item', { hasText: '批量导入' }).click();
    await page.waitForURL(/\/console\/imports$/);

    const bad = iconv.encode([header, row(serials[0] ?? '', '2023-05-01'), row(serials[1] ?? '', '2023-13-45'), row(serials[2] ?? '', '2023-05-03')].join('\r\n'), 'gbk');
    await page.locator('input[type=file]').setInputFiles({ name: '气瓶.csv', mimeType: 'text/csv', buffer: bad });
    const errors = page.locator('.import-errors tbody tr');
    await errors.first().waitFor();
    expect(await errors.count()).toBe(1);
    const cells = (await errors.first().locator('td').allTextContents()).map((c) => c.trim());
    expect(cells[0]).toBe('3');
    expect(cells[1]).toBe('制造日期');
    expect(cells[2]).toMatch(/不是日期|不是有效日期/);
    expect(await page.locator('.import-result').textContent()).toContain('未导入任何记录');
    for (const screen of SCREENS) {
      await page.setViewportSize(screen.viewport);
      await screenshot(page, `enterprise-import-rejected-${screen.name}`);
    }
    await page.setViewportSize(SCREENS[0].viewport);

    await page.getByRole('button', { name: '重新选择' }).click();
    const fixed = iconv.encode([header, ...serials.map((s, i) => row(s, `2023-05-0${i + 1}`))].join('\r\n'), 'gbk');
    await page.locator('input[type=file]').setInputFiles({ name: '气瓶.csv', mimeType: 'text/csv', buffer: fixed });
    await page.locator('.do-import').waitFor();
    expect(await page.locator('.import-result').textContent()).toContain('检查通过：3 行，新增 3');
    await page.locator('.do-import').click();
    await expect(page.locator('.import-result').filter({ hasText: '导入完成' }).textContent()).resolves.toContain('新增 3');
    const listed = await world.ok<{ items: { serial: string }[] }>('GET', '/api/v1/cylinders?q=WEB-', world.city);
    expect(listed.items.map((c) => c.serial).sort()).toEqual(serials);
    expect(problems.filter((p) => !/status of 422/.test(p))).toEqual([]);
    await context.close();
  });

  it('commissions the imported cylinders, prints their A4 sheet in the browser, and every code on it scans', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.admin, password);
    await page.goto(`${world.app.url}/console/labels`);
    const table = page.locator('.cylinders');
    await table.locator('tbody tr', { hasText: 'WEB-0001' }).waitFor();
    await page.locator('.labels-page .search input').fill('WEB-');
    await page.locator('.labels-page .search input').press('Enter');
    await table.locator('tbody tr', { hasText: 'WEB-0003' }).waitFor();
    await table.locator('thead .el-checkbox').click();
    await page.locator('.commission').click();
    await page.locator('.el-message--success').waitFor();
    await table.locator('tbody tr', { hasText: 'WEB-0001' }).locator('text=/^\\d{14}/').waitFor();
    for (const screen of SCREENS) {
      await page.setViewportSize(screen.viewport);
      await screenshot(page, `enterprise-labels-${screen.name}`);
    }
    await page.setViewportSize(SCREENS[0].viewport);
    await page.locator('.print').click();
    await page.waitForURL(/\/console\/labels\/print\?ids=/);
    const labels = page.locator('.sheet .label');
    await labels.nth(2).waitFor();
    expect(await labels.count()).toBe(3);
    await screenshot(page, 'enterprise-label-sheet-1280x800');

    const cylinders = await world.ok<{ items: { id: string; serial: string }[] }>('GET', '/api/v1/cylinders?q=WEB-', world.city);
    const uris = new Map<string, string>();
    for (const c of cylinders.items) {
      const code = await world.ok<{ grai: string; uri: string }>('GET', `/api/v1/cylinders/${c.id}/code`, world.city);
      uris.set(code.grai, code.uri);
    }
    // A denser screen, so a label's picture holds a few pixels per QR module.
    const dense = await openContext(browser, { viewport: SCREENS[0].viewport, deviceScaleFactor: 3, locale: 'zh-CN' });
    const sheet = await dense.newPage();
    const sheetProblems = watchProblems(sheet);
    await logIn(sheet, world.app.url, accounts.admin, password);
    await sheet.goto(page.url());
    await sheet.locator('.sheet .label').nth(2).waitFor();
    for (let i = 0; i < 3; i += 1) {
      const label = sheet.locator('.sheet .label').nth(i);
      const grai = (await label.getAttribute('data-grai')) ?? '';
      const image = PNG.sync.read(await label.screenshot());
      expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(uris.get(grai));
    }
    expect(uris.size).toBe(3);
    expect([...problems, ...sheetProblems]).toEqual([]);
    await dense.close();
    await context.close();
  });

  it('shows its registries in Chinese with a new site\'s field errors next to the fields', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.admin, password);
    for (const resource of ['sites', 'cylinders']) {
      await page.goto(`${world.app.url}/console/registry/${resource}`);
      await page.locator('.records tbody tr').first().waitFor();
      for (const screen of SCREENS) {
        await page.setViewportSize(screen.viewport);
        await screenshot(page, `enterprise-${resource}-${screen.name}`);
      }
      await page.setViewportSize(SCREENS[0].viewport);
    }
    await page.goto(`${world.app.url}/console/registry/sites`);
    await page.locator('.create').click();
    await page.locator('.record-form [data-field="code"] input').fill('S 99');
    await page.locator('.save').click();
    const codeError = page.locator('.record-form [data-field="code"] .el-form-item__error');
    await codeError.waitFor();
    expect(await codeError.textContent()).toContain('须为 1–20 位字母、数字、- 或 _');
    expect(await page.locator('.record-form [data-field="name"] .el-form-item__error').textContent()).toBe('必填');
    await screenshot(page, 'enterprise-site-form-errors-1280x800');
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await context.close();
  });
});

describe('the regulators\' consoles', () => {
  it('a city regulator verifies a submitted licence with the queue, and reads a cylinder\'s verified chain', async () => {
    // The admin submits a renewal-free new site whose licence awaits verification.
    const site = await world.ok<{ id: string; name: string }>('POST', '/api/v1/sites', world.admin, aSite().inDistrict('441802').withCode('P77').build());
    // Two events the platform refuses (codes it never issued): the overview's count and its chart by reason show them.
    for (const n of [1, 2]) await world.ok('POST', '/api/v1/events', world.admin, { eventId: randomUUID(), grai: `06141410150009OVR${n}`, type: 'report_lost', occurredAt: new Date().toISOString(), payload: {} }, [404]);
    const { context, page, problems } = await session(SCREENS[1].viewport);
    const refusalReads: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/events/rejected') refusalReads.push(r.url());
    });
    await logIn(page, world.app.url, accounts.city, password);
    expect(await menuOf(page)).toEqual(expect.arrayContaining(['工作台', '证照核验', '被拒事件', '燃气企业', '气瓶追溯']));
    await page.locator('.kpi[data-kpi="refusals"]').waitFor();
    await page.locator('.chart-card').waitFor();
    // One page of the latest refusals serves both the card's count and the chart by reason.
    expect(refusalReads).toHaveLength(1);
    expect(Number(await page.locator('.kpi[data-kpi="refusals"] .kpi-value').textContent())).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.chart-card .el-card__header').textContent()).toContain('按原因');
    await screenshot(page, 'city-overview-1920x1080');
    await page.goto(`${world.app.url}/console/credentials`);
    await page.locator('.el-tabs__item', { hasText: '站点' }).click();
    const pending = page.locator('.queue tbody tr', { hasText: site.name });
    await pending.waitFor();
    await screenshot(page, 'city-credential-queue-1920x1080');
    await pending.locator('[data-command="verify"]').click();
    await page.locator('.el-dialog .confirm').click();
    await pending.waitFor({ state: 'detached' });
    const verified = await world.ok<{ licence: { status: string; state: string } }>('GET', `/api/v1/sites/${site.id}`, world.city);
    expect(verified.licence.state).toBe('verified');

    const cylinders = await world.ok<{ items: { id: string }[] }>('GET', '/api/v1/cylinders?q=WEB-0001', world.city);
    await page.goto(`${world.app.url}/console/cylinders/${cylinders.items[0]?.id ?? ''}`);
    await page.locator('.chain-badge.verified').waitFor();
    expect(await page.locator('.chain-badge').textContent()).toContain('链已验证');
    expect(await page.locator('.events .event-card').first().textContent()).toContain('赋码建档');
    await page.locator('.events .proof').first().click();
    await page.locator('.el-dialog', { hasText: '日志包含证明' }).waitFor();
    await screenshot(page, 'city-cylinder-proof-1920x1080');
    await page.keyboard.press('Escape');
    const download = page.waitForEvent('download');
    await page.locator('.export').click();
    expect((await download).suggestedFilename()).toBe('cylinder-WEB-0001-export.json');
    await page.setViewportSize(SCREENS[0].viewport);
    await screenshot(page, 'city-cylinder-timeline-1280x800');
    await page.goto(`${world.app.url}/console/rejected-events`);
    await page.locator('.rejected').waitFor();
    await screenshot(page, 'city-rejected-events-1280x800');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a district regulator sees its own district only: another district\'s enterprise, cylinder and credentials are not there', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.district, password);
    // The district's name arrives with the reference names, a moment after the menu.
    await page.locator('.console-user .el-tag', { hasText: '清城区' }).waitFor();
    await page.goto(`${world.app.url}/console/registry/enterprises`);
    await page.locator('.records tbody tr').first().waitFor();
    const names = await page.locator('.records tbody tr td:first-child').allTextContents();
    const own = await world.ok<{ name: string }>('GET', `/api/v1/enterprises/${enterpriseId}`, world.city);
    const other = await world.ok<{ name: string }>('GET', `/api/v1/enterprises/${otherEnterprise}`, world.city);
    expect(names.map((n) => n.trim())).toContain(own.name);
    expect(names.map((n) => n.trim())).not.toContain(other.name);
    for (const screen of SCREENS) {
      await page.setViewportSize(screen.viewport);
      await screenshot(page, `district-enterprises-${screen.name}`);
    }
    await page.setViewportSize(SCREENS[0].viewport);
    await page.goto(`${world.app.url}/console/cylinders/${otherCylinder}`);
    await expect(page.locator('.timeline-page .form-error').textContent()).resolves.toContain('不存在');
    expect(await page.locator('.cylinder-facts').count()).toBe(0);
    await screenshot(page, 'district-other-cylinder-1280x800');
    // The other district's regulator does see it.
    const { context: second, page: theirs } = await session();
    await logIn(theirs, world.app.url, accounts.otherDistrict, password);
    await theirs.goto(`${world.app.url}/console/cylinders/${otherCylinder}`);
    await theirs.locator('.cylinder-facts').waitFor();
    await second.close();
    expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    await context.close();
  });

  it('switches to English and back', async () => {
    const { context, page } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    await page.locator('.console-header .language-switch').click();
    await page.locator('.el-select-dropdown__item', { hasText: 'English' }).click();
    await page.locator('.console-menu', { hasText: 'Workbench' }).waitFor();
    await screenshot(page, 'city-overview-english-1280x800');
    await page.reload();
    await page.locator('.console-menu', { hasText: 'Workbench' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await context.close();
  });
});
