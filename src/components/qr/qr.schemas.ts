import { objectIdSchema } from '../auth';
import { z } from '../../shared/openapi/zod.openapi';
import { REPORT_REASONS } from './verify.i18n';
import { WARNINGS } from './verify.service';

const MAX_BATCH = 200;

export const idParams = z.strictObject({ id: objectIdSchema });
export const labelParams = z.strictObject({ id: objectIdSchema, format: z.enum(['svg', 'png']) });

const grai = z.string().regex(/^\d{14}[0-9A-Za-z]{1,16}$/, 'must be a GRAI: 14 digits then a serial of up to 16 letters or digits');

export const commissionBody = z
  .strictObject({ grai: grai.optional().openapi({ description: 'Adopt this GRAI (of the city\'s prefix) instead of issuing one; refused if the cylinder already holds another' }) })
  .openapi('CommissionRequest');

export const batchCommissionBody = z
  .strictObject({ cylinderIds: z.array(objectIdSchema).min(1).max(MAX_BATCH).transform((ids) => [...new Set(ids)]) })
  .openapi('BatchCommissionRequest');

export const sheetQuery = z.strictObject({
  cylinderIds: z
    .string()
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(z.array(objectIdSchema).min(1).max(MAX_BATCH))
    .openapi({ description: `Comma-separated cylinder ids, at most ${MAX_BATCH}` }),
});

export const codeView = z
  .object({
    cylinderId: z.string(),
    grai: z.string().openapi({ example: '06141410000153' }),
    graiText: z.string().openapi({ example: '(8003) 06141410000153' }),
    uri: z.string().openapi({ example: 'https://qr.example.cn/8003/06141410000153?s=k1.3q2-7wWcVYwq5W0Zx9bJ1Q' }),
    serial: z.string(),
    nominalKg: z.number(),
    model: z.string(),
  })
  .openapi('CylinderCode');

export const labelBatch = z
  .object({
    items: z.array(codeView.extend({ svg: z.string().openapi({ description: 'The label as SVG markup, 38 mm wide (error correction Q, quiet zone, GRAI and serial)' }) })),
    skipped: z.array(z.object({ cylinderId: z.string(), reason: z.string().openapi({ example: 'NOT_COMMISSIONED' }) })),
  })
  .openapi('LabelBatch');

export const commissionOutcome = z
  .object({
    cylinderId: z.string(),
    status: z.enum(['commissioned', 'already_commissioned', 'rejected']),
    code: codeView.optional(),
    reason: z.string().optional().openapi({ description: 'Stable code of a rejection, e.g. NOT_FOUND, CYLINDER_SCRAPPED' }),
    detail: z.string().optional(),
  })
  .openapi('CommissionOutcome');

// Reads from phones: extra query keys (tracking parameters and the like) are ignored, not refused.
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const latitude = z.preprocess(emptyAsUndefined, z.coerce.number().min(-90).max(90).optional());
const longitude = z.preprocess(emptyAsUndefined, z.coerce.number().min(-180).max(180).optional());

export const verifyParams = z.object({ grai: z.string().min(1).max(64) });
/** The manual entry box: a GRAI or a steel-stamp serial read off a damaged label. */
export const findQuery = z.object({ code: z.string().trim().min(1).max(64), lang: z.enum(['zh', 'en']).optional().catch(undefined) });
export const verifyQuery = z.object({
  s: z.string().max(64).optional(),
  lang: z.enum(['zh', 'en']).optional().catch(undefined),
  lat: latitude.catch(undefined),
  lng: longitude.catch(undefined),
  reported: z.literal('1').optional().catch(undefined),
  receipt: z.string().regex(/^JB[2-9A-HJ-NP-Z]{10}$/).optional().catch(undefined),
});

export const reportBody = z
  .strictObject({
    reason: z.enum(REPORT_REASONS),
    note: z.preprocess(emptyAsUndefined, z.string().trim().max(500).optional()),
    contact: z.preprocess(emptyAsUndefined, z.string().trim().max(60).refine((s) => !s.startsWith('$'), 'must not start with $').optional()).openapi({ description: 'How the regulator may reach the reporter (optional; shown to regulators only)' }),
    lat: latitude,
    lng: longitude,
  })
  .refine((b) => (b.lat === undefined) === (b.lng === undefined), { path: ['lat'], message: 'give both lat and lng, or neither' })
  .openapi('PublicReport');

export const verificationView = z
  .object({
    grai: z.string(),
    verdict: z.enum(['genuine', 'not_genuine', 'unknown', 'unverified']).openapi({ description: 'unverified: a code of the city without its signature (typed by hand): scan the code on the cylinder' }),
    signature: z.enum(['valid', 'missing', 'invalid']),
    warnings: z.array(z.enum(WARNINGS)),
    checkedAt: z.string(),
    cylinder: z
      .object({
        enterpriseName: z.string(),
        nominalKg: z.number(),
        model: z.string(),
        serial: z.string(),
        status: z.enum(['in_service', 'overdue_inspection', 'past_service_life', 'scrapped', 'lost']),
        nextInspectionDate: z.string(),
        lastFill: z.object({ stationName: z.string().nullable(), at: z.string(), registeredStation: z.boolean() }).nullable(),
      })
      .optional(),
  })
  .openapi('Verification');
