import { Types, type ClientSession } from 'mongoose';
import { z } from 'zod';
import type { UnitOfWork } from '../../shared/db/unit-of-work';
import { authorize, scopeFilter, type Principal } from '../auth';
import type { AuditInput, AuditService } from '../audit';
import { toAppError, zodFieldErrors } from '../../shared/errors/problem.mapper';
import type { Fields, RecordDefinition, WriteContext } from './registry.definition';
import type { StoredDoc } from './registry.model';
import type { RegistryPolicy } from './registry.policy';
import { createRefResolver } from './registry.refs';
import type { RecordRepository } from './registry.repository';
import { applyDiff, auditScope, canonical, patchChange } from './registry.service';

export type UpsertableResource = 'sites' | 'vehicles' | 'workers' | 'customers' | 'cylinders';

export interface UpsertRowError {
  index: number;
  field: string;
  reason: string;
}

/**
 * `created` / `updated` / `unchanged` classify the valid inputs; they were written only when
 * `errors` is empty and `dryRun` is false. Any error means nothing at all was written.
 */
export interface BulkUpsertResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: UpsertRowError[];
}

export interface BulkUpsertPort {
  /** The strict zod schema of one record's create input (the same as POST /api/v1/<resource>). */
  inputSchema(resource: UpsertableResource): z.ZodType;
  /**
   * Validates and applies inputs in ONE transaction, all or nothing, idempotent on each record's
   * natural key (sites: enterprise + name; vehicles: plate; workers: enterprise + ID number;
   * customers: enterprise + ID number, or phone for businesses; cylinders: enterprise + serial).
   */
  upsertMany(resource: UpsertableResource, inputs: unknown[], principal: Principal, opts: { dryRun: boolean }): Promise<BulkUpsertResult>;
}

interface BulkUpsertDeps {
  transaction: UnitOfWork;
  audit: AuditService;
  records: Record<UpsertableResource, { definition: RecordDefinition; repo: RecordRepository }>;
  refRepos: Record<'enterprises' | 'sites' | 'districts', RecordRepository>;
  policy: RegistryPolicy;
  piiSecret: string;
  now?: () => Date;
}

interface Prepared {
  index: number;
  /** The row as given, and as the create schema parsed it. */
  input: Fields;
  data: Fields;
  /** The stored fields a create would write. */
  fields: Fields;
  key: string;
}

export const NOT_OURS = 'must be unique: it is already registered and cannot be registered by this enterprise';

interface Plan {
  errors: UpsertRowError[];
  creates: StoredDoc[];
  /** The input row of each create, by position in `creates`. */
  createRows: number[];
  updates: { index: number; before: StoredDoc; after: StoredDoc; set: Fields; unset: Fields }[];
  unchanged: number;
}

