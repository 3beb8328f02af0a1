import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { aWorker } from '../../seed/builders';
import type { Principal } from '../../src/components/auth';
import { alertsClient } from '../alerts/alerts.harness';
import { aCylinderAtScale, aFillReport, anAllow, aScale, aScaleKit, requestId, signed, type Scale, type ScaleKit } from '../devices/devices.harness';
import { anEvent, expectStatus, principal, startLedgerWorld, type LedgerWorld } from '../ledger/ledger.harness';
import { strongPassword } from '../auth/auth.harness';
import { launchChromium, openContext, watchProblems } from './browser.harness';
import { ensureConsoleBuilt, logIn, SCREENS, screenshot } from './console.harness';

/**
 * The enterprise's and the filling station's pages in Debian's Chromium: the enterprise admin (who
 * runs its filling stations: the platform has no separate station role) watches its scales live —
 * today's fills per scale and operator, a regulator's lock and the denial it causes, shown without
 * a reload — reads its alerts with their evidence, resolves an offline collision, submits a licence
 * renewal, and answers a regulator's case with a rectification and a photo. Every page in Chinese, at 1280×800 and 1920×1080, nothing in the browser console.
 */
let world: LedgerWorld;
let browser: Browser;
let kit: ScaleKit;
let second: Scale;
const password = strongPassword();
let username = '';
let operatorName = '';
const city = principal('city_regulator');

/** A fill on `scale` of a fresh cylinder of the kit's station (net 14.9 kg unless told). */
async function fill(scale: Scale, netKg = 14.9): Promise<string> {
  const cylinder = await aCylinderAtScale(world, kit.kit);
  const allow = await anAllow(world, { ...kit, scale }, cylinder.uri);
  const res = await signed(world, scale, 'POST', '/api/v1/device/fills', aFillReport(allow, cylinder.uri, kit.operator.staffNumber, { netKg, grossKg: 14.5 + netKg }));
  if (res.status !== 201) throw new Error(`fill: ${res.status} ${JSON.stringify(res.body)}`);
  return cylinder.id;
}

const heartbeat = (scale: Scale, bufferedReports: number) =>
  signed(world, scale, 'POST', '/api/v1/device/heartbeat', { firmware: 'QS-200 v2.4.1', sequence: 1, bufferedReports, calibrationDueOn: '2027-03-31' });

