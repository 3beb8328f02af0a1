import type { ApiModule } from '../../../shared/http/api-module';
import type { CylinderVisibility, LedgerEventSource } from '../log/log.ports';
import { DEFAULT_EPCIS_OPTIONS, type EpcisOptions } from './epcis.mapper';
import { epcisRoutes, registerEpcisOpenApi } from './epcis.routes';
import { createEpcisService, type EpcisService } from './epcis.service';

export { toEpcisDocument, toObjectEvent, EPCIS_CONTEXT, LPG_NAMESPACE, DEFAULT_EPCIS_OPTIONS, type EpcisOptions } from './epcis.mapper';

/** EPCIS 2.0 export of the ledger (GET /api/v1/epcis/events). */
export function createEpcisExport(deps: {
  source: LedgerEventSource;
  cylinderVisible: CylinderVisibility;
  options?: Partial<EpcisOptions>;
}): { service: EpcisService; module: ApiModule } {
  const service = createEpcisService({
    source: deps.source,
    cylinderVisible: deps.cylinderVisible,
    options: { ...DEFAULT_EPCIS_OPTIONS, ...deps.options },
  });
  return { service, module: { name: 'epcis', router: epcisRoutes(service), registerOpenApi: registerEpcisOpenApi } };
}
