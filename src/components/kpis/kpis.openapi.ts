import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { KPI_CSV_HEADERS, RECONCILIATION_CSV_HEADERS } from './kpis.csv';
import { kpisQuery, kpisView, reconciliationQuery, reconciliationView } from './kpis.schemas';

const csv = (headers: readonly string[]) => ({
  content: { 'text/csv': { schema: z.string().openapi({ description: `UTF-8 with a BOM (opens in Chinese Excel), CRLF; columns: ${headers.join(', ')}` }) } },
});

export function registerKpisOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['kpis'];
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid query: every bad field is listed (VALIDATION_FAILED): a date that is none, `to` not after `from`, a period over 366 days, an unknown parameter'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not read KPIs, or asked for another district (a district regulator) or enterprise (an enterprise admin)'),
  };
  const scope = 'Scope: a city regulator the city (or the district asked), a district regulator its own district, an enterprise admin its own enterprise.';
  registry.registerPath({
    method: 'get', path: '/api/v1/kpis', tags, security,
    summary: `The supervision KPIs of a period: case-filing and rectification rates, cases, overdue and over-age cylinders, fills per station and day, interlock denials, confirmed hand-overs, alerts by rule and district. Each figure's definition (numerator, denominator) is in the Kpis schema. ${scope}`,
    request: { query: kpisQuery },
    responses: { 200: { description: 'The figures', ...json(kpisView) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/kpis.csv', tags, security,
    summary: `The same figures as a CSV table, one figure (or one site, reason, enterprise, rule) per row. ${scope}`,
    request: { query: kpisQuery },
    responses: { 200: { description: 'The KPI table', ...csv(KPI_CSV_HEADERS) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/reconciliation', tags, security,
    summary: `Flow reconciliation (气瓶流向核对): per enterprise and site, cylinders filled in the period vs those that reached a registered customer within FLOW_GAP_DAYS vs those returned; the unaccounted ones (left the station, reached no registered customer) ranked by gap rate, each site with up to 10 of its unaccounted cylinders and their last events. ${scope}`,
    request: { query: reconciliationQuery },
    responses: { 200: { description: 'The ranking', ...json(reconciliationView) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/reconciliation.csv', tags, security,
    summary: `The reconciliation ranking as CSV. ${scope}`,
    request: { query: reconciliationQuery },
    responses: { 200: { description: 'The ranking', ...csv(RECONCILIATION_CSV_HEADERS) }, ...common },
  });
}
