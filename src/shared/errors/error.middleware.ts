import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { renderView } from '../http/html.view';
import { AppError } from './app.error';
import { createMessageCatalog, localizeProblem, negotiateLanguage, type MessageCatalog } from './problem.localize';
import { toProblem } from './problem.mapper';
import { PROBLEM_CONTENT_TYPE } from './problem.schema';

export function isApiPath(path: string): boolean {
  return /^\/api(\/|$)/.test(path);
}

/**
 * A route outside /api that answers JSON clients as well as browsers (the public verification
 * page) marks the response so, and this translator answers its errors as problem+json, localized
 * like every other problem.
 */
export function answerErrorsAsProblem(res: Response): void {
  res.locals.problemJson = true;
}

/** A client that ranks JSON above HTML (a page's JSON form, a script) gets problem+json outside /api too. */
function prefersJson(req: Request): boolean {
  return req.get('accept') !== undefined && req.accepts(['text/html', 'application/json']) === 'application/json';
}

/** Terminal handler for unmatched routes; the error middleware decides how it looks. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(AppError.notFound(`No route for ${req.method} ${pathOf(req.originalUrl)}`));
};

/**
 * The one error translator at the edge: problem+json under /api, an HTML page elsewhere, in the
 * language the request's Accept-Language asks for (English when it names none we write).
 * Unexpected errors are logged with their stack here and reach the client only as a request id.
 */
export function errorMiddleware(options: { exposeInternals: boolean; messages?: MessageCatalog }): ErrorRequestHandler {
  const messages = options.messages ?? createMessageCatalog();
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for a clean answer; Express's default handler closes the connection.
      next(error);
      return;
    }
    const path = pathOf(req.originalUrl);
    const lang = negotiateLanguage(req.get('accept-language'));
    const problem = localizeProblem(
      toProblem(error, {
        instance: path,
        requestId: typeof req.id === 'string' ? req.id : undefined,
        exposeInternals: options.exposeInternals,
      }),
      lang,
      messages,
    );
    if (problem.status >= 500) req.log?.error({ err: error }, 'request failed');
    else req.log?.debug({ code: problem.code }, 'request rejected');

    res.status(problem.status).set('Content-Language', lang).vary('Accept-Language');
    if (isApiPath(path) || req.path === '/healthz' || req.path === '/readyz' || res.locals.problemJson === true || prefersJson(req)) {
      res.type(PROBLEM_CONTENT_TYPE).send(serializeProblem(problem));
      return;
    }
    res.type('html').send(
      renderView('error', {
        status: problem.status,
        title: problem.title,
        detail: problem.detail ?? '',
        requestId: problem.requestId ?? '',
      }),
    );
  };
}

/**
 * The problem as JSON with `<`, `>` and `&` written as \u escapes (what Go's encoding/json does by
 * default): a problem names what the caller sent — an unknown key is its field's path — and so
 * must never carry the caller's markup as markup. A JSON parser reads the same text back.
 */
export function serializeProblem(problem: object): string {
  return JSON.stringify(problem).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Query strings may carry tokens; the problem's `instance` and logs keep the path only.
function pathOf(url: string): string {
  return url.split('?')[0] ?? url;
}
