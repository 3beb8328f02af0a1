import { bootApp, type RunningServer } from './app.harness';

describe('API documentation', () => {
  let app: RunningServer;
  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(() => app.close());

  it('serves an OpenAPI 3 document with the health endpoints and the problem schema', async () => {
    const res = await fetch(`${app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    expect(Object.keys(doc.components.schemas.Problem?.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId', 'errors']),
    );
  });

  it('offers a browsable viewer at /api/docs that loads nothing from another host', async () => {
    const redirect = await fetch(`${app.url}/api/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/api/docs/');

    const page = await fetch(`${app.url}/api/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const res = await fetch(new URL(asset, `${app.url}/api/docs/`));
      expect([asset, res.status]).toEqual([asset, 200]);
    }
  });
});
