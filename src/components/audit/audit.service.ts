import type { ClientSession } from 'mongoose';
import { Types } from 'mongoose';
import { scopeFilter, type Principal } from '../auth';
import type { Page, PageCursors } from '../../shared/http/page.cursor';
import type { AuditDoc } from './audit.model';
import type { AuditRepository } from './audit.repository';
import type { AuditEntry, AuditQuery } from './audit.schemas';

/**
 * One change to one record. `before`/`after` are the record as a regulator would see it, with
 * personal data already masked by the caller: the audit trail must not become a PII side channel.
 */
export interface AuditInput {
  actor: Principal;
  action: 'create' | 'update' | 'deactivate' | 'import_create' | 'import_update' | string;
  resource: string;
  recordId: Types.ObjectId | string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Why: given with the acts that need a reason (credential decisions, a regulator's correction, a transfer decision). */
  reason?: string | undefined;
  /** Scope of the record; taken from after/before when omitted. */
  enterpriseId?: Types.ObjectId | string | null;
  districtCode?: string | null;
}

export interface AuditService {
  record(entry: AuditInput, session?: ClientSession): Promise<void>;
  recordMany(entries: AuditInput[], session?: ClientSession): Promise<void>;
  list(principal: Principal, query: AuditQuery): Promise<Page<AuditEntry>>;
}

/** Newest first: the cursor is the last entry's _id (ObjectIds grow with time and never repeat). */
const LISTING = { name: 'audit', sort: '_id', direction: -1 } as const;

export function createAuditService(repository: AuditRepository, cursors: PageCursors, now: () => Date = () => new Date()): AuditService {
  const toDoc = (e: AuditInput): Omit<AuditDoc, '_id'> => {
    const snapshot = e.after ?? e.before ?? {};
    const enterpriseId = e.enterpriseId ?? asString(snapshot.enterpriseId);
    const districtCode = e.districtCode ?? asString(snapshot.districtCode);
    return {
      at: now(),
      actor: { userId: e.actor.userId, username: e.actor.username, role: e.actor.role },
      action: e.action,
      resource: e.resource,
      recordId: new Types.ObjectId(String(e.recordId)),
      ...(enterpriseId && Types.ObjectId.isValid(String(enterpriseId)) ? { enterpriseId: new Types.ObjectId(String(enterpriseId)) } : {}),
      ...(districtCode ? { districtCode } : {}),
      before: e.before,
      after: e.after,
      ...(e.reason ? { reason: e.reason } : {}),
    };
  };
  return {
    record: (entry, session) => repository.insertMany([toDoc(entry)], session),
    recordMany: (entries, session) => repository.insertMany(entries.map(toDoc), session),
    async list(principal, query) {
      const filter: Record<string, unknown>[] = [scopeFilter(principal, 'audit')];
      if (query.resource) filter.push({ resource: query.resource });
      if (query.recordId) filter.push({ recordId: new Types.ObjectId(query.recordId) });
      if (query.cursor) filter.push({ _id: { $lt: new Types.ObjectId(String(cursors.decode(LISTING, query.cursor).value)) } });
      const docs = await repository.find({ $and: filter }, query.limit + 1);
      const page = cursors.page(docs, query.limit, LISTING, (d) => ({ value: d._id.toHexString() }));
      return { items: page.items.map(toEntry), nextCursor: page.nextCursor };
    },
  };
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Types.ObjectId) return value.toHexString();
  return undefined;
}

function toEntry(doc: AuditDoc): AuditEntry {
  return {
    id: doc._id.toHexString(),
    at: doc.at.toISOString(),
    actor: doc.actor,
    action: doc.action,
    resource: doc.resource,
    recordId: doc.recordId.toHexString(),
    before: doc.before,
    after: doc.after,
    ...(doc.reason ? { reason: doc.reason } : {}),
  };
}
