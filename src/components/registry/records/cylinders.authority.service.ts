import { Types, type ClientSession } from 'mongoose';
import type { UnitOfWork } from '../../../shared/db/unit-of-work';
import { AppError } from '../../../shared/errors/app.error';
import type { PageCursors } from '../../../shared/http/page.cursor';
import { authorize, scopeFilter, type Principal } from '../../auth';
import type { AuditService } from '../../audit';
import { defined, hex, toDate } from '../registry.definition';
import type { StoredDoc } from '../registry.model';
import { addYears, type RegistryPolicy } from '../registry.policy';
import { createRefResolver, fieldError } from '../registry.refs';
import type { RecordRepository } from '../registry.repository';
import { applyDiff, diff } from '../registry.service';
import {
  cylinderCorrection,
  transferApproval,
  transferRejection,
  transferRequestInput,
  type TransferQuery,
  type TransferView,
} from './cylinders.authority.schemas';
import { cylindersRecord, fillingStation, nextInspection } from './cylinders.record';
import type { TransferDoc, TransferRepository } from './cylinders.transfers.model';

export interface CylinderAuthorityDeps {
  transaction: UnitOfWork;
  audit: AuditService;
  cylinders: RecordRepository;
  refRepos: Record<'enterprises' | 'sites' | 'districts', RecordRepository>;
  transfers: TransferRepository;
  policy: RegistryPolicy;
  cursors: PageCursors;
  now: () => Date;
}

const LISTING = { name: 'cylinder_transfers', sort: '_id', direction: -1 } as const;

const closedError = (doc: StoredDoc) => {
  const closed = cylindersRecord.closedReason?.(doc);
  return closed ? new AppError('CYLINDER_CLOSED', 409, 'The cylinder is closed', { detail: `The cylinder ${closed}` }) : undefined;
};

/**
 * What only the authority may do to a cylinder: correct its stamped facts (with a reason), and
 * decide on its owner's request to move it to another filling station. Scoped like every record:
 * a district regulator reaches only its district's cylinders; anything else is 404.
 */
