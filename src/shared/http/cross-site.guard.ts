import type { Request } from 'express';
import { AppError } from '../errors/app.error';

/**
 * The routes a browser's cookie alone authorizes (the consoles' refresh, the customer's page) also
 * refuse a request the browser itself marks as made by another site's page (Fetch Metadata,
 * `Sec-Fetch-Site: cross-site`): SameSite=Strict already keeps the cookie out of such a request in
 * current browsers; this holds where a browser or an embedding ignores it. A client that is no
 * browser sends no such header and is unaffected.
 */
export function refuseCrossSite(req: Request): void {
  if (req.get('sec-fetch-site') === 'cross-site') throw AppError.forbidden('A page of another site may not use this session');
}
