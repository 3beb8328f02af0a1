import { Router } from 'express';
import { principalOf } from '../auth';
import { idParams } from '../../shared/http/object-id.schema';
import { controlReasonBody, manualModeBody, stationParams } from './scale-controls.schemas';
import type { ScaleControlsService } from './scale-controls.service';

/** A regulator's remote control of scales (bearer-token routes): lock, unlock, manual mode. */
export function scaleControlsRoutes(service: ScaleControlsService): Router {
  const router = Router();
  router.post('/devices/:id/lock', async (req, res) => {
    res.json(await service.lockScale(principalOf(req), idParams.parse(req.params).id, controlReasonBody.parse(req.body).reason));
  });
  router.post('/devices/:id/unlock', async (req, res) => {
    res.json(await service.unlockScale(principalOf(req), idParams.parse(req.params).id, controlReasonBody.parse(req.body).reason));
  });
  router.get('/stations/:id/scale-controls', async (req, res) => {
    res.json(await service.controlsOf(principalOf(req), stationParams.parse(req.params).id));
  });
  router.post('/stations/:id/lock', async (req, res) => {
    res.json(await service.lockStation(principalOf(req), stationParams.parse(req.params).id, controlReasonBody.parse(req.body).reason));
  });
  router.post('/stations/:id/unlock', async (req, res) => {
    res.json(await service.unlockStation(principalOf(req), stationParams.parse(req.params).id, controlReasonBody.parse(req.body).reason));
  });
  router.post('/stations/:id/manual-mode', async (req, res) => {
    res.status(201).json(await service.grantManualMode(principalOf(req), stationParams.parse(req.params).id, manualModeBody.parse(req.body)));
  });
  router.post('/stations/:id/manual-mode/end', async (req, res) => {
    res.json(await service.endManualMode(principalOf(req), stationParams.parse(req.params).id, controlReasonBody.parse(req.body).reason));
  });
  return router;
}
