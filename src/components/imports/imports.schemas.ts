import { z } from '../../shared/openapi/zod.openapi';
import { ENCODINGS } from './imports.decode';
import { IMPORTABLE_RESOURCES } from './imports.ports';

export const importParamsSchema = z.object({
  resource: z.enum(IMPORTABLE_RESOURCES).openapi({ example: 'cylinders' }),
});

export const importQuerySchema = z
  .object({
    // Required on purpose: a bulk write is never the default of a forgotten parameter.
    dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').openapi({ description: 'true: check and count, write nothing' }),
    encoding: z
      .enum(ENCODINGS)
      .optional()
      .openapi({ description: 'Overrides detection (UTF-8 BOM or valid UTF-8 → UTF-8, otherwise GB18030)' }),
  })
  .strict();

export const importErrorSchema = z
  .object({
    line: z.number().int().openapi({ example: 3, description: 'Line in the file; the header is line 1' }),
    column: z.string().openapi({ example: '制造日期', description: 'The header as written; "" for the whole row' }),
    reason: z.string().openapi({ example: '"2021/13/1" is not a date (YYYY-MM-DD or YYYY/M/D)' }),
  })
  .openapi('ImportError');

const reportFields = {
  dryRun: z.boolean(),
  resource: z.enum(IMPORTABLE_RESOURCES),
  encoding: z.enum(ENCODINGS),
  rows: z.number().int().openapi({ description: 'Data rows in the file' }),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  errorCount: z.number().int(),
};

export const importReportSchema = z
  .object({ ...reportFields, errors: z.array(importErrorSchema).max(0) })
  .openapi('ImportReport');

/** 422 IMPORT_REJECTED: a problem document (RFC 9457) carrying the import report's fields as extensions. */
export const importRejectedSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.literal(422),
    detail: z.string(),
    instance: z.string(),
    code: z.literal('IMPORT_REJECTED'),
    requestId: z.string().optional(),
    ...reportFields,
    errors: z.array(importErrorSchema).openapi({ description: 'Every problem found, by line; at most 10,000 listed' }),
  })
  .openapi('ImportRejected');

export type ImportReportBody = z.infer<typeof importReportSchema>;
