import { credentialStatusFilter } from '../credential.status';
import type { RecordDefinition } from '../registry.definition';
import { defined, patchCredential, storeCredential, viewCredential, viewMeta } from '../registry.definition';
import type { StoredCredential } from '../registry.model';
import { enterpriseCreate, enterprisePatch, enterpriseQuery, enterpriseView, type EnterpriseCreate, type EnterprisePatch, type EnterpriseQuery } from './enterprises.schemas';

/** Gas-operation enterprises (燃气经营企业), registered and licensed by the city. */
export const enterprisesRecord: RecordDefinition<EnterpriseCreate, EnterprisePatch, EnterpriseQuery> = {
  resource: 'enterprises',
  noun: 'enterprise',
  createSchema: enterpriseCreate,
  patchSchema: enterprisePatch,
  querySchema: enterpriseQuery,
  viewSchema: enterpriseView,
  enterpriseField: '_id',
  districtField: 'districtCode',
  textFields: ['name', 'licence.number'],
  async toStored(input, ctx) {
    await ctx.refs.district(input.districtCode, 'districtCode');
    return defined({ name: input.name, uscc: input.uscc?.toUpperCase(), districtCode: input.districtCode, address: input.address, licence: input.licence ? storeCredential(input.licence, 'licence', ctx) : undefined });
  },
  async patchToStored(patch, existing, ctx) {
    if (patch.districtCode) await ctx.refs.district(patch.districtCode, 'districtCode');
    return defined({
      name: patch.name,
      uscc: patch.uscc?.toUpperCase(),
      districtCode: patch.districtCode,
      address: patch.address,
      licence: patch.licence ? patchCredential(existing.licence as StoredCredential, patch.licence, 'licence', ctx) : undefined,
    });
  },
  filters: (query, now, policy) => (query.status ? [credentialStatusFilter('licence', query.status, now, policy)] : []),
  view: (doc, viewer) =>
    defined({
      ...viewMeta(doc),
      name: doc.name,
      uscc: doc.uscc,
      districtCode: doc.districtCode,
      address: doc.address,
      licence: viewCredential(doc.licence, viewer),
    }),
};
