/**
 * find() projections and the $project / $unset stages. Hand-written because mingo's $project
 * edits nested objects of its input in place (exclusions) and orders included fields by the
 * projection rather than by the document as MongoDB does. Computed values go through mingo.
 */
import { isDocument } from './bson-types';
import { QueryError, badValue, located, notImplemented } from './errors';
import { evaluate } from './expression';
import { compileDocument, type DocTest } from './filter';
import { liftNumber } from './numeric';

type Entry =
  | { t: 'include' }
  | { t: 'exclude' }
  | { t: 'tree'; tree: Tree }
  | { t: 'slice'; skip: number | undefined; limit: number }
  | { t: 'elemMatch'; test: DocTest }
  | { t: 'computed'; expr: unknown };
type Tree = Map<string, Entry>;
type Mode = 'find' | 'project';
export type Evaluate = (root: Record<string, unknown>, expr: unknown) => unknown;
type Doc = Record<string, unknown>;

interface Parsed {
  tree: Tree;
  inclusion: boolean;
}

function sliceEntry(arg: unknown): Entry | undefined {
  const num = (x: unknown): number | undefined => {
    const n = liftNumber(x);
    return n === undefined || typeof n === 'object' ? undefined : Number(n);
  };
  if (num(arg) !== undefined) return { t: 'slice', skip: undefined, limit: num(arg) as number };
  if (Array.isArray(arg) && arg.length === 2 && num(arg[0]) !== undefined && num(arg[1]) !== undefined) {
    const limit = num(arg[1]) as number;
    if (limit <= 0) throw badValue(`$slice limit must be positive`);
    return { t: 'slice', skip: num(arg[0]), limit };
  }
  return undefined;
}

function classify(path: string, value: unknown, mode: Mode): Entry {
  if (typeof value === 'boolean') return { t: value ? 'include' : 'exclude' };
  const n = liftNumber(value);
  if (n !== undefined) {
    const zero = typeof n === 'object' ? n.kind === 'fin' && n.coef === 0n : Number(n) === 0;
    return { t: zero ? 'exclude' : 'include' };
  }
  if (!isDocument(value)) return { t: 'computed', expr: value };
  const keys = Object.keys(value);
  if (keys.length === 0) throw located(51270, `An empty sub-projection is not a valid value. Found empty object at path`);
  const first = keys[0] as string;
  if (!first.startsWith('$')) return { t: 'tree', tree: parseInto(new Map(), value, mode, `${path}.`) };
  if (first === '$meta') throw notImplemented(`$meta projection is not supported by the embedded server`);
  if (mode === 'find' && first === '$slice') {
    const slice = sliceEntry(value.$slice);
    if (slice) return slice;
  }
  if (mode === 'find' && first === '$elemMatch') {
    if (path.includes('.')) throw badValue('Cannot use $elemMatch projection on a nested field.');
    return { t: 'elemMatch', test: compileDocument({ [path]: { $elemMatch: value.$elemMatch } }) };
  }
  return { t: 'computed', expr: value };
}

