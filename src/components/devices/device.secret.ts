import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets. The secret is derived from the server's device key and a random salt, and the
 * database keeps only the salt and an HMAC of the secret: a leaked database yields neither the
 * secret nor a way to test guesses offline. Deriving (rather than only hashing) lets the request-
 * signing protocol of a later issue recompute the key a scale signs with, without storing it.
 */
export const DEVICE_KEY_VERSION = 1;

export interface DeviceSecrets {
  /** A new secret for `deviceId`: what to show once, and what to store. */
  issue(deviceId: string): { secret: string; secretSalt: string; secretHash: string; keyVersion: number };
  derive(deviceId: string, secretSalt: string): string;
  verify(presented: string, secretHash: string): boolean;
}

export function createDeviceSecrets(serverSecret: string): DeviceSecrets {
  // A key of its own, so device credentials never share a key with another use of the secret.
  const key = Buffer.from(hkdfSync('sha256', serverSecret, 'lpg-trace', `device-credentials/v${DEVICE_KEY_VERSION}`, 32));
  const mac = (label: string, value: string) => createHmac('sha256', key).update(`${label}\u0000${value}`).digest();
  const derive = (deviceId: string, secretSalt: string) => mac('secret', `${deviceId}.${secretSalt}`).toString('base64url');
  const hashOf = (secret: string) => mac('verify', secret).toString('hex');
  return {
    issue(deviceId) {
      const secretSalt = randomBytes(16).toString('base64url');
      const secret = derive(deviceId, secretSalt);
      return { secret, secretSalt, secretHash: hashOf(secret), keyVersion: DEVICE_KEY_VERSION };
    },
    derive,
    verify(presented, secretHash) {
      const expected = Buffer.from(secretHash, 'hex');
      const actual = Buffer.from(hashOf(presented), 'hex');
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
