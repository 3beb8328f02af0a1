import express from 'express';
import { z } from 'zod';
import { AppError } from '../../src/shared/errors/app.error';
import { errorMiddleware, notFoundHandler } from '../../src/shared/errors/error.middleware';
import { accessLog } from '../../src/shared/http/access-log.middleware';
import { bootApp, listenOnFreePort, silentLogger, type RunningServer } from './app.harness';

const PROBLEM = /^application\/problem\+json/;

describe('the HTTP shell answers bad requests with problem+json under /api', () => {
  let app: RunningServer;
  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(() => app.close());

  it('answers an unknown API route with 404 NOT_FOUND', async () => {
    const res = await fetch(`${app.url}/api/does-not-exist?token=secret`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'urn:lpg-trace:problem:not-found',
      title: 'Not found',
      status: 404,
      code: 'NOT_FOUND',
      instance: '/api/does-not-exist',
      requestId: res.headers.get('x-request-id'),
    });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await fetch(`${app.url}/api/v1/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"serial": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(await res.json()).toMatchObject({ code: 'MALFORMED_JSON', status: 400 });
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(`${app.url}/api/v1/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(5_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(await res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('answers an unknown page with an HTML error page, not JSON', async () => {
    const res = await fetch(`${app.url}/no-such-page`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('404');
    expect(html).toContain(res.headers.get('x-request-id'));
  });

  it('echoes a sane incoming request id and replaces one that could forge log lines', async () => {
    const kept = await fetch(`${app.url}/healthz`, { headers: { 'X-Request-Id': 'edge-proxy-0001' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-proxy-0001');
    const replaced = await fetch(`${app.url}/healthz`, { headers: { 'X-Request-Id': 'bad id\twith "quotes"' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and hides the framework', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('the error translator', () => {
  const Weighing = z.strictObject({ grossKg: z.number().positive(), station: z.string().min(1) });

  async function serverThrowing(isProduction: boolean): Promise<RunningServer> {
    const app = express();
    app.use(accessLog(silentLogger));
    app.use(express.json());
    app.post('/api/weigh', (req, res) => {
      res.json(Weighing.parse(req.body));
    });
    app.get('/api/duplicate', () => {
      throw Object.assign(new Error('E11000 duplicate key error collection: lpg.workers index: idNumber_1'), {
        code: 11000,
        keyValue: { idNumber: '440101199001011234' },
      });
    });
    app.get('/api/duplicate-in-bulk', () => {
      const errmsg = 'E11000 duplicate key error collection: lpg.sites index: enterpriseId_1_name_1 dup key: { enterpriseId: ObjectId(\'665f1c2e9b1d8c0012345678\'), name: "清城充装站" }';
      throw Object.assign(new Error(errmsg), { name: 'MongoBulkWriteError', code: 11000, writeErrors: [{ err: { code: 11000, index: 0, errmsg } }] });
    });
    app.get('/api/boom', async () => {
      throw new Error('connection string mongodb://admin:hunter2@db leaked');
    });
    app.get('/api/forbidden', () => {
      throw AppError.forbidden('Only regulators of 清城区 may see this');
    });
    app.get('/page/boom', () => {
      throw new Error('<script>alert(1)</script>');
    });
    app.use(notFoundHandler);
    app.use(errorMiddleware({ exposeInternals: !isProduction }));
    return listenOnFreePort(app);
  }

  let dev: RunningServer;
  let prod: RunningServer;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([serverThrowing(false), serverThrowing(true)]);
  });
  afterAll(async () => {
    await Promise.all([dev.close(), prod.close()]);
  });

  it('lists every invalid field of a zod validation failure', async () => {
    const res = await fetch(`${dev.url}/api/weigh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grossKg: -3, extra: true }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    const paths = body.errors.map((e) => e.path).sort();
    expect(paths).toEqual(['extra', 'grossKg', 'station']);
    expect(body.errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it('turns a duplicate key into 409 CONFLICT naming the field but not its value', async () => {
    const res = await fetch(`${dev.url}/api/duplicate`);
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'CONFLICT', errors: [{ path: 'idNumber', message: 'must be unique' }] });
    expect(text).not.toContain('440101199001011234');
  });

  it('names the fields of a duplicate key in a bulk write (an import) from its index, not its values', async () => {
    const res = await fetch(`${dev.url}/api/duplicate-in-bulk`);
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'CONFLICT', errors: [{ path: 'enterpriseId', message: 'must be unique' }, { path: 'name', message: 'must be unique' }] });
    expect(text).not.toContain('清城充装站');
    expect(text).not.toContain('665f1c2e9b1d8c0012345678');
  });

  it('keeps the status and code an AppError declares', async () => {
    const res = await fetch(`${dev.url}/api/forbidden`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', detail: 'Only regulators of 清城区 may see this' });
  });

  it('in production answers an unexpected error with 500 INTERNAL, a request id and no internals', async () => {
    const res = await fetch(`${prod.url}/api/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'INTERNAL', status: 500, requestId: res.headers.get('x-request-id') });
    expect(text).not.toMatch(/hunter2|mongodb:|at .*\.ts/);
  });

  it('outside production shows the message of an unexpected error, never its stack', async () => {
    const body = (await (await fetch(`${dev.url}/api/boom`)).json()) as Record<string, unknown>;
    expect(body.detail).toContain('leaked');
    expect(JSON.stringify(body)).not.toContain('.ts:');
  });

  it('escapes error text on the HTML error page', async () => {
    const res = await fetch(`${dev.url}/page/boom`);
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#60;script&#62;');
  });
});
