import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { aCylinder } from '../../seed/builders';
import { launchChromium, openContext, startCityWorld, watchProblems, type CityWorld, type CommissionedCylinder } from './browser.harness';

/**
 * The printable A4 sheet of labels for a commissioning batch (GET /api/v1/qr/sheets), opened by an
 * enterprise admin's browser and printed to PDF by Chromium. Its stylesheet lays out 4 × 6 labels
 * of 45 × 45 mm on a page, so 24 labels fill one sheet of A4 and the 25th starts a second.
 */
const LABELS_PER_SHEET = 4 * 6;
const MM_PER_CSS_PX = 25.4 / 96;
const PT_PER_MM = 72 / 25.4;

let world: CityWorld;
let browser: Browser;
let context: BrowserContext;
const codes: CommissionedCylinder[] = [];

beforeAll(async () => {
  [world, browser] = await Promise.all([startCityWorld('browser_sheet'), launchChromium()]);
  for (let i = 0; i < LABELS_PER_SHEET + 1; i += 1) codes.push(await world.commissioned());
  // A high pixel density, so that a label's screenshot holds a few pixels per QR module.
  context = await openContext(browser, { extraHTTPHeaders: { authorization: `Bearer ${world.admin}` }, deviceScaleFactor: 3 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.app.close();
});

async function openSheet(cylinderIds: string[]): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems = watchProblems(page);
  const response = await page.goto(`${world.app.url}/api/v1/qr/sheets?cylinderIds=${cylinderIds.join(',')}`);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** The pages of a PDF Chromium wrote (plain objects, no object streams): each one's size in points. */
function pdfPages(pdf: Buffer): { width: number; height: number }[] {
  const objects = pdf.toString('latin1').split(/\bendobj\b/);
  return objects.filter((object) => /\/Type\s*\/Page\b/.test(object)).map((page) => {
    const box = /\/MediaBox\s*\[([^\]]*)\]/.exec(page)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = box;
    return { width: x1 - x0, height: y1 - y0 };
  });
}

function decode(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('the A4 label sheet', () => {
  it('shows one 38 mm code per commissioned cylinder that scans to its own signed URI, and lists the one it cannot print', async () => {
    const batch = codes.slice(0, 3);
    const uncommissioned = String((await world.ok('POST', '/api/v1/cylinders', world.admin, aCylinder().registeredTo(world.station).build())).id);
    const { page, problems } = await openSheet([...batch.map((c) => c.id), uncommissioned]);

    const labels = page.locator('.sheet .label');
    expect(await labels.count()).toBe(batch.length);
    for (const [i, code] of batch.entries()) {
      const label = labels.nth(i);
      expect(await label.getAttribute('data-grai')).toBe(code.grai);
      const box = await label.locator('svg').boundingBox();
      expect((box?.width ?? 0) * MM_PER_CSS_PX).toBeCloseTo(38, 0);
      expect(decode(await label.screenshot())).toBe(code.uri);
    }
    expect(await page.locator('.skipped li').allTextContents()).toEqual([expect.stringContaining(uncommissioned)]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it(`prints ${LABELS_PER_SHEET} labels on one A4 page and the ${LABELS_PER_SHEET + 1}th on a second`, async () => {
    const pageCounts: number[] = [];
    for (const count of [LABELS_PER_SHEET, LABELS_PER_SHEET + 1]) {
      const { page, problems } = await openSheet(codes.slice(0, count).map((c) => c.id));
      expect(await page.locator('.sheet .label').count()).toBe(count);
      const pages = pdfPages(await page.pdf({ format: 'A4' }));
      for (const size of pages) {
        expect(size.width / PT_PER_MM).toBeCloseTo(210, 0);
        expect(size.height / PT_PER_MM).toBeCloseTo(297, 0);
      }
      pageCounts.push(pages.length);
      expect(problems).toEqual([]);
      await page.close();
    }
    expect(pageCounts).toEqual([1, 2]);
  });
});
