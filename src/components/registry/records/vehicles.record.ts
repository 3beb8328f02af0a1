import { credentialStatus, credentialStatusFilter } from '../credential.status';
import type { RecordDefinition } from '../registry.definition';
import { defined, hex, patchCredential, storeCredential, viewCredential, viewMeta } from '../registry.definition';
import type { StoredCredential } from '../registry.model';
import { normalizePlate } from '../registry.pii';
import { owningEnterprise } from '../registry.refs';
import { vehicleCreate, vehiclePatch, vehicleQuery, vehicleView, type VehicleCreate, type VehiclePatch, type VehicleQuery } from './vehicles.schemas';

/** Vehicles that carry cylinders; their district is the owner enterprise's. */
export const vehiclesRecord: RecordDefinition<VehicleCreate, VehiclePatch, VehicleQuery> = {
  resource: 'vehicles',
  noun: 'vehicle',
  createSchema: vehicleCreate,
  patchSchema: vehiclePatch,
  querySchema: vehicleQuery,
  viewSchema: vehicleView,
  enterpriseField: 'enterpriseId',
  districtField: 'districtCode',
  textFields: ['plate'],
  async toStored(input, ctx) {
    const enterprise = await owningEnterprise(input.enterpriseId, ctx.principal, ctx.refs);
    return defined({
      enterpriseId: enterprise._id,
      districtCode: enterprise.districtCode,
      plate: normalizePlate(input.plate),
      kind: input.kind,
      permit: input.permit ? storeCredential(input.permit, 'permit', ctx) : undefined,
    });
  },
  patchToStored: async (patch, existing, ctx) =>
    defined({ kind: patch.kind, permit: patch.permit ? patchCredential(existing.permit as StoredCredential | undefined, patch.permit, 'permit', ctx) : undefined }),
  filters: (query, now, policy) => [
    ...(query.kind ? [{ kind: query.kind }] : []),
    ...(query.status ? [credentialStatusFilter('permit', query.status, now, policy)] : []),
  ],
  view: (doc, viewer) =>
    defined({
      ...viewMeta(doc),
      enterpriseId: hex(doc.enterpriseId),
      districtCode: doc.districtCode,
      plate: doc.plate,
      kind: doc.kind,
      permit: viewCredential(doc.permit, viewer),
      permitStatus: credentialStatus(doc.permit as StoredCredential | undefined, viewer.now, viewer.policy),
    }),
  naturalKey: (fields) => ({ plate: fields.plate }),
  naturalKeyField: 'plate',
};
