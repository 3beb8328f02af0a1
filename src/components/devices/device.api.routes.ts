import { Router, type RequestHandler } from 'express';
import { deviceOf } from './device.auth';
import { authorizeBody } from './device.api.schemas';
import type { DeviceView } from './devices.schemas';
import type { DeviceRecord } from './device.repository';
import type { InterlockService } from './interlock.service';

export interface DeviceApiServices {
  view(device: DeviceRecord): DeviceView;
  interlock: InterlockService;
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
  router.post('/fills/authorize', async (req, res) => {
    const device = deviceOf(req);
    res.set('Cache-Control', 'no-store').json(await services.interlock.authorize(device, authorizeBody.parse(req.body)));
  });
  return router;
}
