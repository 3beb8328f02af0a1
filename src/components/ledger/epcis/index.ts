import type { ApiModule } from '../../../shared/http/api-module';
import type { CylinderVisibility, LedgerEventSource } from '../log';
import { DEFAULT_EPCIS_OPTIONS, type EpcisOptions } from './epcis.mapper';
import { EPCIS_BODY_TYPES, epcisRoutes, registerEpcisOpenApi } from './epcis.routes';
import type { EventIds } from '..';
import { createEpcisCapture, createEpcisService, type EpcisService, type LedgerCapture } from './epcis.service';

export { toEpcisDocument, toObjectEvent, EPCIS_CONTEXT, LPG_NAMESPACE, DEFAULT_EPCIS_OPTIONS, type EpcisOptions } from './epcis.mapper';
export { cylinderOfEpc, fromEpcisEvents, ledgerEventId, type IdDerivation } from './epcis.capture';

/**
 * EPCIS 2.0 for the ledger: export (GET /api/v1/epcis/events) and, when given the ledger's
 * capture, EPCIS capture of ObjectEvents into it (POST /api/v1/epcis/capture).
 */
export function createEpcis(deps: {
  source: LedgerEventSource;
  cylinderVisible: CylinderVisibility;
  /** The ledger's capture and the ids it derives: POST /epcis/capture exists only with both. */
  capture?: { appendMany: LedgerCapture; eventIds: EventIds };
  options?: Partial<EpcisOptions>;
}): { service: EpcisService; module: ApiModule } {
  const service = createEpcisService({
    source: deps.source,
    cylinderVisible: deps.cylinderVisible,
    options: { ...DEFAULT_EPCIS_OPTIONS, ...deps.options },
  });
  return {
    service,
    module: {
      name: 'epcis',
      router: epcisRoutes(service, deps.capture ? createEpcisCapture(deps.capture.appendMany, deps.capture.eventIds) : undefined),
      registerOpenApi: registerEpcisOpenApi,
      // 1,000 ObjectEvents with their payloads; sent as application/ld+json as often as plain JSON.
      largeBodies: [{ path: '/epcis/capture', limit: '4mb', types: EPCIS_BODY_TYPES }],
    },
  };
}
