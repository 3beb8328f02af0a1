import { z } from '../../../shared/openapi/zod.openapi';
import { districtCode, listQueryBase, recordMeta, text } from '../registry.schemas';

export const districtCreate = z.strictObject({ code: districtCode, name: text(50) }).openapi('DistrictCreate');
export const districtPatch = z.strictObject({ name: text(50).optional() }).openapi('DistrictPatch');
export const districtQuery = z.strictObject({
  q: listQueryBase.q,
  active: listQueryBase.active,
  order: listQueryBase.order,
  limit: listQueryBase.limit,
  cursor: listQueryBase.cursor,
  sort: z.enum(['code', 'name', 'createdAt']).default('code'),
});
export const districtView = z.object({ ...recordMeta, code: z.string(), name: z.string() }).openapi('District');

export type DistrictCreate = z.infer<typeof districtCreate>;
export type DistrictPatch = z.infer<typeof districtPatch>;
