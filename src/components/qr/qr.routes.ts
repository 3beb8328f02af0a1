import { Router } from 'express';
import { BEARER_SECURITY, principalOf } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import type { OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { json, problemResponse } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import type { CodeView, CommissionService } from './commission.service';
import { labelPng, labelSvg } from './label.render';
import { batchCommissionBody, codeView, commissionBody, commissionOutcome, idParams, labelBatch, labelParams, sheetQuery } from './qr.schemas';
import { renderSheet, sheetLabelSvg } from './sheet.view';

/** HTTP only: commissioning, codes, labels and sheets under /api/v1. */
export function qrRoutes(service: CommissionService): Router {
  const router = Router();

  router.post('/cylinders/:id/commission', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    const { grai } = commissionBody.parse(req.body ?? {});
    const outcome = await service.commission(principal, id, grai);
    res.status(outcome.status === 'commissioned' ? 201 : 200).json(outcome);
  });

  router.post('/cylinders/:id/retire-code', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.retire(principal, id));
  });

  router.get('/cylinders/:id/code', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.code(principal, id));
  });

  router.get('/cylinders/:id/label.:format', async (req, res) => {
    const principal = principalOf(req);
    const { id, format } = labelParams.parse(req.params);
    const code = await service.code(principal, id);
    const content = { uri: code.uri, graiText: code.graiText, serial: code.serial };
    res.set('Content-Disposition', `inline; filename="${code.grai}.${format}"`);
    if (format === 'svg') res.type('image/svg+xml').send(labelSvg(content));
    else res.type('image/png').send(labelPng(content));
  });

  router.post('/qr/commission', async (req, res) => {
    // Who asks first: a caller without a token learns nothing about the body's shape.
    const principal = principalOf(req);
    const { cylinderIds } = batchCommissionBody.parse(req.body);
    res.json({ items: await service.commissionBatch(principal, cylinderIds) });
  });

  /** The batch's codes; a forbidden role gets nothing at all, a missing or uncommissioned cylinder is listed. */
  async function batchCodes(principal: ReturnType<typeof principalOf>, cylinderIds: readonly string[]) {
    const codes: CodeView[] = [];
    const skipped: { cylinderId: string; reason: string }[] = [];
    for (const id of cylinderIds) {
      try {
        codes.push(await service.code(principal, id));
      } catch (error) {
        if (!(error instanceof AppError) || error.status === 403) throw error;
        skipped.push({ cylinderId: id, reason: error.code });
      }
    }
    return { codes, skipped };
  }

  router.get('/qr/sheets', async (req, res) => {
    const principal = principalOf(req);
    const { cylinderIds } = sheetQuery.parse(req.query);
    const { codes, skipped } = await batchCodes(principal, cylinderIds);
    res.type('html').send(renderSheet(codes, skipped));
  });

  // The same labels as JSON, for the web console: it fetches them with its bearer token (a browser
  // cannot add one to a page it opens) and lays out and prints the A4 sheet itself.
  router.get('/qr/labels', async (req, res) => {
    const principal = principalOf(req);
    const { cylinderIds } = sheetQuery.parse(req.query);
    const { codes, skipped } = await batchCodes(principal, cylinderIds);
    res.set('Cache-Control', 'no-store').json({ items: codes.map((code) => ({ ...code, svg: sheetLabelSvg(code) })), skipped });
  });

  return router;
}

export function registerQrOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['qr'];
  const security = BEARER_SECURITY;
  const common = { 400: problemResponse('Invalid input (VALIDATION_FAILED)'), 401: problemResponse('Not authenticated'), 403: problemResponse('The role may not do this') };
  const notFound = { 404: problemResponse('No such cylinder within the caller\'s scope') };
  const params = idParams;
  registry.registerPath({
    method: 'post', path: '/api/v1/cylinders/{id}/commission', tags, security,
    summary: '赋码建档: bind a GRAI to the cylinder for life and record the ledger `commission` event',
    description: 'Idempotent: a commissioned cylinder keeps its code (200). A scrapped cylinder is refused; a different `grai` for a commissioned cylinder is refused (GRAI_ALREADY_BOUND).',
    request: { params, body: { ...json(commissionBody), required: false } },
    responses: {
      201: { description: 'Commissioned now', ...json(commissionOutcome) },
      200: { description: 'Already commissioned: the code it holds', ...json(commissionOutcome) },
      ...common, ...notFound,
      409: problemResponse('CYLINDER_SCRAPPED, CYLINDER_INACTIVE, GRAI_ALREADY_BOUND, GRAI_RETIRED, a code in use, or LEDGER_REJECTED (the derived commission event id is held by another event; no code stays bound)'),
      422: problemResponse('COMMISSION_REFUSED: the ledger refused the commission event (every reason in `reasons`: a licence, the inspection date, the service life); no code stays bound'),
    },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/qr/commission', tags, security,
    summary: 'Commission a batch of cylinders (at most 200); each reported commissioned, already commissioned or rejected',
    request: { body: { ...json(batchCommissionBody), required: true } },
    responses: { 200: { description: 'One outcome per cylinder', ...json(z.object({ items: z.array(commissionOutcome) })) }, ...common },
  });
  registry.registerPath({
    method: 'post', path: '/api/v1/cylinders/{id}/retire-code', tags, security,
    summary: 'Retire a scrapped cylinder\'s GRAI: it is never issued again',
    request: { params },
    responses: { 200: { description: 'Retired', ...json(z.object({ cylinderId: z.string(), grai: z.string(), retired: z.literal(true) })) }, ...common, ...notFound, 409: problemResponse('NOT_COMMISSIONED or CYLINDER_NOT_SCRAPPED') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cylinders/{id}/code', tags, security, summary: 'The cylinder\'s GRAI and signed QR URI',
    request: { params },
    responses: { 200: { description: 'Code', ...json(codeView) }, ...common, ...notFound, 409: problemResponse('NOT_COMMISSIONED') },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/cylinders/{id}/label.{format}', tags, security,
    summary: 'The cylinder\'s QR label (error correction Q, 4-module quiet zone, GRAI and steel-stamp serial under the code)',
    request: { params: labelParams },
    responses: {
      200: { description: 'Label', content: { 'image/svg+xml': { schema: z.string() }, 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
      ...common, ...notFound, 409: problemResponse('NOT_COMMISSIONED'),
    },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/qr/sheets', tags, security, summary: 'A printable A4 HTML sheet of labels for a commissioning batch',
    request: { query: sheetQuery },
    responses: { 200: { description: 'HTML sheet', content: { 'text/html': { schema: z.string() } } }, ...common },
  });
  registry.registerPath({
    method: 'get', path: '/api/v1/qr/labels', tags, security,
    summary: 'The labels of a batch as JSON (each code with its 38 mm label SVG), for a console that lays out and prints the A4 sheet itself',
    description: 'The same codes and skips as /qr/sheets. A cylinder outside the caller\'s scope, missing or not commissioned is listed in `skipped` with the reason code.',
    request: { query: sheetQuery },
    responses: { 200: { description: 'Labels', ...json(labelBatch) }, ...common },
  });
}
