import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { aDeliveryKit } from '../deliveries/deliveries.harness';
import { CHROMIUM, launchChromium, openContext, pageWidths, watchProblems } from './browser.harness';
import { screenshot } from './console.harness';
import {
  cameraPhoto, ensurePhoneAppBuilt, NO_NATIVE, nativeStandIn, PHONES, phoneLogin, recordVisit, shellCached, startPhoneWorld, THROWING_NATIVE, waitForPending, y4mOf, type PhoneWorld,
} from './mobile.harness';

/**
 * The delivery worker's phone app at /m/, in Debian's Chromium at phone size: offline days that
 * lose nothing, answers the worker can read, and the scanner with and without a native detector.
 */
jest.setTimeout(900_000);

let browser: Browser;
let pw: PhoneWorld;
/** Serials of cylinders on the van, made at the start (the kit's own tokens do not outlive a slow run). */
let onTheVan: string[] = [];
const take = (n: number) => onTheVan.splice(0, n);
/** A second worker of the enterprise, whose account is deactivated while the phone is offline. */
let second: { username: string; userId: string };

beforeAll(async () => {
  ensurePhoneAppBuilt();
  [browser, pw] = await Promise.all([launchChromium(), startPhoneWorld('mobile-browser')]);
  onTheVan = await pw.serials(await pw.kit.cylinders(41, 'in_transit'));
  const worker = await pw.kit.worker();
  second = { username: `${pw.username}b`, userId: '' };
  second.userId = await pw.world.insertUser({ username: second.username, role: 'delivery_worker', password: pw.password, enterpriseId: pw.kit.enterpriseId, districtCode: pw.kit.districtCode, workerId: worker.workerId as string });
});

