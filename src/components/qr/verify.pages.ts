import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { answerErrorsAsProblem } from '../../shared/errors/error.middleware';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { AppError } from '../../shared/errors/app.error';
import type { RateLimit } from '../../shared/rate-limit/shared.limiter';
import { findQuery, reportBody, verificationView, verifyParams, verifyQuery } from './qr.schemas';
import type { Lang } from './verify.i18n';
import type { VerifyService } from './verify.service';
import { renderVerifyPage } from './verify.view';

/** JSON when the client asks for it; browsers (text/html first) get the page. */
function wantsJson(req: Request): boolean {
  return req.accepts(['text/html', 'application/json']) === 'application/json';
}

function langOf(req: Request, asked: Lang | undefined): Lang {
  if (asked) return asked;
  const preferred = req.acceptsLanguages('zh', 'en');
  return preferred === 'en' ? 'en' : 'zh';
}

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** 429 RATE_LIMITED past the limiter's count for the client's address (the public routes of QR identity). */
export function rateLimit(limiter: RateLimit): RequestHandler {
  return async (req, res, next) => {
    const outcome = await limiter.take(clientAddress(req));
    if (outcome.allowed) {
      next();
      return;
    }
    res.set('Retry-After', String(outcome.retryAfterSeconds));
    next(new AppError('RATE_LIMITED', 429, 'Too many requests', { detail: `Too many verification requests; retry in ${outcome.retryAfterSeconds} s` }));
  };
}

/**
 * The public verification page at the URI printed in every code, /8003/{GRAI}: no login,
 * zh-CN unless the client asks for English, the same content as JSON by content negotiation.
 */
export function verifyPages(service: VerifyService, limiter: RateLimit): Router {
  const router = Router();
  router.use('/8003', rateLimit(limiter));

  // The manual entry box (a damaged label): to the code's page, without a signature, so "unverified".
  router.get('/8003/find', async (req, res) => {
    const { code, lang } = findQuery.parse(req.query);
    const grai = (await service.findCode(code)) ?? code.replace(/\s+/g, '');
    res.redirect(303, `/8003/${encodeURIComponent(grai)}${lang ? `?lang=${lang}` : ''}`);
  });

  router.get('/8003/:grai', async (req, res) => {
    const { grai } = verifyParams.parse(req.params);
    const query = verifyQuery.parse(req.query);
    const location = query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : undefined;
    const verification = await service.verify(grai, query.s, { clientAddress: clientAddress(req), ...(location ? { location } : {}) });
    res.status(verification.verdict === 'unknown' || verification.warnings.includes('MALFORMED_CODE') ? 404 : 200);
    res.set('Cache-Control', 'no-store').vary('Accept').vary('Accept-Language');
    if (wantsJson(req)) {
      res.json(verification);
      return;
    }
    res.type('html').send(renderVerifyPage({ verification, lang: langOf(req, query.lang), signature: query.s, reported: query.reported === '1', ...(query.receipt ? { receipt: query.receipt } : {}) }));
  });

  router.post('/8003/:grai/report', async (req, res) => {
    const { grai } = verifyParams.parse(req.params);
    const query = verifyQuery.parse(req.query);
    const input = reportBody.parse(req.body ?? {});
    const { id, receipt } = await service.report(grai, query.s, input, { clientAddress: clientAddress(req) });
    if (wantsJson(req)) {
      res.status(201).json({ id, receipt });
      return;
    }
    const back = new URLSearchParams({ ...(query.s ? { s: query.s } : {}), lang: langOf(req, query.lang), reported: '1', receipt });
    res.redirect(303, `/8003/${encodeURIComponent(grai)}?${back.toString()}`);
  });

  router.use(problemForJsonClients);
  return router;
}

/**
 * Errors of these routes as problem+json unless a browser asked (a client naming no type gets
 * JSON here); the app's one translator writes either, in the language asked for.
 */
const problemForJsonClients: ErrorRequestHandler = (error, req, res, next) => {
  if (req.accepts(['application/json', 'text/html']) !== 'text/html') answerErrorsAsProblem(res);
  next(error);
};

export function registerVerifyOpenApi(registry: OpenAPIRegistry): void {
  const tags = ['public verification'];
  const params = z.object({ grai: z.string().openapi({ example: '06141410000153' }) });
  // The parsing schema forgives bad optional keys (.catch), which OpenAPI cannot express; same keys here.
  const verifyQueryDoc = z.object({
    s: z.string().optional().openapi({ description: 'Signature printed in the code: {keyId}.{base64url}' }),
    lang: z.enum(['zh', 'en']).optional().openapi({ description: 'Page language; default from Accept-Language, else zh-CN' }),
    lat: z.number().optional().openapi({ description: 'Optional scan location; stored rounded to ~1 km' }),
    lng: z.number().optional(),
  });
  const rateLimited = { 429: problemResponse('RATE_LIMITED: too many requests from this address (per process); see Retry-After') };
  registry.registerPath({
    method: 'get', path: '/8003/{grai}', tags,
    summary: 'Public verification of a cylinder code (the URI in every QR); HTML by default, JSON with Accept: application/json',
    description: 'No login. Every scan is recorded without personal data (verdict, time, a daily keyed hash of the address, an optional location rounded to ~1 km).',
    request: { params, query: verifyQueryDoc },
    responses: {
      200: { description: 'A registered code (genuine or not; see `verdict` and `warnings`)', content: { 'application/json': { schema: verificationView }, 'text/html': { schema: z.string() } } },
      404: { description: 'A code the city never issued or a malformed one', ...json(verificationView) },
      ...rateLimited,
    },
  });
  registry.registerPath({
    method: 'get', path: '/8003/find', tags,
    summary: 'The manual entry of a damaged label: a GRAI or a steel-stamp serial, redirected to its page (without a signature: verdict unverified)',
    request: { query: z.object({ code: z.string().openapi({ description: 'A GRAI (spaces and (8003) allowed) or a steel-stamp serial' }), lang: z.enum(['zh', 'en']).optional() }) },
    responses: { 303: { description: 'To /8003/{grai}' }, 400: problemResponse('VALIDATION_FAILED'), ...rateLimited },
  });
  registry.registerPath({
    method: 'post', path: '/8003/{grai}/report', tags, summary: 'Report a problem with a cylinder (form or JSON); browsers are redirected back to the page',
    request: { params, body: { content: { 'application/json': { schema: reportBody }, 'application/x-www-form-urlencoded': { schema: reportBody } }, required: true } },
    responses: { 201: { description: 'Stored, with the receipt number (举报回执号) the reporter reads the outcome with (GET /api/v1/public/report-status)', ...json(z.object({ id: z.string(), receipt: z.string().openapi({ example: 'JB7K2M9QH4XA' }) })) }, 303: { description: 'Stored; back to the page' }, 400: problemResponse('VALIDATION_FAILED'), ...rateLimited },
  });
}
