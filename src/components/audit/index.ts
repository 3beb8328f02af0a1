import type { Connection } from 'mongoose';
import type { ApiModule } from '../../shared/http/api-module';
import type { PageCursors } from '../../shared/http/page.cursor';
import { createAuditRepository } from './audit.repository';
import { auditRoutes, registerAuditOpenApi } from './audit.routes';
import { createAuditService, type AuditService } from './audit.service';

export type { AuditService, AuditInput } from './audit.service';

/** The audit trail: other components call `audit.record(...)` inside their write transaction. */
export async function createAudit(deps: { connection: Connection; cursors: PageCursors }): Promise<{ service: AuditService; module: ApiModule }> {
  const repository = createAuditRepository(deps.connection);
  await repository.init();
  const service = createAuditService(repository, deps.cursors);
  return {
    service,
    module: { name: 'audit', router: auditRoutes(service), registerOpenApi: registerAuditOpenApi },
  };
}
