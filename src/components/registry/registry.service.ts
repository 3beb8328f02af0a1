import { Types, type ClientSession } from 'mongoose';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { authorize, refuseWiderFilter, scopeFilter, type Principal } from '../auth';
import type { AuditService } from '../audit';
import { AppError } from '../../shared/errors/app.error';
import { afterPosition, positionValue, type PageCursors } from '../../shared/http/page.cursor';
import type { Fields, ListQueryBase, RecordDefinition, Viewer, WriteContext } from './registry.definition';
import type { StoredDoc } from './registry.model';
import type { RegistryPolicy } from './registry.policy';
import { createRefResolver } from './registry.refs';
import type { Filter, RecordRepository } from './registry.repository';

export interface ServiceDeps {
  transaction: UnitOfWork;
  audit: AuditService;
  repos: Record<'enterprises' | 'sites' | 'districts', RecordRepository>;
  policy: RegistryPolicy;
  piiSecret: string;
  cursors: PageCursors;
  now?: () => Date;
}

export interface RecordService {
  definition: RecordDefinition;
  get(principal: Principal, id: string): Promise<Record<string, unknown>>;
  list(principal: Principal, query: ListQueryBase): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }>;
  create(principal: Principal, input: unknown): Promise<Record<string, unknown>>;
  update(principal: Principal, id: string, patch: unknown): Promise<Record<string, unknown>>;
  deactivate(principal: Principal, id: string): Promise<Record<string, unknown>>;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Stable JSON of a field value for change detection (ObjectIds and Dates as strings). */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Types.ObjectId ? v.toHexString() : v)) ?? 'undefined';
}

/** Splits prepared fields into $set / $unset, keeping only what differs from the stored record. */
export function diff(existing: StoredDoc, fields: Fields): { set: Fields; unset: Fields } {
  const set: Fields = {};
  const unset: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value === null) {
      if (existing[key] !== undefined && existing[key] !== null) unset[key] = 1;
    } else if (canonical(value) !== canonical(existing[key])) {
      set[key] = value;
    }
  }
  return { set, unset };
}

/**
 * What a parsed PATCH changes on a stored record: the one step PATCH and an import row for an
 * existing record both take, so a bulk write can do nothing a single PATCH could not. A closed
 * record refuses every field the patch would change, and takes no recomputed derived value either.
 */
export async function patchChange(def: RecordDefinition, existing: StoredDoc, patch: unknown, ctx: WriteContext): Promise<{ set: Fields; unset: Fields }> {
  const change = diff(existing, await def.patchToStored(patch, existing, ctx));
  const closed = def.closedReason?.(existing);
  if (!closed) return change;
  const changed = Object.keys(patch as Fields).filter((key) => key in change.set || key in change.unset);
  if (changed.length > 0) throw AppError.validation(changed.map((path) => ({ path, message: closed })));
  return { set: {}, unset: {} };
}

export function applyDiff(existing: StoredDoc, change: { set: Fields; unset: Fields }): StoredDoc {
  const next: StoredDoc = { ...existing, ...change.set };
  for (const key of Object.keys(change.unset)) delete next[key];
  return next;
}

