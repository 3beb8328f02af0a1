import { z } from '../../shared/openapi/zod.openapi';
import { REJECTION_CODES } from '../ledger';

/** Edge schemas of the signed device API (docs/device-protocol.md). Strict: an unknown key is a 400. */

const kg = z.number().min(0).max(200);
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
