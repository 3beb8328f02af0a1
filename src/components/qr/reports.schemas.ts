import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { PUBLIC_REPORT_STATUSES } from './qr.model';

const iso = z.string().openapi({ format: 'date-time' });

export const publicReportsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  status: z.enum(['new', 'in_case', 'dismissed', 'closed']).optional(),
  district: z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative division code').optional(),
});

export const dismissReportBody = z
  .strictObject({ reason: z.string().trim().min(1).max(500).refine((s) => !s.startsWith('$'), 'must not start with $').openapi({ description: 'Why the report is not followed up (kept in the audit trail)' }) })
  .openapi('PublicReportDismiss');

export const reportStatusQuery = z.strictObject({
  receipt: z.string().trim().toUpperCase().pipe(z.string().regex(/^JB[2-9A-HJ-NP-Z]{10}$/, 'must be a receipt number: JB and 10 letters or digits')),
});

export const publicReportView = z
  .object({
    id: z.string(),
    receipt: z.string().nullable(),
    status: z.enum(PUBLIC_REPORT_STATUSES),
    district: z.string().nullable(),
    location: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }).nullable(),
    code: z.string().nullable(),
    grai: z.string().nullable(),
    reason: z.string(),
    text: z.string(),
    photoId: z.string().nullable(),
    contact: z.string().nullable().openapi({ description: "The reporter's contact, when given: regulators only" }),
    duplicates: z.number().int().openapi({ description: 'Later reports of the same code at the same place (≈100 m) within 7 days' }),
    caseId: z.string().nullable(),
    dismissal: z.object({ reason: z.string(), at: iso }).nullable(),
    createdAt: iso,
  })
  .openapi('PublicReportItem');
export type PublicReportView = z.infer<typeof publicReportView>;
export const publicReportsPage = pageSchema(publicReportView, 'PublicReportPage');

export const reportStatusView = z
  .object({ receipt: z.string(), status: z.enum(['received', 'in_case', 'closed', 'dismissed']), updatedAt: iso, outcome: z.string().nullable() })
  .openapi('PublicReportStatus');
export type ReportStatusView = z.infer<typeof reportStatusView>;
