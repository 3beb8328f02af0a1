import type { Browser, BrowserContext, Page } from 'playwright-core';
import { strongPassword } from '../auth/auth.harness';
import { launchChromium, openContext, startCityWorld, watchProblems, type CityWorld } from './browser.harness';
import { ensureConsoleBuilt } from './console.harness';

/**
 * The start page and the API documentation (Swagger UI served from swagger-ui-dist) in a desktop
 * browser, under the Content-Security-Policy helmet sets on every page (scripts from 'self' only).
 */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let world: CityWorld;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [world, browser] = await Promise.all([startCityWorld('browser_docs'), launchChromium()]);
  context = await openContext(browser, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.app.close();
});

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  return { page, problems: watchProblems(page) };
}

/** Every operation of the OpenAPI document, as Swagger UI labels it: "POST /api/v1/events". */
async function documentedOperations(): Promise<string[]> {
  const res = await fetch(`${world.app.url}/api/openapi.json`);
  const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function operation(page: Page, method: string, path: string) {
  return page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

describe('the start page', () => {
  it('is the consoles\' login, in Chinese, linking to the API documentation, with nothing in the console', async () => {
    ensureConsoleBuilt();
    const { page, problems } = await newPage();
    const response = await page.goto(world.app.url);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.locator('.login-card').waitFor();
    expect(await page.locator('h1').textContent()).toBe('液化气瓶追溯监管平台');
    expect(await page.locator('input[name=username]').isVisible()).toBe(true);

    await page.locator('a[href="/api/docs/"]').click();
    await page.waitForURL(/\/api\/docs\/$/);
    await page.locator('.opblock').first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the API documentation at /api/docs', () => {
  it('lists every operation of the OpenAPI document, e.g. POST /api/v1/events, with no error or CSP refusal in the console', async () => {
    const { page, problems } = await newPage();
    const response = await page.goto(`${world.app.url}/api/docs`);
    expect(page.url()).toBe(`${world.app.url}/api/docs/`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.locator('.opblock').first().waitFor();

    // Swagger UI renders only the operations near the viewport: scroll through the whole page and
    // collect every operation it shows on the way.
    const shown = new Set<string>();
    for (let step = 0; step < 1000; step++) {
      const visible = await page.locator('.opblock-summary').evaluateAll((summaries: unknown[]) =>
        summaries.map((summary) => {
          const s = summary as { querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null };
          return `${s.querySelector('.opblock-summary-method')?.textContent ?? ''} ${s.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`;
        }),
      );
      for (const operationShown of visible) shown.add(operationShown);
      const atBottom = await page.evaluate(() => {
        const w = globalThis as unknown as { scrollBy(x: number, y: number): void; innerHeight: number; scrollY: number; document: { body: { scrollHeight: number } } };
        const bottom = w.innerHeight + w.scrollY >= w.document.body.scrollHeight - 2;
        w.scrollBy(0, w.innerHeight / 2);
        return bottom;
      });
      if (atBottom) break;
      await page.waitForTimeout(30);
    }
    const documented = await documentedOperations();
    expect(documented).toContain('POST /api/v1/events');
    expect([...shown].sort()).toEqual([...documented].sort());
    expect(problems).toEqual([]);
    await page.close();
  });

  it('logs in with "Try it out" on POST /api/v1/auth/login, as the README suggests', async () => {
    const username = `docs${Math.random().toString(36).slice(2, 8)}`;
    const password = strongPassword();
    await world.app.insertUser({ username, role: 'city_regulator', password });
    const { page, problems } = await newPage();
    await page.goto(`${world.app.url}/api/docs/`);
    const login = operation(page, 'post', '/api/v1/auth/login');
    await login.locator('.opblock-summary').click();
    await login.locator('button.try-out__btn').click();
    await login.locator('textarea.body-param__text').fill(JSON.stringify({ username, password }));
    await login.locator('button.execute').click();

    const answer = login.locator('.live-responses-table tbody tr.response');
    await answer.waitFor();
    expect((await answer.locator('td.response-col_status').textContent())?.trim()).toBe('200');
    expect(await answer.locator('td.response-col_description').textContent()).toContain('accessToken');
    expect(problems).toEqual([]);
    await page.close();
  });
});
