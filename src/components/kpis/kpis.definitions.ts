import type { AlertRuleCode, CylinderState } from '../ledger';

/**
 * What each KPI counts, written down once: the OpenAPI document shows these texts beside each
 * figure, the README repeats them, and kpis.service.ts computes exactly this.
 *
 * Decisions made here:
 * - "Illegal operations" (违法经营行为) are the alerts of ILLEGAL_OPERATION_RULES: the acts the
 *   plan's crackdown names (unlicensed and mobile selling, cylinders filled outside the city,
 *   untrained workers) and the filling offences (overfill, filling a scrapped, over-age or overdue
 *   cylinder, bypassing the scale's interlock). Left out: suspicions that need checking before they
 *   are an offence (cloned codes, tare mismatches, flow gaps, unconfirmed hand-overs) and the
 *   platform's own notices (silent scales, expiring credentials, overdue rectification).
 * - A dismissed alert was judged no offence: it counts in neither rate (it still counts in
 *   alertsByRule, which counts what was raised).
 * - "Unlicensed points" (无证经营点) are the distinct subjects (a place, a site, an enterprise) of
 *   UNLICENSED_SELLER alerts; a point is rectified when one of its alerts was closed by a case
 *   whose outcome was `rectified`.
 * - Flow figures count what happened in the period [from, to) (by the event's own time); the
 *   snapshot figures (cases open and overdue, cylinders overdue or past their service life) are
 *   as of now (`asOf`), whatever the period.
 */
export const ILLEGAL_OPERATION_RULES: readonly AlertRuleCode[] = [
  'UNLICENSED_SELLER',
  'MOBILE_SELLING',
  'OUT_OF_CITY_CYLINDER',
  'UNTRAINED_WORKER',
  'OVERFILL',
  'SCRAPPED_CYLINDER',
  'OVER_AGE_CYLINDER',
  'OVERDUE_CYLINDER',
  'SCALE_LOCK_BYPASS',
];

export const UNLICENSED_POINT_RULE: AlertRuleCode = 'UNLICENSED_SELLER';

/** Cylinder states that are "at stations" (empty, checked or full at a filling station); the other live ones are "in circulation". */
export const AT_STATION_STATES: readonly CylinderState[] = ['empty_at_station', 'inspected_at_station', 'full_at_station'];
export const IN_CIRCULATION_STATES: readonly CylinderState[] = ['in_transit', 'at_supply_point', 'with_customer'];

const rules = ILLEGAL_OPERATION_RULES.map((r) => `\`${r}\``).join(', ');

export const DEFINITIONS = {
  caseFilingRate:
    `立案率 (target ≥ 80 %). Numerator: alerts of an illegal operation (${rules}) first seen in the period, not dismissed, that a case took in. ` +
    'Denominator: all such alerts first seen in the period, not dismissed. value = numerator / denominator (null when 0).',
  rectificationRate:
    '整治率 (target 100 %). Numerator: unlicensed points — distinct subjects of `UNLICENSED_SELLER` alerts first seen in the period, not dismissed — ' +
    'with an alert closed by a case whose outcome was `rectified`. Denominator: all such unlicensed points. value = numerator / denominator (null when 0).',
  openCases: 'Cases not closed now (open, assigned, submitted, escalated), from the cases component; null when it is not part of this installation.',
  overdueCases: 'Of the open cases, those past their rectification deadline now; null when the cases component is not part of this installation.',
  casesInPeriod: 'Cases opened in the period, closed in it as rectified or as unfounded, and escalated in it; null when the cases component is not part of this installation.',
  overdueCylinders:
    '超期未检气瓶: registered cylinders not scrapped whose periodic inspection date has passed (now), split by their state now: at stations ' +
    '(empty, checked or full at a filling station) and in circulation (in transit, at a supply point, with a customer). Lost or never commissioned ones are in neither.',
  pastServiceLife:
    '超设计使用年限气瓶: registered cylinders not scrapped whose design service life has ended (now), split as overdueCylinders is.',
  fillsPerStationPerDay: 'Accepted fill events in the period per filling station and calendar day (city time, UTC+8), by the fill\'s own time.',
  denialsByReason:
    'The filling-scale interlock\'s deny answers to authorize requests in the period, per reason (a denial with several reasons counts under each), with the reason\'s title.',
  confirmedHandOverRate:
    'Per enterprise: sales and hand-overs to a registered customer recorded in the period (total) and those the customer confirmed ' +
    '(confirmedByCustomer, or a confirmation method other than none: confirmed). value = confirmed / total.',
  alertsByRule: 'Alerts first seen in the period per rule and district (dismissed ones included: they were raised), with the rule\'s title.',
} as const;
