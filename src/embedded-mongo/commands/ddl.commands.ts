import type { Document } from 'bson';
import { compileFilter, valuesEqual } from '../query';
import { MongoCommandError, badValue, invalidOptions, namespaceNotFound } from '../errors';
import { ID_INDEX } from '../engine/collection';
import type { IndexSpec } from '../engine/index-store';
import { checkFields, collectionName, lookupCollection, nsOf, optionalDocument, type CommandContext } from './context';
import { cursorReply } from './cursors';

const UNSUPPORTED_CREATE = ['capped', 'size', 'max', 'validator', 'validationLevel', 'validationAction', 'timeseries', 'clusteredIndex', 'viewOn', 'pipeline', 'changeStreamPreAndPostImages', 'expireAfterSeconds', 'encryptedFields', 'storageEngine', 'indexOptionDefaults', 'collation'];

export function create(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'create', [...UNSUPPORTED_CREATE, 'idIndex', 'autoIndexId', 'flags']);
  const ns = nsOf(ctx, collectionName(cmd, 'create'));
  const requested = UNSUPPORTED_CREATE.filter((o) => cmd[o] !== undefined && cmd[o] !== false);
  if (ctx.engine.collection(ns)) {
    // Since MongoDB 7.0 creating an existing collection with the same options succeeds.
    if (requested.length === 0) return { ok: 1 };
    throw new MongoCommandError(48, 'NamespaceExists', `Collection ${ns} already exists with different options.`);
  }
  if (requested.length) {
    throw new MongoCommandError(238, 'NotImplemented', `create option '${requested[0]}' is not supported by the embedded server`);
  }
  ctx.engine.ensureCollection(ns, ctx.durable);
  return { ok: 1 };
}

export function drop(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'drop', []);
  const ns = nsOf(ctx, collectionName(cmd, 'drop'));
  const coll = ctx.engine.collection(ns);
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.size + 1;
  ctx.durable.push(ctx.engine.applyDdl({ ddl: 'drop', ns }));
  return { ns, nIndexesWas, ok: 1 };
}

export function dropDatabase(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'dropDatabase', []);
  ctx.durable.push(ctx.engine.applyDdl({ ddl: 'dropDatabase', db: ctx.db }));
  return { dropped: ctx.db, ok: 1 };
}

export function renameCollection(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'renameCollection', ['to', 'dropTarget', 'stayTemp']);
  const from = String(cmd.renameCollection);
  const to = String(cmd.to);
  if (!ctx.engine.collection(from)) throw namespaceNotFound(`Source collection ${from} does not exist`);
  if (ctx.engine.collection(to) && !cmd.dropTarget) throw new MongoCommandError(48, 'NamespaceExists', 'target namespace exists');
  ctx.engine.ensureCollection(to, []);
  ctx.durable.push(ctx.engine.applyDdl({ ddl: 'rename', from, to }));
  return { ok: 1 };
}

export function listCollections(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'listCollections', ['filter', 'nameOnly', 'authorizedCollections', 'cursor']);
  const matches = compileFilter(optionalDocument(cmd, 'filter', 'listCollections') ?? {});
  const docs = ctx.engine
    .collectionsOf(ctx.db)
    .map((c) => ({
      name: c.name,
      type: 'collection',
      options: c.options,
      info: { readOnly: false, uuid: c.uuid },
      idIndex: ID_INDEX,
    }))
    .filter(matches)
    .map((d) => (cmd.nameOnly ? { name: d.name, type: d.type } : d));
  const cursor = optionalDocument(cmd, 'cursor', 'listCollections');
  return cursorReply(ctx, `${ctx.db}.$cmd.listCollections`, docs, { batchSize: cursor?.batchSize as number | undefined });
}