/** A screenshot of the screen as the worker first sees it (from the top). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await screenshot(page, name);
}

afterAll(async () => {
  await browser?.close();
  await pw?.world.stop();
});

async function phone(size: keyof typeof PHONES = 'small'): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await openContext(browser, PHONES[size]);
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  return { context, page, problems: watchProblems(page) };
}

const ours = async (ids: string[]) => (await pw.visits()).filter((v) => ids.includes(v.visitId));
const outboxIds = (page: Page) => page.locator('.entry').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { visit: string } }).dataset.visit));

describe('the delivery worker\'s phone app', () => {
  it('records 20 visits offline, survives a reload offline, and uploads each once when the network returns', async () => {
    const { context, page, problems } = await phone();
    await phoneLogin(page, pw.world.url, pw.username, pw.password);
    await shellCached(page);
    const serials = take(20);

    await context.setOffline(true);
    await page.getByTestId('status').locator('.net', { hasText: '离线' }).waitFor();
    for (const [i, serial] of serials.entries()) {
      await recordVisit(page, pw.customers[i % pw.customers.length]!, serial, cameraPhoto(i));
    }
    expect(await page.getByTestId('pending').getAttribute('data-count')).toBe('20');
    await page.getByTestId('pending').filter({ hasText: '待上传 20 条' }).waitFor();

    // The app opens from its cache with no network at all, and the outbox is still there.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await waitForPending(page, 20);
    await page.goto(`${pw.world.url}/m/#/outbox`);
    expect(await page.locator('.entry[data-state=pending]').count()).toBe(20);
    const ids = await outboxIds(page);
    expect(await ours(ids)).toHaveLength(0);

    await context.setOffline(false);
    await waitForPending(page, 0, 300_000);
    const stored = await ours(ids);
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((v) => v.visitId)).size).toBe(20);
    expect(stored.every((v) => v.status === 'recorded' && v.checkId)).toBe(true);
    expect(await page.locator('.entry[data-state=stored]').count()).toBe(20);
    await expect(page.getByTestId('pending').textContent()).resolves.toContain('已全部上传');
    expect(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
    await context.close();
  });

  it('stores every visit once when the network drops halfway through the upload', async () => {
    const { context, page } = await phone();
    await phoneLogin(page, pw.world.url, pw.username, pw.password);
    await shellCached(page);
    const serials = take(20);
    await context.setOffline(true);
    for (const [i, serial] of serials.entries()) await recordVisit(page, pw.customers[i % pw.customers.length]!, serial, i % 2 === 0 ? cameraPhoto(100 + i) : undefined);
    await waitForPending(page, 20);

    // The first batch reaches the platform, and its answer is lost as the signal goes.
    let batches = 0;
    await context.route('**/api/v1/deliveries/sync', async (route) => {
      batches += 1;
      if (batches > 1) return route.continue();
      await route.fetch();
      await context.setOffline(true);
      await route.abort('internetdisconnected');
    });
    await context.setOffline(false);
    await page.waitForFunction(() => (globalThis as unknown as { navigator: { onLine: boolean } }).navigator.onLine === false);
    await page.getByTestId('status').locator('.net', { hasText: '离线' }).waitFor();
    await page.goto(`${pw.world.url}/m/#/outbox`);
    const ids = await outboxIds(page);
    expect(await ours(ids)).toHaveLength(10);
    await waitForPending(page, 20);

    await context.setOffline(false);
    await waitForPending(page, 0, 300_000);
    const stored = await ours(ids);
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((v) => v.visitId)).size).toBe(20);
    // The ten the platform had were answered as duplicates, not stored twice.
    expect(await page.locator('.entry[data-state=duplicate]').count()).toBe(10);
    expect(await page.locator('.entry[data-state=stored]').count()).toBe(10);
    await context.unrouteAll();
    await context.close();
  });

  it('shows a refused visit with its reason until the worker has seen it, and keeps it from being cleared', async () => {
    const { context, page } = await phone();
    await phoneLogin(page, pw.world.url, pw.username, pw.password);
    await recordVisit(page, pw.customers[0]!, 'NO-SUCH-0001', undefined);
    await page.getByTestId('unseen').waitFor({ timeout: 60_000 });
    await page.getByTestId('pending').click();
    const refused = page.locator('.entry.unseen');
    await expect(refused.getAttribute('data-state')).resolves.toBe('refused');
    await expect(refused.locator('.reason').first().textContent()).resolves.toContain('气瓶不存在');
    expect(await page.locator('.clear').isDisabled()).toBe(true);
    await shot(page, 'mobile-360x640-outbox-refused');
    await refused.locator('.ack').click();
    await page.getByTestId('unseen').waitFor({ state: 'detached' });
    expect(await page.locator('.entry[data-state=refused]').count()).toBe(1);
    await page.locator('.clear').click();
    await page.locator('.entry').first().waitFor({ state: 'detached' });
    await context.close();
  });

  it('tells the worker at the next sync that the account was deactivated, keeping the unsent visits', async () => {
    const { username, userId } = second;
    const { context, page } = await phone();
    await phoneLogin(page, pw.world.url, username, pw.password);
    await context.setOffline(true);
    const [serial] = take(1);
    await recordVisit(page, pw.customers[1]!, serial!, undefined);
    await waitForPending(page, 1);
    // The phone is lost; the enterprise deactivates the account while the phone has no signal.
    const res = await pw.world.as(pw.kit.admin).post(`/api/v1/users/${userId}/deactivate`, {});
    expect(res.status).toBe(200);
    await context.setOffline(false);
    const banner = page.getByTestId('account-ended');
    await banner.waitFor({ timeout: 60_000 });
    await expect(banner.textContent()).resolves.toContain('账号已停用');
    await expect(banner.textContent()).resolves.toContain('1 条');
    expect(await page.getByTestId('pending').getAttribute('data-count')).toBe('1');
    await shot(page, 'mobile-360x640-account-ended');
    await context.close();
  });

  it('fits 360×640 and 412×915 without sideways scrolling, in Chinese, on every screen', async () => {
    for (const size of ['small', 'large'] as const) {
      const { context, page } = await phone(size);
      const name = size === 'small' ? '360x640' : '412x915';
      await page.goto(`${pw.world.url}/m/`);
      await page.locator('.login-submit').waitFor();
      await shot(page, `mobile-${name}-login`);
      await phoneLogin(page, pw.world.url, pw.username, pw.password);
      for (const [route, ready] of [['', '.customer'], ['load', '.save'], [`visit/${pw.customers[0]!.id}`, '.save'], ['outbox', '.sync-now'], ['day', '.logout']] as const) {
        await page.goto(`${pw.world.url}/m/#/${route}`);
        await page.locator(ready).first().waitFor();
        if (route.startsWith('visit')) {
          await page.locator('.do-check').click();
          await page.locator('.check-item').first().waitFor();
        }
        const widths = await pageWidths(page);
        expect({ route, size, width: widths.content }).toEqual({ route, size, width: widths.screen });
        await shot(page, `mobile-${name}-${route.split('/')[0] || 'home'}`);
      }
      await context.close();
    }
  });
});