function parseInto(tree: Tree, spec: Doc, mode: Mode, prefix: string): Tree {
  for (const key of Object.keys(spec)) {
    const full = prefix + key;
    if (key === '' || key.split('.').some((p) => p === '')) throw badValue(`FieldPath field names may not be empty strings.`);
    if (key.endsWith('.$') || key === '$') throw notImplemented(`positional projection ('${full}') is not supported by the embedded server`);
    if (key.startsWith('$')) throw located(16410, `FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
    insert(tree, key.split('.'), classify(full, spec[key], mode), full);
  }
  return tree;
}

function insert(tree: Tree, parts: string[], entry: Entry, full: string): void {
  const [head, ...rest] = parts as [string, ...string[]];
  const existing = tree.get(head);
  if (rest.length === 0) {
    if (existing) throw located(31250, `Path collision at ${full}`);
    tree.set(head, entry);
    return;
  }
  if (existing && existing.t !== 'tree') throw located(31249, `Path collision at ${full} remaining portion ${rest.join('.')}`);
  const sub: Tree = existing?.t === 'tree' ? existing.tree : new Map();
  if (!existing) tree.set(head, { t: 'tree', tree: sub });
  insert(sub, rest, entry, full);
}

/** Inclusion vs exclusion is decided by the first field (other than _id) that decides it. */
function decideMode(tree: Tree, path: string, state: { mode?: 'inc' | 'exc' }, top: boolean): void {
  for (const [key, entry] of tree) {
    const full = path ? `${path}.${key}` : key;
    if (entry.t === 'tree') {
      decideMode(entry.tree, full, state, false);
      continue;
    }
    if (entry.t === 'slice') continue;
    if (top && key === '_id' && entry.t !== 'computed') continue;
    const mode = entry.t === 'exclude' ? 'exc' : 'inc';
    if (!state.mode) state.mode = mode;
    else if (state.mode !== mode) {
      throw state.mode === 'inc'
        ? located(31254, `Cannot do exclusion on field ${full} in inclusion projection`)
        : located(31253, `Cannot do inclusion on field ${full} in exclusion projection`);
    }
  }
}

function parse(spec: Doc, mode: Mode): Parsed {
  const tree = parseInto(new Map(), spec, mode, '');
  const state: { mode?: 'inc' | 'exc' } = {};
  decideMode(tree, '', state, true);
  const idEntry = tree.get('_id');
  const inclusion = state.mode === 'inc' || (state.mode === undefined && idEntry?.t === 'include' && ![...tree.values()].some((e) => e.t === 'slice'));
  if (inclusion && !idEntry) tree.set('_id', { t: 'include' });
  // From here on an _id entry that merely restates the default would be misread.
  if (idEntry?.t === (inclusion ? 'exclude' : 'include')) tree.delete('_id');
  return { tree, inclusion };
}

function applySlice(value: unknown, entry: { skip: number | undefined; limit: number }): unknown {
  if (!Array.isArray(value)) return value;
  if (entry.skip === undefined) return entry.limit >= 0 ? value.slice(0, entry.limit) : value.slice(Math.max(0, value.length + entry.limit));
  const start = entry.skip < 0 ? Math.max(0, value.length + entry.skip) : entry.skip;
  return value.slice(start, start + entry.limit);
}

const hasComputed = (tree: Tree): boolean => [...tree.values()].some((e) => e.t === 'computed' || (e.t === 'tree' && hasComputed(e.tree)));

const ABSENT = Symbol('absent');

function includeInDocument(tree: Tree, doc: Doc, root: Doc, evalFn: Evaluate): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const entry = tree.get(key);
    if (!entry) continue;
    if (entry.t === 'include') out[key] = doc[key];
    else if (entry.t === 'slice') out[key] = applySlice(doc[key], entry);
    else if (entry.t === 'tree') {
      const sub = includeInValue(entry.tree, doc[key], root, evalFn);
      if (sub !== ABSENT) out[key] = sub;
    }
  }
  // Computed fields and $elemMatch results follow the fields taken from the document.
  for (const [key, entry] of tree) {
    if (entry.t === 'computed') {
      const v = evalFn(root, entry.expr);
      if (v !== undefined) out[key] = v;
    } else if (entry.t === 'elemMatch') {
      const arr = doc[key];
      const hit = Array.isArray(arr) ? arr.find((e) => entry.test({ [key]: [e] })) : undefined;
      if (hit !== undefined) out[key] = [hit];
    } else if (entry.t === 'tree' && !(key in out) && hasComputed(entry.tree)) {
      out[key] = includeInDocument(entry.tree, {}, root, evalFn);
    }
  }
  return out;
}

function includeInValue(tree: Tree, value: unknown, root: Doc, evalFn: Evaluate): unknown {
  if (isDocument(value)) return includeInDocument(tree, value, root, evalFn);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const e of value) {
      const sub = includeInValue(tree, e, root, evalFn);
      if (sub !== ABSENT) out.push(sub);
    }
    return out;
  }
  return hasComputed(tree) ? includeInDocument(tree, {}, root, evalFn) : ABSENT;
}

function excludeInDocument(tree: Tree, doc: Doc): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const entry = tree.get(key);
    if (!entry) out[key] = doc[key];
    else if (entry.t === 'slice') out[key] = applySlice(doc[key], entry);
    else if (entry.t === 'tree') out[key] = excludeInValue(entry.tree, doc[key]);
  }
  return out;
}

function excludeInValue(tree: Tree, value: unknown): unknown {
  if (isDocument(value)) return excludeInDocument(tree, value);
  if (Array.isArray(value)) return value.map((e) => excludeInValue(tree, e));
  return value;
}

const defaultEvaluate: Evaluate = (root, expr) => evaluate(root, expr);

/** Shared by find() projections (mode 'find') and the $project stage (mode 'project'). */
export function compileShape(spec: Doc, mode: Mode, evalFn: Evaluate = defaultEvaluate): (doc: Doc) => Doc {
  const { tree, inclusion } = parse(spec, mode);
  return inclusion ? (doc) => includeInDocument(tree, doc, doc, evalFn) : (doc) => excludeInDocument(tree, doc);
}

export function compileProjection(projection: Record<string, unknown> | undefined): (doc: Doc) => Doc {
  if (projection === undefined || projection === null) return (doc) => doc;
  if (!isDocument(projection)) throw new QueryError(2, 'BadValue', 'projection must be an object');
  if (Object.keys(projection).length === 0) return (doc) => doc;
  return compileShape(projection, 'find');
}

/** The $unset stage (and pipeline-update $unset): an exclusion of the named paths, _id included. */
export function compileUnset(spec: unknown): (doc: Doc) => Doc {
  const fields = typeof spec === 'string' ? [spec] : spec;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => typeof f === 'string')) {
    throw located(31002, '$unset specification must be a string or an array containing only string values');
  }
  const tree = parseInto(new Map(), Object.fromEntries(fields.map((f: string) => [f, 0])), 'project', '');
  return (doc) => excludeInDocument(tree, doc);
}
