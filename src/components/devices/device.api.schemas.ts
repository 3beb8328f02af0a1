import { z } from '../../shared/openapi/zod.openapi';
import { REJECTION_CODES } from '../ledger';
import { isoCalendarDay, isoInstant } from '../../shared/http/date.schema';

/** Edge schemas of the signed device API (docs/device-protocol.md). Strict: an unknown key is a 400. */

const kg = z.number().min(0).max(200);
const isoDateTime = isoInstant.openapi({ example: '2025-06-01T08:30:00+08:00' });
/** Net must equal gross − tare within this (the ledger's own fill rule). */
const NET_TOLERANCE_KG = 0.2;
/** The scale's own ids (request, fill): 8–64 URL-safe characters, unique per scale. */
const scaleKey = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 URL-safe characters (A–Z a–z 0–9 - _)');

export const checksSchema = z
  .strictObject({
    valve: z.enum(['ok', 'defective']).openapi({ description: '瓶阀 valve' }),
    leak: z.enum(['none', 'leaking']).openapi({ description: '泄漏 leak test' }),
    appearance: z.enum(['ok', 'damaged']).openapi({ description: '外观 (corrosion, dents, marks, colour)' }),
    residualKg: kg.openapi({ description: '残液 residual gas found before filling, kg' }),
  })
  .openapi('PreFillChecks', { description: 'The pre-fill check (充装前检查): passes when valve ok, no leak and appearance ok' });

export const authorizeBody = z
  .strictObject({
    code: z.string().trim().min(1).max(300).openapi({ description: 'What the QR holds (Digital Link URI) or a GRAI, or the steel-stamp serial typed in', example: 'https://qr.qingyuan.example.cn/8003/06141410000153QY00000001?s=k1.AbC…' }),
    operator: z.string().trim().min(1).max(64).openapi({ description: "The operator's staff number (工号) or the card code that carries it", example: 'W001' }),
    requestId: scaleKey.openapi({ description: 'The scale’s idempotency key: the same requestId again is answered with the same decision', example: 'req-000001-a7' }),
    checks: checksSchema.optional().openapi({ description: 'The pre-fill check just made at the scale; needed unless an inspect pass is in the ledger since the cylinder came back' }),
  })
  .openapi('FillAuthorizeRequest');
export type AuthorizeBody = z.infer<typeof authorizeBody>;

const reasonView = z.object({
  code: z.enum(REJECTION_CODES),
  message: z.object({ zh: z.string(), en: z.string() }),
  detail: z.string(),
});

export const authorizeAnswer = z
  .object({
    decision: z.enum(['allow', 'deny']),
    reasons: z.array(reasonView).openapi({ description: 'Every reason of a deny (empty for an allow)' }),
    decisionId: z.string().openapi({ description: 'The stored decision (every decision is kept, allow or deny)' }),
    authorizationId: z.string().nullable().openapi({ description: 'An allow: name it in the fill report. null for a deny' }),
    expiresAt: z.string().nullable().openapi({ format: 'date-time', description: 'An allow starts a fill before this' }),
    cylinder: z.object({ grai: z.string().nullable(), serial: z.string(), model: z.string(), nominalKg: z.number(), tareKg: z.number().nullable() }).nullable(),
    targetNetKg: z.number().nullable().openapi({ description: 'The permitted fill mass of the model (允许充装量)' }),
    maxGrossKg: z.number().nullable().openapi({ description: 'Close the valve at this gross: registered tare + permitted mass + tolerance' }),
  })
  .openapi('FillAuthorization');
export type AuthorizeAnswer = z.infer<typeof authorizeAnswer>;

export const fillReport = z
  .strictObject({
    fillId: scaleKey.openapi({ description: "The scale's own id of the fill: its idempotency key. The same fillId is stored once, however often it is sent" }),
    sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: "The scale's upload sequence number: a buffer is uploaded oldest first" }),
    authorizationId: z.string().regex(/^[0-9a-f]{24}$/, 'must be the authorizationId of an allow').optional().openapi({ description: 'The allow this fill was made under (or allowlistId for a fill made offline)' }),
    allowlistId: z.string().regex(/^[0-9a-f]{24}$/, 'must be the id of an offline allowlist').optional().openapi({ description: 'A fill made offline: the offline allowlist (heartbeat) it was made under, instead of an authorizationId' }),
    code: z.string().trim().min(1).max(300).openapi({ description: 'The code as authorized' }),
    operator: z.string().trim().min(1).max(64).openapi({ description: 'The operator as authorized' }),
    tareKg: kg,
    grossKg: kg,
    netKg: kg,
    startedAt: isoDateTime,
    endedAt: isoDateTime,
    checks: checksSchema.optional().openapi({ description: 'The pre-fill check: recorded as an inspect event before the fill' }),
  })
  .superRefine((r, ctx) => {
    if (Math.abs(r.grossKg - r.tareKg - r.netKg) > NET_TOLERANCE_KG) ctx.addIssue({ code: 'custom', path: ['netKg'], message: `must equal grossKg − tareKg (±${NET_TOLERANCE_KG} kg)` });
    if ((r.authorizationId === undefined) === (r.allowlistId === undefined)) ctx.addIssue({ code: 'custom', path: ['authorizationId'], message: 'give exactly one of authorizationId (an allow) and allowlistId (a fill made offline)' });
    const duration = Date.parse(r.endedAt) - Date.parse(r.startedAt);
    if (duration <= 0 || duration > 3_600_000) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'must be after startedAt, within an hour' });
  })
  .openapi('FillReport');
