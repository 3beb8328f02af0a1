import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { QR_DOMAIN, startWorld, type World } from '../support/world';

/** The platform serving the phone app at /m/: its shell, service worker, manifest and policy. */
let world: World;

beforeAll(async () => {
  execFileSync('node', ['scripts/build-if-changed.js', 'mobile'], { cwd: join(__dirname, '../..'), stdio: 'pipe' });
  world = await startWorld('mobile-shell', { qr: { companyPrefix: '0614141' } });
}, 180_000);

afterAll(() => world?.stop());

describe('the phone app at /m/', () => {
  it('serves the shell with the city\'s QR domain and prefix for the offline code check, revalidated on every load', async () => {
    const res = await fetch(`${world.url}/m/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toContain(`<meta name="lpg-city" content="${QR_DOMAIN};0614141">`);
    expect(html).not.toContain('%LPG_CITY%');
  });

  it('lets only the phone app compile WebAssembly (the scanner), and keeps scripts to its own origin', async () => {
    const phone = (await fetch(`${world.url}/m/`)).headers.get('content-security-policy') ?? '';
    expect(phone).toContain("script-src 'self' 'wasm-unsafe-eval'");
    const scripts = phone.split(';').find((d) => d.trim().startsWith('script-src '));
    expect(scripts?.trim()).toBe("script-src 'self' 'wasm-unsafe-eval'");
    const consoles = (await fetch(`${world.url}/`)).headers.get('content-security-policy') ?? '';
    expect(consoles).not.toContain('wasm-unsafe-eval');
    const docs = (await fetch(`${world.url}/api/docs/`)).headers.get('content-security-policy') ?? '';
    expect(docs).not.toContain('wasm-unsafe-eval');
  });

  it('sends /m on to /m/, where the service worker\'s scope is', async () => {
    const res = await fetch(`${world.url}/m`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/m/');
  });

  it('serves a service worker that pre-caches the shell and the scanner\'s wasm, never cached by HTTP', async () => {
    const res = await fetch(`${world.url}/m/sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const sw = await res.text();
    const precache = JSON.parse(/const PRECACHE = (\[.*\]);/.exec(sw)?.[1] ?? '[]') as string[];
    expect(precache).toContain('/m/');
    const wasm = precache.find((f) => f.endsWith('.wasm'));
    expect(wasm).toMatch(/^\/m\/assets\/zxing_reader-.*\.wasm$/);
    const file = await fetch(`${world.url}${wasm}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('cache-control')).toContain('immutable');
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
    for (const path of precache) expect({ path, status: (await fetch(`${world.url}${path}`)).status }).toEqual({ path, status: 200 });
  });

  it('is installable: a manifest scoped to /m/ with PNG icons', async () => {
    const manifest = (await (await fetch(`${world.url}/m/manifest.webmanifest`)).json()) as { start_url: string; scope: string; display: string; icons: { src: string; sizes: string }[] };
    expect(manifest).toMatchObject({ start_url: '/m/', scope: '/m/', display: 'standalone' });
    for (const icon of manifest.icons) {
      const res = await fetch(`${world.url}${icon.src}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.readUInt32BE(16)).toBe(Number(icon.sizes.split('x')[0]));
    }
  });
});