describe('scanning a cylinder\'s label with the camera', () => {
  let camera: Browser;
  let grai: string;

  beforeAll(async () => {
    // An enterprise of its own: any cylinder the city commissioned scans, whoever holds it.
    const kit = await aDeliveryKit(pw.world, '441802', 1);
    const [id] = await kit.cylinders(1, 'in_transit');
    const admin = pw.world.as(kit.admin);
    let code = await admin.get(`/api/v1/cylinders/${id}/code`);
    if (code.status !== 200) {
      await admin.post(`/api/v1/cylinders/${id}/commission`, {});
      code = await admin.get(`/api/v1/cylinders/${id}/code`);
    }
    grai = (code.body as { grai: string }).grai;
    const label = await admin.get(`/api/v1/cylinders/${id}/label.png`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const dir = join(tmpdir(), `lpg-camera-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const clip = join(dir, 'label.y4m');
    writeFileSync(clip, y4mOf(label.body as Buffer));
    camera = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
    });
  });

  afterAll(async () => {
    await camera?.close();
  });

  async function scanWith(init: string): Promise<{ reader: string; page: Page; context: BrowserContext }> {
    const context = await camera.newContext({ ...PHONES.small, permissions: ['camera'] });
    context.setDefaultTimeout(30_000);
    await context.addInitScript(init);
    const page = await context.newPage();
    await phoneLogin(page, pw.world.url, pw.username, pw.password);
    await page.locator('.customer').first().click();
    await page.getByTestId('deliver').locator('.open-scan').click();
    await page.locator('.scanner[data-reader]:not([data-reader=""])').waitFor();
    await page.getByTestId('deliver').locator('.cyl-row', { hasText: grai }).waitFor({ state: 'attached', timeout: 60_000 });
    const reader = (await page.locator('.scanner').getAttribute('data-reader')) ?? '';
    return { reader, page, context };
  }

  it('reads the code with the zxing-wasm polyfill when the browser has no BarcodeDetector (Debian\'s Chromium has none)', async () => {
    const { reader, page, context } = await scanWith(NO_NATIVE);
    expect(reader).toBe('polyfill');
    expect(await page.evaluate(() => typeof (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector)).toBe('undefined');
    await shot(page, 'mobile-360x640-scanner');
    await context.close();
  });

  it('uses a native BarcodeDetector when one works, and the polyfill when it throws', async () => {
    const native = await scanWith(nativeStandIn());
    expect(native.reader).toBe('native');
    expect(await native.page.evaluate(() => (globalThis as { __nativeDetections?: number }).__nativeDetections ?? 0)).toBeGreaterThan(0);
    await native.context.close();
    const throwing = await scanWith(THROWING_NATIVE);
    expect(throwing.reader).toBe('polyfill');
    await throwing.context.close();
  });
});
