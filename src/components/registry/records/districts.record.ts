import type { RecordDefinition } from '../registry.definition';
import { defined, viewMeta } from '../registry.definition';
import { districtCreate, districtPatch, districtQuery, districtView, type DistrictCreate, type DistrictPatch } from './districts.schemas';

/** The city's county-level divisions; configurable, seeded with the defaults. */
export const districtsRecord: RecordDefinition<DistrictCreate, DistrictPatch> = {
  resource: 'districts',
  noun: 'district',
  createSchema: districtCreate,
  patchSchema: districtPatch,
  querySchema: districtQuery,
  viewSchema: districtView,
  enterpriseField: null,
  districtField: 'code',
  textFields: ['name', 'code'],
  toStored: async (input) => ({ code: input.code, name: input.name }),
  patchToStored: async (patch) => defined({ name: patch.name }),
  filters: () => [],
  view: (doc) => ({ ...viewMeta(doc), code: doc.code, name: doc.name }),
  naturalKey: (fields) => ({ code: fields.code }),
  naturalKeyField: 'code',
};
