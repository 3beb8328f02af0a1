import { Router, type RequestHandler } from 'express';
import { deviceOf } from './device.auth';
import type { DeviceView } from './devices.schemas';
import type { DeviceRecord } from './device.repository';

export interface DeviceApiServices {
  view(device: DeviceRecord): DeviceView;
}

/**
 * The signed device API under /api/v1/device (docs/device-protocol.md): every route runs behind
 * `authenticate`, which checks the signature and sets the device; routes never see a bearer token.
 */
export function deviceApiRoutes(authenticate: RequestHandler, services: DeviceApiServices): Router {
  const router = Router();
  router.use(authenticate);
  router.get('/me', (req, res) => {
    res.json(services.view(deviceOf(req)));
  });
  return router;
}
