import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { aCylinder } from '../../seed/builders';
import { buildGrai, DEFAULT_QR_CONFIG } from '../../src/components/qr';
import { MESSAGES } from '../../src/components/qr/verify.i18n';
import { anEvent } from '../ledger/ledger.harness';
import {
  backgroundOf,
  launchChromium,
  openContext,
  pageWidths,
  PHONE,
  startCityWorld,
  validationMessageOf,
  watchProblems,
  type CityWorld,
  type CommissionedCylinder,
} from './browser.harness';

/**
 * The page a phone opens from a cylinder's QR code (/8003/{GRAI}?s=…), as a member of the public
 * sees it: no login, a phone-sized screen, Chinese unless the phone asks for English.
 */
const zh = MESSAGES.zh;
const en = MESSAGES.en;

let world: CityWorld;
let browser: Browser;

beforeAll(async () => {
  [world, browser] = await Promise.all([startCityWorld('browser_verify'), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.app.close();
});

/** Runs `use` on a fresh phone (its own cookies, permissions and settings), then puts it away. */
async function onPhone<T>(use: (page: Page) => Promise<T>, options: BrowserContextOptions = {}): Promise<T> {
  const context = await openContext(browser, { ...PHONE, ...options });
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${world.app.url}${path}`);
}

/** The value shown next to a label in the cylinder's details. */
function detail(page: Page, label: string) {
  return page.locator('.details .row').filter({ has: page.locator('dt').getByText(label, { exact: true }) }).locator('dd');
}

interface Seen {
  lang: string;
  verdict: string;
  warnings: string[];
  details: string;
  verdictColour: string;
}

async function seen(page: Page): Promise<Seen> {
  return {
    lang: await page.locator('html').getAttribute('lang') ?? '',
    verdict: (await page.locator('.verdict-title').textContent())?.trim() ?? '',
    warnings: (await page.locator('.warnings li').allTextContents()).map((w) => w.trim()),
    details: (await page.locator('.details').textContent()) ?? '',
    verdictColour: await backgroundOf(page.locator('.verdict')),
  };
}

function signatureOf(code: CommissionedCylinder): string {
  return new URL(code.uri).searchParams.get('s') ?? '';
}

async function reportsFor(grai: string) {
  return world.app.database.connection.collection('public_reports').find({ grai }).toArray();
}

describe('the public verification page, on a phone', () => {
  it('shows a genuine cylinder\'s owner, capacity and next inspection, in Chinese, with nothing to scroll sideways', async () => {
    const code = await world.commissioned(aCylinder().ofSize(50));
    const record = await world.ok<{ nextInspectionDate: string }>('GET', `/api/v1/cylinders/${code.id}`, world.admin);
    await onPhone(async (page) => {
      const problems = watchProblems(page);
      await open(page, code.path);
      const view = await seen(page);
      expect(view).toMatchObject({ lang: 'zh-CN', verdict: zh.verdict.genuine, warnings: [] });
      expect(await detail(page, zh.fields.enterprise).textContent()).toBe(world.enterpriseName);
      expect(await detail(page, zh.fields.capacity).textContent()).toMatch(/^50 kg\b/);
      expect(await detail(page, zh.fields.nextInspection).textContent()).toBe(record.nextInspectionDate.slice(0, 10));
      const widths = await pageWidths(page);
      // A page without a mobile viewport would be laid out 980 px wide and shrunk.
      expect(widths.screen).toBe(PHONE.viewport?.width);
      expect(widths.content).toBeLessThanOrEqual(widths.screen);
      expect(problems).toEqual([]);
    });
  });

  it('switches to English from the link at its top and back, still genuine (the link keeps the code\'s signature)', async () => {
    const code = await world.commissioned();
    await onPhone(async (page) => {
      await open(page, code.path);
      await page.locator('header a.lang', { hasText: zh.otherLang }).tap();
      await page.waitForURL(/[?&]lang=en\b/);
      expect(await seen(page)).toMatchObject({ lang: 'en', verdict: en.verdict.genuine, warnings: [] });
      expect(await detail(page, en.fields.enterprise).textContent()).toBe(world.enterpriseName);

      await page.locator('header a.lang', { hasText: en.otherLang }).tap();
      await page.waitForURL(/[?&]lang=zh\b/);
      expect(await seen(page)).toMatchObject({ lang: 'zh-CN', verdict: zh.verdict.genuine });
    });
  });

  it('is in English straight away on a phone set to English', async () => {
    const code = await world.commissioned();
    await onPhone(
      async (page) => {
        await open(page, code.path);
        expect(await seen(page)).toMatchObject({ lang: 'en', verdict: en.verdict.genuine });
      },
      { locale: 'en-US' },
    );
  });

  it('warns about a forged signature and about a code the city never issued, each in its own words and colours apart from genuine, naming no owner', async () => {
    const [code, other] = await Promise.all([world.commissioned(), world.commissioned()]);
    const never = buildGrai(DEFAULT_QR_CONFIG.companyPrefix, '15', '99999999').value;
    const pages = await onPhone(async (page) => {
      await open(page, code.path);
      const genuine = await seen(page);
      // A genuine signature copied from another cylinder's label onto this code.
      await open(page, `/8003/${code.grai}?s=${signatureOf(other)}`);
      const forged = await seen(page);
      await open(page, `/8003/${never}?s=${signatureOf(code)}`);
      const unknown = await seen(page);
      return { genuine, forged, unknown };
    });
    expect(pages.forged).toMatchObject({ verdict: zh.verdict.not_genuine, warnings: [zh.warnings.BAD_SIGNATURE] });
    expect(pages.unknown).toMatchObject({ verdict: zh.verdict.unknown, warnings: [zh.warnings.UNKNOWN_CODE] });
    expect(pages.forged.verdict).not.toBe(pages.unknown.verdict);
    for (const warned of [pages.forged, pages.unknown]) {
      expect(warned.verdictColour).not.toBe(pages.genuine.verdictColour);
      expect(warned.details).not.toContain(world.enterpriseName);
    }
    expect(pages.genuine.details).toContain(world.enterpriseName);
  });

  it('heads a genuine code of a scrapped or an overdue cylinder with the danger, not with "genuine"', async () => {
    const [scrapped, overdue, genuine] = await Promise.all([world.commissioned(), world.fallenDue(), world.commissioned()]);
    await world.ok('POST', '/api/v1/events', world.city, anEvent('periodic_inspection', scrapped.id).at(world.station).with({ result: 'fail' }).build(), [201]);
    const pages = await onPhone(async (page) => {
      const look = async (code: CommissionedCylinder) => {
        await open(page, code.path);
        return { ...(await seen(page)), status: (await detail(page, zh.fields.status).textContent()) ?? '' };
      };
      return { scrapped: await look(scrapped), overdue: await look(overdue), genuine: await look(genuine) };
    });
    expect(pages.scrapped).toMatchObject({ verdict: '已报废气瓶，禁止使用', warnings: [zh.warnings.SCRAPPED], status: zh.status.scrapped });
    expect(pages.overdue).toMatchObject({ verdict: '超期未检气瓶，禁止充装和使用', warnings: [zh.warnings.OVERDUE_INSPECTION], status: zh.status.overdue_inspection });
    expect(pages.genuine).toMatchObject({ verdict: zh.verdict.genuine, warnings: [], status: zh.status.in_service });
    for (const warned of [pages.scrapped, pages.overdue]) expect(warned.verdict).not.toContain('正品');
    expect(new Set([pages.scrapped.verdictColour, pages.overdue.verdictColour, pages.genuine.verdictColour]).size).toBe(3);
  });
});

describe('a code without its signature, and the manual entry of a damaged label', () => {
  it('says a code opened without its signature cannot be verified (scan the cylinder), not that it is fake', async () => {
    const code = await world.commissioned();
    const view = await onPhone(async (page) => {
      await open(page, `/8003/${code.grai}`);
      return { ...(await seen(page)), advice: (await page.locator('.advice').textContent())?.trim() ?? '' };
    });
    expect(view).toMatchObject({ verdict: '无法核验：请扫描气瓶上的二维码', warnings: [zh.warnings.MISSING_SIGNATURE] });
    expect(view.verdict).not.toContain('不是真码');
    expect(view.advice).toContain('扫描气瓶上的二维码');
    expect(view.details).not.toContain(world.enterpriseName);
  });

  it('finds the code typed from a damaged label, as a GRAI or as the steel-stamp serial', async () => {
    const code = await world.commissioned();
    const { serial } = await world.ok<{ serial: string }>('GET', `/api/v1/cylinders/${code.id}`, world.admin);
    const landed = await onPhone(async (page) => {
      const lookUp = async (typed: string) => {
        await open(page, code.path);
        // The signed page is on the same path: wait for the page the lookup lands on, not the one it left.
        const signedPage = page.url();
        await page.locator('.manual input[name="code"]').fill(typed);
        await page.locator('.manual button[type="submit"]').tap();
        await page.waitForURL((url) => url.pathname === `/8003/${code.grai}` && url.href !== signedPage);
        return (await seen(page)).verdict;
      };
      return { grai: await lookUp(`(8003) ${code.grai.slice(0, 7)} ${code.grai.slice(7)}`), serial: await lookUp(serial) };
    });
    expect(landed).toEqual({ grai: zh.verdict.unverified, serial: zh.verdict.unverified });
  });
});

describe('reporting a problem from the verification page', () => {
  const submit = (page: Page) => page.locator('.report button[type="submit"]').tap();

  /** The browser kept the form: it has a message for the problem list and put the focus on it. */
  async function refusedForWantOfAReason(page: Page): Promise<void> {
    const reason = page.locator('select[name="reason"]');
    expect(await validationMessageOf(reason)).not.toBe('');
    expect(await page.locator('select[name="reason"]:focus:invalid').count()).toBe(1);
    expect(await page.locator('.thanks').count()).toBe(0);
  }

  it('stores a report with its note, thanks the reporter where they can see it and shows the receipt number', async () => {
    const code = await world.commissioned();
    let shownReceipt = '';
    await onPhone(async (page) => {
      await open(page, code.path);
      await page.locator('select[name="reason"]').selectOption({ label: zh.report.reasons.unlicensed_seller });
      await page.locator('textarea[name="note"]').fill('路边三轮车在卖气');
      await submit(page);
      const thanks = page.locator('.thanks');
      await thanks.waitFor();
      expect((await thanks.textContent())?.trim()).toBe(zh.report.thanks);
      const [box, screen] = [await thanks.boundingBox(), page.viewportSize()];
      expect(box && screen && box.y >= 0 && box.y + box.height <= screen.height).toBe(true);
      expect(await seen(page)).toMatchObject({ lang: 'zh-CN', verdict: zh.verdict.genuine });
      return (await page.locator('.receipt-number').textContent())?.trim() ?? '';
    }).then((receipt) => {
      expect(receipt).toMatch(/^JB[2-9A-HJ-NP-Z]{10}$/);
      shownReceipt = receipt;
    });
    expect((await reportsFor(code.grai)).map((r) => [r.reason, r.note, r.coordinates, r.verdict, r.receipt])).toEqual([
      ['unlicensed_seller', '路边三轮车在卖气', undefined, 'genuine', shownReceipt],
    ]);
    // The receipt reads the report's status, with no login.
    expect((await world.app.call('GET', `/api/v1/public/report-status?receipt=${shownReceipt}`)).body).toMatchObject({ status: 'received' });
  });

  it('will not send a report without a chosen problem: it says so, and only the report sent once one is chosen is stored', async () => {
    const code = await world.commissioned();
    await onPhone(async (page) => {
      await open(page, code.path);
      await page.locator('textarea[name="note"]').fill('没选类型');
      await submit(page);
      await refusedForWantOfAReason(page);

      await page.locator('select[name="reason"]').selectOption('other');
      await submit(page);
      await page.locator('.thanks').waitFor();
    });
    // Had the first press sent anything, there would be two.
    expect((await reportsFor(code.grai)).map((r) => [r.reason, r.note])).toEqual([['other', '没选类型']]);
  });

  it('attaches the reporter\'s location when they allow it and press the location button', async () => {
    const code = await world.commissioned();
    const here = { latitude: 23.68123, longitude: 113.05678 };
    await onPhone(
      async (page) => {
        await open(page, code.path);
        const locate = page.locator('button.locate');
        expect((await locate.textContent())?.trim()).toBe(zh.report.location);
        await locate.tap();
        // Done when the button ticks itself and stops offering the location again.
        await page.locator('button.locate', { hasText: '✓' }).waitFor();
        expect(await locate.isDisabled()).toBe(true);
        await page.locator('select[name="reason"]').selectOption('mobile_selling');
        await submit(page);
        await page.locator('.thanks').waitFor();
      },
      { geolocation: here, permissions: ['geolocation'] },
    );
    const [report] = await reportsFor(code.grai);
    expect(report?.reason).toBe('mobile_selling');
    const [lng, lat] = (report?.coordinates ?? []) as number[];
    expect(lng).toBeCloseTo(here.longitude, 3);
    expect(lat).toBeCloseTo(here.latitude, 3);
  });

  it('works as a plain form without JavaScript: no location button, the report is stored, an empty one is refused', async () => {
    const code = await world.commissioned();
    await onPhone(
      async (page) => {
        await open(page, code.path);
        expect(await page.locator('button.locate').isVisible()).toBe(false);
        await submit(page);
        await refusedForWantOfAReason(page);

        await page.locator('select[name="reason"]').selectOption('damaged_or_leaking');
        await submit(page);
        await page.locator('.thanks').waitFor();
        expect((await page.locator('.thanks').textContent())?.trim()).toBe(zh.report.thanks);
      },
      { javaScriptEnabled: false },
    );
    expect((await reportsFor(code.grai)).map((r) => [r.reason, r.note, r.coordinates])).toEqual([['damaged_or_leaking', undefined, undefined]]);
  });
});
