import type { Connection } from 'mongoose';
import type { AlertRuleCode } from '../ledger';
import { alertModels } from './alerts.model';

/**
 * Supervision's aggregations for the KPIs (kpis component): alerts first seen in a period, counted
 * by the database on the {rule, firstSeenAt} index, never read out one by one.
 */
export interface AlertScope {
  districtCode?: string;
  enterpriseId?: string;
}

export interface AlertPeriod {
  from: Date;
  to: Date;
}

export interface CaseTakeUp {
  /** Alerts of the rules first seen in the period, not dismissed (a dismissal says it was no such case). */
  alerts: number;
  /** Of those, the ones a case took in (open or closed). */
  inCase: number;
}

export interface PointRectification {
  /** Distinct subjects (places, sites, enterprises) of the rule's alerts first seen in the period, not all dismissed. */
  points: number;
  /** Of those, the subjects with an alert closed by a case whose outcome was rectified. */
  rectified: number;
}

export interface RuleDistrictCount {
  rule: AlertRuleCode;
  districtCode: string | null;
  count: number;
}

type Filter = Record<string, unknown>;

export function createAlertFigures(connection: Connection) {
  const alerts = alertModels(connection).alerts.collection;
  const match = (rules: readonly AlertRuleCode[], scope: AlertScope, period: AlertPeriod): Filter => ({
    rule: rules.length === 1 ? rules[0] : { $in: [...rules] },
    firstSeenAt: { $gte: period.from, $lt: period.to },
    ...(scope.districtCode ? { districtCode: scope.districtCode } : {}),
    ...(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}),
  });
  return {
    async caseTakeUp(rules: readonly AlertRuleCode[], scope: AlertScope, period: AlertPeriod): Promise<CaseTakeUp> {
      const [row] = await alerts
        .aggregate([
          { $match: { ...match(rules, scope, period), status: { $ne: 'dismissed' } } },
          { $group: { _id: null, alerts: { $sum: 1 }, inCase: { $sum: { $cond: [{ $ifNull: ['$case.id', false] }, 1, 0] } } } },
        ])
        .toArray();
      return { alerts: Number(row?.alerts ?? 0), inCase: Number(row?.inCase ?? 0) };
    },

    async pointRectification(rule: AlertRuleCode, scope: AlertScope, period: AlertPeriod): Promise<PointRectification> {
      const [row] = await alerts
        .aggregate([
          { $match: { ...match([rule], scope, period), status: { $ne: 'dismissed' } } },
          { $group: { _id: '$subjectKey', rectified: { $max: { $cond: [{ $eq: ['$case.closed.outcome', 'rectified'] }, 1, 0] } } } },
          { $group: { _id: null, points: { $sum: 1 }, rectified: { $sum: '$rectified' } } },
        ])
        .toArray();
      return { points: Number(row?.points ?? 0), rectified: Number(row?.rectified ?? 0) };
    },

    /** Alerts first seen in the period, per rule and district (dismissed ones included: they were raised). */
    async byRuleAndDistrict(rules: readonly AlertRuleCode[], scope: AlertScope, period: AlertPeriod): Promise<RuleDistrictCount[]> {
      const rows = await alerts.aggregate([{ $match: match(rules, scope, period) }, { $group: { _id: { rule: '$rule', districtCode: '$districtCode' }, count: { $sum: 1 } } }]).toArray();
      return rows
        .map((r) => {
          const id = r._id as { rule: AlertRuleCode; districtCode?: string | null };
          return { rule: id.rule, districtCode: id.districtCode ?? null, count: Number(r.count) };
        })
        .sort((a, b) => a.rule.localeCompare(b.rule) || (a.districtCode ?? '').localeCompare(b.districtCode ?? ''));
    },
  };
}

export type AlertFigures = ReturnType<typeof createAlertFigures>;
