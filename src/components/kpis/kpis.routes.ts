import { Router, type Response } from 'express';
import { principalOf } from '../auth';
import { csvFileName, kpisCsv, reconciliationCsv } from './kpis.csv';
import { kpisQuery, reconciliationQuery } from './kpis.schemas';
import type { KpisService } from './kpis.service';
import type { ReconciliationService } from './reconciliation.service';

const sendCsv = (res: Response, name: string, body: string) => {
  res.type('text/csv; charset=utf-8').attachment(name).send(body);
};

/** HTTP only: parse, call the service, answer JSON or CSV. */
export function kpisRoutes(kpis: KpisService, reconciliation: ReconciliationService): Router {
  const router = Router();
  router.get('/kpis', async (req, res) => {
    res.json(await kpis.kpis(principalOf(req), kpisQuery.parse(req.query)));
  });
  router.get('/kpis.csv', async (req, res) => {
    const view = await kpis.kpis(principalOf(req), kpisQuery.parse(req.query));
    sendCsv(res, csvFileName('kpis', view.period), kpisCsv(view));
  });
  router.get('/reconciliation', async (req, res) => {
    res.json(await reconciliation.report(principalOf(req), reconciliationQuery.parse(req.query)));
  });
  router.get('/reconciliation.csv', async (req, res) => {
    const view = await reconciliation.report(principalOf(req), reconciliationQuery.parse(req.query));
    sendCsv(res, csvFileName('reconciliation', view.period), reconciliationCsv(view));
  });
  return router;
}