/** Create / read / update / deactivate / list for one kind of record, the same way for all. */
export function createRecordService(definition: RecordDefinition, repo: RecordRepository, deps: ServiceDeps): RecordService {
  const def = definition;
  const now = deps.now ?? (() => new Date());
  const viewer = (principal: Principal, at: Date): Viewer => ({
    ...(principal.enterpriseId ? { enterpriseId: principal.enterpriseId } : {}),
    now: at,
    policy: deps.policy,
  });
  // The audit trail shows records as a regulator sees them: personal data masked.
  const auditView = (doc: StoredDoc, at: Date) => def.view(doc, { now: at, policy: deps.policy });
  const context = (principal: Principal, at: Date, session?: ClientSession): WriteContext => ({
    principal,
    now: at,
    refs: createRefResolver(deps.repos, principal, session),
    policy: deps.policy,
    piiSecret: deps.piiSecret,
  });
  const scoped = (principal: Principal, id: string): Filter => ({
    $and: [scopeFilter(principal, def.resource), { _id: new Types.ObjectId(id) }],
  });
  const load = async (principal: Principal, id: string, session?: ClientSession) => {
    const doc = await repo.findOne(scoped(principal, id), session);
    if (!doc) throw AppError.notFound(`No ${def.noun} ${id}`);
    return doc;
  };
  /** Applies a change to a loaded record and writes it to the audit trail, in the caller's transaction. */
  const writeChange = async (principal: Principal, action: 'update' | 'deactivate', before: StoredDoc, change: { set: Fields; unset: Fields }, at: Date, session: ClientSession) => {
    await repo.updateOne(scoped(principal, before._id.toHexString()), change.set, change.unset, session);
    const after = applyDiff(before, change);
    await deps.audit.record(
      { actor: principal, action, resource: def.resource, recordId: before._id, before: auditView(before, at), after: auditView(after, at), ...auditScope(def, after) },
      session,
    );
    return after;
  };

  return {
    definition: def,

    async get(principal, id) {
      authorize(principal, def.resource, 'read');
      return def.view(await load(principal, id), viewer(principal, now()));
    },

    async list(principal, query) {
      authorize(principal, def.resource, 'read');
      refuseWiderFilter(principal, { district: query.districtCode, enterpriseId: query.enterpriseId });
      const at = now();
      const direction = query.order === 'desc' ? -1 : 1;
      const filters: Filter[] = [scopeFilter(principal, def.resource)];
      if (query.enterpriseId && def.enterpriseField) filters.push({ [def.enterpriseField]: new Types.ObjectId(query.enterpriseId) });
      if (query.districtCode) filters.push({ [def.districtField]: query.districtCode });
      if (query.active !== undefined) filters.push({ active: query.active });
      if (query.q && def.textFields.length > 0) {
        const pattern = new RegExp(escapeRegex(query.q), 'i');
        filters.push({ $or: def.textFields.map((f) => ({ [f]: pattern })) });
      }
      filters.push(...def.filters(query, at, deps.policy));
      const listing = { name: def.resource, sort: query.sort, direction } as const;
      if (query.cursor) filters.push(afterPosition(listing, deps.cursors.decode(listing, query.cursor)));
      const docs = await repo.find({ $and: filters }, { [query.sort]: direction, _id: direction }, query.limit + 1);
      const page = deps.cursors.page(docs, query.limit, listing, (d) => {
        const value = positionValue(d[query.sort]);
        return value === undefined ? undefined : { value, id: d._id.toHexString() };
      });
      const v = viewer(principal, at);
      return { items: page.items.map((d) => def.view(d, v)), nextCursor: page.nextCursor };
    },

    async create(principal, body) {
      authorize(principal, def.resource, 'create');
      const input = def.createSchema.parse(body);
      const at = now();
      const doc = await deps.transaction(async (session) => {
        const fields = await def.toStored(input, context(principal, at, session));
        const stored: StoredDoc = { _id: new Types.ObjectId(), ...fields, active: true, createdAt: at, updatedAt: at };
        await repo.insertOne(stored, session);
        await deps.audit.record(
          { actor: principal, action: 'create', resource: def.resource, recordId: stored._id, before: null, after: auditView(stored, at), ...auditScope(def, stored) },
          session,
        );
        return stored;
      });
      return def.view(doc, viewer(principal, at));
    },

    async update(principal, id, body) {
      authorize(principal, def.resource, 'update');
      const patch = def.patchSchema.parse(body);
      const at = now();
      const doc = await deps.transaction(async (session) => {
        const before = await load(principal, id, session);
        const change = await patchChange(def, before, patch, context(principal, at, session));
        if (Object.keys(change.set).length === 0 && Object.keys(change.unset).length === 0) return before;
        change.set.updatedAt = at;
        return writeChange(principal, 'update', before, change, at, session);
      });
      return def.view(doc, viewer(principal, at));
    },

    async deactivate(principal, id) {
      authorize(principal, def.resource, 'deactivate');
      const at = now();
      const doc = await deps.transaction(async (session) => {
        const before = await load(principal, id, session);
        if (!before.active) return before;
        return writeChange(principal, 'deactivate', before, { set: { active: false, deactivatedAt: at, updatedAt: at }, unset: {} }, at, session);
      });
      return def.view(doc, viewer(principal, at));
    },
  };
}

/** The audit entry is scoped like the record: enterprise records by their own id, districts by code. */
export function auditScope(def: RecordDefinition, doc: StoredDoc): { enterpriseId: Types.ObjectId | null; districtCode: string | null } {
  const enterpriseId = def.enterpriseField ? doc[def.enterpriseField] : null;
  const districtCode = doc[def.districtField];
  return {
    enterpriseId: enterpriseId instanceof Types.ObjectId ? enterpriseId : null,
    districtCode: typeof districtCode === 'string' ? districtCode : null,
  };
}
