import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, type RunningServer } from './app.harness';

/** How the platform serves the built consoles (src/shared/http/web.console.ts). */
describe('the web consoles as served', () => {
  let built: RunningServer;
  let unbuilt: RunningServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpg-web-'));
    mkdirSync(join(dir, 'ui'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/ui/app-1a2b.js"></script>');
    writeFileSync(join(dir, 'ui', 'app-1a2b.js'), 'export {};');
    [built, unbuilt] = await Promise.all([bootApp({ webDir: dir }), bootApp({ webDir: join(dir, 'missing') })]);
  });
  afterAll(async () => {
    await Promise.all([built?.close(), unbuilt?.close()]);
  });

  it('answers the login at / and every /console page with the one index, revalidated, under the strict CSP', async () => {
    for (const path of ['/', '/console', '/console/registry/sites', '/console/cylinders/65f0c0ffee0000000000abcd']) {
      const res = await fetch(`${built.url}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    }
  });

  it('serves the hashed scripts for a year, and a missing one as a 404', async () => {
    const script = await fetch(`${built.url}/ui/app-1a2b.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${built.url}/ui/nope.js`)).status).toBe(404);
    expect((await fetch(`${built.url}/elsewhere`)).status).toBe(404);
  });

  it('says how to build the consoles when they are not built', async () => {
    const res = await fetch(`${unbuilt.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:web');
  });
});
