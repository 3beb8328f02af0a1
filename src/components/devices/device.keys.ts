import type { DeviceSecrets } from './device.secret';

/**
 * The signing keys of the devices this process has verified, so that a scale's request is checked
 * against its key before any database round trip (docs/device-protocol.md §3). A device's key
 * never changes — it is derived from the device id and a salt fixed at registration, and a revoked
 * scale is registered anew under a new id — so a cached key is never stale. Revocation is not
 * read from here: every request still reads the device's status (in parallel with the nonce
 * claim), which is how a second process sees a revoke at once; this process also drops the key.
 * Also remembers when this process last marked each device seen, so the seen-write is skipped
 * without reading the device first.
 */
/** Where a device is registered: fixed for its life (a scale moved to another station is registered anew). */
export interface DeviceHome {
  siteId: string;
  enterpriseId: string;
}

export interface DeviceKeys {
  keyOf(deviceId: string): string | undefined;
  /** The station and enterprise of a device whose key this process holds (known from the same read). */
  homeOf(deviceId: string): DeviceHome | undefined;
  remember(deviceId: string, secretSalt: string, home?: DeviceHome): string;
  forget(deviceId: string): void;
  /** Whether this process marked the device seen less than `resolutionMs` before `now`; if not, notes it does now. */
  seenRecently(deviceId: string, now: number, resolutionMs: number): boolean;
}

/** About 100 bytes an entry: 20,000 scales is a city's worth several times over. */
const DEFAULT_CAPACITY = 20_000;

export function createDeviceKeys(secrets: Pick<DeviceSecrets, 'derive'>, capacity = DEFAULT_CAPACITY): DeviceKeys {
  const keys = new Map<string, { key: string; seenAt: number; home?: DeviceHome }>();
  return {
    keyOf: (deviceId) => keys.get(deviceId)?.key,
    homeOf: (deviceId) => keys.get(deviceId)?.home,
    remember(deviceId, secretSalt, home) {
      const known = keys.get(deviceId);
      if (known) {
        if (home && !known.home) known.home = home;
        return known.key;
      }
      // Map keeps insertion order: the oldest entry goes first when full.
      if (keys.size >= capacity) keys.delete(keys.keys().next().value as string);
      const key = secrets.derive(deviceId, secretSalt);
      keys.set(deviceId, { key, seenAt: 0, ...(home ? { home } : {}) });
      return key;
    },
    forget: (deviceId) => {
      keys.delete(deviceId);
    },
    seenRecently(deviceId, now, resolutionMs) {
      const entry = keys.get(deviceId);
      if (!entry) return false;
      if (now - entry.seenAt < resolutionMs) return true;
      entry.seenAt = now;
      return false;
    },
  };
}
