/**
 * Pipeline stages implemented here instead of taken from mingo: the ones that must use the
 * BSON-aware matcher and comparator ($match, $sort, $sortByCount, $lookup), the ones whose mingo
 * versions edit their input in place ($addFields/$set, $project, $unset, $unwind), and the
 * trivial ones that need MongoDB's argument errors ($limit, $skip).
 */
import { Lazy, type Iterator } from 'mingo/lazy';
import type { Options } from 'mingo/types/types';
import { isDocument } from './bson-types';
import { hashKey } from './compare';
import { badValue, located } from './errors';
import { evaluateWith } from './expression';
import { compileDocument } from './filter';
import { MISSING, visitPath } from './path';
import { compileShape, compileUnset } from './projection';
import { $group } from './pipeline-group-stages';
import { compileSort } from './sort';

type Doc = Record<string, unknown>;
export type Stage = (coll: Iterator, spec: unknown, options: Options) => Iterator;

const evaluator =
  (options: Options): ((root: unknown, expr: unknown) => unknown) =>
  (root, expr) =>
    evaluateWith(root, expr, options);

export const $match: Stage = (coll, spec, options) => {
  if (!isDocument(spec)) throw located(15959, 'the match filter must be an expression in an object');
  const test = compileDocument(spec, evaluator(options));
  return coll.filter((d: unknown) => test(d));
};

export const $sort: Stage = (coll, spec) => {
  if (!isDocument(spec) || Object.keys(spec).length === 0) throw located(15976, '$sort stage must have at least one sort key');
  const cmp = compileSort(spec);
  // Array.prototype.sort is stable, so equal keys keep their input order.
  return coll.transform((docs: Doc[]) => Lazy(docs.slice().sort(cmp)));
};

function positiveCount(stage: string, spec: unknown, allowZero: boolean): number {
  const n = typeof spec === 'number' ? spec : Number.NaN;
  if (!Number.isInteger(n)) {
    throw allowZero ? located(15972, `Argument to ${stage} must be a number`) : located(15957, 'the limit must be specified as a number');
  }
  if (allowZero && n < 0) throw located(15956, `Argument to ${stage} cannot be negative`);
  if (!allowZero && n <= 0) throw located(15958, 'the limit must be positive');
  return n;
}

export const $limit: Stage = (coll, spec) => coll.take(positiveCount('$limit', spec, false));
export const $skip: Stage = (coll, spec) => coll.drop(positiveCount('$skip', spec, true));

export const $project: Stage = (coll, spec, options) => {
  if (!isDocument(spec) || Object.keys(spec).length === 0) throw located(51272, '$project specification must have at least one field');
  const shape = compileShape(spec, 'project', evaluator(options));
  return coll.map((d: Doc) => shape(d));
};

export const $unset: Stage = (coll, spec) => {
  const shape = compileUnset(spec);
  return coll.map((d: Doc) => shape(d));
};

/** Copy of `node` with `value` written at `parts`, through arrays element by element. */
export function setIn(node: unknown, parts: readonly string[], i: number, value: unknown): unknown {
  if (Array.isArray(node)) return node.map((e) => setIn(e, parts, i, value));
  const base: Doc = isDocument(node) ? node : {};
  const key = parts[i] as string;
  if (i === parts.length - 1) {
    if (value !== undefined) return { ...base, [key]: value };
    if (!Object.prototype.hasOwnProperty.call(base, key)) return base;
    const { [key]: _removed, ...rest } = base;
    return rest;
  }
  return { ...base, [key]: setIn(base[key], parts, i + 1, value) };
}

