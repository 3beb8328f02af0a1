import { objectId } from '../../shared/http/object-id.schema';
import { cursorQuery, pageSchema } from '../../shared/http/page.cursor';
import { z } from '../../shared/openapi/zod.openapi';
import { isoCalendarDay } from '../../shared/http/date.schema';

const day = isoCalendarDay.openapi({ description: 'The city calendar day (UTC+8); today when omitted', example: '2025-06-01' });

export const stationActivityParams = z.strictObject({ id: objectId });

export const stationDecisionsQuery = z.strictObject({
  decision: z.enum(['allow', 'deny']).optional().openapi({ description: 'Only allows, or only denials' }),
  day: day.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuery,
});
export type StationDecisionsQuery = z.infer<typeof stationDecisionsQuery>;

export const stationDecisionView = z
  .object({
    id: z.string(),
    seq: z.number().int().openapi({ description: 'Position among all decisions (newest first here)' }),
    kind: z.enum(['authorize', 'report_refused']).openapi({ description: 'authorize: an answer to a scale asking to fill; report_refused: a fill report the platform refused' }),
    decision: z.enum(['allow', 'deny']),
    reasons: z.array(z.object({ code: z.string(), detail: z.string() })).openapi({ description: 'Why it was denied (codes of GET /api/v1/events/rejection-reasons)' }),
    scale: z.object({ id: z.string(), name: z.string().nullable() }),
    cylinder: z.object({ id: z.string().nullable(), serial: z.string().nullable(), grai: z.string().nullable() }),
    code: z.string().openapi({ description: 'The code as the scale sent it' }),
    operator: z.string().openapi({ description: 'The staff number or card code as the scale sent it' }),
    targetNetKg: z.number().nullable(),
    at: z.string(),
  })
  .openapi('StationDecision');
export type StationDecisionView = z.infer<typeof stationDecisionView>;
export const stationDecisionPage = pageSchema(stationDecisionView, 'StationDecisionPage');

export const fillSummaryQuery = z.strictObject({ day: day.optional() });

const tally = {
  fills: z.number().int(),
  netKg: z.number().openapi({ description: 'Their net mass, kg (two decimals)' }),
  anomalous: z.number().int().openapi({ description: 'Fills with an anomaly (overfill, tare mismatch, …)' }),
  lastAt: z.string().openapi({ description: 'When the latest of them ended' }),
};
export const fillSummaryView = z
  .object({
    siteId: z.string(),
    day: z.string(),
    fills: z.number().int(),
    netKg: z.number(),
    byScale: z.array(z.object({ scaleId: z.string(), name: z.string().nullable(), ...tally })).openapi({ description: 'Per scale, most fills first' }),
    byOperator: z.array(z.object({ staffNumber: z.string(), workerId: z.string().nullable(), ...tally })).openapi({ description: 'Per filling operator, most fills first' }),
  })
  .openapi('StationFillSummary');
export type FillSummaryView = z.infer<typeof fillSummaryView>;
