import { Router } from 'express';
import { ConfigError, loadConfig } from '../../src/config';
import { bootApp, type RunningServer } from './app.harness';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const trustOf = (value: string) => loadConfig({ TRUST_PROXY: value }, mkdtempSync(join(tmpdir(), 'lpg-trust-'))).http.trustProxy;

function problemOf(value: string): string {
  try {
    trustOf(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.key}: ${i.message}`).join('; ');
    throw error;
  }
  throw new Error(`TRUST_PROXY=${value} was accepted`);
}

describe('TRUST_PROXY', () => {
  it('trusts no proxy unless told, and takes a hop count or the proxies\' addresses', () => {
    expect(loadConfig({}, mkdtempSync(join(tmpdir(), 'lpg-trust-'))).http.trustProxy).toBe(false);
    expect(trustOf('1')).toBe(1);
    expect(trustOf('loopback, 10.0.0.0/8, fd00::/8, 192.168.1.10')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.10']);
  });

  it('refuses to trust everyone, and names what it cannot read', () => {
    expect(problemOf('true')).toMatch(/^TRUST_PROXY: .*never true/);
    expect(problemOf('loopback, nginx.local')).toMatch(/not nginx\.local/);
    expect(problemOf('10.0.0.0/40')).toMatch(/not 10\.0\.0\.0\/40/);
    expect(problemOf('99')).toMatch(/at most 10 proxy hops/);
  });

  describe('the client address the service sees', () => {
    const servers: RunningServer[] = [];
    const seenBy = async (trustProxy: false | number | string[], forwardedFor: string): Promise<string> => {
      const probe = Router().get('/whoami', (req, res) => {
        res.json({ ip: req.ip });
      });
      const server = await bootApp({ config: { isProduction: false, http: { bodyLimit: '2kb', trustProxy } }, modules: [{ name: 'probe', router: probe, registerOpenApi: () => undefined }] });
      servers.push(server);
      const res = await fetch(`${server.url}/api/v1/whoami`, { headers: { 'x-forwarded-for': forwardedFor } });
      return ((await res.json()) as { ip: string }).ip;
    };
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()));
    });

    it('is the connecting address when no proxy is trusted, whatever the client claims', async () => {
      expect(await seenBy(false, '203.0.113.7')).toMatch(/127\.0\.0\.1/);
    });

    it('is the address the trusted proxy names, and a forged address further left is ignored', async () => {
      expect(await seenBy(1, '203.0.113.7')).toBe('203.0.113.7');
      expect(await seenBy(['loopback'], '198.51.100.66, 203.0.113.7')).toBe('203.0.113.7');
    });
  });
});
