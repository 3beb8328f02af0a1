import express, { Router, type Request } from 'express';
import { authorize, principalOf } from '../auth';
import { AppError } from '../../shared/errors/app.error';
import { charsetOf } from './imports.decode';
import { TEMPLATE_HEADERS } from './imports.columns';
import { LIMITS } from './imports.csv';
import { importParamsSchema, importQuerySchema } from './imports.schemas';
import type { ImportReport, ImportService } from './imports.service';

// Excel and browsers label a .csv upload in all of these ways.
export const CSV_MEDIA_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'];

const rawCsv = express.raw({ type: CSV_MEDIA_TYPES, limit: LIMITS.maxBytes });

/** POST /imports/{resource}?dryRun=true|false with the CSV file as the body. */
export function importRoutes(service: ImportService): Router {
  const router = Router();
  router.post(
    '/imports/:resource',
    // Who and what are checked before a 20 MB body is read.
    (req, _res, next) => {
      const principal = principalOf(req);
      const { resource } = parseResource(req);
      authorize(principal, resource, 'import');
      next();
    },
    rawCsv,
    async (req, res) => {
      const { resource } = parseResource(req);
      const query = importQuerySchema.parse(req.query);
      if (!Buffer.isBuffer(req.body)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type', {
          detail: `Send the CSV file as the body with Content-Type ${CSV_MEDIA_TYPES[0]}`,
        });
      }
      const encoding = query.encoding ?? charsetOf(req.headers['content-type']);
      const report = await service.importCsv(principalOf(req), {
        resource,
        body: req.body,
        dryRun: query.dryRun,
        ...(encoding ? { encoding } : {}),
      });
      if (report.errorCount > 0) throw rejected(report);
      res.json(report);
    },
  );
  router.get('/imports/:resource/template', (req, res) => {
    const principal = principalOf(req);
    const { resource } = parseResource(req);
    authorize(principal, resource, 'import');
    // A UTF-8 BOM, so that Excel opens the Chinese headers as UTF-8; the import reads it either way.
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${resource}-template.csv"`)
      .send(`\uFEFF${TEMPLATE_HEADERS[resource].join(',')}\r\n`);
  });
  return router;
}

function parseResource(req: Request) {
  const parsed = importParamsSchema.safeParse(req.params);
  if (!parsed.success) throw AppError.notFound(`Nothing can be imported into "${String(req.params.resource)}"`);
  return parsed.data;
}

/**
 * A rejected file is a problem document (RFC 9457) carrying the whole report — every line, column
 * and reason — as extension members; the error edge writes it, in the client's language.
 */
function rejected(report: ImportReport): AppError {
  return new AppError('IMPORT_REJECTED', 422, 'Import rejected', {
    detail: `${report.errorCount} problem(s) found; nothing was imported`,
    extensions: { ...report },
  });
}
