import { z } from '../../../shared/openapi/zod.openapi';
import { coordinates, credentialInput, credentialPatch, credentialStatusSchema, credentialView, districtCode, listQueryBase, objectId, recordCode, recordMeta, text } from '../registry.schemas';

export const SITE_KINDS = ['filling_station', 'supply_point'] as const;

const siteFields = {
  enterpriseId: objectId.optional().openapi({ description: 'Required for city-wide callers; an enterprise user\'s own enterprise otherwise' }),
  kind: z.enum(SITE_KINDS),
  name: text(100),
  code: recordCode.openapi({ description: 'Station code (站点编号), unique within the enterprise: CSV imports and events may name the site by it', example: 'S01' }),
  districtCode,
  address: text(200),
  coordinates,
  licence: credentialInput,
  fillingLicence: credentialInput.optional().openapi({ description: 'Cylinder-filling licence (气瓶充装许可); filling stations only, and required for them' }),
};

export const siteCreate = z.strictObject(siteFields).openapi('SiteCreate');

export const sitePatch = z
  .strictObject({
    name: text(100).optional(),
    code: recordCode.optional(),
    districtCode: districtCode.optional(),
    address: text(200).optional(),
    coordinates: coordinates.optional(),
    licence: credentialPatch.optional(),
    fillingLicence: credentialPatch.optional(),
  })
  .openapi('SitePatch');

export const siteQuery = z.strictObject({
  ...listQueryBase,
  sort: z.enum(['createdAt', 'name', 'code', 'updatedAt']).default('createdAt'),
  kind: z.enum(SITE_KINDS).optional(),
  status: credentialStatusSchema.optional().openapi({ description: 'Derived status of the site licence' }),
});

export const siteView = z
  .object({
    ...recordMeta,
    enterpriseId: z.string(),
    kind: z.enum(SITE_KINDS),
    name: z.string(),
    code: z.string().optional().openapi({ description: 'Station code (站点编号)' }),
    districtCode: z.string(),
    address: z.string(),
    coordinates,
    licence: credentialView,
    fillingLicence: credentialView.optional(),
  })
  .openapi('Site');

export type SiteCreate = z.infer<typeof siteCreate>;
export type SitePatch = z.infer<typeof sitePatch>;
export type SiteQuery = z.infer<typeof siteQuery>;
