/**
 * Grouping and root-replacing stages where mingo's behaviour differs from mongod's: mingo's
 * $bucket puts a value equal to a boundary in the lower bucket, its $count emits `{n: 0}` for no
 * input, and neither checks its arguments with mongod's error codes. Accumulators stay mingo's.
 */
import { Lazy } from 'mingo/lazy';
import { $group as mingoGroup } from 'mingo/operators/pipeline';
import { bsonTypeName, isDocument, typeRank } from './bson-types';
import { compareValues } from './compare';
import { describe } from './describe';
import { located } from './errors';
import { evaluateWith } from './expression';
import type { Stage } from './pipeline-stages';

type Doc = Record<string, unknown>;

const isExpression = (v: unknown): boolean =>
  (typeof v === 'string' && v.startsWith('$')) || (isDocument(v) && (Object.keys(v)[0] ?? '').startsWith('$'));

function checkAccumulators(spec: Doc, skip: string): void {
  for (const key of Object.keys(spec)) {
    if (key === skip) continue;
    if (key.includes('.')) throw located(40235, `The field name '${key}' cannot contain '.'`);
    if (!isDocument(spec[key])) throw located(40234, `The field '${key}' must be an accumulator object`);
  }
}

export const $group: Stage = (coll, spec, options) => {
  if (!isDocument(spec)) throw located(15947, 'a group\'s fields must be specified in an object');
  if (!Object.prototype.hasOwnProperty.call(spec, '_id')) throw located(15955, 'a group specification must include an _id');
  checkAccumulators(spec, '_id');
  return mingoGroup(coll, spec as Parameters<typeof mingoGroup>[1], options);
};

export const $count: Stage = (coll, spec) => {
  if (typeof spec !== 'string' || spec === '') throw located(40156, 'the count field must be a non-empty string');
  if (spec.startsWith('$')) throw located(40158, 'the count field cannot be a $-prefixed path');
  if (spec.includes('.')) throw located(40160, "the count field cannot contain '.'");
  if (spec === '_id') throw located(9039000, "the count field cannot be '_id'");
  // mongod emits nothing at all for an empty input, not a zero count.
  return coll.transform((docs: Doc[]) => Lazy(docs.length === 0 ? [] : [{ [spec]: docs.length }]));
};

function newRootOf(stage: '$replaceRoot' | '$replaceWith', doc: Doc, expr: unknown, options: Parameters<Stage>[2]): Doc {
  const root = evaluateWith(doc, expr, options);
  if (isDocument(root)) return root;
  const what = root === undefined ? 'MISSING' : describe(root);
  const type = root === undefined ? 'missing' : bsonTypeName(root);
  throw located(40228, `'${stage === '$replaceRoot' ? 'newRoot' : 'replacement document'}' must evaluate to an object, but resulting value was: ${what}. Type of resulting value: '${type}'. Input document: ${describe(doc)}`);
}

export const $replaceRoot: Stage = (coll, spec, options) => {
  if (!isDocument(spec) || !Object.prototype.hasOwnProperty.call(spec, 'newRoot')) throw located(40231, 'no newRoot specified for the $replaceRoot stage');
  return coll.map((doc: Doc) => newRootOf('$replaceRoot', doc, spec.newRoot, options));
};

export const $replaceWith: Stage = (coll, spec, options) => coll.map((doc: Doc) => newRootOf('$replaceWith', doc, spec, options));

function checkBoundaries(boundaries: unknown, fallback: unknown, hasDefault: boolean): unknown[] {
  if (!Array.isArray(boundaries) || boundaries.length < 2) throw located(40192, "The $bucket 'boundaries' field must be an array with at least 2 values");
  const rank = typeRank(boundaries[0]);
  for (let i = 1; i < boundaries.length; i++) {
    if (typeRank(boundaries[i]) !== rank) throw located(40193, "All values in the the 'boundaries' option to $bucket must have the same type");
    if (compareValues(boundaries[i - 1], boundaries[i]) >= 0) throw located(40194, "The 'boundaries' option to $bucket must be sorted in ascending order");
  }
  const inside = compareValues(fallback, boundaries[0]) >= 0 && compareValues(fallback, boundaries[boundaries.length - 1]) < 0;
  if (hasDefault && typeRank(fallback) === rank && inside) {
    throw located(40199, "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.");
  }
  return boundaries;
}

/** mongod's $bucket: [lower, upper) ranges, a default bucket last, empty buckets omitted. */
export const $bucket: Stage = (coll, spec, options) => {
  if (!isDocument(spec)) throw located(40201, 'Argument to $bucket stage must be an object');
  if (!isExpression(spec.groupBy)) throw located(40202, "The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression");
  const hasDefault = Object.prototype.hasOwnProperty.call(spec, 'default');
  const boundaries = checkBoundaries(spec.boundaries, spec.default, hasDefault);
  const output = spec.output ?? { count: { $sum: 1 } };
  if (!isDocument(output)) throw located(40196, "The $bucket 'output' field must be an object");
  checkAccumulators(output, '');
  return coll.transform((docs: Doc[]) => {
    const buckets: Doc[][] = boundaries.slice(0, -1).map(() => []);
    const others: Doc[] = [];
    for (const doc of docs) {
      const raw = evaluateWith(doc, spec.groupBy, options);
      const v = raw === undefined ? null : raw;
      const i = boundaries.findIndex((b, k) => k < boundaries.length - 1 && compareValues(v, b) >= 0 && compareValues(v, boundaries[k + 1]) < 0);
      if (i >= 0) (buckets[i] as Doc[]).push(doc);
      else if (hasDefault) others.push(doc);
      else throw located(40066, '$switch could not find a matching branch for an input, and no default was specified.');
    }
    const out: Doc[] = [];
    const emit = (id: unknown, members: Doc[]): void => {
      if (members.length === 0) return;
      const [summary] = mingoGroup(Lazy(members), { _id: null, ...output }, options).collect<Doc>();
      out.push({ ...summary, _id: id });
    };
    buckets.forEach((members, i) => emit(boundaries[i], members));
    emit(spec.default, others);
    return Lazy(out);
  });
};
