import type { Document } from 'bson';
import { compileProjection, compileSort, runPipeline, valuesAtPath, valuesEqual, compareValues } from '../query';
import { badValue, notImplemented } from '../errors';
import {
  checkFields, collectionName, lookupCollection, nsOf, optionalCount, optionalDocument, type CommandContext,
} from './context';
import { cursorReply } from './cursors';

const FIND_FIELDS = [
  'filter', 'sort', 'projection', 'skip', 'limit', 'batchSize', 'singleBatch', 'hint', 'collation', 'let', 'min', 'max',
  'returnKey', 'showRecordId', 'tailable', 'oplogReplay', 'noCursorTimeout', 'awaitData', 'allowPartialResults',
  'readOnce', 'allowDiskUse', 'ntoreturn',
] as const;

/** Options that would change results in ways this server does not implement: refused, never ignored. */
export function refuseUnsupported(cmd: Document, name: string, fields: string[]): void {
  for (const f of fields) {
    const v = cmd[f];
    if (v === undefined || v === false || v === null) continue;
    if (f === 'collation' && typeof v === 'object' && (v as Document).locale === 'simple') continue;
    throw notImplemented(`${name} option '${f}' is not supported by the embedded server`);
  }
}

/** Matching documents of a collection, sorted, skipped and limited as a find would. */
export function selectDocuments(
  ctx: CommandContext,
  coll: string,
  filter: Document,
  opts: { sort?: Document; skip?: number; limit?: number },
): Document[] {
  const collection = lookupCollection(ctx, coll);
  if (opts.sort && Object.keys(opts.sort).length && opts.limit) {
    compileSort(opts.sort); // a bad sort is refused whichever way it is answered
    const skip = opts.skip ?? 0;
    const first = ctx.engine.findSorted(collection, filter, opts.sort, skip + opts.limit, ctx.txn);
    if (first) return first.slice(skip);
  }
  let docs = ctx.engine.find(collection, filter, ctx.txn);
  if (opts.sort && Object.keys(opts.sort).length) docs.sort(compileSort(opts.sort));
  if (opts.skip || opts.limit) docs = docs.slice(opts.skip ?? 0, opts.limit ? (opts.skip ?? 0) + opts.limit : undefined);
  return docs;
}

export function find(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'find', FIND_FIELDS);
  refuseUnsupported(cmd, 'find', ['collation', 'min', 'max', 'returnKey', 'showRecordId', 'tailable', 'awaitData']);
  const coll = collectionName(cmd, 'find');
  const filter = optionalDocument(cmd, 'filter', 'find') ?? {};
  const projection = optionalDocument(cmd, 'projection', 'find');
  const limit = optionalCount(cmd, 'limit', 'find');
  const docs = selectDocuments(ctx, coll, filter, {
    sort: optionalDocument(cmd, 'sort', 'find'),
    skip: optionalCount(cmd, 'skip', 'find'),
    limit,
  });
  const shape = projection && Object.keys(projection).length ? compileProjection(projection) : undefined;
  const batchSize = optionalCount(cmd, 'batchSize', 'find');
  return cursorReply(ctx, nsOf(ctx, coll), docs, {
    batchSize: batchSize === undefined ? undefined : batchSize,
    singleBatch: cmd.singleBatch === true,
    shape,
  });
}

export function aggregate(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'aggregate', ['pipeline', 'cursor', 'explain', 'allowDiskUse', 'hint', 'collation', 'let', 'bypassDocumentValidation']);
  refuseUnsupported(cmd, 'aggregate', ['explain', 'collation', 'let']);
  if (typeof cmd.aggregate !== 'string') throw notImplemented('database-level aggregation (aggregate: 1) is not supported by the embedded server');
  if (!Array.isArray(cmd.pipeline)) throw badValue("'pipeline' option must be specified as an array");
  const cursor = optionalDocument(cmd, 'cursor', 'aggregate');
  if (!cursor) throw badValue("The 'cursor' option is required, except for aggregate with the explain argument");
  const pipeline = cmd.pipeline as Document[];
  // A leading $match can use an index; the rest runs over what it selects.
  const first = pipeline[0];
  const leadingMatch = first && Object.keys(first).length === 1 && first.$match && typeof first.$match === 'object';
  const input = ctx.engine.find(lookupCollection(ctx, cmd.aggregate), leadingMatch ? (first.$match as Document) : {}, ctx.txn);
  const rest = leadingMatch ? pipeline.slice(1) : pipeline;
  const docs = rest.length
    ? runPipeline(input, rest, { collection: (name) => ctx.engine.find(lookupCollection(ctx, name), {}, ctx.txn) })
    : input;
  return cursorReply(ctx, nsOf(ctx, cmd.aggregate), docs, { batchSize: optionalCount(cursor, 'batchSize', 'aggregate.cursor') });
}

export function count(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'count', ['query', 'limit', 'skip', 'hint', 'collation', 'fields']);
  refuseUnsupported(cmd, 'count', ['collation']);
  const coll = collectionName(cmd, 'count');
  const query = optionalDocument(cmd, 'query', 'count') ?? {};
  const skip = optionalCount(cmd, 'skip', 'count') ?? 0;
  const limit = optionalCount(cmd, 'limit', 'count') ?? 0;
  let n = Object.keys(query).length
    ? ctx.engine.find(lookupCollection(ctx, coll), query, ctx.txn).length
    : ctx.engine.count(lookupCollection(ctx, coll), ctx.txn);
  n = Math.max(0, n - skip);
  if (limit) n = Math.min(n, limit);
  return { n, ok: 1 };
}

export function distinct(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'distinct', ['key', 'query', 'hint', 'collation']);
  refuseUnsupported(cmd, 'distinct', ['collation']);
  const coll = collectionName(cmd, 'distinct');
  if (typeof cmd.key !== 'string') throw badValue("BSON field 'distinct.key' is missing but a required field");
  const docs = ctx.engine.find(lookupCollection(ctx, coll), optionalDocument(cmd, 'query', 'distinct') ?? {}, ctx.txn);
  const values: unknown[] = [];
  for (const doc of docs) {
    for (const v of valuesAtPath(doc, cmd.key).flatMap((x) => (Array.isArray(x) ? x : [x]))) {
      if (!values.some((seen) => valuesEqual(seen, v))) values.push(v);
    }
  }
  return { values: values.sort(compareValues), ok: 1 };
}
