import { Router } from 'express';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { BEARER_SECURITY, principalOf } from '../auth';
import { fillSummaryQuery, fillSummaryView, stationActivityParams, stationDecisionPage, stationDecisionsQuery } from './station-activity.schemas';
import type { StationActivityService } from './station-activity.service';

/** A filling station's activity as its console reads it: the interlock's decisions, the day's fills per scale and operator. */
export function stationActivityRoutes(service: StationActivityService): Router {
  const router = Router();
  router.get('/stations/:id/interlock-decisions', async (req, res) => {
    const principal = principalOf(req);
    const { id } = stationActivityParams.parse(req.params);
    res.json(await service.decisions(principal, id, stationDecisionsQuery.parse(req.query)));
  });
  router.get('/stations/:id/fill-summary', async (req, res) => {
    const principal = principalOf(req);
    const { id } = stationActivityParams.parse(req.params);
    res.json(await service.fillSummary(principal, id, fillSummaryQuery.parse(req.query).day));
  });
  return router;
}

export function registerStationActivityOpenApi(registry: OpenAPIRegistry): void {
  const base = { tags: ['scale controls'], security: BEARER_SECURITY };
  const errors = {
    400: problemResponse('VALIDATION_FAILED, INVALID_CURSOR'),
    401: problemResponse('UNAUTHORIZED'),
    403: problemResponse('FORBIDDEN: the role reads no fill records'),
    404: problemResponse('NOT_FOUND: no such filling station in your scope'),
  };
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/stations/{id}/interlock-decisions',
    summary: "The interlock's answers to a station's scales (allow / deny with the reasons, refused fill reports), newest first, in your scope",
    request: { params: stationActivityParams, query: stationDecisionsQuery },
    responses: { 200: { description: 'A page', ...json(stationDecisionPage) }, ...errors },
  });
  registry.registerPath({
    ...base,
    method: 'get',
    path: '/api/v1/stations/{id}/fill-summary',
    summary: "A station's fills of one city day counted per scale and per filling operator, in your scope",
    request: { params: stationActivityParams, query: fillSummaryQuery },
    responses: { 200: { description: 'The counts', ...json(fillSummaryView) }, ...errors },
  });
}
