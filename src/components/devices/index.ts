import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { ApiModule } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import { createDeviceRepository } from './device.repository';
import { createDeviceSecrets } from './device.secret';
import { devicesRoutes, registerDevicesOpenApi } from './devices.routes';
import { createDevicesService, type SiteLookup } from './devices.service';

export { FILLING_STATION, type DeviceSite, type SiteLookup } from './devices.service';
export { createDeviceSecrets, type DeviceSecrets } from './device.secret';

export interface DevicesComponentDeps {
  connection: Connection;
  /** The server secret device keys are derived from (PII_HASH_SECRET: it must never rotate either). */
  serverSecret: string;
  siteLookup?: SiteLookup;
  cursors: PageCursors;
  now?: () => Date;
}

/** Registered devices and their keys: builds the device index before it answers. */
export async function createDevices(deps: DevicesComponentDeps): Promise<{ module: ApiModule }> {
  const devices = createDeviceRepository(deps.connection);
  await devices.ensureIndexes();
  const service = createDevicesService({
    devices,
    secrets: createDeviceSecrets(deps.serverSecret),
    ...(deps.siteLookup ? { siteLookup: deps.siteLookup } : {}),
    cursors: deps.cursors,
    now: deps.now ?? (() => new Date()),
  });
  return { module: { name: 'devices', router: Router().use(devicesRoutes(service)), registerOpenApi: registerDevicesOpenApi } };
}