export type FillReport = z.infer<typeof fillReport>;

export const MAX_REPORTS = 500;
export const fillReportBatch = z
  .strictObject({ reports: z.array(z.unknown()).min(1).max(MAX_REPORTS).openapi({ description: 'FillReport items, uploaded from an offline buffer: processed in sequence order' }) })
  .openapi('FillReportBatch');

export const fillOutcome = z
  .object({
    fillId: z.string(),
    sequence: z.number().int().nullable(),
    status: z.enum(['accepted', 'duplicate', 'refused']),
    eventId: z.string().optional().openapi({ description: 'The ledger fill event' }),
    anomalies: z.array(z.enum(['overfill', 'tare_mismatch', 'manual_mode'])).optional(),
    reasons: z.array(z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }), detail: z.string() })).optional(),
    deniedNow: z
      .array(z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }), detail: z.string() }))
      .optional()
      .openapi({ description: 'A fill made offline (allowlistId): what the interlock would deny it with now; it is recorded all the same, and marked' }),
  })
  .openapi('FillReportOutcome');
export type FillOutcome = z.infer<typeof fillOutcome>;

export const fillBatchAnswer = z
  .object({ accepted: z.number().int(), duplicate: z.number().int(), refused: z.number().int(), results: z.array(fillOutcome) })
  .openapi('FillReportBatchResult');

export const reweighReport = z
  .strictObject({
    reweighId: scaleKey.openapi({ description: "The scale's own id of the re-weigh: its idempotency key" }),
    code: z.string().trim().min(1).max(300).openapi({ description: "The cylinder's code, as for an authorize request" }),
    operator: z.string().trim().min(1).max(64),
    tareKg: kg,
    grossKg: kg,
    netKg: kg,
    at: isoDateTime.openapi({ description: 'When it was weighed' }),
  })
  .superRefine((r, ctx) => {
    if (Math.abs(r.grossKg - r.tareKg - r.netKg) > NET_TOLERANCE_KG) ctx.addIssue({ code: 'custom', path: ['netKg'], message: `must equal grossKg − tareKg (±${NET_TOLERANCE_KG} kg)` });
  })
  .openapi('ReweighReport', { description: 'A filled cylinder weighed again at its station (复称), e.g. after gas was drawn off an overfilled one' });
export type ReweighReport = z.infer<typeof reweighReport>;

export const reweighOutcome = z
  .object({
    reweighId: z.string(),
    status: z.enum(['accepted', 'duplicate', 'refused']),
    eventId: z.string().optional(),
    withinLimits: z.boolean().optional().openapi({ description: 'true: the overfill hold is lifted' }),
    maxNetKg: z.number().optional(),
    anomalies: z.array(z.enum(['overfill', 'tare_mismatch', 'manual_mode'])).optional(),
    reasons: z.array(z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }), detail: z.string() })).optional(),
  })
  .openapi('ReweighOutcome');
export type ReweighOutcome = z.infer<typeof reweighOutcome>;

export const heartbeatBody = z
  .strictObject({
    firmware: z.string().trim().min(1).max(40).openapi({ example: 'QS-200 v2.4.1' }),
    sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: "The scale's last upload sequence number" }),
    bufferedReports: z.number().int().min(0).max(1_000_000).openapi({ description: 'Reports held in its offline buffer, not yet accepted' }),
    calibrationDueOn: isoCalendarDay.nullable().optional().openapi({ description: 'When its calibration (计量检定) falls due' }),
    offlineAllowlist: z.boolean().optional().openapi({ description: 'Ask for a signed offline allowlist (30 minutes) of the station’s cylinders that pass the interlock now' }),
  })
  .openapi('Heartbeat');
export type HeartbeatBody = z.infer<typeof heartbeatBody>;

const limitView = z.object({ permittedNetKg: z.number(), toleranceKg: z.number(), maxNetKg: z.number() });
export const heartbeatAnswer = z
  .object({
    locked: z.boolean(),
    lockReason: z.string().nullable(),
    config: z.object({
      tolerances: z.object({ models: z.record(z.string(), limitView), tareToleranceKg: z.number() }).openapi({ description: 'Per model: the permitted fill mass and its tolerance, as the platform marks overfill' }),
      clockOffsetMs: z.number().int().openapi({ description: 'Platform time − the X-Timestamp of this request: add it to the scale clock' }),
      heartbeatIntervalS: z.number().int(),
      authorizationTtlS: z.number().int(),
    }),
    serverTime: z.string().openapi({ format: 'date-time' }),
    offlineAllowlist: z
      .object({
        id: z.string(),
        deviceId: z.string(),
        siteId: z.string(),
        issuedAt: z.string().openapi({ format: 'date-time' }),
        expiresAt: z.string().openapi({ format: 'date-time', description: 'Fill nothing on it after this' }),
        cylinders: z.array(z.object({ grai: z.string(), serial: z.string(), model: z.string(), nominalKg: z.number(), tareKg: z.number(), targetNetKg: z.number(), maxGrossKg: z.number() })).openapi({ description: 'At most 2,000 cylinders of the station that pass the interlock until expiresAt (the operator is judged on arrival)' }),
        signature: z.string().openapi({ description: 'Lowercase hex HMAC-SHA256 with the device secret over `id \\n deviceId \\n expiresAt \\n grai,grai,…`' }),
      })
      .nullable()
      .optional()
      .openapi({ description: 'Present when asked for: the list (null while the scale or its station is locked)' }),
  })
  .openapi('HeartbeatAnswer');
export type HeartbeatAnswer = z.infer<typeof heartbeatAnswer>;
