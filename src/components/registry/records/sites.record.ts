import { credentialStatusFilter } from '../credential.status';
import type { RecordDefinition } from '../registry.definition';
import { defined, hex, patchCredential, storeCredential, viewCredential, viewMeta } from '../registry.definition';
import type { StoredCredential } from '../registry.model';
import { fieldError, owningEnterprise } from '../registry.refs';
import { normalizeCode } from '../registry.schemas';
import { siteCreate, sitePatch, siteQuery, siteView, type SiteCreate, type SitePatch, type SiteQuery } from './sites.schemas';

/** Filling stations (充装站) and supply points (供应站/点); a site's district is its own. */
export const sitesRecord: RecordDefinition<SiteCreate, SitePatch, SiteQuery> = {
  resource: 'sites',
  noun: 'site',
  createSchema: siteCreate,
  patchSchema: sitePatch,
  querySchema: siteQuery,
  viewSchema: siteView,
  enterpriseField: 'enterpriseId',
  districtField: 'districtCode',
  textFields: ['name', 'code', 'address'],
  async toStored(input, ctx) {
    const enterprise = await owningEnterprise(input.enterpriseId, ctx.principal, ctx.refs);
    await ctx.refs.district(input.districtCode, 'districtCode');
    if (input.kind === 'filling_station' && !input.fillingLicence) throw fieldError('fillingLicence', 'is required for a filling station');
    if (input.kind === 'supply_point' && input.fillingLicence) throw fieldError('fillingLicence', 'only filling stations hold a filling licence');
    return defined({
      enterpriseId: enterprise._id,
      kind: input.kind,
      name: input.name,
      code: normalizeCode(input.code),
      districtCode: input.districtCode,
      address: input.address,
      coordinates: input.coordinates,
      licence: storeCredential(input.licence, 'licence', ctx),
      fillingLicence: input.fillingLicence ? storeCredential(input.fillingLicence, 'fillingLicence', ctx) : undefined,
    });
  },
  async patchToStored(patch, existing, ctx) {
    if (patch.districtCode) await ctx.refs.district(patch.districtCode, 'districtCode');
    if (patch.fillingLicence && existing.kind !== 'filling_station') throw fieldError('fillingLicence', 'only filling stations hold a filling licence');
    return defined({
      name: patch.name,
      code: patch.code === undefined ? undefined : normalizeCode(patch.code),
      districtCode: patch.districtCode,
      address: patch.address,
      coordinates: patch.coordinates,
      licence: patch.licence ? patchCredential(existing.licence as StoredCredential, patch.licence, 'licence', ctx) : undefined,
      fillingLicence: patch.fillingLicence ? patchCredential(existing.fillingLicence as StoredCredential | undefined, patch.fillingLicence, 'fillingLicence', ctx) : undefined,
    });
  },
  filters: (query, now, policy) => [
    ...(query.kind ? [{ kind: query.kind }] : []),
    ...(query.status ? [credentialStatusFilter('licence', query.status, now, policy)] : []),
  ],
  view: (doc, viewer) =>
    defined({
      ...viewMeta(doc),
      enterpriseId: hex(doc.enterpriseId),
      kind: doc.kind,
      name: doc.name,
      code: doc.code,
      districtCode: doc.districtCode,
      address: doc.address,
      coordinates: doc.coordinates,
      licence: viewCredential(doc.licence, viewer),
      fillingLicence: viewCredential(doc.fillingLicence, viewer),
    }),
  naturalKey: (fields) => ({ enterpriseId: fields.enterpriseId, name: fields.name }),
  naturalKeyField: 'name',
};
