/**
 * applyUpdate: operator documents, replacement documents and pipeline updates. The result is a
 * new document; when nothing changes the input object itself is returned, so `result === doc`
 * tells the caller the update was a no-op (nModified 0).
 */
import { bsonTypeName, isDocument } from './bson-types';
import { compareStrings } from './compare';
import { describe } from './describe';
import { QueryError, badValue, conflictingUpdate, failedToParse, immutableField } from './errors';
import { MISSING, isArrayIndex } from './path';
import { runPipeline } from './pipeline';
import { isReplacement } from './upsert';
import { Draft, sameValue } from './update-draft';
import { UPDATE_OPERATORS, type LeafOp, type UpdateContext } from './update-ops';
import { checkPositionalPath, compileArrayFilters, expandPath, isPositional } from './update-positional';

type Doc = Record<string, unknown>;

export interface UpdateOptions {
  arrayFilters?: Record<string, unknown>[];
  isInsert?: boolean;
  /** The filter that selected the document; needed only to resolve the positional `$`. */
  query?: Record<string, unknown>;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const ID_CHANGED = "Performing an update on the path '_id' would modify the immutable field '_id'";

export function applyUpdate(doc: Doc, update: Doc | Doc[], opts: UpdateOptions = {}): Doc {
  if (Array.isArray(update)) return applyPipelineUpdate(doc, update);
  if (!isDocument(update)) throw failedToParse('Update argument must be either an object or an array');
  if (isReplacement(update)) return applyReplacement(doc, update);
  return applyOperators(doc, update, opts);
}

function validatePath(path: string): string[] {
  if (path === '') throw new QueryError(56, 'EmptyFieldName', 'An empty update path is not valid.');
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw new QueryError(56, 'EmptyFieldName', `The update path '${path}' contains an empty field name, which is not allowed.`);
  for (const p of parts) {
    if (p.startsWith('$') && !isPositional(p)) {
      throw new QueryError(52, 'DollarPrefixedFieldName', `The dollar ($) prefixed field '${p}' in '${path}' is not valid for storage.`);
    }
  }
  return parts;
}

/** Component-wise path order: numeric components numerically, the rest by bytes (mongod 5.0+). */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    if (isArrayIndex(x) && isArrayIndex(y)) return Number(x) - Number(y);
    return compareStrings(x, y);
  }
  return a.length - b.length;
}

function checkConflicts(paths: string[][]): void {
  const sorted = paths.slice().sort(comparePaths);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as string[];
    const b = sorted[i] as string[];
    if (a.length <= b.length && a.every((p, j) => p === b[j])) {
      throw conflictingUpdate(`Updating the path '${b.join('.')}' would create a conflict at '${a.join('.')}'`);
    }
  }
}

interface Planned {
  parts: string[];
  op: LeafOp;
}

/** $rename reads through documents only: an array on either path is an error, as in mongod. */
function renameSource(doc: Doc, parts: readonly string[], from: string, role: 'source' | 'destination'): unknown {
  let node: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(node)) throw badValue(`The ${role} field cannot be an array element, '${from}' in doc with ${parts.slice(0, i).join('.')} being an array`);
    if (!isDocument(node) || !hasOwn(node, parts[i] as string)) return MISSING;
    node = node[parts[i] as string];
  }
  return node;
}

