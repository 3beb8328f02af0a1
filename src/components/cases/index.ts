import type { Connection } from 'mongoose';
import type { AuditService } from '../audit';
import { unitOfWork } from '../../shared/db/unit-of-work';
import type { ApiModule } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import type { AlertsComponent } from '../alerts';
import { caseFigures as figuresOf, type CaseFigures } from './cases.figures';
import { registerCasesOpenApi } from './cases.openapi';
import type { CaseAccounts, CaseReports } from './cases.ports';
import type { Deliveries } from '../deliveries';
import type { Registry } from '../registry';
import { createHazardsService } from './hazards.service';
import { registerInspectionsOpenApi } from './inspections.openapi';
import { createInspectionsRepository } from './inspections.repository';
import { inspectionsRoutes } from './inspections.routes';
import { createInspectionsService } from './inspections.service';
import { Router } from 'express';
import { createCasesRepository } from './cases.repository';
import { casesRoutes } from './cases.routes';
import { createCasesService, type CasesService } from './cases.service';
import type { SubjectRegistry } from './cases.subjects';
import { overdueSweep, OVERDUE_SWEEP_MS } from './cases.sweep';

export { CASE_STATUSES, REVIEW_OUTCOMES, transition as caseTransition, type CaseStatus, type ReviewOutcome } from './cases.lifecycle';
export type { CaseFigures } from './cases.figures';
export type { CaseAccounts, CaseHazards, CaseReports, CaseSourceRecord } from './cases.ports';
export type { CaseView } from './cases.schemas';

/** A photo of a case's evidence is at most this large. */
export const CASE_PHOTO_MAX_BYTES = 1024 * 1024;

export interface CasesDeps {
  connection: Connection;
  audit: AuditService;
  cursors: PageCursors;
  registry: SubjectRegistry & Pick<Registry, 'customerContact'>;
  /** The household safety checks' hazards (deliveries component), listed with the inspections' own. */
  deliveries: Pick<Deliveries, 'hazards'>;
  alerts: Pick<AlertsComponent, 'service' | 'registerSweep'>;
  accounts: CaseAccounts;
  /** The public's reports queue (qr component); without it a case is not opened from a report. */
  reports?: CaseReports;
  /** How often the overdue sweep runs (tests: often). */
  overdueSweepMs?: number;
  now?: () => Date;
}

export interface CasesComponent {
  module: ApiModule;
  service: CasesService;
  /** The KPIs' figures of cases within a scope and a period [from, to). */
  caseFigures(scope: { district?: string; enterpriseId?: string }, period: { from: Date; to: Date }): Promise<CaseFigures>;
}

/**
 * Cases (立案 → 整改 → 复查销号), premises inspections with their checklists, and the one hazard list:
 * builds its indexes (and the default checklists), registers its overdue sweep with supervision,
 * serves /cases, /inspection-checklists, /inspections and /hazards.
 */
export async function createCases(deps: CasesDeps): Promise<CasesComponent> {
  const repo = createCasesRepository(deps.connection);
  await repo.init();
  const now = deps.now ?? (() => new Date());
  const transaction = unitOfWork(deps.connection);
  const inspectionsRepo = createInspectionsRepository(deps.connection);
  // Seeding time is the wall clock's: a test's movable clock is not set while components are built.
  await inspectionsRepo.init(new Date());
  const inspections = createInspectionsService({ repo: inspectionsRepo, transaction, audit: deps.audit, cursors: deps.cursors, registry: deps.registry, now });
  const hazards = createHazardsService({ repo: inspectionsRepo, deliveries: deps.deliveries, cursors: deps.cursors, now });
  const service = createCasesService({
    repo,
    transaction,
    audit: deps.audit,
    cursors: deps.cursors,
    registry: deps.registry,
    alerts: deps.alerts.service,
    hazards,
    reports: deps.reports,
    accounts: deps.accounts,
    photoMaxBytes: CASE_PHOTO_MAX_BYTES,
    now,
  });
  deps.alerts.registerSweep(overdueSweep(repo, deps.overdueSweepMs ?? OVERDUE_SWEEP_MS));
  return {
    module: {
      name: 'cases',
      router: Router().use(casesRoutes(service, CASE_PHOTO_MAX_BYTES)).use(inspectionsRoutes(inspections, hazards)),
      registerOpenApi: (registry) => {
        registerCasesOpenApi(registry);
        registerInspectionsOpenApi(registry);
      },
      // A photo sent as base64 JSON is a third larger than the image.
      largeBodies: [{ path: '/cases/:id/photos', limit: `${Math.ceil((CASE_PHOTO_MAX_BYTES * 4) / 3 / 1000) + 10}kb` }],
    },
    service,
    caseFigures: figuresOf(repo, now),
  };
}
