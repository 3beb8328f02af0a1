import { phraseView } from '../alerts';
import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { CASE_COMMANDS, CASE_STATUSES, REVIEW_OUTCOMES } from './cases.lifecycle';
import { SOURCE_TYPES, SUBJECT_TYPES } from './cases.model';
import { realDate } from '../../shared/http/date.schema';

/** Edge schemas of the cases, inspections and hazards: bodies, queries, views. Unknown keys on writes are refused. */

export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.startsWith('$'), 'must not start with $');

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
export const isoDateTime = realDate(
  z
    .string()
    // One problem per field: a text that is no date at all is not also "not a real date".
    .regex(ISO_DATE_TIME, { message: 'must be a date (YYYY-MM-DD) or an ISO date-time', abort: true })
    .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date'),
)
  .transform((s) => new Date(s))
  .openapi({ type: 'string', format: 'date-time', example: '2026-12-31T18:00:00+08:00' });

export const districtCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative division code').openapi({ example: '441802' });

export const location = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  address: text(200).optional(),
});

export const accountView = z.object({ id: z.string(), username: z.string(), displayName: z.string().optional(), role: z.string() }).openapi('CaseAccount');

const subjectInput = z
  .strictObject({
    type: z.enum(SUBJECT_TYPES),
    id: objectId.optional(),
    name: text(100).optional(),
    location: location.optional(),
  })
  .refine((s) => s.type === 'location' || s.id !== undefined, { path: ['id'], message: 'is required for this subject type' })
  .refine((s) => s.type !== 'location' || s.location !== undefined, { path: ['location'], message: 'is required for a location subject' });

const sourceInput = z
  .strictObject({
    type: z.enum(SOURCE_TYPES),
    alertIds: z.array(objectId).min(1).max(50).optional(),
    reportId: objectId.optional(),
    hazardIds: z.array(objectId).min(1).max(50).optional(),
  })
  .refine((s) => s.type !== 'alerts' || s.alertIds !== undefined, { path: ['alertIds'], message: 'is required when the source is alerts' })
  .refine((s) => s.type !== 'report' || s.reportId !== undefined, { path: ['reportId'], message: 'is required when the source is a report' })
  .refine((s) => s.type !== 'hazard' || s.hazardIds !== undefined, { path: ['hazardIds'], message: 'is required when the source is hazards' });

export const createCaseBody = z
  .strictObject({
    source: sourceInput,
    subject: subjectInput,
    legalBasis: text(500).openapi({ description: 'The legal basis (e.g. 《城镇燃气管理条例》第四十五条)', example: '《城镇燃气管理条例》第四十五条' }),
    title: text(200),
    description: text(4000).optional(),
    district: districtCode.optional().openapi({ description: 'The district the case belongs to; taken from the subject or the source when omitted (a district regulator: always its own)' }),
  })
  .openapi('CaseCreate');
export type CreateCaseBody = z.infer<typeof createCaseBody>;

export const casesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
  status: z.enum(CASE_STATUSES).optional(),
  district: districtCode.optional(),
  enterpriseId: objectId.optional(),
  overdue: z.enum(['true', 'false']).optional().openapi({ description: 'true: only assigned cases whose rectification deadline has passed' }),
});
export type CasesQuery = z.infer<typeof casesQuery>;

export const assignBody = z
  .strictObject({
    officerId: objectId.openapi({ description: 'The officer in charge: an active regulator account of the case\'s district or the city' }),
    deadline: isoDateTime.openapi({ description: 'When the rectification is due (in the future)' }),
  })
  .openapi('CaseAssign');

export const rectificationBody = z
  .strictObject({
    text: text(4000).openapi({ description: 'What was put right, how and when' }),
    photoIds: z.array(objectId).max(20).default([]).openapi({ description: 'Photos uploaded to this case (POST /cases/{id}/photos)' }),
  })
  .openapi('CaseRectification');

export const reviewBody = z
  .strictObject({
    outcome: z.enum(REVIEW_OUTCOMES),
    note: text(2000).openapi({ description: 'What the re-inspection found (复查意见)' }),
  })
  .openapi('CaseReview');

export const photoJsonBody = z
  .strictObject({
    contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    dataBase64: z.string().min(1).max(1_500_000).regex(/^[A-Za-z0-9+/=\s]+$/, 'must be base64'),
  })
  .openapi('CasePhotoUpload');

export const photoParams = z.strictObject({ id: objectId, photoId: objectId });

const iso = z.string().openapi({ format: 'date-time' });

export const caseView = z
  .object({
    id: z.string(),
    number: z.string().openapi({ example: '441802-2026-0001' }),
    status: z.enum(CASE_STATUSES),
    outcome: z.enum(['rectified', 'unfounded']).nullable(),
    district: z.string(),
    enterpriseId: z.string().nullable(),
    enterpriseName: z.string().nullable(),
    subject: z.object({ type: z.enum(SUBJECT_TYPES), id: z.string().optional(), name: z.string().optional(), location: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }).optional() }),
    legalBasis: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    source: z.object({ type: z.enum(SOURCE_TYPES), alertIds: z.array(z.string()).optional(), reportId: z.string().optional(), hazardIds: z.array(z.string()).optional() }),
    alertIds: z.array(z.string()),
    reportIds: z.array(z.string()),
    hazardIds: z.array(z.string()),
    officer: accountView.nullable(),
    deadline: iso.nullable(),
    overdue: z.boolean().openapi({ description: 'Assigned and past its rectification deadline' }),
    rectifications: z.array(z.object({ text: z.string(), photoIds: z.array(z.string()), by: accountView, at: iso })),
    history: z.array(
      z.object({
        action: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        by: accountView,
        at: iso,
        note: z.string().nullable().openapi({ description: 'What the actor wrote; a note the system wrote (an assignment) in the language of Accept-Language' }),
        phrases: z.array(phraseView).optional().openapi({ description: 'A note the system wrote, as codes of the texts table and their values' }),
      }),
    ),
    actions: z.array(z.enum(CASE_COMMANDS)).openapi({ description: 'The commands the case\'s status allows the caller next' }),
    photos: z
      .array(z.object({ id: z.string(), type: z.string(), bytes: z.number().int(), uploadedBy: accountView, at: iso }))
      .optional()
      .openapi({ description: 'Every photo uploaded to the case, oldest first (GET /cases/{id}/photos/{photoId} serves each); in the answers about one case, not in the list' }),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi('Case');
export type CaseView = z.infer<typeof caseView>;
export const casesPage = pageSchema(caseView, 'CasePage');
