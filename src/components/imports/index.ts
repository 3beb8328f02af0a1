import type { ApiModule } from '../../shared/http/api-module';
import { registerImportsOpenApi } from './imports.openapi';
import type { ImportPort } from './imports.port';
import { importRoutes } from './imports.routes';
import { createImportService } from './imports.service';

export { IMPORTABLE_RESOURCES, type ImportableResource, type ImportPort, type UpsertOutcome, type UpsertError } from './imports.port';
export { LIMITS as IMPORT_LIMITS } from './imports.csv';
export type { ImportReport } from './imports.service';

/** The bulk-import API module; the registry supplies the port that validates and writes the records. */
export function createImports(deps: { importPort: ImportPort }): { module: ApiModule } {
  const service = createImportService(deps.importPort);
  return { module: { name: 'imports', router: importRoutes(service), registerOpenApi: registerImportsOpenApi } };
}
