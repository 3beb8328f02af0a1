import type { AlertsComponent } from '../alerts';
import type { DevicesComponent } from '../devices';
import type { Ledger } from '../ledger';
import type { Registry } from '../registry';

/** What the KPIs read, and from whom: each component's own indexed aggregations, through its index.ts. */
export interface CaseFigures {
  open: number;
  overdue: number;
  opened: number;
  closedRectified: number;
  closedUnfounded: number;
  escalated: number;
}

/** The cases component's figures (contract: cases/index.ts exports caseFigures); absent until it is wired. */
export interface CasesPort {
  caseFigures(scope: { district?: string; enterpriseId?: string }, period: { from: Date; to: Date }): Promise<CaseFigures>;
}

export interface KpisSources {
  ledger: Pick<Ledger, 'figures'>;
  alerts: Pick<AlertsComponent, 'figures'>;
  devices: Pick<DevicesComponent, 'denialsByReason'>;
  registry: Pick<Registry, 'cylindersPastDate' | 'sitesByIds' | 'enterpriseNames'>;
  cases?: CasesPort;
}

/** A reader's scope as the figures are filtered by: a district, an enterprise, or the whole city (neither). */
export interface FigureScope {
  districtCode?: string;
  enterpriseId?: string;
}

export interface Period {
  from: Date;
  to: Date;
}
