import type { Principal } from '../auth';
import { rank, tally, tallyWorkers, tripsOf, gapRate, type RankBy, type SiteTally } from './flow.reconcile';
import type { FigureScope, KpisSources, Period } from './kpis.ports';
import type { ReconciliationItem, ReconciliationQuery, ReconciliationView } from './kpis.schemas';
import { figureScope, periodOf } from './kpis.scope';

export interface FlowGapSettings {
  /** FLOW_GAP_DAYS: how long a filled cylinder has to reach a registered customer. */
  days: number;
  /** FLOW_GAP_MIN_CYLINDERS: unaccounted cylinders at one site that raise a FLOW_GAP alert. */
  minCylinders: number;
}

export interface ReconciliationDeps extends Pick<KpisSources, 'ledger' | 'registry'> {
  flowGap: FlowGapSettings;
  now: () => Date;
}

const DAY_MS = 86_400_000;

export type SiteRow = Omit<ReconciliationItem, 'rank' | 'cylinders'> & { examples: SiteTally['examples'] };
export interface WorkerRow {
  workerId: string;
  unaccounted: number;
}
/** How many workers the report lists. */
const TOP_WORKERS = 20;

/** Flow reconciliation: the ledger's per-cylinder flows folded into per-site tallies (flow.reconcile.ts), named and ranked. */
export function createReconciliationService(deps: ReconciliationDeps) {
  const gapMs = deps.flowGap.days * DAY_MS;

  /**
   * Every site's tally over the period, as of `asOf`, rows in scope only (a district: the sites in
   * it), ranked; and the workers who last handled the unaccounted cylinders of those sites.
   */
  async function reconcile(scope: FigureScope, period: Period, asOf: Date, by: RankBy = 'gapRate'): Promise<{ rows: SiteRow[]; workers: WorkerRow[] }> {
    const tallies = new Map<string, SiteTally>();
    const byWorker = new Map<string, number>();
    // Events up to N days after the period's end decide the period's last fills; none later matter.
    const window = { from: period.from, to: new Date(period.to.getTime() + gapMs) };
    for await (const flow of deps.ledger.figures.cylinderFlows(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}, window)) {
      const trips = tripsOf(flow, { period, gapMs, asOf });
      tally(tallies, trips);
      tallyWorkers(byWorker, trips);
    }
    const all = [...tallies.values()];
    const [sites, enterprises] = await Promise.all([
      deps.registry.sitesByIds(all.flatMap((t) => (t.siteId ? [t.siteId] : []))),
      deps.registry.enterpriseNames(all.map((t) => t.enterpriseId)),
    ]);
    const named = all.map((t): SiteRow => {
      const site = t.siteId ? sites.get(t.siteId) : undefined;
      return {
        enterpriseId: t.enterpriseId,
        enterpriseName: enterprises.get(t.enterpriseId) ?? null,
        siteId: t.siteId,
        siteName: site?.name ?? null,
        siteKind: site?.kind ?? null,
        district: site?.districtCode ?? null,
        filled: t.filled,
        reachedCustomers: t.reachedCustomers,
        returned: t.returned,
        unaccounted: t.unaccounted,
        pending: t.pending,
        atStation: t.atStation,
        gapRate: gapRate(t),
        examples: t.examples,
      };
    });
    const inScope = named.filter((r) => !scope.districtCode || r.district === scope.districtCode);
    const sitesInScope = new Set(inScope.map((r) => r.siteId ?? ''));
    const workers = new Map<string, number>();
    for (const [key, n] of byWorker) {
      const [siteId = '', workerId = ''] = key.split('|');
      if (sitesInScope.has(siteId)) workers.set(workerId, (workers.get(workerId) ?? 0) + n);
    }
    return {
      rows: rank(inScope, by),
      workers: [...workers].map(([workerId, unaccounted]) => ({ workerId, unaccounted })).sort((a, b) => b.unaccounted - a.unaccounted || a.workerId.localeCompare(b.workerId)).slice(0, TOP_WORKERS),
    };
  }

  return {
    reconcile,
    async report(principal: Principal, query: ReconciliationQuery): Promise<ReconciliationView> {
      const scope = figureScope(principal, query);
      const asOf = deps.now();
      const period = periodOf(query, asOf);
      const { rows: ranked, workers } = await reconcile(scope, period, asOf, query.sort);
      return {
        period: { from: period.from.toISOString(), to: period.to.toISOString() },
        gapDays: deps.flowGap.days,
        sort: query.sort,
        asOf: asOf.toISOString(),
        items: ranked.map(({ examples, ...row }, i) => ({
          rank: i + 1,
          ...row,
          cylinders: examples.map((e) => ({
            cylinderId: e.cylinderId,
            filledAt: e.filledAt.toISOString(),
            lastEvent: { type: e.last.type, at: e.last.at.toISOString(), siteId: e.last.siteId, workerId: e.last.workerId },
          })),
        })),
        workers,
      };
    },
  };
}

export type ReconciliationService = ReturnType<typeof createReconciliationService>;