const INDEX_OPTIONS = ['key', 'name', 'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'background', 'v', 'hidden', 'ns', 'collation', 'weights', 'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max', 'wildcardProjection', 'storageEngine'];
const SUPPORTED_INDEX_OPTIONS = new Set(['key', 'name', 'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'background', 'v', 'ns']);

/** Validates a requested index and reduces it to the options that change behaviour. */
function indexSpec(raw: Document): IndexSpec {
  for (const field of Object.keys(raw)) {
    if (!INDEX_OPTIONS.includes(field)) throw invalidOptions(`The field '${field}' is not valid for an index specification.`);
    if (!SUPPORTED_INDEX_OPTIONS.has(field) && raw[field] !== false && raw[field] !== undefined) {
      throw new MongoCommandError(67, 'CannotCreateIndex', `index option '${field}' is not supported by the embedded server`);
    }
  }
  const key = raw.key as Document | undefined;
  if (!key || typeof key !== 'object' || Object.keys(key).length === 0) throw new MongoCommandError(67, 'CannotCreateIndex', 'Index keys cannot be empty.');
  for (const [field, dir] of Object.entries(key)) {
    if (dir !== 1 && dir !== -1) {
      throw new MongoCommandError(67, 'CannotCreateIndex', `Unsupported index type for field '${field}': ${JSON.stringify(dir)} (the embedded server supports ascending 1 and descending -1 keys)`);
    }
  }
  if (typeof raw.name !== 'string' || !raw.name) throw badValue('The index name must be a non-empty string');
  if (raw.expireAfterSeconds !== undefined && Object.keys(key).length !== 1) {
    throw new MongoCommandError(67, 'CannotCreateIndex', 'TTL indexes are single-field indexes, compound indexes do not support TTL');
  }
  const spec: IndexSpec = { v: 2, key: key as Record<string, 1 | -1>, name: raw.name };
  if (raw.unique) spec.unique = true;
  if (raw.sparse) spec.sparse = true;
  if (raw.partialFilterExpression) spec.partialFilterExpression = raw.partialFilterExpression as Document;
  if (raw.expireAfterSeconds !== undefined) spec.expireAfterSeconds = Number(raw.expireAfterSeconds);
  return spec;
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return !!a.unique === !!b.unique && !!a.sparse === !!b.sparse && a.expireAfterSeconds === b.expireAfterSeconds &&
    valuesEqual(a.partialFilterExpression ?? null, b.partialFilterExpression ?? null);
}

export function createIndexes(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'createIndexes', ['indexes', 'commitQuorum', 'ignoreUnknownIndexOptions']);
  if (!Array.isArray(cmd.indexes) || cmd.indexes.length === 0) throw badValue('Must specify at least one index to create');
  const ns = nsOf(ctx, collectionName(cmd, 'createIndexes'));
  const created = !ctx.engine.collection(ns);
  const coll = ctx.engine.ensureCollection(ns, ctx.durable);
  const before = coll.indexes.size + 1;
  for (const raw of cmd.indexes as Document[]) {
    const spec = indexSpec(raw);
    const existing = coll.indexSpecs();
    const sameName = existing.find((s) => s.name === spec.name);
    const sameKey = existing.find((s) => valuesEqual(s.key, spec.key) && Object.keys(s.key).join() === Object.keys(spec.key).join());
    if (sameName && !(sameKey === sameName)) {
      throw new MongoCommandError(86, 'IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`);
    }
    if (sameKey && (sameKey.name !== spec.name || !sameOptions(sameKey, spec))) {
      throw new MongoCommandError(85, 'IndexOptionsConflict', `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameKey)}`);
    }
    if (sameKey) continue;
    ctx.durable.push(ctx.engine.applyDdl({ ddl: 'createIndex', ns, spec }));
  }
  const after = coll.indexes.size + 1;
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    ...(before === after ? { note: 'all indexes already exist' } : {}),
    createdCollectionAutomatically: created,
    ok: 1,
  };
}

export function listIndexes(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'listIndexes', ['cursor']);
  const name = collectionName(cmd, 'listIndexes');
  const coll = lookupCollection(ctx, name);
  if (!coll) throw namespaceNotFound(`ns does not exist: ${nsOf(ctx, name)}`);
  const cursor = optionalDocument(cmd, 'cursor', 'listIndexes');
  return cursorReply(ctx, nsOf(ctx, name), coll.indexSpecs() as unknown as Document[], { batchSize: cursor?.batchSize as number | undefined });
}

export function dropIndexes(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'dropIndexes', ['index']);
  const name = collectionName(cmd, 'dropIndexes');
  const coll = lookupCollection(ctx, name);
  if (!coll) throw namespaceNotFound(`ns not found ${nsOf(ctx, name)}`);
  const nIndexesWas = coll.indexes.size + 1;
  const target = cmd.index;
  let names: string[];
  if (target === '*') names = [...coll.indexes.keys()];
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else {
    const match = coll.indexSpecs().find((s) => valuesEqual(s.key, target));
    if (!match) throw new MongoCommandError(27, 'IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    names = [match.name];
  }
  for (const n of names) {
    if (n === '_id_') throw invalidOptions('cannot drop _id index');
    if (!coll.indexes.has(n)) throw new MongoCommandError(27, 'IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) ctx.durable.push(ctx.engine.applyDdl({ ddl: 'dropIndex', ns: coll.ns, name: n }));
  return { nIndexesWas, ok: 1 };
}
