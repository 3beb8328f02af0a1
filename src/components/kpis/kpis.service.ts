import { ALERT_RULE_CODES, ALERT_RULES, reasonInfo, type CylinderState } from '../ledger';
import type { Principal } from '../auth';
import { AT_STATION_STATES, ILLEGAL_OPERATION_RULES, IN_CIRCULATION_STATES, UNLICENSED_POINT_RULE } from './kpis.definitions';
import type { FigureScope, KpisSources, Period } from './kpis.ports';
import type { KpisQuery, KpisView } from './kpis.schemas';
import { figureScope, periodOf } from './kpis.scope';

export interface KpisServiceDeps extends KpisSources {
  now: () => Date;
}

const ratio = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator === 0 ? null : numerator / denominator });

/** The KPI use case: scope → period → each figure from its component's aggregation → one view (definitions: kpis.definitions.ts). */
export function createKpisService(deps: KpisServiceDeps) {
  /** Cylinders past a date, counted by their state now: ids in batches from the registry's index, states from the ledger's projections. */
  async function pastDate(field: 'nextInspectionDate' | 'serviceLifeEndsAt', scope: FigureScope, at: Date) {
    const split = { inCirculation: 0, atStations: 0 };
    for await (const ids of deps.registry.cylindersPastDate(field, at, scope)) {
      const counts = await deps.ledger.figures.stateCounts(ids);
      for (const [state, n] of Object.entries(counts) as [CylinderState, number][]) {
        if (AT_STATION_STATES.includes(state)) split.atStations += n;
        else if (IN_CIRCULATION_STATES.includes(state)) split.inCirculation += n;
      }
    }
    return split;
  }

  async function figures(scope: FigureScope, period: Period, asOf: Date): Promise<KpisView['figures']> {
    const casesScope = { ...(scope.districtCode ? { district: scope.districtCode } : {}), ...(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}) };
    const [takeUp, points, byRule, fills, denials, handOvers, overdue, overAge, cases] = await Promise.all([
      deps.alerts.figures.caseTakeUp(ILLEGAL_OPERATION_RULES, scope, period),
      deps.alerts.figures.pointRectification(UNLICENSED_POINT_RULE, scope, period),
      deps.alerts.figures.byRuleAndDistrict(ALERT_RULE_CODES, scope, period),
      deps.ledger.figures.fillsPerSiteDay(scope, period),
      deps.devices.denialsByReason(scope, period.from, period.to),
      deps.ledger.figures.handOverConfirmations(scope, period),
      pastDate('nextInspectionDate', scope, asOf),
      pastDate('serviceLifeEndsAt', scope, asOf),
      deps.cases ? deps.cases.caseFigures(casesScope, period) : Promise.resolve(null),
    ]);
    const [sites, enterprises] = await Promise.all([
      deps.registry.sitesByIds(fills.map((f) => f.siteId)),
      deps.registry.enterpriseNames(handOvers.map((h) => h.enterpriseId)),
    ]);
    return {
      caseFilingRate: ratio(takeUp.inCase, takeUp.alerts),
      rectificationRate: ratio(points.rectified, points.points),
      openCases: cases ? cases.open : null,
      overdueCases: cases ? cases.overdue : null,
      casesInPeriod: cases ? { opened: cases.opened, closedRectified: cases.closedRectified, closedUnfounded: cases.closedUnfounded, escalated: cases.escalated } : null,
      overdueCylinders: overdue,
      pastServiceLife: overAge,
      fillsPerStationPerDay: fills.map((f) => ({ siteId: f.siteId, siteName: sites.get(f.siteId)?.name ?? null, day: f.day, fills: f.fills })),
      denialsByReason: denials.map((d) => {
        const info = reasonInfo(d.reason);
        return { reason: d.reason, zh: info.zh, en: info.en, count: d.count };
      }),
      confirmedHandOverRate: handOvers.map((h) => ({ enterpriseId: h.enterpriseId, enterpriseName: enterprises.get(h.enterpriseId) ?? null, confirmed: h.confirmed, total: h.total, value: h.total === 0 ? null : h.confirmed / h.total })),
      alertsByRule: byRule.map((r) => ({ rule: r.rule, zh: ALERT_RULES[r.rule].zh, en: ALERT_RULES[r.rule].en, district: r.districtCode, count: r.count })),
    };
  }

  return {
    async kpis(principal: Principal, query: KpisQuery): Promise<KpisView> {
      const scope = figureScope(principal, query);
      const asOf = deps.now();
      const period = periodOf(query, asOf);
      return {
        period: { from: period.from.toISOString(), to: period.to.toISOString() },
        district: scope.districtCode ?? null,
        asOf: asOf.toISOString(),
        figures: await figures(scope, period, asOf),
      };
    },
  };
}

export type KpisService = ReturnType<typeof createKpisService>;
