import type { RequestHandler } from 'express';
import type { Logger } from '../logger/logger.factory';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id.resolver';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id, echoed in X-Request-Id and stamped on every log line of the request. */
    id?: string;
    /** A logger whose lines carry the request id. */
    log?: Logger;
  }
}

// Probes hit these every few seconds; logging them would drown everything else.
const UNLOGGED = new Set(['/healthz', '/readyz']);

/**
 * Gives every request its id (echoed in X-Request-Id) and a logger `req.log` that stamps it on
 * each line, then writes one access-log line per response.
 *
 * Written here rather than with pino-http: `npm run bench:micro` measures ours at about 0.87 × the
 * per-request time behind pino-http with logging off and 0.93 × with it on (tens of µs saved, not
 * the 85 µs first claimed), with the same lines and request ids.
 */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = resolveRequestId(req.headers[REQUEST_ID_HEADER.toLowerCase()]);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    req.log = logger.child({ requestId: id });
    // Levels are thresholds: with error off, no access line could be written.
    if (UNLOGGED.has(req.url) || !logger.isLevelEnabled('error')) {
      next();
      return;
    }
    const started = performance.now();
    // 'close' comes after 'finish' for a sent response, and alone for one the client gave up on.
    res.once('close', () => {
      const completed = res.writableFinished;
      const level = !completed || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          requestId: id,
          req: { method: req.method, url: req.originalUrl, remoteAddress: req.ip ?? req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        completed ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
