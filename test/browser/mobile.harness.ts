import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { BrowserContext, Page } from 'playwright-core';
import { aDeliveryKit, startDeliveriesWorld, type DeliveryKit } from '../deliveries/deliveries.harness';
import { strongPassword } from '../auth/auth.harness';
import { expectStatus, type World } from '../support/world';

const ROOT = join(__dirname, '../..');

/** The two phone screens the app is held to. */
export const PHONES = {
  small: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  large: { viewport: { width: 412, height: 915 }, deviceScaleFactor: 2.6, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
} as const;

/** Builds mobile/dist when its sources changed (the stamp `npm start` uses), so the app serves /m/. */
export function ensurePhoneAppBuilt(): void {
  execFileSync('node', ['scripts/build-if-changed.js', 'mobile'], { cwd: ROOT, stdio: 'pipe' });
}

export interface PhoneWorld {
  world: World;
  kit: DeliveryKit;
  username: string;
  password: string;
  /** The worker's user id, for deactivating the account. */
  userId: string;
  customers: { id: string; phone: string; realName: string }[];
  serials(ids: string[]): Promise<string[]>;
  /** The platform's visits of the enterprise, as its admin reads them. */
  visits(): Promise<{ visitId: string; status: string; checkId?: string; events: { status: string; reason?: string }[] }[]>;
}

/** A real app with one enterprise, its customers, cylinders on the van and a delivery worker who logs in. */
export async function startPhoneWorld(label: string, customers = 4): Promise<PhoneWorld> {
  const world = await startDeliveriesWorld(label);
  const kit = await aDeliveryKit(world, '441802', customers);
  const worker = await kit.worker();
  const username = `worker${Math.random().toString(36).slice(2, 8)}`;
  const password = strongPassword();
  const userId = await world.insertUser({ username, role: 'delivery_worker', password, enterpriseId: kit.enterpriseId, districtCode: kit.districtCode, workerId: worker.workerId as string });
  // A fresh token per call: the world's tokens expire within a long browser run on a loaded machine.
  const admin = { get: (path: string) => world.as(kit.admin).get(path) };
  const named: PhoneWorld['customers'] = [];
  for (const c of kit.customers) {
    const body = await expectStatus<{ realName: string }>(admin.get(`/api/v1/customers/${c.id}`), 200);
    named.push({ ...c, realName: body.realName });
  }
  return {
    world,
    kit,
    username,
    password,
    userId,
    customers: named,
    async serials(ids) {
      const out: string[] = [];
      for (const id of ids) out.push((await expectStatus<{ serial: string }>(admin.get(`/api/v1/cylinders/${id}`), 200)).serial);
      return out;
    },
    async visits() {
      const all: Awaited<ReturnType<PhoneWorld['visits']>> = [];
      let cursor: string | null = null;
      do {
        const page: { items: typeof all; nextCursor: string | null } = await expectStatus(admin.get(`/api/v1/deliveries/visits?limit=200${cursor ? `&cursor=${cursor}` : ''}`), 200);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
  };
}

export async function phoneLogin(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/m/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('.login-submit').click();
  await page.locator('.customer').first().waitFor();
}

/** Waits until the service worker controls the page, so that the shell is cached for offline use. */
export async function shellCached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const sw = (globalThis as unknown as { navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } } }).navigator.serviceWorker;
    await sw.ready;
    for (let i = 0; i < 100 && !sw.controller; i++) await new Promise((r) => setTimeout(r, 100));
  });
}

export async function pendingCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('pending').getAttribute('data-count'));
}

export async function waitForPending(page: Page, n: number, timeout = 60_000): Promise<void> {
  await page.locator(`[data-testid=pending][data-count="${n}"]`).waitFor({ timeout });
}