function planRename(doc: Doc, arg: Doc, planned: Planned[], allPaths: string[][]): void {
  for (const from of Object.keys(arg)) {
    const to = arg[from];
    if (typeof to !== 'string') throw badValue(`The 'to' field for $rename must be a string: ${from}: ${describe(to)}`);
    const fromParts = validatePath(from);
    const toParts = validatePath(to);
    if (fromParts.some(isPositional)) throw badValue(`The source field for $rename may not be dynamic: ${from}`);
    if (toParts.some(isPositional)) throw badValue(`The destination field for $rename may not be dynamic: ${to}`);
    if (from === to) throw badValue(`The source and target field for $rename must differ: ${from}: ${describe(to)}`);
    if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`)) {
      throw badValue(`The source and target field for $rename must not be on the same path: ${from}: ${describe(to)}`);
    }
    allPaths.push(fromParts, toParts);
    const value = renameSource(doc, fromParts, from, 'source');
    renameSource(doc, toParts, to, 'destination');
    if (value === MISSING) continue;
    planned.push({ parts: fromParts, op: { creates: false, apply: (draft, slot) => draft.unset(slot) } });
    planned.push({ parts: toParts, op: { creates: true, apply: (draft, slot) => draft.set(slot, value) } });
  }
}

function applyOperators(doc: Doc, update: Doc, opts: UpdateOptions): Doc {
  const isInsert = opts.isInsert === true;
  const ctx: UpdateContext = { isInsert, now: new Date(), idText: describe(hasOwn(doc, '_id') ? { _id: doc._id } : {}) };
  const filters = compileArrayFilters(opts.arrayFilters);
  const used = new Set<string>();
  const planned: Planned[] = [];
  const allPaths: string[][] = [];
  for (const name of Object.keys(update)) {
    const arg = update[name];
    const compile = UPDATE_OPERATORS[name];
    if (!compile && name !== '$rename') {
      throw failedToParse(`Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isDocument(arg)) {
      throw failedToParse(`Modifiers operate on fields but we found type ${bsonTypeName(arg)} instead. For example: {$mod: {<field>: ...}} not {${name}: ${describe(arg)}}`);
    }
    if (Object.keys(arg).length === 0) throw failedToParse(`'${name}' is empty. You must specify a field like so: {${name}: {<field>: ...}}`);
    if (!compile) {
      planRename(doc, arg, planned, allPaths);
      continue;
    }
    for (const path of Object.keys(arg)) {
      const parts = validatePath(path);
      checkPositionalPath(parts, path, filters, used);
      allPaths.push(parts);
      const op = compile(arg[path], path, ctx);
      if (op) planned.push({ parts, op });
    }
  }
  for (const id of filters.keys()) {
    if (!used.has(id)) throw failedToParse(`The array filter for identifier '${id}' was not used in the update ${describe(update)}`);
  }
  checkConflicts(allPaths);
  const positional = { filters, query: opts.query, isInsert };
  const concrete = planned.flatMap((p) => expandPath(doc, p.parts, positional).map((parts) => ({ parts, op: p.op })));
  concrete.sort((a, b) => comparePaths(a.parts, b.parts));
  const draft = new Draft(doc);
  for (const { parts, op } of concrete) {
    const slot = draft.locate(parts, op.creates);
    if (slot) op.apply(draft, slot);
  }
  if (hasOwn(doc, '_id') && (!hasOwn(draft.root, '_id') || !sameValue(doc._id, draft.root._id))) throw immutableField(ID_CHANGED);
  return draft.changed ? idFirst(draft.root) : doc;
}

/** mongod always stores _id as the first field. */
function idFirst(doc: Doc): Doc {
  if (!hasOwn(doc, '_id') || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function applyReplacement(doc: Doc, replacement: Doc): Doc {
  const out: Doc = {};
  if (hasOwn(doc, '_id')) {
    if (hasOwn(replacement, '_id') && !sameValue(replacement._id, doc._id)) {
      throw immutableField(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${describe(replacement._id)}`);
    }
    out._id = doc._id;
  } else if (hasOwn(replacement, '_id')) {
    out._id = replacement._id;
  }
  for (const key of Object.keys(replacement)) if (key !== '_id') out[key] = replacement[key];
  return sameValue(out, doc) ? doc : out;
}

const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

function applyPipelineUpdate(doc: Doc, pipeline: Doc[]): Doc {
  for (const stage of pipeline) {
    const name = isDocument(stage) ? Object.keys(stage)[0] : undefined;
    if (name !== undefined && !PIPELINE_UPDATE_STAGES.has(name)) {
      throw new QueryError(72, 'InvalidOptions', `${name} is not allowed to be used within an update`);
    }
  }
  const noCollections = {
    collection(): never {
      throw badValue('pipeline updates cannot read other collections');
    },
  };
  let out = runPipeline([doc], pipeline, noCollections)[0];
  if (!out) throw badValue('pipeline update produced no document');
  if (hasOwn(doc, '_id')) {
    // A pipeline that drops _id keeps the original one; changing it is an error.
    if (!hasOwn(out, '_id')) out = { _id: doc._id, ...out };
    else if (!sameValue(out._id, doc._id)) throw immutableField(ID_CHANGED);
  }
  return sameValue(out, doc) ? doc : idFirst(out);
}
