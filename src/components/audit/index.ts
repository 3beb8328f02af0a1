import type { Connection } from 'mongoose';
import type { ApiModule } from '../../shared/http/api-module';
import { createAuditRepository } from './audit.repository';
import { auditRoutes, registerAuditOpenApi } from './audit.routes';
import { createAuditService, type AuditService } from './audit.service';

export type { AuditService, AuditInput } from './audit.service';

/** The audit trail: other components call `audit.record(...)` inside their write transaction. */
export async function createAudit(deps: { connection: Connection }): Promise<{ service: AuditService; module: ApiModule }> {
  const repository = createAuditRepository(deps.connection);
  await repository.init();
  const service = createAuditService(repository);
  return {
    service,
    module: { name: 'audit', router: auditRoutes(service), registerOpenApi: registerAuditOpenApi },
  };
}