/** A photo as a phone camera makes one: a PNG of `width`×`height`, its colour varied by `seed`. */
const photos = new Map<number, Buffer>();
export function cameraPhoto(seed: number, width = 1400, height = 1050): Buffer {
  const known = photos.get(seed);
  if (known) return known;
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = (i * 7 + seed * 40) % 256;
    png.data[i * 4 + 1] = (Math.floor(i / width) + seed * 13) % 256;
    png.data[i * 4 + 2] = (seed * 91) % 256;
    png.data[i * 4 + 3] = 255;
  }
  const photo = PNG.sync.write(png);
  photos.set(seed, photo);
  return photo;
}

/** Records one visit through the screens: a full cylinder in by its stamped serial, the safety check with a photo, the phone's last digits. */
export async function recordVisit(page: Page, customer: { realName: string; phone: string }, serial: string, photo: Buffer | undefined): Promise<void> {
  await page.locator('.customer-search input').fill(customer.realName);
  await page.locator('.customer', { hasText: customer.realName }).first().click();
  const deliver = page.getByTestId('deliver');
  await deliver.locator('.manual input').fill(serial);
  await deliver.locator('.add-typed').click();
  await deliver.locator('.cyl-row', { hasText: serial }).waitFor();
  if (photo) {
    await page.locator('.do-check').click();
    await page.locator('.all-pass').click();
    await page.locator('.photo-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: photo });
    await page.getByTestId('photo-size').waitFor();
  }
  await page.locator('.phone-last4 input').fill(customer.phone.slice(-4));
  await page.locator('.save').click();
  await page.locator('.customer-search input').waitFor();
}

/** Turns a label PNG into a Y4M clip (4:2:0) that Chromium's fake camera plays in a loop. */
export function y4mOf(label: Buffer, width = 640, height = 480): Buffer {
  const img = PNG.sync.read(label);
  const scale = Math.min((width * 0.8) / img.width, (height * 0.8) / img.height);
  const w = Math.floor(img.width * scale);
  const h = Math.floor(img.height * scale);
  const ox = Math.floor((width - w) / 2);
  const oy = Math.floor((height - h) / 2);
  const y = Buffer.alloc(width * height, 235);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const sx = Math.min(img.width - 1, Math.floor(i / scale));
      const sy = Math.min(img.height - 1, Math.floor(j / scale));
      const k = (sy * img.width + sx) * 4;
      const luma = 0.299 * (img.data[k] ?? 0) + 0.587 * (img.data[k + 1] ?? 0) + 0.114 * (img.data[k + 2] ?? 0);
      y[(oy + j) * width + ox + i] = Math.round(16 + (luma * 219) / 255);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]);
}

/** A stand-in for the native BarcodeDetector (Debian's Chromium has none): jsQR behind the same API. */
export function nativeStandIn(): string {
  const jsqr = readFileSync(require.resolve('jsqr/dist/jsQR.js'), 'utf8');
  return `(() => {
    const module = { exports: {} };
    (function (module, exports) { ${jsqr} })(module, module.exports);
    const jsQR = module.exports.default || module.exports;
    class BarcodeDetector {
      static async getSupportedFormats() { return ['qr_code']; }
      constructor() { this.canvas = document.createElement('canvas'); }
      async detect(source) {
        const w = source.videoWidth || source.width, h = source.videoHeight || source.height;
        if (!w || !h) return [];
        this.canvas.width = w; this.canvas.height = h;
        const c = this.canvas.getContext('2d', { willReadFrequently: true });
        c.drawImage(source, 0, 0, w, h);
        const hit = jsQR(c.getImageData(0, 0, w, h).data, w, h);
        window.__nativeDetections = (window.__nativeDetections || 0) + 1;
        return hit ? [{ rawValue: hit.data, format: 'qr_code' }] : [];
      }
    }
    window.BarcodeDetector = BarcodeDetector;
  })();`;
}

/** A "native" detector as WeChat's in-app browser has it: present, and throwing. */
export const THROWING_NATIVE = `window.BarcodeDetector = class { constructor() { throw new Error('not supported in this browser'); } };`;
export const NO_NATIVE = `delete window.BarcodeDetector;`;

export async function offline(context: BrowserContext, value: boolean): Promise<void> {
  await context.setOffline(value);
}
