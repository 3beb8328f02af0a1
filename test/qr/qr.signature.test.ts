import { buildGrai, buildQrUri, createKeyring, parseQrUri } from '../../src/components/qr';

const SECRET = 'qr-unit-test-secret-0123456789abcdefghij';
const GRAI = buildGrai('0614141', '15', '1001').value;

describe('QR signature', () => {
  const k1 = createKeyring({ secret: SECRET, currentKeyId: 'k1' });

  it('is the key id, a dot and 16 bytes of HMAC in base64url (25 characters)', () => {
    const sig = k1.sign(GRAI);
    expect(sig).toMatch(/^k1\.[A-Za-z0-9_-]{22}$/);
    expect(k1.verify(GRAI, sig)).toEqual({ valid: true, keyId: 'k1' });
  });

  it('reports a forged or altered code as not genuine', () => {
    const sig = k1.sign(GRAI);
    const otherGrai = buildGrai('0614141', '15', '1002').value;
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(k1.verify(otherGrai, sig)).toEqual({ valid: false, reason: 'MISMATCH' });
    expect(k1.verify(GRAI, flipped)).toEqual({ valid: false, reason: 'MISMATCH' });
    expect(k1.verify(GRAI, `k7.${sig.slice(3)}`)).toEqual({ valid: false, reason: 'UNKNOWN_KEY' });
    expect(k1.verify(GRAI, 'k1.short')).toEqual({ valid: false, reason: 'MALFORMED' });
    expect(k1.verify(GRAI, '')).toEqual({ valid: false, reason: 'MISSING' });
    // The same GRAI signed under another secret: someone minting codes without the platform key.
    expect(k1.verify(GRAI, createKeyring({ secret: `${SECRET}x`, currentKeyId: 'k1' }).sign(GRAI))).toEqual({ valid: false, reason: 'MISMATCH' });
  });

  it('accepts only the canonical encoding: the unused low bits of the last character must be zero', () => {
    const sig = k1.sign(GRAI);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1) ?? '');
    expect(last % 16).toBe(0);
    for (let i = last + 1; i < last + 16; i += 1) {
      expect(k1.verify(GRAI, `${sig.slice(0, -1)}${alphabet[i] ?? ''}`)).toEqual({ valid: false, reason: 'MALFORMED' });
    }
  });

  it('after rotation signs with the new key and still verifies codes signed with the old one', () => {
    const oldCode = k1.sign(GRAI);
    const k2 = createKeyring({ secret: SECRET, currentKeyId: 'k2' });
    const newCode = k2.sign(GRAI);
    expect(newCode.startsWith('k2.')).toBe(true);
    expect(newCode).not.toBe(oldCode);
    expect(k2.verify(GRAI, oldCode)).toEqual({ valid: true, keyId: 'k1' });
    expect(k2.verify(GRAI, newCode)).toEqual({ valid: true, keyId: 'k2' });
    // The old keyring does not know k2: a code cannot claim a key the platform has not reached.
    expect(k1.verify(GRAI, newCode)).toEqual({ valid: false, reason: 'UNKNOWN_KEY' });
  });

  it('refuses codes of a revoked key id', () => {
    const oldCode = k1.sign(GRAI);
    const k2 = createKeyring({ secret: SECRET, currentKeyId: 'k2', revokedKeyIds: ['k1'] });
    expect(k2.verify(GRAI, oldCode)).toEqual({ valid: false, reason: 'UNKNOWN_KEY' });
  });
});

describe('QR payload URI (GS1 Digital Link)', () => {
  it('round-trips https://{domain}/8003/{GRAI}?s={sig}', () => {
    const uri = buildQrUri('qr.qingyuan.example.cn', GRAI, 'k1.AAAAAAAAAAAAAAAAAAAAAA');
    expect(uri).toBe(`https://qr.qingyuan.example.cn/8003/${GRAI}?s=k1.AAAAAAAAAAAAAAAAAAAAAA`);
    expect(parseQrUri(uri, 'QR.qingyuan.example.cn')).toEqual({ ok: true, grai: GRAI, signature: 'k1.AAAAAAAAAAAAAAAAAAAAAA' });
  });

  it('does not accept a link on another domain or another path', () => {
    expect(parseQrUri(`https://evil.example/8003/${GRAI}?s=x`, 'qr.qingyuan.example.cn')).toEqual({ ok: false, reason: 'FOREIGN_DOMAIN' });
    expect(parseQrUri(`https://qr.qingyuan.example.cn/01/${GRAI}`, 'qr.qingyuan.example.cn')).toEqual({ ok: false, reason: 'NOT_A_GRAI_LINK' });
    expect(parseQrUri('not a uri', 'qr.qingyuan.example.cn')).toEqual({ ok: false, reason: 'NOT_A_URI' });
  });
});
