import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** A signed tree head: the log of `treeSize` leaves has root `rootHash` (hex), as of `timestamp`. */
export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  /** ISO-8601 UTC. */
  timestamp: string;
  keyId: string;
  /** Ed25519 over `checkpointMessage(...)`, base64. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'keyId' | 'signature'>;

export interface CheckpointSigner {
  keyId: string;
  publicKeyPem: string;
  sign(head: UnsignedCheckpoint): Checkpoint;
}

// PKCS8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const CHECKPOINT_ORIGIN = 'lpg-trace-ledger/v1';
const ED25519_SIGNATURE_BYTES = 64;

/**
 * The exact bytes signed: one field per line, so that no JSON canonicalization is needed to verify.
 * The key id is included so that a signature cannot be re-attributed to another key.
 */
export function checkpointMessage(head: UnsignedCheckpoint & { keyId: string }): Buffer {
  return Buffer.from(`${CHECKPOINT_ORIGIN}\n${head.keyId}\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}\n`, 'utf8');
}

/**
 * LEDGER_SIGNING_KEY as given: a PKCS8 PEM Ed25519 private key; or standard base64 (44 characters,
 * padded) of a 32-byte seed; or any other string of ≥ 32 characters (what development generates),
 * whose SHA-256 is the seed. The same value always yields the same key pair.
 */
export function ledgerPrivateKey(secret: string): KeyObject {
  const text = secret.trim();
  if (text.startsWith('-----BEGIN')) {
    const key = createPrivateKey(text.replace(/\\n/g, '\n'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('LEDGER_SIGNING_KEY must be an Ed25519 key');
    return key;
  }
  const seed = /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, 'base64') : createHash('sha256').update(text, 'utf8').digest();
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Key id: the first 16 hex digits of SHA-256 over the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
}

export function createCheckpointSigner(secret: string): CheckpointSigner {
  const privateKey = ledgerPrivateKey(secret);
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  return {
    keyId,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    sign(head) {
      const signature = sign(null, checkpointMessage({ ...head, keyId }), privateKey).toString('base64');
      return { treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp, keyId, signature };
    },
  };
}

/** True when `checkpoint` was signed by the holder of `publicKeyPem` (and names that key). */
export function verifyCheckpoint(checkpoint: Checkpoint, publicKeyPem: string): boolean {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch {
    return false;
  }
  if (publicKey.asymmetricKeyType !== 'ed25519' || keyIdOf(publicKey) !== checkpoint.keyId) return false;
  // Node's base64 decoder skips stray characters and ignores the unused bits of the last one: only
  // the exact text the signer issued counts, so one checkpoint has one signature, not many spellings.
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (signature.length !== ED25519_SIGNATURE_BYTES || signature.toString('base64') !== checkpoint.signature) return false;
  try {
    return verify(null, checkpointMessage(checkpoint), publicKey, signature);
  } catch {
    return false;
  }
}
