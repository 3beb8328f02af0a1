import { Router } from 'express';
import { principalOf } from '../auth';
import { idParams } from '../../shared/http/object-id.schema';
import type { HazardsService } from './hazards.service';
import type { InspectionsService } from './inspections.service';
import { checklistParams } from './inspections.schemas';

/** HTTP only: checklists, inspections and the one hazard list. */
export function inspectionsRoutes(inspections: InspectionsService, hazards: HazardsService): Router {
  const router = Router();
  router.get('/inspection-checklists', async (req, res) => {
    res.json(await inspections.checklists(principalOf(req)));
  });
  router.put('/inspection-checklists/:premisesType', async (req, res) => {
    const principal = principalOf(req);
    const { premisesType } = checklistParams.parse(req.params);
    res.json(await inspections.updateChecklist(principal, premisesType, req.body ?? {}));
  });
  router.post('/inspections', async (req, res) => {
    res.status(201).json(await inspections.record(principalOf(req), req.body ?? {}));
  });
  router.get('/inspections', async (req, res) => {
    res.json(await inspections.list(principalOf(req), req.query));
  });
  router.get('/inspections/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await inspections.get(principal, id));
  });
  router.get('/hazards', async (req, res) => {
    res.json(await hazards.list(principalOf(req), req.query));
  });
  return router;
}
