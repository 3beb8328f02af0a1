import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createCheckpointSigner, verifyCheckpoint } from '../../src/components/ledger/log';

const head = { treeSize: 42, rootHash: 'ab'.repeat(32), timestamp: '2025-03-01T08:00:00.000Z' };

describe('ledger checkpoint signatures (Ed25519)', () => {
  it('derives the same key from the same generated secret, and a different one from another', () => {
    const secret = randomBytes(32).toString('base64url');
    expect(createCheckpointSigner(secret).publicKeyPem).toBe(createCheckpointSigner(secret).publicKeyPem);
    expect(createCheckpointSigner(secret).keyId).not.toBe(createCheckpointSigner(`${secret}x`).keyId);
  });

  it('accepts a base64 32-byte seed and a PKCS8 PEM key', () => {
    const seeded = createCheckpointSigner(randomBytes(32).toString('base64'));
    expect(verifyCheckpoint(seeded.sign(head), seeded.publicKeyPem)).toBe(true);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const fromPem = createCheckpointSigner(pem);
    expect(verifyCheckpoint(fromPem.sign(head), fromPem.publicKeyPem)).toBe(true);
  });

  it('rejects a checkpoint whose size, root or time was changed, or that another key signed', () => {
    const signer = createCheckpointSigner('s'.repeat(40));
    const checkpoint = signer.sign(head);
    expect(verifyCheckpoint(checkpoint, signer.publicKeyPem)).toBe(true);
    expect(verifyCheckpoint({ ...checkpoint, treeSize: 43 }, signer.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, rootHash: 'cd'.repeat(32) }, signer.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, timestamp: '2025-03-02T08:00:00.000Z' }, signer.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint(checkpoint, createCheckpointSigner('t'.repeat(40)).publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...checkpoint, signature: 'not base64 at all' }, signer.publicKeyPem)).toBe(false);
  });

  it('accepts only the signature exactly as issued, not another spelling of the same bytes', () => {
    const signer = createCheckpointSigner('s'.repeat(40));
    const checkpoint = signer.sign(head);
    const sig = checkpoint.signature;
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(sig.at(-3) ?? '');
    // 64 bytes in 88 characters: the last data character has 4 unused bits; Node decodes all 16 alike.
    const respelled = `${sig.slice(0, -3)}${alphabet[last + 1] ?? ''}==`;
    expect(Buffer.from(respelled, 'base64')).toEqual(Buffer.from(sig, 'base64'));
    for (const variant of [respelled, sig.slice(0, -2), `${sig.slice(0, 40)}\n${sig.slice(40)}`, ` ${sig}`, `${sig}\n`]) {
      expect([variant, verifyCheckpoint({ ...checkpoint, signature: variant }, signer.publicKeyPem)]).toEqual([variant, false]);
    }
  });
});
