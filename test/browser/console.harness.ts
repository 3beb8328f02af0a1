import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const ROOT = join(__dirname, '../..');

/**
 * Where the consoles' browser tests write their screenshots: test-results/screenshots (ignored by
 * git; CI keeps the folder as its artefact). One per page, role and screen size.
 */
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** The two screens every console page is checked on. */
export const SCREENS = [
  { name: '1280x800', viewport: { width: 1280, height: 800 } },
  { name: '1920x1080', viewport: { width: 1920, height: 1080 } },
] as const;

/** Builds web/dist when its sources changed (the same stamp `npm start` uses), so the app serves the consoles. */
export function ensureConsoleBuilt(): void {
  execFileSync('node', ['scripts/build-if-changed.js', 'web'], { cwd: ROOT, stdio: 'pipe' });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let tables, charts and transitions settle before the picture is taken.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Logs in through the login page and waits for the workbench. */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('.login-submit').click();
  await page.waitForURL(/\/console$/);
  await page.locator('.console-menu').waitFor();
}
