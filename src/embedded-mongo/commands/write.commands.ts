import { ObjectId, calculateObjectSize, type Document } from 'bson';
import { applyUpdate, compileProjection, isReplacement, upsertSeed, valuesEqual } from '../query';
import { MongoCommandError, badValue, failedToParse } from '../errors';
import { idKey } from '../engine/id-key';
import { MAX_BSON_OBJECT_SIZE } from '../wire/wire.protocol';
import { checkFields, collectionName, nsOf, optionalDocument, type CommandContext } from './context';
import { refuseUnsupported, selectDocuments } from './read.commands';

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [key: string]: unknown;
}

function toWriteError(index: number, err: unknown): WriteError {
  // A write conflict fails the whole command (with its label), so that the driver can retry it.
  if (err instanceof MongoCommandError && err.code === 112) throw err;
  if (err instanceof MongoCommandError) return { index, code: err.code, errmsg: err.message, ...err.extra };
  if (err instanceof Error && 'code' in err && typeof (err as { code: unknown }).code === 'number') {
    return { index, code: (err as { code: number }).code, errmsg: err.message };
  }
  throw err;
}

/** Runs each statement; ordered writes stop at the first failure, unordered ones carry on. */
function eachStatement<T>(items: T[], ordered: boolean, run: (item: T, index: number) => void): WriteError[] {
  const errors: WriteError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i] as T, i);
    } catch (err) {
      errors.push(toWriteError(i, err));
      if (ordered) break;
    }
  }
  return errors;
}

function withWriteErrors(reply: Document, errors: WriteError[]): Document {
  return errors.length ? { ...reply, writeErrors: errors, ok: 1 } : { ...reply, ok: 1 };
}

function checkSize(doc: Document, message: string, code = 10334): void {
  if (calculateObjectSize(doc) > MAX_BSON_OBJECT_SIZE) {
    throw new MongoCommandError(code, code === 10334 ? 'BSONObjectTooLarge' : `Location${code}`, message);
  }
}

const UPDATE_TOO_LARGE = 17419;

/** `_id` first, generated when absent, and of a type MongoDB accepts. */
function withId(doc: Document): Document {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Array.isArray(doc._id)) throw badValue(`The '_id' value cannot be of type array`);
  if (doc._id instanceof RegExp) throw badValue(`can't use a regex for _id`);
  if (Object.keys(doc)[0] === '_id') return doc;
  // MongoDB stores _id as the first field whatever order the client sent.
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function statementArray(cmd: Document, field: string, name: string): Document[] {
  const value = cmd[field];
  if (!Array.isArray(value)) throw failedToParse(`BSON field '${name}.${field}' is missing but a required field`);
  return value as Document[];
}

export function insert(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'insert', ['documents', 'ordered', 'bypassDocumentValidation']);
  const coll = ctx.engine.ensureCollection(nsOf(ctx, collectionName(cmd, 'insert')), ctx.durable);
  let n = 0;
  const errors = eachStatement(statementArray(cmd, 'documents', 'insert'), cmd.ordered !== false, (raw) => {
    const doc = withId(raw);
    checkSize(doc, `object to insert too large. size in bytes: ${calculateObjectSize(doc)}, max size: ${MAX_BSON_OBJECT_SIZE}`);
    ctx.engine.write(ctx.target, coll, idKey(doc._id), doc, true);
    n++;
  });
  return withWriteErrors({ n }, errors);
}

