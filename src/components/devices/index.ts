import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { ApiModule } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import { deviceApiRoutes } from './device.api.routes';
import { deviceAuthentication } from './device.auth';
import { registerDeviceApiOpenApi } from './device.openapi';
import { createNonceStore } from './device.nonces';
import { createDeviceRepository } from './device.repository';
import { createDeviceSecrets } from './device.secret';
import { devicesRoutes, registerDevicesOpenApi } from './devices.routes';
import { createDevicesService, toView, type SiteLookup } from './devices.service';

export { FILLING_STATION, type DeviceSite, type SiteLookup } from './devices.service';
export { createDeviceSecrets, type DeviceSecrets } from './device.secret';
export { DEVICE_HEADERS, MAX_DEVICE_CLOCK_SKEW_MS, bodyHash, newNonce, signRequest, signedHeaders, stringToSign, type SignedParts } from './device.signature';
export { DEVICE_AUTH_REFUSALS, type DeviceAuthRefusal } from './device.auth';

export interface DevicesComponentDeps {
  connection: Connection;
  /** The server secret device keys are derived from (PII_HASH_SECRET: it must never rotate either). */
  serverSecret: string;
  siteLookup?: SiteLookup;
  cursors: PageCursors;
  now?: () => Date;
}

/** The signed device API's largest body: a burst of buffered fill reports. */
const DEVICE_BODY_LIMIT = '1mb';

/** Registered devices, their keys and the signed device API: builds the device and nonce indexes before it answers. */
export async function createDevices(deps: DevicesComponentDeps): Promise<{ module: ApiModule }> {
  const devices = createDeviceRepository(deps.connection);
  const nonces = createNonceStore(deps.connection);
  await Promise.all([devices.ensureIndexes(), nonces.ensureIndexes()]);
  const now = deps.now ?? (() => new Date());
  const secrets = createDeviceSecrets(deps.serverSecret);
  const service = createDevicesService({
    devices,
    secrets,
    ...(deps.siteLookup ? { siteLookup: deps.siteLookup } : {}),
    cursors: deps.cursors,
    now,
  });
  const authenticate = deviceAuthentication({ devices, secrets, nonces, now });
  const router = Router().use(devicesRoutes(service)).use('/device', deviceApiRoutes(authenticate, { view: toView }));
  return {
    module: {
      name: 'devices',
      router,
      registerOpenApi: (registry) => {
        registerDevicesOpenApi(registry);
        registerDeviceApiOpenApi(registry);
      },
      rawBodies: [{ path: '/device', limit: DEVICE_BODY_LIMIT }],
    },
  };
}