export function createCylinderAuthority(deps: CylinderAuthorityDeps) {
  const oid = (id: string) => new Types.ObjectId(id);
  const auditView = (doc: StoredDoc, at: Date) => cylindersRecord.view(doc, { now: at, policy: deps.policy });
  const loadCylinder = async (principal: Principal, id: string, session: ClientSession) => {
    const doc = await deps.cylinders.findOne({ $and: [scopeFilter(principal, 'cylinders'), { _id: oid(id) }] }, session);
    if (!doc) throw AppError.notFound(`No cylinder ${id}`);
    return doc;
  };
  const who = (p: Principal) => ({ userId: p.userId, username: p.username, role: p.role });

  /** Writes a cylinder change and its audit entry (with the reason) in the caller's transaction. */
  async function changeCylinder(principal: Principal, action: string, before: StoredDoc, fields: Record<string, unknown>, reason: string, at: Date, session: ClientSession) {
    const change = diff(before, fields);
    if (Object.keys(change.set).length === 0 && Object.keys(change.unset).length === 0) return before;
    change.set.updatedAt = at;
    await deps.cylinders.updateOne({ _id: before._id }, change.set, change.unset, session);
    const after = applyDiff(before, change);
    await deps.audit.record(
      { actor: principal, action, resource: 'cylinders', recordId: before._id, before: auditView(before, at), after: auditView(after, at), enterpriseId: before.enterpriseId as Types.ObjectId, districtCode: String(after.districtCode), reason },
      session,
    );
    return after;
  }

  return {
    /** A regulator corrects the stamped facts; the derived dates follow; the reason is audited. */
    async correct(principal: Principal, id: string, body: unknown) {
      authorize(principal, 'cylinder_corrections', 'create');
      const input = cylinderCorrection.parse(body);
      const at = deps.now();
      const doc = await deps.transaction(async (session) => {
        const before = await loadCylinder(principal, id, session);
        const closed = closedError(before);
        if (closed) throw closed;
        const manufactureDate = input.manufactureDate ? toDate(input.manufactureDate) : (before.manufactureDate as Date);
        const lastInspectionDate = before.lastInspectionDate as Date | undefined;
        if (manufactureDate > at) throw fieldError('manufactureDate', 'is in the future');
        if (lastInspectionDate && manufactureDate > lastInspectionDate) throw fieldError('manufactureDate', 'is after the cylinder\'s last periodic inspection');
        const designLifeYears = input.designLifeYears ?? (before.designLifeYears as number);
        const nominalKg = input.nominalKg ?? (before.nominalKg as number);
        const fields = defined({
          serial: input.serial?.toUpperCase(),
          manufacturer: input.manufacturer,
          manufactureDate,
          nominalKg,
          model: `YSP-${nominalKg}`,
          designLifeYears,
          serviceLifeEndsAt: addYears(manufactureDate, designLifeYears),
          // Once inspected, the next date is the inspection's own verdict; before, it counts from manufacture.
          nextInspectionDate: lastInspectionDate ? undefined : nextInspection(manufactureDate, undefined, deps.policy),
        });
        return changeCylinder(principal, 'correct', before, fields, input.reason, at, session);
      });
      return cylindersRecord.view(doc, { now: at, policy: deps.policy });
    },

    /** The owner asks to move a cylinder to another of its filling stations: pending until decided. */
    async requestTransfer(principal: Principal, id: string, body: unknown): Promise<TransferView> {
      authorize(principal, 'cylinder_transfers', 'create');
      const input = transferRequestInput.parse(body);
      const at = deps.now();
      return deps.transaction(async (session) => {
        const cylinder = await loadCylinder(principal, id, session);
        const closed = closedError(cylinder);
        if (closed) throw closed;
        const refs = createRefResolver(deps.refRepos, principal, session);
        const site = await fillingStation(input.fillingSiteId, cylinder.enterpriseId as Types.ObjectId, { principal, now: at, refs, policy: deps.policy, piiSecret: '' });
        if (site._id.equals(cylinder.fillingSiteId as Types.ObjectId)) throw fieldError('fillingSiteId', 'is already the cylinder\'s filling station');
        if (await deps.transfers.findOne({ cylinderId: cylinder._id, status: 'pending' }, session)) {
          throw new AppError('TRANSFER_ALREADY_PENDING', 409, 'A transfer is already pending', { detail: 'The cylinder has a pending transfer request: the regulator decides it before another may be made' });
        }
        const request: TransferDoc = {
          _id: new Types.ObjectId(),
          cylinderId: cylinder._id,
          enterpriseId: cylinder.enterpriseId as Types.ObjectId,
          districtCode: String(cylinder.districtCode),
          fromSiteId: cylinder.fillingSiteId as Types.ObjectId,
          toSiteId: site._id,
          toDistrictCode: String(site.districtCode),
          reason: input.reason,
          status: 'pending',
          requestedBy: who(principal),
          requestedAt: at,
        };
        await deps.transfers.insert(request, session);
        await deps.audit.record({ actor: principal, action: 'request', resource: 'cylinder_transfers', recordId: request._id, before: null, after: transferView(request), enterpriseId: request.enterpriseId, districtCode: request.districtCode, reason: input.reason }, session);
        return transferView(request);
      });
    },

    /** Requests within the caller's scope, newest first: a regulator's queue with ?status=pending. */
    async listTransfers(principal: Principal, query: TransferQuery) {
      authorize(principal, 'cylinder_transfers', 'read');
      const filters: Record<string, unknown>[] = [scopeFilter(principal, 'cylinder_transfers')];
      if (query.status) filters.push({ status: query.status });
      if (query.cylinderId) filters.push({ cylinderId: oid(query.cylinderId) });
      if (query.cursor) filters.push({ _id: { $lt: oid(String(deps.cursors.decode(LISTING, query.cursor).value)) } });
      const docs = await deps.transfers.find({ $and: filters }, query.limit + 1);
      const page = deps.cursors.page(docs, query.limit, LISTING, (d) => ({ value: d._id.toHexString() }));
      return { items: page.items.map(transferView), nextCursor: page.nextCursor };
    },

    /** A regulator of the cylinder's district (or the city) approves: the cylinder moves, audited. */
    async decideTransfer(principal: Principal, id: string, requestId: string, verdict: 'approve' | 'reject', body: unknown): Promise<TransferView> {
      authorize(principal, 'cylinder_transfers', 'update');
      const reason = verdict === 'approve' ? transferApproval.parse(body).reason : transferRejection.parse(body).reason;
      const at = deps.now();
      return deps.transaction(async (session) => {
        const request = await deps.transfers.findOne({ $and: [scopeFilter(principal, 'cylinder_transfers'), { _id: oid(requestId), cylinderId: oid(id) }] }, session);
        if (!request) throw AppError.notFound(`No transfer request ${requestId} of cylinder ${id}`);
        if (request.status !== 'pending') throw new AppError('TRANSFER_NOT_PENDING', 409, 'The transfer request is decided', { detail: `The request was ${request.status} already` });
        if (verdict === 'approve') await moveCylinder(principal, request, reason ?? request.reason, at, session);
        const decided: TransferDoc = { ...request, status: verdict === 'approve' ? 'approved' : 'rejected', decidedBy: who(principal), decidedAt: at, ...(reason ? { decisionReason: reason } : {}) };
        const { _id: _unchanged, ...set } = decided;
        if (!(await deps.transfers.decide(request._id, set, session))) throw new AppError('TRANSFER_NOT_PENDING', 409, 'The transfer request is decided', { detail: 'The request was decided meanwhile' });
        await deps.audit.record({ actor: principal, action: verdict, resource: 'cylinder_transfers', recordId: request._id, before: transferView(request), after: transferView(decided), enterpriseId: request.enterpriseId, districtCode: request.districtCode, ...(reason ? { reason } : {}) }, session);
        return transferView(decided);
      });
    },
  };

  /** The approved move, re-checked at the moment of approval: the cylinder and the station may have changed since the request. */
  async function moveCylinder(principal: Principal, request: TransferDoc, reason: string, at: Date, session: ClientSession): Promise<void> {
    const cylinder = await deps.cylinders.findOne({ _id: request.cylinderId }, session);
    if (!cylinder) throw AppError.notFound(`No cylinder ${request.cylinderId.toHexString()}`);
    const closed = closedError(cylinder);
    if (closed) throw closed;
    if (!request.fromSiteId.equals(cylinder.fillingSiteId as Types.ObjectId)) {
      throw new AppError('TRANSFER_STALE', 409, 'The cylinder moved since the request', { detail: 'The cylinder is no longer at the station the request moves it from: reject this request' });
    }
    const site = await deps.refRepos.sites.findOne({ _id: request.toSiteId }, session);
    const usable = site && site.active && site.kind === 'filling_station' && site.enterpriseId instanceof Types.ObjectId && site.enterpriseId.equals(request.enterpriseId);
    if (!site || !usable) throw new AppError('TRANSFER_TARGET_INVALID', 409, 'The target station cannot take the cylinder', { detail: 'The requested filling station is no longer an active filling station of the cylinder\'s enterprise: reject this request' });
    await changeCylinder(principal, 'transfer', cylinder, { fillingSiteId: site._id, districtCode: site.districtCode }, reason, at, session);
  }
}

export type CylinderAuthority = ReturnType<typeof createCylinderAuthority>;

function transferView(doc: TransferDoc): TransferView {
  return {
    id: doc._id.toHexString(),
    cylinderId: doc.cylinderId.toHexString(),
    enterpriseId: doc.enterpriseId.toHexString(),
    districtCode: doc.districtCode,
    fromSiteId: hex(doc.fromSiteId) ?? '',
    toSiteId: hex(doc.toSiteId) ?? '',
    toDistrictCode: doc.toDistrictCode,
    reason: doc.reason,
    status: doc.status,
    requestedBy: doc.requestedBy,
    requestedAt: doc.requestedAt.toISOString(),
    ...(doc.decidedBy ? { decidedBy: doc.decidedBy } : {}),
    ...(doc.decidedAt ? { decidedAt: doc.decidedAt.toISOString() } : {}),
    ...(doc.decisionReason ? { decisionReason: doc.decisionReason } : {}),
  };
}
