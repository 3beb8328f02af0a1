import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const cwd = () => mkdtempSync(join(tmpdir(), 'qr-config-'));
const issues = (env: Record<string, string>) => {
  try {
    loadConfig({ NODE_ENV: 'test', ...env }, cwd());
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.key);
    throw error;
  }
  return [];
};

describe('QR configuration keys', () => {
  it('defaults the domain to the public base URL\'s host, and parses prefix, asset types and key ids', () => {
    const config = loadConfig(
      { NODE_ENV: 'test', PUBLIC_BASE_URL: 'https://trace.qingyuan.example.cn/', GS1_COMPANY_PREFIX: '6901234', GS1_ASSET_TYPES: '5:105, 15:115, 50:150', QR_KEY_ID: 'k3', QR_REVOKED_KEY_IDS: 'k1' },
      cwd(),
    );
    expect(config.qr).toMatchObject({
      domain: 'trace.qingyuan.example.cn',
      domainConfigured: true,
      companyPrefix: '6901234',
      assetTypes: { '5': '105', '15': '115', '50': '150' },
      keyId: 'k3',
      revokedKeyIds: ['k1'],
    });
  });

  it('names each bad key: a domain with a scheme, an asset type too wide for the prefix, revoking the current key', () => {
    expect(issues({ QR_DOMAIN: 'https://x.cn' })).toEqual(['QR_DOMAIN']);
    expect(issues({ GS1_COMPANY_PREFIX: '6901234567', GS1_ASSET_TYPES: '5:5,15:150,50:50' })).toEqual(['GS1_ASSET_TYPES']);
    expect(issues({ GS1_ASSET_TYPES: '5:5,15:5,50:50' })).toEqual(['GS1_ASSET_TYPES']);
    expect(issues({ QR_KEY_ID: 'k2', QR_REVOKED_KEY_IDS: 'k1,k2' })).toEqual(['QR_REVOKED_KEY_IDS']);
    expect(issues({ QR_KEY_ID: 'key1' })).toEqual(['QR_KEY_ID']);
  });
});
