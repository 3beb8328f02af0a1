import { Types } from 'mongoose';
import { credentialStatus, credentialStatusFilter } from '../credential.status';
import type { RecordDefinition, WriteContext } from '../registry.definition';
import { defined, hex, patchCredential, storeCredential, viewCredential, viewMeta } from '../registry.definition';
import type { StoredCredential, StoredDoc } from '../registry.model';
import { hashIdNumber, idNumberLast4, maskIdNumber } from '../registry.pii';
import { fieldError, owningEnterprise } from '../registry.refs';
import { normalizeCode } from '../registry.schemas';
import { workerCreate, workerPatch, workerQuery, workerView, type WorkerCreate, type WorkerPatch, type WorkerQuery } from './workers.schemas';

/** A worker's site must be one of the employer's, inside the caller's scope. */
async function siteOf(siteId: string, enterpriseId: Types.ObjectId, ctx: WriteContext): Promise<StoredDoc> {
  const site = await ctx.refs.site(siteId, 'siteId');
  if (!(site.enterpriseId instanceof Types.ObjectId) || !site.enterpriseId.equals(enterpriseId)) throw fieldError('siteId', 'is not a site of the employer');
  return site;
}

/** Workers; the ID number is kept only as a keyed hash and its last 4 characters. */
export const workersRecord: RecordDefinition<WorkerCreate, WorkerPatch, WorkerQuery> = {
  resource: 'workers',
  noun: 'worker',
  createSchema: workerCreate,
  patchSchema: workerPatch,
  querySchema: workerQuery,
  viewSchema: workerView,
  enterpriseField: 'enterpriseId',
  districtField: 'districtCode',
  textFields: ['realName', 'staffNumber'],
  async toStored(input, ctx) {
    const enterprise = await owningEnterprise(input.enterpriseId, ctx.principal, ctx.refs);
    const site = input.siteId ? await siteOf(input.siteId, enterprise._id, ctx) : undefined;
    return defined({
      enterpriseId: enterprise._id,
      districtCode: site?.districtCode ?? enterprise.districtCode,
      realName: input.realName,
      staffNumber: normalizeCode(input.staffNumber),
      idNumberHash: hashIdNumber(ctx.piiSecret, input.idNumber),
      idNumberLast4: idNumberLast4(input.idNumber),
      role: input.role,
      siteId: site?._id,
      certificate: input.certificate ? storeCredential(input.certificate, 'certificate', ctx) : undefined,
    });
  },
  async patchToStored(patch, existing, ctx) {
    const enterpriseId = existing.enterpriseId as Types.ObjectId;
    let placement = {};
    if (patch.siteId) {
      const site = await siteOf(patch.siteId, enterpriseId, ctx);
      placement = { siteId: site._id, districtCode: site.districtCode };
    } else if (patch.siteId === null) {
      const enterprise = await ctx.refs.enterprise(enterpriseId.toHexString(), 'enterpriseId');
      placement = { siteId: null, districtCode: enterprise.districtCode };
    }
    return defined({
      realName: patch.realName,
      staffNumber: patch.staffNumber === undefined ? undefined : normalizeCode(patch.staffNumber),
      role: patch.role,
      ...placement,
      certificate: patch.certificate ? patchCredential(existing.certificate as StoredCredential | undefined, patch.certificate, 'certificate', ctx) : undefined,
    });
  },
  filters: (query, now, policy) => [
    ...(query.role ? [{ role: query.role }] : []),
    ...(query.siteId ? [{ siteId: new Types.ObjectId(query.siteId) }] : []),
    ...(query.status ? [credentialStatusFilter('certificate', query.status, now, policy)] : []),
  ],
  view: (doc, viewer) =>
    defined({
      ...viewMeta(doc),
      enterpriseId: hex(doc.enterpriseId),
      districtCode: doc.districtCode,
      realName: doc.realName,
      staffNumber: doc.staffNumber,
      idNumber: maskIdNumber(String(doc.idNumberLast4)),
      role: doc.role,
      siteId: hex(doc.siteId),
      certificate: viewCredential(doc.certificate, viewer),
      certificateStatus: credentialStatus(doc.certificate as StoredCredential | undefined, viewer.now, viewer.policy),
    }),
  naturalKey: (fields) => ({ enterpriseId: fields.enterpriseId, idNumberHash: fields.idNumberHash }),
  naturalKeyField: 'idNumber',
  storedAs: { idNumber: 'idNumberHash' },
};