export function createBulkUpsert(deps: BulkUpsertDeps): BulkUpsertPort {
  const now = deps.now ?? (() => new Date());

  async function plan(resource: UpsertableResource, inputs: unknown[], principal: Principal, at: Date, session?: ClientSession): Promise<Plan> {
    const { definition: def, repo } = deps.records[resource];
    const ctx: WriteContext = { principal, now: at, refs: createRefResolver(deps.refRepos, principal, session), policy: deps.policy, piiSecret: deps.piiSecret };
    const errors: UpsertRowError[] = [];
    const prepared: Prepared[] = [];
    const firstByKey = new Map<string, number>();
    for (const [index, input] of inputs.entries()) {
      const parsed = def.createSchema.safeParse(input);
      if (!parsed.success) {
        errors.push(...zodFieldErrors(parsed.error).map((e) => ({ index, field: e.path, reason: e.message })));
        continue;
      }
      let fields: Fields;
      try {
        fields = await def.toStored(parsed.data, ctx);
      } catch (err) {
        const known = toAppError(err);
        if (!known?.errors) throw err;
        errors.push(...known.errors.map((e) => ({ index, field: e.path, reason: e.message })));
        continue;
      }
      const key = canonical(def.naturalKey?.(fields));
      const first = firstByKey.get(key);
      if (first !== undefined) {
        errors.push({ index, field: def.naturalKeyField ?? '(root)', reason: `duplicates input ${first}` });
        continue;
      }
      firstByKey.set(key, index);
      prepared.push({ index, input: input as Fields, data: parsed.data as Fields, fields, key });
    }

    const existing = await findByNaturalKeys(def, repo, prepared.map((p) => p.fields), session);
    const inScope = new Set(
      existing.length === 0
        ? []
        : (await repo.findAll({ $and: [scopeFilter(principal, resource), { _id: { $in: existing.map((d) => d._id) } }] }, session)).map((d) => d._id.toHexString()),
    );
    const byKey = new Map(existing.map((d) => [canonical(def.naturalKey?.(d)), d]));
    const result: Plan = { errors, creates: [], createRows: [], updates: [], unchanged: 0 };
    for (const p of prepared) {
      const found = byKey.get(p.key);
      if (!found) {
        result.creates.push({ _id: new Types.ObjectId(), ...p.fields, active: true, createdAt: at, updatedAt: at });
        result.createRows.push(p.index);
      } else if (!inScope.has(found._id.toHexString())) {
        // Only a key unique city-wide (a plate) finds a record outside the caller's scope. It must be
        // refused, which says the value is taken; whose it is, is not said (the same as POST's 409).
        errors.push({ index: p.index, field: def.naturalKeyField ?? '(root)', reason: NOT_OURS });
      } else {
        const outcome = await asPatch(def, found, p, ctx);
        if ('errors' in outcome) {
          errors.push(...outcome.errors);
          continue;
        }
        const change = outcome.change;
        if (Object.keys(change.set).length === 0 && Object.keys(change.unset).length === 0) {
          result.unchanged++;
        } else {
          change.set.updatedAt = at;
          result.updates.push({ index: p.index, before: found, after: applyDiff(found, change), ...change });
        }
      }
    }
    errors.push(...(await uniqueConflicts(repo, def.naturalKeyField, result, session)));
    errors.sort((a, b) => a.index - b.index);
    return result;
  }

  return {
    inputSchema: (resource) => deps.records[resource].definition.createSchema,

    async upsertMany(resource, inputs, principal, opts) {
      authorize(principal, resource, 'import');
      const at = now();
      const summarise = (p: Plan): BulkUpsertResult => ({ created: p.creates.length, updated: p.updates.length, unchanged: p.unchanged, errors: p.errors });
      if (opts.dryRun) return summarise(await plan(resource, inputs, principal, at));
      const { definition: def, repo } = deps.records[resource];
      return deps.transaction(async (session) => {
        const p = await plan(resource, inputs, principal, at, session);
        if (p.errors.length > 0) return summarise(p);
        await repo.insertMany(p.creates, session);
        await repo.bulkUpdate(p.updates.map((u) => ({ filter: { _id: u.before._id }, set: u.set, unset: u.unset })), session);
        const masked = (doc: StoredDoc) => def.view(doc, { now: at, policy: deps.policy });
        const entries: AuditInput[] = [
          ...p.creates.map((doc) => ({ actor: principal, action: 'import_create', resource, recordId: doc._id, before: null, after: masked(doc), ...auditScope(def, doc) })),
          ...p.updates.map((u) => ({ actor: principal, action: 'import_update', resource, recordId: u.before._id, before: masked(u.before), after: masked(u.after), ...auditScope(def, u.after) })),
        ];
        await deps.audit.recordMany(entries, session);
        return summarise(p);
      });
    },
  };
}

/**
 * An upserted row for a record that exists is the PATCH the same user could send, field by field: the
 * fields PATCH accepts go through the same patch schema, `patchToStored` and closed-record rule; a
 * field PATCH refuses may be given only with the value already registered (an idempotent re-import).
 */
