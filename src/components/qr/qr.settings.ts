import { createHmac } from 'node:crypto';
import type { Config } from '../../config';
import { createKeyring, type QrKeyring } from './qr.signature';

export type QrConfig = Config['qr'];

/** What QR identity is built from: the configured identity plus the two secrets it derives keys from. */
export interface QrSettings extends QrConfig {
  signingSecret: string;
  /** Keys the daily hash of a scanning client's address (never stored in clear). */
  privacySecret: string;
}

export const DEFAULT_QR_CONFIG: QrConfig = Object.freeze({
  domain: 'localhost:3000',
  domainConfigured: true,
  companyPrefix: '0614141',
  assetTypes: Object.freeze({ '5': '5', '15': '15', '50': '50' }),
  keyId: 'k1',
  revokedKeyIds: [],
  scanRatePerMinute: 60,
});

export function keyringOf(settings: QrSettings): QrKeyring {
  return createKeyring({ secret: settings.signingSecret, currentKeyId: settings.keyId, revokedKeyIds: settings.revokedKeyIds });
}

/** A key of its own for client hashes, so it never equals a key used elsewhere. */
export function clientHashKey(settings: QrSettings): Buffer {
  return createHmac('sha256', settings.privacySecret).update('lpg-trace/public-scan-client').digest();
}
