import { startAuthTestApp, type AuthTestApp } from './auth.harness';

describe('accounts and devices in the OpenAPI document', () => {
  let app: AuthTestApp;
  beforeAll(async () => {
    app = await startAuthTestApp('auth_openapi');
  });
  afterAll(() => app.close());

  it('documents every route, with the bearer scheme declared once and used by the protected ones', async () => {
    const doc = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/refresh',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/password',
        'GET /api/v1/auth/me',
        'POST /api/v1/users',
        'GET /api/v1/users',
        'GET /api/v1/users/{id}',
        'PATCH /api/v1/users/{id}',
        'POST /api/v1/users/{id}/deactivate',
        'POST /api/v1/devices',
        'GET /api/v1/devices',
        'GET /api/v1/devices/{id}',
        'POST /api/v1/devices/{id}/revoke',
      ]),
    );
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      // A scale signs its requests instead (docs/device-protocol.md): four headers, all required together.
      deviceId: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Device-Id' }),
      deviceTimestamp: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Timestamp' }),
      deviceNonce: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Nonce' }),
      deviceSignature: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Signature' }),
    });
    expect(doc.paths['/api/v1/device/me']?.get?.security).toEqual([{ deviceId: [], deviceTimestamp: [], deviceNonce: [], deviceSignature: [] }]);
    expect(doc.paths['/api/v1/users']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/auth/login']?.post?.security).toBeUndefined();
  });
});