/** Applies `u` to one matched document; undefined when nothing changed. */
function updated(doc: Document, u: Document | Document[], query: Document, arrayFilters?: Document[]): Document | undefined {
  let next: Document;
  if (isReplacement(u)) {
    const replacement = u as Document;
    if (replacement._id !== undefined && !valuesEqual(replacement._id, doc._id)) {
      throw new MongoCommandError(66, 'ImmutableField', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(replacement._id)}`);
    }
    const { _id: _ignored, ...rest } = replacement;
    next = { _id: doc._id, ...rest };
  } else {
    next = applyUpdate(doc, u, { arrayFilters, query });
  }
  checkSize(next, `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`, UPDATE_TOO_LARGE);
  return valuesEqual(next, doc) ? undefined : next;
}

function upserted(filter: Document, u: Document | Document[], arrayFilters?: Document[]): Document {
  const seed = upsertSeed(filter);
  const doc = isReplacement(u)
    ? { ...(seed._id !== undefined ? { _id: seed._id } : {}), ...(u as Document) }
    : applyUpdate(seed, u, { arrayFilters, isInsert: true });
  const withGeneratedId = withId(doc);
  checkSize(withGeneratedId, `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`, UPDATE_TOO_LARGE);
  return withGeneratedId;
}

function updateArg(stmt: Document, field: string): Document | Document[] {
  const u = stmt[field];
  if (Array.isArray(u) || (typeof u === 'object' && u !== null)) return u as Document | Document[];
  throw failedToParse(`BSON field 'update.updates.${field}' is the wrong type, expected type 'object' or 'array'`);
}

export function update(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'update', ['updates', 'ordered', 'bypassDocumentValidation', 'let']);
  refuseUnsupported(cmd, 'update', ['let']);
  const coll = ctx.engine.ensureCollection(nsOf(ctx, collectionName(cmd, 'update')), ctx.durable);
  let n = 0;
  let nModified = 0;
  const upserts: Document[] = [];
  const errors = eachStatement(statementArray(cmd, 'updates', 'update'), cmd.ordered !== false, (stmt, index) => {
    checkFields(stmt, 'q', ['q', 'u', 'upsert', 'multi', 'arrayFilters', 'hint', 'collation', 'c', 'upsertSupplied']);
    refuseUnsupported(stmt, 'update', ['collation', 'c']);
    const q = (stmt.q ?? {}) as Document;
    const u = updateArg(stmt, 'u');
    const arrayFilters = stmt.arrayFilters as Document[] | undefined;
    if (stmt.multi && isReplacement(u)) throw failedToParse('multi update is not supported for replacement-style update');
    const matched = selectDocuments(ctx, coll.name, q, { limit: stmt.multi ? undefined : 1 });
    if (matched.length === 0 && stmt.upsert) {
      const doc = upserted(q, u, arrayFilters);
      ctx.engine.write(ctx.target, coll, idKey(doc._id), doc, true);
      upserts.push({ index, _id: doc._id });
      n++;
      return;
    }
    for (const doc of matched) {
      n++;
      const next = updated(doc, u, q, arrayFilters);
      if (!next) continue;
      ctx.engine.write(ctx.target, coll, idKey(doc._id), next);
      nModified++;
    }
  });
  return withWriteErrors({ n, nModified, ...(upserts.length ? { upserted: upserts } : {}) }, errors);
}

export function deleteCommand(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'delete', ['deletes', 'ordered', 'let']);
  refuseUnsupported(cmd, 'delete', ['let']);
  const name = collectionName(cmd, 'delete');
  const coll = ctx.engine.collection(nsOf(ctx, name));
  let n = 0;
  const errors = eachStatement(statementArray(cmd, 'deletes', 'delete'), cmd.ordered !== false, (stmt) => {
    checkFields(stmt, 'q', ['q', 'limit', 'hint', 'collation']);
    refuseUnsupported(stmt, 'delete', ['collation']);
    if (!coll) return;
    const limit = Number(stmt.limit ?? 0);
    if (limit !== 0 && limit !== 1) throw failedToParse(`The limit field in delete objects must be 0 or 1. Got ${limit}`);
    const matched = selectDocuments(ctx, name, (stmt.q ?? {}) as Document, { limit: limit || undefined });
    for (const doc of matched) {
      ctx.engine.write(ctx.target, coll, idKey(doc._id), null);
      n++;
    }
  });
  return withWriteErrors({ n }, errors);
}

export function findAndModify(cmd: Document, ctx: CommandContext): Document {
  const name = typeof cmd.findandmodify === 'string' ? 'findandmodify' : 'findAndModify';
  checkFields(cmd, name, ['query', 'sort', 'remove', 'update', 'new', 'fields', 'upsert', 'arrayFilters', 'bypassDocumentValidation', 'hint', 'collation', 'let']);
  refuseUnsupported(cmd, 'findAndModify', ['collation', 'let']);
  const collName = collectionName(cmd, name);
  const query = optionalDocument(cmd, 'query', name) ?? {};
  if (cmd.remove && cmd.update !== undefined) throw failedToParse('Cannot specify both an update and remove=true');
  if (!cmd.remove && cmd.update === undefined) throw failedToParse('Either an update or remove=true must be specified');
  if (cmd.remove && (cmd.upsert || cmd.new)) throw failedToParse('Cannot specify both upsert=true and remove=true, or new=true and remove=true');
  const coll = ctx.engine.ensureCollection(nsOf(ctx, collName), ctx.durable);
  const shape = cmd.fields ? compileProjection(cmd.fields as Document) : (d: Document) => d;
  const [doc] = selectDocuments(ctx, collName, query, { sort: optionalDocument(cmd, 'sort', name), limit: 1 });
  const arrayFilters = cmd.arrayFilters as Document[] | undefined;
  if (cmd.remove) {
    if (doc) ctx.engine.write(ctx.target, coll, idKey(doc._id), null);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: doc ? shape(doc) : null, ok: 1 };
  }
  const u = updateArg(cmd, 'update');
  if (!doc) {
    if (!cmd.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const created = upserted(query, u, arrayFilters);
    ctx.engine.write(ctx.target, coll, idKey(created._id), created, true);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: created._id },
      value: cmd.new ? shape(created) : null,
      ok: 1,
    };
  }
  const next = updated(doc, u, query, arrayFilters);
  if (next) ctx.engine.write(ctx.target, coll, idKey(doc._id), next);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(cmd.new ? (next ?? doc) : doc), ok: 1 };
}

