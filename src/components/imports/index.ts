import type { ApiModule } from '../../shared/http/api-module';
import { registerImportsOpenApi } from './imports.openapi';
import type { BulkUpsertPort, CodeLookups } from './imports.ports';
import { importRoutes } from './imports.routes';
import { createImportService } from './imports.service';

export { IMPORTABLE_RESOURCES, type UpsertableResource, type BulkUpsertPort, type BulkUpsertResult, type UpsertRowError } from './imports.ports';
export { LIMITS as IMPORT_LIMITS } from './imports.csv';
export type { ImportReport } from './imports.service';

/** The bulk-import API module; the registry supplies the port that validates and writes the records. */
export function createImports(deps: { bulkUpsert: BulkUpsertPort; codes: CodeLookups }): { module: ApiModule } {
  const service = createImportService(deps.bulkUpsert, deps.codes);
  return { module: { name: 'imports', router: importRoutes(service), registerOpenApi: registerImportsOpenApi } };
}
