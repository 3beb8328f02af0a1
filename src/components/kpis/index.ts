import type { ApiModule } from '../../shared/http/api-module';
import type { AlertsComponent } from '../alerts';
import { flowGapSweep } from './flow-gap.sweep';
import { registerKpisOpenApi } from './kpis.openapi';
import type { KpisSources } from './kpis.ports';
import { kpisRoutes } from './kpis.routes';
import { createKpisService, type KpisService } from './kpis.service';
import { createReconciliationService, type FlowGapSettings, type ReconciliationService } from './reconciliation.service';

export type { CasesPort, CaseFigures } from './kpis.ports';
export type { FlowGapSettings } from './reconciliation.service';
export { ILLEGAL_OPERATION_RULES, DEFINITIONS as KPI_DEFINITIONS } from './kpis.definitions';
export { FLOW_GAP_WINDOW_DAYS, FLOW_GAP_EVERY_MS } from './flow-gap.sweep';
export { tripsOf, tally, tallyWorkers, rank, gapRate, type Trip, type TripOutcome, type SiteTally, type RankBy } from './flow.reconcile';

export const DEFAULT_FLOW_GAP: FlowGapSettings = { days: 7, minCylinders: 5 };

export interface KpisDeps extends KpisSources {
  /** Where the FLOW_GAP sweep is registered (supervision's runner runs it). */
  alerts: KpisSources['alerts'] & Pick<AlertsComponent, 'registerSweep'>;
  flowGap?: FlowGapSettings;
  now?: () => Date;
}

export interface KpisComponent {
  module: ApiModule;
  kpis: KpisService;
  reconciliation: ReconciliationService;
}

/** KPIs and flow reconciliation: reads only, each figure from its component's indexed aggregation; registers the FLOW_GAP sweep. */
export function createKpis(deps: KpisDeps): KpisComponent {
  const now = deps.now ?? (() => new Date());
  const flowGap = deps.flowGap ?? DEFAULT_FLOW_GAP;
  const kpis = createKpisService({ ...deps, now });
  const reconciliation = createReconciliationService({ ledger: deps.ledger, registry: deps.registry, flowGap, now });
  deps.alerts.registerSweep(flowGapSweep(reconciliation, flowGap));
  return {
    module: { name: 'kpis', router: kpisRoutes(kpis, reconciliation), registerOpenApi: registerKpisOpenApi },
    kpis,
    reconciliation,
  };
}