beforeAll(async () => {
  ensureConsoleBuilt();
  [world, browser] = await Promise.all([startLedgerWorld('browser_enterprise_station'), launchChromium()]);
  kit = await aScaleKit(world);
  second = await aScale(world, kit.kit.admin, kit.kit.station, '2号灌装秤');
  username = `stationadmin${Math.random().toString(36).slice(2, 7)}`;
  await world.insertUser({ username, role: 'enterprise_admin', password, enterpriseId: kit.kit.enterpriseId, districtCode: '441802' });
  operatorName = String((await expectStatus<{ realName: string }>(world.as(city).get(`/api/v1/workers/${kit.operator.id}`), 200)).realName);
  await heartbeat(kit.scale, 0);
  await heartbeat(second, 3);

  // The enterprise's live alerts, awaited on its own Socket.IO feed: an overfill raises one.
  const feed = alertsClient(world.url, { token: world.tokenFor(kit.kit.admin) });
  await fill(kit.scale);
  const overfilled = await fill(kit.scale, 15.6);
  await fill(second);
  await feed.waitFor(1, 30_000);
  feed.close();

  // An offline collision: two delivery workers' phones both handed over the same cylinder.
  const contested = await fill(second);
  await expectStatus(world.as(kit.kit.admin).post('/api/v1/events', anEvent('dispatch', contested).with({ vehicleId: kit.kit.vehicle }).build()), 201);
  const couriers: Principal[] = [];
  for (let i = 0; i < 2; i++) {
    const workerId = (await expectStatus<{ id: string }>(world.as(city).post('/api/v1/workers', aWorker().forEnterprise(kit.kit.enterpriseId).build()), 201)).id;
    couriers.push(principal('delivery_worker', { enterpriseId: kit.kit.enterpriseId, districtCode: '441802', workerId }));
  }
  for (const [i, courier] of couriers.entries()) {
    const visit = { kind: 'visit', visitId: randomUUID(), occurredAt: new Date(Date.now() - (10 - i * 5) * 60_000).toISOString(), customerId: kit.kit.customer, vehicleId: kit.kit.vehicle, deliver: { cylinders: [{ cylinderId: contested }] }, confirmation: { method: 'none', reason: '用户不在家，邻居代收' } };
    await expectStatus(world.as(courier).post('/api/v1/deliveries/sync', { visits: [visit] }), 200);
  }
  const collisions = await expectStatus<{ items: unknown[] }>(world.as(kit.kit.admin).get('/api/v1/deliveries/collisions?status=open'), 200);
  if (collisions.items.length !== 1) throw new Error(`expected one collision: ${JSON.stringify(collisions.items)}`);
  void overfilled;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

async function session(viewport: { width: number; height: number } = SCREENS[0].viewport): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await openContext(browser, { viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

const menuOf = (page: Page) => page.locator('.console-menu .el-menu-item').allTextContents().then((items) => items.map((i) => i.trim()));
/** Each body row of a table as its cells' texts joined by one space. */
async function cellsOf(page: Page, table: string): Promise<string[]> {
  const rows = page.locator(`${table} tbody tr`);
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim()).join(' '));
  return out;
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const screen of SCREENS) {
    await page.setViewportSize(screen.viewport);
    await screenshot(page, `${name}-${screen.name}`);
  }
  await page.setViewportSize(SCREENS[0].viewport);
}

describe('the station page: the scales live', () => {
  it("shows today's fills per scale and per operator, then a regulator's lock and the denial it causes, without a reload", async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.url, username, password);
    expect(await menuOf(page)).toEqual(['工作台', '被拒事件', '本企业告警', '整改案件', '离线冲突', '燃气企业', '站点', '车辆', '从业人员', '用户', '气瓶', '证照与换证', '批量导入', '赋码与标签', '气瓶追溯', '灌装秤实时']);
    await page.locator('.console-menu .el-menu-item', { hasText: '灌装秤实时' }).click();
    await page.waitForURL(/\/console\/station\/scales/);
    await page.locator('.scale-card').nth(1).waitFor();
    await expect(page.locator('.fills-today').textContent()).resolves.toBe('4');
    expect(await cellsOf(page, '.fills-per-scale')).toEqual([expect.stringMatching(/^1号灌装秤 2 30\.5 1 /), expect.stringMatching(/^2号灌装秤 2 29\.8 0 /)]);
    expect(await cellsOf(page, '.fills-per-operator')).toEqual([expect.stringContaining(`${operatorName} (${kit.operator.staffNumber}) 4 60.3 1`)]);
    const card = (scale: Scale) => page.locator(`.scale-card[data-scale="${scale.id}"]`);
    expect(await card(kit.scale).locator('.scale-light').textContent()).toBe('在线');
    expect(await card(second).locator('.buffered').textContent()).toBe('3');
    await shoot(page, 'station-scales');

    // The district's regulator locks scale 2 through the API; the open page shows it.
    await expectStatus(world.as(principal('district_regulator', { districtCode: '441802' })).post(`/api/v1/devices/${second.id}/lock`, { reason: '计量检定过期，停用待检' }), 200);
    await card(second).locator('.scale-light', { hasText: '锁定' }).waitFor({ timeout: 15_000 });
    expect(await card(second).locator('.scale-lock').textContent()).toContain('计量检定过期，停用待检');
    expect(await card(kit.scale).locator('.scale-light').textContent()).toBe('在线');

    // The locked scale asks to fill and is denied; the denial and its reason show, and a fill on scale 1 counts at once.
    const cylinder = await aCylinderAtScale(world, kit.kit);
    const denied = await signed(world, second, 'POST', '/api/v1/device/fills/authorize', { requestId: requestId(), operator: kit.operator.staffNumber, code: cylinder.uri });
    expect(denied.body.decision).toBe('deny');
    await fill(kit.scale);
    await page.locator('.decisions tbody tr', { hasText: '拒绝' }).waitFor({ timeout: 15_000 });
    await page.locator('.fills-today', { hasText: /^5$/ }).waitFor({ timeout: 15_000 });
    await page.locator('.station-tables .el-radio-button', { hasText: '只看拒绝' }).click();
    await page.locator('.decisions tbody tr', { hasText: '允许' }).first().waitFor({ state: 'detached' });
    expect(await cellsOf(page, '.decisions')).toEqual([expect.stringContaining('2号灌装秤 拒绝 灌装秤或充装站已被监管部门远程锁定')]);
    await shoot(page, 'station-scale-locked');

    // The city locks the whole station: the banner says so, with the reason.
    await expectStatus(world.as(city).post(`/api/v1/stations/${kit.kit.station}/lock`, { reason: '停业整改' }), 200);
    await page.locator('.station-lock').waitFor({ timeout: 15_000 });
    expect(await page.locator('.station-lock').textContent()).toContain('停业整改');
    expect(await card(kit.scale).locator('.scale-light').textContent()).toBe('锁定');
    await screenshot(page, 'station-locked-1280x800');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('the enterprise pages', () => {
  it('lists its alerts and shows one with its evidence, read-only', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.url, username, password);
    await page.locator('.console-menu .el-menu-item', { hasText: '本企业告警' }).click();
    const row = page.locator('.enterprise-alerts tbody tr', { hasText: '过量充装' });
    await row.waitFor();
    expect(await row.textContent()).toContain('严重');
    await shoot(page, 'enterprise-alerts');
    await row.locator('.open-alert').click();
    const drawer = page.locator('.alert-drawer');
    await drawer.locator('.evidence .el-timeline-item').first().waitFor();
    expect(await drawer.textContent()).toContain('流转事件');
    // Read-only: no acknowledge or dismiss for the enterprise.
    expect(await drawer.getByRole('button', { name: /确认|撤销/ }).count()).toBe(0);
    await shoot(page, 'enterprise-alert-detail');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('resolves an offline collision as a correction, with the note the API requires', async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.url, username, password);
    await page.locator('.console-menu .el-menu-item', { hasText: '离线冲突' }).click();
    const row = page.locator('.collisions tbody tr').first();
    await row.locator('.accept').waitFor();
    expect(await row.textContent()).toContain('交付');
    await shoot(page, 'enterprise-collisions');
    await row.locator('.accept').click();
    const dialog = page.locator('.el-dialog', { hasText: '处理说明' });
    await dialog.locator('.confirm').click();
    await expect(dialog.locator('.el-form-item__error').textContent()).resolves.toBe('请填写处理说明');
    await dialog.locator('textarea[name=note]').fill('回访核实：后一位送气工实际交付');
    await dialog.locator('.confirm').click();
    await page.locator('.el-message--success', { hasText: '已采纳更正' }).waitFor();
    await page.locator('.collisions .el-table__empty-text', { hasText: '没有冲突' }).waitFor();
    const accepted = await expectStatus<{ items: { status: string; resolution: { note: string } }[] }>(world.as(kit.kit.admin).get('/api/v1/deliveries/collisions?status=accepted'), 200);
    expect(accepted.items.map((c) => c.resolution.note)).toEqual(['回访核实：后一位送气工实际交付']);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("submits a renewal of its station's filling licence, which waits for a regulator while the current one stays valid", async () => {
    const { context, page, problems } = await session();
    await logIn(page, world.url, username, password);
    await page.locator('.console-menu .el-menu-item', { hasText: '证照与换证' }).click();
    await page.locator('.enterprise-credentials tbody tr').first().waitFor();
    await page.locator('.el-tabs__item', { hasText: '站点' }).click();
    const row = page.locator('.enterprise-credentials tbody tr', { hasText: '气瓶充装许可' });
    await row.waitFor();
    expect(await row.textContent()).toContain('有效');
    await shoot(page, 'enterprise-credentials');
    await row.locator('.submit-credential').click();
    const dialog = page.locator('.el-dialog', { hasText: '提交换证' });
    await dialog.locator('.confirm').click();
    await expect(dialog.locator('.el-form-item__error').first().textContent()).resolves.toBe('必填');
    await dialog.locator('input[name=number]').fill('TS2210-QY-2031');
    await dialog.locator('input[name=validTo]').fill('2031-06-30');
    await dialog.locator('input[name=validTo]').press('Enter');
    await dialog.locator('.confirm').click();
    await page.locator('.el-message--success').waitFor();
    await row.locator('.renewal', { hasText: 'TS2210-QY-2031' }).waitFor();
    expect(await row.textContent()).toContain('有效');
    const site = await expectStatus<{ fillingLicence: { status: string; renewal?: { number: string } } }>(world.as(city).get(`/api/v1/sites/${kit.kit.station}`), 200);
    expect([site.fillingLicence.status, site.fillingLicence.renewal?.number]).toEqual(['valid', 'TS2210-QY-2031']);
    await screenshot(page, 'enterprise-credential-renewal-1280x800');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the enterprise's cases", () => {
  /** A photo of the rectified site: a real PNG the browser can draw. */
  function aPhoto(): Buffer {
    const png = new PNG({ width: 48, height: 32 });
    for (let i = 0; i < png.data.length; i += 4) png.data.set([40, 140, 80, 255], i);
    return PNG.sync.write(png);
  }

  it("submits the rectification of a case a regulator opened about its station, with a photo, and sees it awaiting review", async () => {
    // A district regulator (a real account: the case names its officer) opens the case through the API and assigns it.
    const officer = `officer${Math.random().toString(36).slice(2, 7)}`;
    const officerId = await world.insertUser({ username: officer, role: 'district_regulator', password, districtCode: '441802' });
    const token = (await world.login(officer, password)).accessToken;
    const opened = await world.call('POST', '/api/v1/cases', {
      token,
      body: { source: { type: 'own' }, subject: { type: 'site', id: kit.kit.station }, legalBasis: '《城镇燃气管理条例》第四十五条', title: '充装站过量充装', description: '1号灌装秤充装净重 15.6 kg，超过允许充装量' },
    });
    if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
    const caseId = String(opened.body.id);
    const deadline = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const assigned = await world.call('POST', `/api/v1/cases/${caseId}/assign`, { token, body: { officerId, deadline } });
    if (assigned.status !== 200) throw new Error(`assign: ${assigned.status} ${JSON.stringify(assigned.body)}`);

    const { context, page, problems } = await session();
    await logIn(page, world.url, username, password);
    await page.locator('.console-menu .el-menu-item', { hasText: '整改案件' }).click();
    const row = page.locator('.enterprise-cases tbody tr', { hasText: '充装站过量充装' });
    await row.waitFor();
    expect(await row.textContent()).toContain('整改中');
    expect(await row.locator('.case-number').textContent()).toBe(String(opened.body.number));
    await shoot(page, 'enterprise-cases');
    await row.locator('.open-case').click();
    await page.waitForURL(new RegExp(`/console/enterprise/cases/${caseId}$`));
    await page.locator('.rectify-form').waitFor();
    // Nothing said: the field says so, and nothing is sent.
    await page.locator('.submit-rectification').click();
    await expect(page.locator('.rectify-form .el-form-item__error').first().textContent()).resolves.toBe('请填写整改说明');
    await page.locator('.rectify-form textarea[name=text]').fill('已停用1号灌装秤并送检，重新培训充装工，建立充装复核制度');
    await page.locator('.photo-input').setInputFiles({ name: '整改现场.png', mimeType: 'image/png', buffer: aPhoto() });
    await page.locator('.photo-picker .photo-thumb img').waitFor();
    await shoot(page, 'enterprise-case-rectify');
    await page.locator('.submit-rectification').click();
    await page.locator('.case-status', { hasText: '待复查' }).waitFor();
    await page.locator('.rectification .case-photo img').waitFor();
    // A thumbnail opens the viewer (read with the caller's session); Esc closes it.
    await page.locator('.rectification .case-photo img').first().click();
    await page.locator('.el-image-viewer__wrapper .el-image-viewer__img').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.el-image-viewer__wrapper').waitFor({ state: 'detached' });
    expect(await page.locator('.rectification .rectification-text').textContent()).toContain('已停用1号灌装秤并送检');
    expect(await page.locator('.rectify-form').count()).toBe(0);
    await shoot(page, 'enterprise-case-submitted');

    // What the regulator reads now: the rectification with the very photo the browser sent.
    const stored = await world.call('GET', `/api/v1/cases/${caseId}`, { token });
    const rectifications = stored.body.rectifications as { text: string; photoIds: string[] }[];
    expect([stored.body.status, rectifications.length, rectifications[0]?.photoIds.length]).toEqual(['submitted', 1, 1]);
    const photo = await fetch(`${world.url}/api/v1/cases/${caseId}/photos/${rectifications[0]?.photoIds[0] ?? ''}`, { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await photo.arrayBuffer()).equals(aPhoto())).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
