import { ALERT_RULE_CODES } from '../ledger';
import { objectId } from '../../shared/http/object-id.schema';
import { z } from '../../shared/openapi/zod.openapi';
import { DEFINITIONS } from './kpis.definitions';
import { realDate } from '../../shared/http/date.schema';

/** Edge schemas of the KPIs and flow reconciliation: queries in, figures out. Types come from these. */

const day = /^\d{4}-\d{2}-\d{2}$/;
// The day exists (Date would roll 2026-02-30 over into March), its year and zone are real ones.
const moment = realDate(
  z.string().refine((s) => day.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success, { message: 'must be a date (YYYY-MM-DD) or an ISO date-time with a zone', abort: true }),
);
const district = z.string().regex(/^\d{6}$/, 'must be a 6-digit administrative division code');

const periodFields = {
  from: moment.optional().openapi({ description: 'Start of the period (inclusive): a day (its start, city time UTC+8) or a date-time. Default: 30 days before `to`', example: '2026-11-01' }),
  to: moment.optional().openapi({ description: 'End of the period: a day is included whole (city time UTC+8); a date-time is exclusive. Default: now. At most 366 days after `from`', example: '2026-11-30' }),
  district: district.optional().openapi({ description: "Only this district (a district regulator: its own, which is also the default)" }),
};

export const kpisQuery = z.strictObject(periodFields);
export type KpisQuery = z.infer<typeof kpisQuery>;

export const reconciliationQuery = z.strictObject({
  ...periodFields,
  enterpriseId: objectId.optional().openapi({ description: 'Only this enterprise (an enterprise admin: its own, which is also the default)' }),
  sort: z
    .enum(['gapRate', 'unaccounted'])
    .default('gapRate')
    .openapi({ description: 'gapRate (default): the highest share of unaccounted cylinders first; unaccounted: the most unaccounted cylinders first (the biggest leaks, whatever the volume)' }),
});
export type ReconciliationQuery = z.infer<typeof reconciliationQuery>;

const iso = z.string().openapi({ format: 'date-time' });
const periodView = z.object({ from: iso, to: iso }).openapi({ description: 'The period [from, to) the flow figures count' });

const ratio = (key: keyof typeof DEFINITIONS) =>
  z
    .object({ numerator: z.number().int(), denominator: z.number().int(), value: z.number().nullable().openapi({ description: 'numerator / denominator, null when the denominator is 0' }) })
    .openapi({ description: DEFINITIONS[key] });
const split = (key: keyof typeof DEFINITIONS) =>
  z.object({ inCirculation: z.number().int(), atStations: z.number().int() }).openapi({ description: DEFINITIONS[key] });

export const kpisView = z
  .object({
    period: periodView,
    district: z.string().nullable(),
    asOf: iso.openapi({ description: 'When the figures were computed: the "now" of the snapshot figures (open and overdue cases, overdue and over-age cylinders)' }),
    figures: z.object({
      caseFilingRate: ratio('caseFilingRate'),
      rectificationRate: ratio('rectificationRate'),
      openCases: z.number().int().nullable().openapi({ description: DEFINITIONS.openCases }),
      overdueCases: z.number().int().nullable().openapi({ description: DEFINITIONS.overdueCases }),
      casesInPeriod: z
        .object({ opened: z.number().int(), closedRectified: z.number().int(), closedUnfounded: z.number().int(), escalated: z.number().int() })
        .nullable()
        .openapi({ description: DEFINITIONS.casesInPeriod }),
      overdueCylinders: split('overdueCylinders'),
      pastServiceLife: split('pastServiceLife'),
      fillsPerStationPerDay: z
        .array(z.object({ siteId: z.string(), siteName: z.string().nullable(), day: z.string(), fills: z.number().int() }))
        .openapi({ description: DEFINITIONS.fillsPerStationPerDay }),
      denialsByReason: z.array(z.object({ reason: z.string(), zh: z.string(), en: z.string(), count: z.number().int() })).openapi({ description: DEFINITIONS.denialsByReason }),
      confirmedHandOverRate: z
        .array(z.object({ enterpriseId: z.string(), enterpriseName: z.string().nullable(), confirmed: z.number().int(), total: z.number().int(), value: z.number().nullable() }))
        .openapi({ description: DEFINITIONS.confirmedHandOverRate }),
      alertsByRule: z
        .array(z.object({ rule: z.enum(ALERT_RULE_CODES), zh: z.string(), en: z.string(), district: z.string().nullable(), count: z.number().int() }))
        .openapi({ description: DEFINITIONS.alertsByRule }),
    }),
  })
  .openapi('Kpis');
export type KpisView = z.infer<typeof kpisView>;

export const reconciliationItem = z
  .object({
    rank: z.number().int(),
    enterpriseId: z.string(),
    enterpriseName: z.string().nullable(),
    siteId: z.string().nullable(),
    siteName: z.string().nullable(),
    siteKind: z.enum(['filling_station', 'supply_point']).nullable(),
    district: z.string().nullable(),
    filled: z.number().int().openapi({ description: 'Fills in the period whose cylinder this site held last before a customer (the supply point it was received at, else its filling station)' }),
    reachedCustomers: z.number().int().openapi({ description: 'Of those, sold or handed over to a registered customer within FLOW_GAP_DAYS of the fill' }),
    returned: z.number().int().openapi({ description: 'Of those, returned to a station (return_empty) before the next fill, whether or not they reached a customer' }),
    unaccounted: z.number().int().openapi({ description: 'Of those, left the station (dispatched, received or sold) and reached no registered customer within FLOW_GAP_DAYS of the fill' }),
    pending: z.number().int().openapi({ description: 'Of those, not yet at a customer while FLOW_GAP_DAYS since the fill have not passed' }),
    atStation: z.number().int().openapi({ description: 'Of those, never left the filling station within FLOW_GAP_DAYS (stock)' }),
    gapRate: z.number().nullable().openapi({ description: 'unaccounted / (reachedCustomers + unaccounted): the share of due departures that reached no registered customer; null when none were due' }),
    cylinders: z
      .array(z.object({ cylinderId: z.string(), filledAt: iso, lastEvent: z.object({ type: z.string(), at: iso, siteId: z.string().nullable(), workerId: z.string().nullable() }) }))
      .openapi({ description: 'Up to 10 of the unaccounted cylinders, each with its last event in the trip' }),
  })
  .openapi('ReconciliationItem');

export const reconciliationView = z
  .object({
    period: periodView,
    gapDays: z.number().int().openapi({ description: 'FLOW_GAP_DAYS: how long a filled cylinder has to reach a registered customer' }),
    sort: z.enum(['gapRate', 'unaccounted']),
    asOf: iso,
    workers: z
      .array(z.object({ workerId: z.string(), unaccounted: z.number().int() }))
      .openapi({ description: 'The workers who last handled the unaccounted cylinders of these sites (the last event of the cylinder\'s trip), most first, at most 20' }),
    items: z.array(reconciliationItem).openapi({ description: 'Per enterprise and site, ranked as `sort` says: by gapRate (highest first, null last, then unaccounted), or by unaccounted (most first, then gapRate)' }),
  })
  .openapi('Reconciliation');
export type ReconciliationView = z.infer<typeof reconciliationView>;
export type ReconciliationItem = z.infer<typeof reconciliationItem>;
