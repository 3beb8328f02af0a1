import { idParams } from '../../shared/http/object-id.schema';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { checklistBody, checklistParams, checklistView, hazardsPage, hazardsQuery, inspectionBody, inspectionsPage, inspectionsQuery, inspectionView } from './inspections.schemas';

export function registerInspectionsOpenApi(registry: OpenAPIRegistry): void {
  const security = [{ bearerAuth: [] }];
  const common = {
    400: problemResponse('Invalid input: every bad field is listed (VALIDATION_FAILED), or INVALID_CURSOR'),
    401: problemResponse('Not authenticated'),
    403: problemResponse('The role may not do this'),
  };
  const tags = ['inspections'];
  registry.registerPath({
    method: 'get', path: '/api/v1/inspection-checklists', tags, security, summary: 'The current checklist of each premises type (station, supply point, restaurant)',
    responses: { 200: { description: 'Current versions', ...json(z.object({ items: z.array(checklistView) })) }, ...common },
  });
  registry.registerPath({
    method: 'put', path: '/api/v1/inspection-checklists/{premisesType}', tags, security, summary: 'Replace a checklist (the city regulator): a new version; inspections keep the version they were made with',
    request: { params: checklistParams, body: { ...json(checklistBody), required: true } },
    responses: { 200: { description: 'The new version', ...json(checklistView) }, ...common },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/inspections', tags, security,
    summary: 'Record a premises inspection (a regulator): every item of the checklist version answered; each failed item (with its deadline) becomes a hazard',
    request: { body: { ...json(inspectionBody), required: true } },
    responses: { 201: { description: 'The inspection', ...json(inspectionView) }, ...common, 404: problemResponse("NOT_FOUND: no such premises within the caller's scope") },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/inspections', tags, security, summary: "Inspections within the caller's scope, newest first; cursor-paged",
    request: { query: inspectionsQuery },
    responses: { 200: { description: 'A page of inspections', ...json(inspectionsPage) }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/inspections/{id}', tags, security, summary: 'One inspection',
    request: { params: idParams },
    responses: { 200: { description: 'The inspection', ...json(inspectionView) }, ...common, 404: problemResponse('NOT_FOUND') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/hazards', tags: ['inspections', 'deliveries'], security,
    summary: 'Hazards: failed inspection items (source inspection) and failed household safety-check items (source household), soonest deadline first; cursor-paged',
    description: 'Status `open`, `in_case` (put into a case: `caseId`), `closed` (the case closed; a household hazard also closes when a later check passes it).',
    request: { query: hazardsQuery },
    responses: { 200: { description: 'A page of hazards', ...json(hazardsPage) }, ...common },
  });
}
