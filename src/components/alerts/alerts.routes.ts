import { Router } from 'express';
import { principalOf } from '../auth';
import { negotiateLanguage } from '../../shared/errors/problem.localize';
import { idParams } from '../../shared/http/object-id.schema';
import type { AlertsService } from './alerts.service';
import { acknowledgeBody, alertsQuery, dismissBody } from './alerts.schemas';

/** HTTP only: parse, call the service, answer (the texts the server composed in the language of Accept-Language). */
export function alertsRoutes(service: AlertsService): Router {
  const router = Router();
  router.get('/alerts', async (req, res) => {
    res.json(await service.list(principalOf(req), alertsQuery.parse(req.query), negotiateLanguage(req.get('accept-language'))));
  });
  router.get('/alerts/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.get(principal, id, negotiateLanguage(req.get('accept-language'))));
  });
  router.post('/alerts/:id/acknowledge', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    const { note } = acknowledgeBody.parse(req.body ?? {});
    res.json(await service.acknowledge(principal, id, note, negotiateLanguage(req.get('accept-language'))));
  });
  router.post('/alerts/:id/dismiss', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    const { reason } = dismissBody.parse(req.body ?? {});
    res.json(await service.dismiss(principal, id, reason, negotiateLanguage(req.get('accept-language'))));
  });
  return router;
}
