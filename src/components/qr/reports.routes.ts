import { Router, type RequestHandler } from 'express';
import { principalOf } from '../auth';
import { idParams } from '../../shared/http/object-id.schema';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import type { ReportsService } from './reports.service';
import { dismissReportBody, publicReportsPage, publicReportsQuery, publicReportView, reportStatusQuery, reportStatusView } from './reports.schemas';

/** HTTP only: the regulators' queue of public reports, and the reporter's status check (no login, rate-limited). */
export function reportsRoutes(service: ReportsService, statusLimit: RequestHandler): Router {
  const router = Router();
  router.get('/public-reports', async (req, res) => {
    res.json(await service.list(principalOf(req), req.query));
  });
  router.get('/public-reports/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.get(principal, id));
  });
  router.post('/public-reports/:id/dismiss', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.dismiss(principal, id, req.body ?? {}));
  });
  router.get('/public/report-status', statusLimit, async (req, res) => {
    const { receipt } = reportStatusQuery.parse(req.query);
    res.set('Cache-Control', 'no-store').json(await service.status(receipt));
  });
  return router;
}

export function registerReportsOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['public reports'];
  const security = [{ bearerAuth: [] }];
  const common = { 400: problemResponse('VALIDATION_FAILED or INVALID_CURSOR'), 401: problemResponse('Not authenticated'), 403: problemResponse('The role may not do this') };
  registry.registerPath({
    method: 'get', path: '/api/v1/public-reports', tags, security,
    summary: "举报: the public's reports from the verification page, newest first (duplicates counted on the original); a district regulator sees its district's",
    request: { query: publicReportsQuery },
    responses: { 200: { description: 'A page of reports', ...json(publicReportsPage) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/public-reports/{id}', tags, security, summary: 'One report (a duplicate answers as its original)',
    request: { params: idParams },
    responses: { 200: { description: 'The report', ...json(publicReportView) }, ...common, 404: problemResponse('NOT_FOUND') },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/public-reports/{id}/dismiss', tags, security, summary: 'Dismiss a report with a reason (a regulator); audited. Open a case from it instead with POST /cases, source report',
    request: { params: idParams, body: { ...json(dismissReportBody), required: true } },
    responses: { 200: { description: 'The report, dismissed', ...json(publicReportView) }, ...common, 404: problemResponse('NOT_FOUND'), 409: problemResponse('REPORT_DISMISSED or REPORT_IN_CASE') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/public/report-status', tags,
    summary: "The reporter's check with the receipt number the page gave (no login, rate-limited): status and outcome only",
    request: { query: reportStatusQuery },
    responses: { 200: { description: 'Status', ...json(reportStatusView) }, 400: problemResponse('VALIDATION_FAILED'), 404: problemResponse('NOT_FOUND: no report with this receipt'), 429: problemResponse('RATE_LIMITED') },
  });
}
