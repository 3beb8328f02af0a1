import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { strongPassword } from '../auth/auth.harness';
import { anEnterpriseKit, fullCylinder, saleNow, suspendStation, type EnterpriseKit } from '../alerts/alerts.harness';
import { launchChromium, openContext, startCityWorld, watchProblems, type CityWorld } from './browser.harness';
import { ensureConsoleBuilt, logIn, SCREENS, screenshot } from './console.harness';

/**
 * The regulators' console pages in Debian's Chromium: an unlicensed sale made through the API
 * shows on the open dashboard within 2 s without a reload, is acknowledged in place and becomes a
 * case; the scale map locks a station; a district regulator does not see another district's alert.
 * Screenshots of every regulator page at 1280×800 and 1920×1080 in test-results/screenshots.
 */
const DISTRICT = '441802';
const OTHER = '441803';
let world: CityWorld;
let browser: Browser;
let kit: EnterpriseKit;
const password = strongPassword();
const accounts = { city: '', district: '', otherDistrict: '' };

async function account(role: 'city_regulator' | 'district_regulator', districtCode?: string): Promise<string> {
  const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 7)}`;
  await world.app.insertUser({ username, role, password, ...(districtCode ? { districtCode } : {}) });
  return username;
}

beforeAll(async () => {
  ensureConsoleBuilt();
  [world, browser] = await Promise.all([startCityWorld('browser_regulator'), launchChromium()]);
  kit = await anEnterpriseKit(world.app.world, DISTRICT);
  accounts.city = await account('city_regulator');
  accounts.district = await account('district_regulator', DISTRICT);
  accounts.otherDistrict = await account('district_regulator', OTHER);
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

async function bothSizes(page: Page, name: string): Promise<void> {
  for (const screen of SCREENS) {
    await page.setViewportSize(screen.viewport);
    await screenshot(page, `regulator-${name}-${screen.name}`);
  }
  await page.setViewportSize(SCREENS[0].viewport);
}

const menuOf = (page: Page) => page.locator('.console-menu .el-menu-item').allTextContents().then((items) => items.map((i) => i.trim()));
/** The alert an unlicensed sale raised, and the case opened from it, once they exist (the tests made them). */
let saleAlert = '';
let caseId = '';
/** A second full cylinder of the station, filled before its licence was suspended. */
let secondCylinder = '';

describe('the regulator dashboard', () => {
  it('shows an unlicensed sale made through the API within 2 s without a reload, acknowledges it in place', async () => {
    const cylinderId = await fullCylinder(world.app.world, kit);
    secondCylinder = await fullCylinder(world.app.world, kit);
    await suspendStation(world.app.world, kit);
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    expect(await menuOf(page)).toEqual(expect.arrayContaining(['监管态势', '预警', '灌装秤分布']));
    await page.locator('.console-menu .el-menu-item', { hasText: '监管态势' }).click();
    await page.waitForURL(/\/console\/dashboard$/);
    await page.locator('.feed-status[data-status="live"]').waitFor();
    expect(await page.locator('.alert-item[data-rule="UNLICENSED_SELLER"]').count()).toBe(0);

    const refused = await world.app.world.as(kit.admin).post('/api/v1/events', saleNow(cylinderId, kit));
    const answeredAt = Date.now();
    expect([refused.status, refused.body.code]).toEqual([422, 'SITE_LICENCE_INVALID']);
    const item = page.locator('.alert-item[data-rule="UNLICENSED_SELLER"]');
    await item.waitFor({ timeout: 2_000 });
    expect(Date.now() - answeredAt).toBeLessThan(2_000);
    expect(await item.locator('.alert-title').textContent()).toBe('无证经营');
    // What the rule saw, pushed over the socket, in Chinese.
    expect(await item.locator('.alert-detail').textContent()).toBe('销售被拒绝（站点许可证无效）：站点无有效许可证');
    await item.filter({ hasText: '清城区' }).waitFor();
    expect(await page.locator('.feed-badge .el-badge__content').textContent()).toMatch(/^\s*[1-9]/);
    saleAlert = (await item.getAttribute('data-alert')) ?? '';
    await bothSizes(page, 'dashboard');

    // Acknowledged from the keyboard.
    await item.locator('.acknowledge').focus();
    await page.keyboard.press('Enter');
    await page.locator(`.alert-item[data-alert="${saleAlert}"][data-status="acknowledged"]`).waitFor();
    expect(await item.locator('.alert-status').textContent()).toBe('已确认');
    const stored = await world.ok<{ status: string }>('GET', `/api/v1/alerts/${saleAlert}`, world.city);
    expect(stored.status).toBe('acknowledged');

    // 数据大屏: the same dashboard over the whole screen at 1920×1080.
    await page.setViewportSize(SCREENS[1].viewport);
    await page.locator('.screen-toggle').click();
    await page.locator('.dashboard-page.big-screen').waitFor();
    await screenshot(page, 'regulator-dashboard-bigscreen-1920x1080');
    await page.keyboard.press('Escape');
    await page.locator('.dashboard-page.big-screen').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('resumes after a lost connection without a gap: a sale made while it was down shows once it is back', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    await page.goto(`${world.app.url}/console/dashboard`);
    await page.locator('.feed-status[data-status="live"]').waitFor();
    const item = page.locator(`.alert-item[data-alert="${saleAlert}"]`);
    expect(await item.textContent()).not.toContain('2 次');
    // The network goes, and the platform's end of the connection with it.
    await context.setOffline(true);
    for (const socket of world.app.world.realtime.io.of('/alerts').sockets.values()) socket.conn.close();
    await page.locator('.feed-status[data-status="offline"]').waitFor();
    const refused = await world.app.world.as(kit.admin).post('/api/v1/events', saleNow(secondCylinder, kit));
    expect(refused.body.code).toBe('SITE_LICENCE_INVALID');
    await context.setOffline(false);
    await page.locator('.feed-status[data-status="live"]').waitFor({ timeout: 15_000 });
    await item.filter({ hasText: '2 次' }).waitFor();
    expect(await page.locator(`.alert-item[data-alert="${saleAlert}"]`).count()).toBe(1);
    // The browser reports the requests the offline page could not make; nothing else.
    expect(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|socket\.io/.test(p))).toEqual([]);
    await context.close();
  });

  it('shows the alert\'s evidence: the refused sale with its reason', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    await page.goto(`${world.app.url}/console/alerts`);
    const row = page.locator('.alerts-table tbody tr', { hasText: '无证经营' }).first();
    await row.waitFor();
    await bothSizes(page, 'alerts');
    await row.locator('.alert-title').click();
    await page.waitForURL(new RegExp(`/console/alerts/${saleAlert}$`));
    const evidence = page.locator('.evidence-card[data-kind="refusal"]').first();
    await evidence.waitFor();
    // The record's facts are labelled in Chinese and name the reason in words, not as a code.
    const facts = await evidence.locator('.evidence-facts').textContent();
    expect(facts).toContain('事件：销售');
    expect(facts).toContain('原因：站点许可证无效');
    expect(facts).not.toContain('SITE_LICENCE_INVALID');
    expect(await evidence.locator('.event-card').textContent()).toContain('销售被拒绝（站点许可证无效）：站点无有效许可证');
    await bothSizes(page, 'alert-detail');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a case', () => {
  it('is opened from the alert (立案), assigned with a deadline, rectified by the enterprise, reviewed and closed with its alert', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    await page.goto(`${world.app.url}/console/alerts/${saleAlert}`);
    await page.locator('.alert-detail-page .open-case').click();
    const dialog = page.locator('.open-case-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('[data-field="title"] input').inputValue()).toBe('无证经营');
    // Without a legal basis the platform names the field, next to it, in Chinese.
    await dialog.locator('.confirm-open-case').click();
    await expect(dialog.locator('[data-field="legalBasis"] .el-form-item__error').textContent()).resolves.toMatch(/必填|不能为空|至少/);
    await dialog.locator('[data-field="legalBasis"] input').fill('《城镇燃气管理条例》第四十五条');
    await dialog.locator('.confirm-open-case').click();
    await page.waitForURL(/\/console\/cases\/[0-9a-f]{24}$/);
    caseId = page.url().split('/').pop() ?? '';
    await page.locator('.case-status[data-status="open"]').waitFor();
    expect(await page.locator('.case-heading').textContent()).toMatch(new RegExp(`^${DISTRICT}-\\d{4}-0001 · 无证经营$`));
    // An evidence photo, shown once the platform has it.
    const photo = new PNG({ width: 4, height: 3 });
    photo.data.fill(200);
    await page.locator('.photos input[type=file]').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: PNG.sync.write(photo) });
    await page.locator('.photos .case-photo img').waitFor();
    // A thumbnail opens the viewer (read with the caller's session); Esc closes it.
    await page.locator('.photos .case-photo img').first().click();
    await page.locator('.el-image-viewer__wrapper .el-image-viewer__img').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.el-image-viewer__wrapper').waitFor({ state: 'detached' });
    await bothSizes(page, 'case-opened');

    await page.locator('.officer-select').click();
    await page.locator('.el-select-dropdown__item', { hasText: accounts.district }).click();
    const deadline = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('.deadline-picker input').fill(deadline);
    await page.locator('.deadline-picker input').press('Enter');
    await page.locator('.do-assign').click();
    await page.locator('.case-status[data-status="assigned"]').waitFor();
    expect(await page.locator('.case-facts').textContent()).toContain(deadline);

    // The enterprise submits its rectification (its own console is another page's work).
    const rectified = await world.app.world.as(kit.admin).post(`/api/v1/cases/${caseId}/rectification`, { text: '已停止销售，许可证已补办并经核验' });
    expect(rectified.status).toBe(200);
    await page.reload();
    await page.locator('.case-status[data-status="submitted"]').waitFor();
    expect(await page.locator('.rectification').textContent()).toContain('已停止销售');
    expect(await page.locator('.outcomes [data-outcome]').count()).toBe(3);
    await page.locator('.review-note textarea').fill('复查：已整改到位，予以销号');
    await page.locator('.do-review').click();
    await page.locator('.case-status[data-status="closed"]').waitFor();
    expect(await page.locator('.case-outcome').textContent()).toBe('整改到位');
    expect(await page.locator('.case-history .el-timeline-item').count()).toBe(4);
    await bothSizes(page, 'case-closed');
    const alert = await world.ok<{ status: string; case?: { number: string } }>('GET', `/api/v1/alerts/${saleAlert}`, world.city);
    expect(alert.status).toBe('closed');

    await page.goto(`${world.app.url}/console/cases`);
    await page.locator('.cases-table tbody tr', { hasText: '无证经营' }).waitFor();
    await bothSizes(page, 'cases');
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await context.close();
  });
});

describe('the KPIs page', () => {
  it('shows the period\'s figures with their definitions, the reconciliation, and downloads the figures as CSV', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    await page.locator('.console-menu .el-menu-item', { hasText: '考核指标与对账' }).click();
    const filing = page.locator('.kpi-figure[data-kpi="caseFilingRate"]');
    await filing.waitFor();
    // The one illegal operation of this world became a case, which closed rectified.
    expect(await filing.textContent()).toBe('100.0%');
    expect(await page.locator('.kpi-figure[data-kpi="rectificationRate"]').textContent()).toBe('100.0%');
    expect(await page.locator('.kpi-table').textContent()).toContain('目标 ≥ 80%');
    await page.locator('.reconciliation-table').waitFor();
    await bothSizes(page, 'kpis');
    const download = page.waitForEvent('download');
    await page.locator('.csv-kpis').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^kpis-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path()) ?? '', 'utf8');
    expect(csv.startsWith('\uFEFF指标,')).toBe(true);
    expect(csv).toContain('立案率');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('premises inspections', () => {
  it('the city adds a checklist item (a bad code named next to it), a district officer records an inspection with a failed item, and its hazard becomes a case', async () => {
    const city = await session();
    await logIn(city.page, world.app.url, accounts.city, password);
    await city.page.locator('.console-menu .el-menu-item', { hasText: '检查表' }).click();
    const meta = city.page.locator('.checklists-page > p.muted');
    await meta.filter({ hasText: '当前第' }).waitFor();
    const version = Number(/第 (\d+) 版/.exec((await meta.textContent()) ?? '')?.[1]);
    await city.page.locator('.add-item').click();
    const last = city.page.locator('.checklist-editor tbody tr').last();
    await last.locator('td').nth(0).locator('input').fill('Gas Alarm');
    await last.locator('td').nth(1).locator('input').fill('燃气泄漏报警器每月测试');
    await last.locator('td').nth(2).locator('input').fill('Gas leak alarm tested monthly');
    await city.page.locator('.save-checklist').click();
    await expect(last.locator('.field-error').textContent()).resolves.toMatch(/小写字母/);
    await last.locator('td').nth(0).locator('input').fill('gas_alarm_test');
    await city.page.locator('.save-checklist').click();
    await city.page.locator('.el-message--success', { hasText: `第 ${version + 1} 版` }).waitFor();
    await bothSizes(city.page, 'checklists');
    expect(city.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await city.context.close();

    const station = await world.ok<{ name: string }>('GET', `/api/v1/sites/${kit.station}`, world.city);
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.district, password);
    await page.goto(`${world.app.url}/console/inspections`);
    await page.locator('.record-inspection').click();
    const dialog = page.locator('.inspection-dialog');
    await dialog.locator('.checklist-table tbody tr').first().waitFor();
    expect(await dialog.locator('.checklist-table').textContent()).toContain('燃气泄漏报警器每月测试');
    await dialog.locator('.premises-select').click();
    await page.locator('.el-select-dropdown__item', { hasText: station.name }).click();
    const first = dialog.locator('.checklist-table tbody tr').first();
    await first.locator('.el-switch').click();
    await first.locator('td').nth(2).locator('input').fill('灭火器压力不足');
    // A failed item without a deadline: the platform names it on the item.
    await dialog.locator('.save-inspection').click();
    await expect(first.locator('.field-error').textContent()).resolves.toMatch(/必填|须填写|required/);
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await first.locator('.el-date-editor input').fill(deadline);
    await first.locator('.el-date-editor input').press('Enter');
    await bothSizes(page, 'inspection-form');
    await dialog.locator('.save-inspection').click();
    await page.locator('.el-message--success', { hasText: '检查已登记' }).waitFor();
    const row = page.locator('.inspections-table tbody tr', { hasText: station.name });
    await row.filter({ hasText: '1 项不合格' }).waitFor();
    await bothSizes(page, 'inspections');

    await page.locator('.console-menu .el-menu-item', { hasText: '隐患' }).click();
    const hazard = page.locator('.hazards-table tbody tr', { hasText: station.name }).first();
    await hazard.waitFor();
    await bothSizes(page, 'hazards');
    await hazard.locator('.el-checkbox').click();
    await page.locator('.open-case-hazards').click();
    const open = page.locator('.open-case-dialog');
    await open.locator('[data-field="legalBasis"] input').fill('《城镇燃气管理条例》第四十九条');
    await open.locator('.confirm-open-case').click();
    await page.waitForURL(/\/console\/cases\/[0-9a-f]{24}$/);
    await page.locator('.case-status[data-status="open"]').waitFor();
    expect(await page.locator('.case-facts').textContent()).toContain('1 项隐患');
    const hazards = await world.ok<{ items: { status: string; caseId: string | null }[] }>('GET', '/api/v1/hazards?source=inspection', world.city);
    expect(hazards.items.filter((h) => h.status === 'in_case')).toHaveLength(1);
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    await context.close();
  });
});

describe('the public reports queue', () => {
  it('shows a report made on the verification page with the reporter\'s contact, and dismisses it with a reason', async () => {
    const cylinder = await world.commissioned();
    const made = await world.app.world.http
      .post(`${cylinder.path.split('?')[0] ?? ''}/report?${cylinder.path.split('?')[1] ?? ''}`)
      .set('Accept', 'application/json')
      .send({ reason: 'damaged_or_leaking', note: '小区门口气瓶阀门漏气', contact: '13800138000' });
    expect(made.status).toBe(201);
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.city, password);
    await page.locator('.console-menu .el-menu-item', { hasText: '群众举报' }).click();
    const row = page.locator('.reports-table tbody tr', { hasText: '小区门口气瓶阀门漏气' });
    await row.waitFor();
    expect(await row.textContent()).toContain(String(made.body.receipt));
    await row.click();
    const drawer = page.locator('.report-facts');
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain('13800138000');
    expect(await drawer.textContent()).toContain('气瓶破损或漏气');
    await bothSizes(page, 'reports');
    await page.locator('.drawer-actions .dismiss').click();
    await page.locator('.dismiss-reason textarea').fill('经核查为误报，气瓶已由企业回收');
    await page.locator('.el-dialog .confirm').click();
    await page.locator('.el-message--success', { hasText: '已不予受理' }).waitFor();
    const stored = await world.ok<{ status: string; dismissal: { reason: string } | null }>('GET', `/api/v1/public-reports/${String(made.body.id)}`, world.city);
    expect(stored).toMatchObject({ status: 'dismissed', dismissal: { reason: '经核查为误报，气瓶已由企业回收' } });
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the scale map', () => {
  it('shows the district\'s filling stations and locks one with a reason', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.district, password);
    await page.goto(`${world.app.url}/console/scale-map`);
    const lock = page.locator(`.station-lock[data-site="${kit.station}"]`);
    await lock.waitFor();
    await bothSizes(page, 'scale-map');
    await lock.click();
    await page.locator('.lock-reason textarea').fill('计量检定过期，停用待检');
    await page.locator('.el-dialog .confirm').click();
    await page.locator('.el-message--success').waitFor();
    expect(await lock.textContent()).toContain('解锁全站');
    const controls = await world.ok<{ lock: { reason: string } | null }>('GET', `/api/v1/stations/${kit.station}/scale-controls`, world.city);
    expect(controls.lock?.reason).toBe('计量检定过期，停用待检');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a district regulator', () => {
  it('sees its own district\'s alert, and another district\'s regulator does not', async () => {
    const own = await session();
    await logIn(own.page, world.app.url, accounts.district, password);
    await own.page.goto(`${world.app.url}/console/dashboard`);
    await own.page.locator(`.alert-item[data-alert="${saleAlert}"]`).waitFor();
    await own.page.locator('.console-user .el-tag', { hasText: '清城区' }).waitFor();
    await own.context.close();

    const { context, page, problems } = await session();
    await logIn(page, world.app.url, accounts.otherDistrict, password);
    await page.goto(`${world.app.url}/console/dashboard`);
    await page.locator('.feed-status[data-status="live"]').waitFor();
    expect(await page.locator(`.alert-item[data-alert="${saleAlert}"]`).count()).toBe(0);
    await page.goto(`${world.app.url}/console/alerts`);
    await page.locator('.alerts-table').waitFor();
    await page.locator('.alerts-table .el-table__empty-text').waitFor();
    await page.goto(`${world.app.url}/console/alerts/${saleAlert}`);
    await expect(page.locator('.alert-detail-page .form-error').textContent()).resolves.toMatch(/不存在|无权/);
    expect(await page.locator('.alert-facts').count()).toBe(0);
    await bothSizes(page, 'district-other-alert');
    await page.goto(`${world.app.url}/console/cases/${caseId}`);
    await expect(page.locator('.case-detail-page .form-error').textContent()).resolves.toMatch(/不存在|无权/);
    expect(await page.locator('.case-facts').count()).toBe(0);
    await page.goto(`${world.app.url}/console/cases`);
    await page.locator('.cases-table .el-table__empty-text').waitFor();
    expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    await context.close();
  });
});