function flattenAddFields(spec: Doc, prefix: string[], out: { parts: string[]; expr: unknown }[]): void {
  for (const key of Object.keys(spec)) {
    if (key.startsWith('$')) throw located(16410, `FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
    const value = spec[key];
    const parts = [...prefix, ...key.split('.')];
    // A nested literal document merges into the existing sub-document, as in mongod.
    const nested = isDocument(value) && Object.keys(value).length > 0 && !Object.keys(value).some((k) => k.startsWith('$'));
    if (nested) flattenAddFields(value, parts, out);
    else out.push({ parts, expr: value });
  }
}

export const $addFields: Stage = (coll, spec, options) => {
  if (!isDocument(spec)) throw located(40272, '$addFields specification stage must be an object');
  const fields: { parts: string[]; expr: unknown }[] = [];
  flattenAddFields(spec, [], fields);
  const evalFn = evaluator(options);
  return coll.map((doc: Doc) => {
    let out: unknown = doc;
    // Every expression sees the input document, not the fields added before it.
    for (const { parts, expr } of fields) out = setIn(out, parts, 0, evalFn(doc, expr));
    return out;
  });
};

function documentPath(doc: unknown, parts: readonly string[]): unknown {
  let node = doc;
  for (const part of parts) {
    if (!isDocument(node) || !Object.prototype.hasOwnProperty.call(node, part)) return MISSING;
    node = node[part];
  }
  return node;
}

export const $unwind: Stage = (coll, spec) => {
  const options = typeof spec === 'string' ? { path: spec } : spec;
  if (!isDocument(options)) throw located(15981, `expected either a string or an object as specification for $unwind stage, got ${typeof spec}`);
  const path = options.path;
  if (typeof path !== 'string' || !path.startsWith('$')) throw located(28818, `path option to $unwind stage should be prefixed with a '$': ${String(path)}`);
  const parts = path.slice(1).split('.');
  const indexField = options.includeArrayIndex;
  if (indexField !== undefined && (typeof indexField !== 'string' || indexField === '' || indexField.startsWith('$'))) {
    throw located(28822, `includeArrayIndex option to $unwind stage should be a string that does not start with '$'`);
  }
  const preserve = options.preserveNullAndEmptyArrays === true;
  const withIndex = (doc: unknown, i: number | null): Doc =>
    (typeof indexField === 'string' ? setIn(doc, indexField.split('.'), 0, i) : doc) as Doc;
  return coll.transform((docs: Doc[]) => {
    const out: Doc[] = [];
    for (const doc of docs) {
      const value = documentPath(doc, parts);
      if (Array.isArray(value)) {
        if (value.length === 0 && preserve) out.push(withIndex(setIn(doc, parts, 0, undefined), null));
        value.forEach((e, i) => out.push(withIndex(setIn(doc, parts, 0, e), i)));
      } else if (value !== MISSING && value !== null) {
        out.push(withIndex(doc, null));
      } else if (preserve) {
        out.push(withIndex(doc, null));
      }
    }
    return Lazy(out);
  });
};

export const $sortByCount: Stage = (coll, spec, options) => {
  const isExpression = (typeof spec === 'string' && spec.startsWith('$')) || (isDocument(spec) && (Object.keys(spec)[0] ?? '').startsWith('$'));
  if (!isExpression) throw located(40148, 'the sortByCount field must be defined as a $-prefixed path or an expression');
  const grouped = $group(coll, { _id: spec, count: { $sum: 1 } }, options);
  return $sort(grouped, { count: -1 }, options);
};

/** Index of `docs` by every value reachable at `path` (missing counts as null, as in a query). */
function indexBy(docs: readonly Doc[], parts: readonly string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  docs.forEach((doc, i) => {
    const keys = new Set<string>();
    visitPath(doc, parts, 0, (v) => {
      if (v === MISSING) keys.add(hashKey(null));
      else if (Array.isArray(v)) {
        keys.add(hashKey(v));
        for (const e of v) keys.add(hashKey(e));
      } else keys.add(hashKey(v));
      return false;
    });
    for (const k of keys) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  });
  return index;
}

function localKeys(doc: Doc, parts: readonly string[]): string[] {
  const keys: string[] = [];
  visitPath(doc, parts, 0, (v) => {
    if (v === MISSING) keys.push(hashKey(null));
    else if (Array.isArray(v)) keys.push(...(v.length ? v.map(hashKey) : [hashKey(null)]));
    else keys.push(hashKey(v));
    return false;
  });
  return keys.length ? keys : [hashKey(null)];
}

export type SubPipeline = (docs: Doc[], pipeline: Doc[], options: Options, variables: Doc) => Doc[];

export function makeLookup(runSub: SubPipeline): Stage {
  return (coll, spec, options) => {
    if (!isDocument(spec)) throw located(40319, 'the $lookup stage specification must be an object');
    const { from, localField, foreignField, as, pipeline } = spec;
    const letSpec = spec.let ?? {};
    if (typeof as !== 'string' || as === '') throw located(40321, "must specify 'as' field for a $lookup");
    if (pipeline !== undefined && !Array.isArray(pipeline)) throw badValue('$lookup pipeline must be an array');
    if ((localField === undefined) !== (foreignField === undefined)) throw located(40322, "$lookup requires both or neither of 'localField' and 'foreignField' to be specified");
    if (localField === undefined && pipeline === undefined) throw located(40321, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
    if (!isDocument(letSpec)) throw located(51143, "$lookup argument 'let' must be an object");
    const inner = (pipeline ?? []) as Doc[];
    const startsWithDocuments = isDocument(inner[0]) && Object.prototype.hasOwnProperty.call(inner[0], '$documents');
    if (typeof from !== 'string' && !startsWithDocuments) throw located(40321, "$lookup 'from' must be a string naming a collection");
    const resolve = options.collectionResolver;
    const foreign = typeof from === 'string' && resolve ? (resolve(from) as Doc[]) : [];
    const asParts = as.split('.');
    const index = typeof localField === 'string' && typeof foreignField === 'string' ? indexBy(foreign, foreignField.split('.')) : undefined;
    const localParts = typeof localField === 'string' ? localField.split('.') : [];
    return coll.map((doc: Doc) => {
      let joined = foreign;
      if (index) {
        const hits = new Set<number>();
        for (const k of localKeys(doc, localParts)) for (const i of index.get(k) ?? []) hits.add(i);
        joined = [...hits].sort((a, b) => a - b).map((i) => foreign[i] as Doc);
      }
      if (pipeline !== undefined) {
        const variables: Doc = {};
        for (const name of Object.keys(letSpec)) variables[name] = evaluateWith(doc, letSpec[name], options);
        joined = runSub(joined, inner, options, variables);
      }
      return setIn(doc, asParts, 0, joined);
    });
  };
}

