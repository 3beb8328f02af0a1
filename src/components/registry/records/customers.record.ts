import type { RecordDefinition } from '../registry.definition';
import { defined, hex, viewMeta } from '../registry.definition';
import { hashIdNumber, idNumberLast4, maskIdNumber, maskPhone } from '../registry.pii';
import { fieldError, owningEnterprise } from '../registry.refs';
import { customerCreate, customerPatch, customerQuery, customerView, type CustomerCreate, type CustomerPatch, type CustomerQuery } from './customers.schemas';

/**
 * Real-name customers. A household is identified by its ID number (kept hashed), a business by
 * its phone: that is the natural key, and nothing beyond what delivery and supervision need.
 */
export const customersRecord: RecordDefinition<CustomerCreate, CustomerPatch, CustomerQuery> = {
  resource: 'customers',
  noun: 'customer',
  createSchema: customerCreate,
  patchSchema: customerPatch,
  querySchema: customerQuery,
  viewSchema: customerView,
  enterpriseField: 'enterpriseId',
  districtField: 'districtCode',
  textFields: ['realName'],
  async toStored(input, ctx) {
    if (input.kind === 'household' && !input.idNumber) throw fieldError('idNumber', 'is required for a household (real-name registration)');
    if (input.kind === 'household' && input.uscc) throw fieldError('uscc', 'only businesses have a unified social credit code');
    if (input.kind === 'business' && input.idNumber) throw fieldError('idNumber', 'is not collected for a business');
    const enterprise = await owningEnterprise(input.enterpriseId, ctx.principal, ctx.refs);
    await ctx.refs.district(input.districtCode, 'districtCode');
    const idNumberHash = input.idNumber ? hashIdNumber(ctx.piiSecret, input.idNumber) : undefined;
    return defined({
      enterpriseId: enterprise._id,
      districtCode: input.districtCode,
      kind: input.kind,
      realName: input.realName,
      idNumberHash,
      idNumberLast4: input.idNumber ? idNumberLast4(input.idNumber) : undefined,
      uscc: input.uscc?.toUpperCase(),
      phone: input.phone,
      address: input.address,
      naturalKey: idNumberHash ? `id:${idNumberHash}` : `tel:${input.phone}`,
    });
  },
  async patchToStored(patch, existing, ctx) {
    if (patch.districtCode) await ctx.refs.district(patch.districtCode, 'districtCode');
    if (patch.uscc && existing.kind !== 'business') throw fieldError('uscc', 'only businesses have a unified social credit code');
    const rekey = existing.kind === 'business' && patch.phone ? { naturalKey: `tel:${patch.phone}` } : {};
    return defined({ realName: patch.realName, uscc: patch.uscc?.toUpperCase(), phone: patch.phone, address: patch.address, districtCode: patch.districtCode, ...rekey });
  },
  filters: (query) => (query.kind ? [{ kind: query.kind }] : []),
  view(doc, viewer) {
    const owner = viewer.enterpriseId !== undefined && viewer.enterpriseId === hex(doc.enterpriseId);
    return defined({
      ...viewMeta(doc),
      enterpriseId: hex(doc.enterpriseId),
      districtCode: doc.districtCode,
      kind: doc.kind,
      realName: doc.realName,
      idNumber: typeof doc.idNumberLast4 === 'string' ? maskIdNumber(doc.idNumberLast4) : undefined,
      uscc: doc.uscc,
      phone: owner ? doc.phone : maskPhone(String(doc.phone)),
      address: doc.address,
    });
  },
  naturalKey: (fields) => ({ enterpriseId: fields.enterpriseId, naturalKey: fields.naturalKey }),
  naturalKeyField: 'idNumber',
  storedAs: { idNumber: 'idNumberHash' },
};
