import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The short signature in a cylinder's QR code: `{keyId}.{base64url(HMAC-SHA256(key, GRAI)[0..16])}`.
 * Keys are derived from one secret per key id, so rotating means moving QR_KEY_ID on (k1 → k2);
 * codes already on cylinders keep verifying under their own id until that id is revoked.
 */

const SIGNATURE_BYTES = 16;
export const KEY_ID_PATTERN = /^k[1-9]\d{0,3}$/;

export interface QrKeyring {
  currentKeyId: string;
  sign(grai: string): string;
  verify(grai: string, signature: string): SignatureCheck;
}

export type SignatureCheck = { valid: true; keyId: string } | { valid: false; reason: 'MISSING' | 'MALFORMED' | 'UNKNOWN_KEY' | 'MISMATCH' };

export interface KeyringOptions {
  secret: string;
  currentKeyId: string;
  /** Ids no longer accepted (a leaked printer key, say). The current id cannot be revoked. */
  revokedKeyIds?: readonly string[];
}

export function deriveKey(secret: string, keyId: string): Buffer {
  return createHmac('sha256', secret).update(`qr/${keyId}`).digest();
}

/** Every id from k1 up to the current one is accepted unless revoked. */
export function acceptedKeyIds(currentKeyId: string, revoked: readonly string[] = []): string[] {
  const n = Number(currentKeyId.slice(1));
  return Array.from({ length: n }, (_, i) => `k${i + 1}`).filter((id) => id === currentKeyId || !revoked.includes(id));
}

export function createKeyring(options: KeyringOptions): QrKeyring {
  if (!KEY_ID_PATTERN.test(options.currentKeyId)) throw new Error('key id must look like k1, k2, ...');
  const keys = new Map(acceptedKeyIds(options.currentKeyId, options.revokedKeyIds).map((id) => [id, deriveKey(options.secret, id)]));
  const mac = (key: Buffer, grai: string) => createHmac('sha256', key).update(grai).digest().subarray(0, SIGNATURE_BYTES);
  const currentKey = keys.get(options.currentKeyId) as Buffer;
  return {
    currentKeyId: options.currentKeyId,
    sign: (grai) => `${options.currentKeyId}.${mac(currentKey, grai).toString('base64url')}`,
    verify(grai, signature) {
      if (!signature) return { valid: false, reason: 'MISSING' };
      const match = /^(k\d{1,4})\.([A-Za-z0-9_-]{22})$/.exec(signature);
      if (!match) return { valid: false, reason: 'MALFORMED' };
      const [, keyId = '', encoded = ''] = match;
      const key = keys.get(keyId);
      if (!key) return { valid: false, reason: 'UNKNOWN_KEY' };
      const given = Buffer.from(encoded, 'base64url');
      // 22 characters hold 132 bits for 128: the last one has 4 unused bits, so 16 spellings decode
      // to the same MAC. Only the one we print is accepted, or an altered code would read as genuine.
      if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== encoded) return { valid: false, reason: 'MALFORMED' };
      if (!timingSafeEqual(given, mac(key, grai))) return { valid: false, reason: 'MISMATCH' };
      return { valid: true, keyId };
    },
  };
}
