import { Types } from 'mongoose';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { aCylinder, anEnterprise, aSite } from '../../seed/builders';
import { DEFAULT_QR_CONFIG } from '../../src/components/qr';
import { startAuthTestApp, strongPassword, TEST_SECRETS, type AuthTestApp } from '../auth/auth.harness';

/** Debian's Chromium: browser downloads are impossible on the machines these tests run on. */
export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser per test file, shared by its tests (two cores: starting Chromium is the slow part). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** A context whose waits give up after 10 s: a page that never shows what a test waits for fails fast. */
export async function openContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  return context;
}

/** A phone held by someone in the city who scans a cylinder's code. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

/**
 * What a developer would see in the page's console: errors logged (failed loads and
 * Content-Security-Policy refusals among them) and uncaught exceptions. Attach before navigating.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

/**
 * The few browser globals that the functions below run in the page. The project compiles without
 * the DOM library (it is a server), so they are named here rather than taken from lib.dom.
 */
interface InPage {
  document: { scrollingElement: { scrollWidth: number } | null };
  innerWidth: number;
  getComputedStyle(element: unknown): { backgroundColor: string };
}

/** How wide the page's content is against the screen: wider means the reader scrolls sideways. */
export function pageWidths(page: Page): Promise<{ content: number; screen: number }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as InPage;
    return { content: g.document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY, screen: g.innerWidth };
  });
}

export function backgroundOf(locator: Locator): Promise<string> {
  return locator.evaluate((element: unknown) => (globalThis as unknown as InPage).getComputedStyle(element).backgroundColor);
}

/** What the browser tells the user about a form control it refuses to submit ('' when it is fine). */
export function validationMessageOf(locator: Locator): Promise<string> {
  return locator.evaluate((control: unknown) => (control as { validationMessage: string }).validationMessage);
}

export interface CommissionedCylinder {
  id: string;
  grai: string;
  uri: string;
  /** The code's path and query, to open on the test server (the code itself names the city's domain). */
  path: string;
}

/** The real app with a city regulator, one enterprise, its admin and filling station. */
export interface CityWorld {
  app: AuthTestApp;
  city: string;
  admin: string;
  enterpriseName: string;
  station: string;
  /** Calls the API and insists on one of the expected statuses. */
  ok<T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown, status?: number[]): Promise<T>;
  /** Registers a cylinder (from a builder, an in-service 15 kg one by default) and commissions its code. */
  commissioned(cylinder?: ReturnType<typeof aCylinder>): Promise<CommissionedCylinder>;
  /** A cylinder commissioned in date (an overdue one is not commissioned) whose inspection then fell due. */
  fallenDue(): Promise<CommissionedCylinder>;
}

export async function startCityWorld(label: string): Promise<CityWorld> {
  // Every test file scans from one address; the per-address scan limit is not what these tests are about.
  const qr = { ...DEFAULT_QR_CONFIG, scanRatePerMinute: 100_000 };
  const app = await startAuthTestApp(label, { config: { secrets: TEST_SECRETS, env: 'test', qr } });
  const ok: CityWorld['ok'] = async <T>(method: string, path: string, token: string, body?: unknown, status = [200, 201]) => {
    const res = await app.call(method, path, { token, ...(body === undefined ? {} : { body }) });
    if (!status.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  };
  const login = async (role: 'city_regulator' | 'enterprise_admin', extra: { enterpriseId?: string; districtCode?: string } = {}) => {
    const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
    const password = strongPassword();
    await app.insertUser({ username, role, password, ...extra });
    return (await app.login(username, password)).accessToken;
  };

  const city = await login('city_regulator');
  const enterprise = anEnterprise().inDistrict('441802').build();
  const enterpriseId = String((await ok('POST', '/api/v1/enterprises', city, enterprise)).id);
  const admin = await login('enterprise_admin', { enterpriseId, districtCode: '441802' });
  // The city registers the station, so its licences are verified and count for commissioning.
  const station = String((await ok('POST', '/api/v1/sites', city, aSite().fillingStation().inDistrict('441802').forEnterprise(enterpriseId).build())).id);

  async function commissioned(cylinder = aCylinder()): Promise<CommissionedCylinder> {
    const id = String((await ok('POST', '/api/v1/cylinders', admin, cylinder.registeredTo(station).build())).id);
    const { code } = await ok<{ code: { grai: string; uri: string } }>('POST', `/api/v1/cylinders/${id}/commission`, admin);
    const url = new URL(code.uri);
    return { id, grai: code.grai, uri: code.uri, path: `${url.pathname}${url.search}` };
  }

  return {
    app,
    city,
    admin,
    enterpriseName: enterprise.name,
    station,
    ok,
    commissioned,
    async fallenDue() {
      const cylinder = await commissioned();
      await app.world.connection.collection('cylinders').updateOne({ _id: new Types.ObjectId(cylinder.id) }, { $set: { nextInspectionDate: new Date('2025-01-01T00:00:00Z') } });
      return cylinder;
    },
  };
}
