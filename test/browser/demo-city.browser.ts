import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { launchChromium, openContext, watchProblems } from './browser.harness';
import { ensureConsoleBuilt, logIn } from './console.harness';

/**
 * The living demo from a fresh data directory (issue 18): the platform starts the way `npm start`
 * does, seeds a small demo city (DEMO_CITY_SCALE) with its year of history, prints the demo
 * accounts after the ready line; the city regulator logs in, the console shows the history's
 * refusals, and a live alert from the simulators reaches the regulator's feed within 60 s.
 */
const ROOT = resolve(__dirname, '../..');
let child: ChildProcess;
let browser: Browser;
let stdout = '';
let url = '';
let dataDir = '';
const exited = () => child.exitCode !== null;

beforeAll(async () => {
  ensureConsoleBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'lpg-demo-'));
  const env = { ...process.env };
  delete env.MONGODB_URI;
  delete env.DB_MODE;
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'development', LOG_FORMAT: 'json', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, DEMO_CITY_SCALE: '0.02', DEMO_SIMULATION: 'on', DEMO_SIMULATION_INTERVAL_S: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  browser = await launchChromium();
  const deadline = Date.now() + 240_000;
  while (!/demo\.auditor\s+\S+/.test(stdout)) {
    if (exited() || Date.now() > deadline) throw new Error(`the platform did not seed and start:\n${stdout.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  url = /演示账号 Demo accounts — open (\S+)/.exec(stdout)?.[1] ?? '';
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (child && !exited()) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const passwordOf = (username: string) => new RegExp(`^\\s+${username.replace('.', '\\.')}\\s+(\\S+)`, 'm').exec(stdout)?.[1] ?? '';

it('prints the demo accounts to the terminal after the ready line, and never to the log', () => {
  expect(url).toMatch(/^http:\/\/localhost:\d+$/);
  const ready = stdout.indexOf('is ready at');
  expect(ready).toBeGreaterThan(-1);
  expect(stdout.indexOf('演示账号')).toBeGreaterThan(ready);
  const logLines = stdout.split('\n').filter((l) => l.startsWith('{'));
  for (const user of ['demo.city', 'demo.admin', 'demo.delivery']) {
    expect(passwordOf(user)).toMatch(/^Lpg-/);
    expect(logLines.some((l) => l.includes(passwordOf(user)))).toBe(false);
  }
});

it('lets the city regulator in, shows the refusals of the year of history, and pushes a live alert within 60 s', async () => {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo.city', password: passwordOf('demo.city') }) });
  expect(login.status).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  // The regulator's live feed: the simulators stage a violation in their first round.
  const socket: Socket = io(`${url}/alerts`, { auth: { token: accessToken }, transports: ['websocket'] });
  const live = new Promise<{ rule?: string; alert?: { rule?: string } }>((resolveAlert, reject) => {
    const timer = setTimeout(() => reject(new Error('no live alert within 60 s')), 60_000);
    socket.on('alert:new', (payload: { rule?: string; alert?: { rule?: string } }) => {
      clearTimeout(timer);
      resolveAlert(payload);
    });
  });
  try {
    const context = await openContext(browser, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await logIn(page, url, 'demo.city', passwordOf('demo.city'));
    await page.goto(`${url}/console/rejected-events`);
    // The history's planted refusals: an expired supply point's receipts, an untrained worker, Hunan stamps.
    await page.locator('.el-table__row').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.el-table__row').count()).toBeGreaterThan(3);
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/WORKER_UNCERTIFIED|SITE_LICENCE_INVALID|CYLINDER_NOT_FOUND|未经培训|许可|未找到/);
    const alert = await live;
    expect(JSON.stringify(alert)).toMatch(/OUT_OF_CITY_CYLINDER|OVERFILL|OVERDUE_CYLINDER|UNTRAINED_WORKER|UNLICENSED_SELLER|CLONED_CODE|SCALE_OFFLINE/);
    expect(problems).toEqual([]);
    await context.close();
  } finally {
    socket.close();
  }
}, 180_000);
