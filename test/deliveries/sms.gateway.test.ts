import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpSmsSender } from '../../src/components/deliveries/sms.gateway';

/** The SMS gateway protocol the platform speaks: a JSON POST with a bearer token; a refusal or an outage is a `false`, never a thrown error. */
describe('the HTTP SMS gateway', () => {
  const received: { auth?: string; body: unknown }[] = [];
  let status = 200;
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body: JSON.parse(text) as unknown });
      res.writeHead(status).end();
    });
  });
  let url = '';
  const warnings: unknown[] = [];
  const logger = { warn: (obj: unknown) => void warnings.push(obj) };
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts {to, text} with the token and says whether the gateway took it', async () => {
    const send = httpSmsSender({ url, token: 'gw-token' }, logger);
    expect(await send('13812340000', '您的交付码为 123456')).toBe(true);
    expect(received.at(-1)).toEqual({ auth: 'Bearer gw-token', body: { to: '13812340000', text: '您的交付码为 123456' } });
    status = 503;
    expect(await send('13812340000', 'x')).toBe(false);
    status = 200;
  });

  it('answers false when the gateway cannot be reached, and logs neither the phone nor the text', async () => {
    const send = httpSmsSender({ url: 'http://127.0.0.1:9/sms' }, logger, 500);
    expect(await send('13812340000', '您的交付码为 654321')).toBe(false);
    expect(JSON.stringify(warnings)).not.toMatch(/13812340000|654321/);
  });
});