async function asPatch(def: RecordDefinition, found: StoredDoc, row: Prepared, ctx: WriteContext): Promise<{ change: { set: Fields; unset: Fields } } | { errors: UpsertRowError[] }> {
  const patchable = def.patchSchema instanceof z.ZodObject ? new Set(Object.keys(def.patchSchema.shape)) : new Set<string>();
  const errors: UpsertRowError[] = [];
  const patchInput: Fields = {};
  for (const [key, value] of Object.entries(row.data)) {
    if (patchable.has(key)) {
      patchInput[key] = row.input[key];
      continue;
    }
    const stored = def.storedAs?.[key] ?? key;
    if (!(stored in row.fields)) throw new Error(`${def.resource}.${key}: create-only field with no stored twin to compare`);
    if (canonical(row.fields[stored]) === canonical(found[stored])) continue;
    // Values stored under another name (a hashed ID number) are never echoed.
    const values = stored === key ? `: registered ${shown(found[stored])}, given ${shown(value)}` : '';
    errors.push({ index: row.index, field: key, reason: `is not allowed to change once registered (PATCH refuses it too)${values}` });
  }
  const patch = def.patchSchema.safeParse(patchInput);
  if (!patch.success) errors.push(...zodFieldErrors(patch.error).map((e) => ({ index: row.index, field: e.path, reason: e.message })));
  if (errors.length > 0 || !patch.success) return { errors };
  try {
    return { change: await patchChange(def, found, patch.data, ctx) };
  } catch (err) {
    const known = toAppError(err);
    if (!known?.errors) throw err;
    return { errors: known.errors.map((e) => ({ index: row.index, field: e.path, reason: e.message })) };
  }
}

function shown(value: unknown): string {
  if (value instanceof Date) return value.getTime() % 86_400_000 === 0 ? value.toISOString().slice(0, 10) : value.toISOString();
  if (value instanceof Types.ObjectId) return value.toHexString();
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Rows that would break a unique index other than the natural key (a station code, a licence number
 * another record holds, two rows giving one code): refused as row errors naming the field, found in
 * one query per index before anything is written — not a duplicate-key failure of the whole request.
 * Whose record holds the value is not said (it may be another enterprise's).
 */
async function uniqueConflicts(repo: RecordRepository, naturalKeyField: string | undefined, plan: Plan, session?: ClientSession): Promise<UpsertRowError[]> {
  const rows = [
    ...plan.creates.map((doc, i) => ({ index: plan.createRows[i] as number, doc })),
    ...plan.updates.map((u) => ({ index: u.index, doc: u.after })),
  ];
  const errors: UpsertRowError[] = [];
  for (const keys of repo.uniqueKeys()) {
    const field = keys[keys.length - 1] as string;
    if (field === naturalKeyField || rows.length === 0) continue;
    const valueOf = (doc: StoredDoc, key: string): unknown => key.split('.').reduce<unknown>((v, part) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined), doc);
    const keyed = rows.flatMap(({ index, doc }) => {
      const values = keys.map((k) => valueOf(doc, k));
      return values.some((v) => v === undefined || v === null) ? [] : [{ index, id: doc._id.toHexString(), values, key: canonical(values) }];
    });
    if (keyed.length === 0) continue;
    const taken = await repo.findAll({ $or: keyed.map((r) => Object.fromEntries(keys.map((k, i) => [k, r.values[i]]))) }, session);
    const holder = new Map(taken.map((doc) => [canonical(keys.map((k) => valueOf(doc, k))), doc._id.toHexString()]));
    const firstRow = new Map<string, number>();
    for (const r of keyed) {
      const held = holder.get(r.key);
      const earlier = firstRow.get(r.key);
      if (held !== undefined && held !== r.id) errors.push({ index: r.index, field, reason: 'must be unique: another record already holds this value' });
      else if (earlier !== undefined) errors.push({ index: r.index, field, reason: `must be unique: duplicates input ${earlier}` });
      else firstRow.set(r.key, r.index);
    }
  }
  return errors;
}

/** One query for all natural keys: `$in` per key field (a superset), matched exactly in memory. */
async function findByNaturalKeys(def: RecordDefinition, repo: RecordRepository, fieldsList: Fields[], session?: ClientSession): Promise<StoredDoc[]> {
  if (!def.naturalKey || fieldsList.length === 0) return [];
  const values = new Map<string, Map<string, unknown>>();
  for (const fields of fieldsList) {
    for (const [k, v] of Object.entries(def.naturalKey(fields))) {
      const distinct = values.get(k) ?? new Map<string, unknown>();
      distinct.set(canonical(v), v);
      values.set(k, distinct);
    }
  }
  const filter = Object.fromEntries([...values].map(([k, distinct]) => [k, { $in: [...distinct.values()] }]));
  return repo.findAll(filter, session);
}
