import { BSONRegExp, type Document } from 'bson';
import { compileFilter } from '../query';
import type { Collection } from './collection';
import { idKey } from './id-key';
import { HIGH, LOW, type IndexStore } from './index-store';

/** Bounds on one field that an index can serve: a set of point values, or a range. */
type Bound = { points: unknown[] } | { low: unknown; high: unknown };

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

function isPlainObject(v: unknown): v is Document {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** A value an equality lookup in an index answers exactly (arrays and regexes match differently). */
function indexable(v: unknown): boolean {
  if (Array.isArray(v) || v instanceof RegExp || v instanceof BSONRegExp) return false;
  if (isPlainObject(v)) return !Object.keys(v).some((k) => k.startsWith('$'));
  return v !== undefined;
}

/** What the filter says about one top-level field, if an index can use it. */
function boundFor(condition: unknown): Bound | undefined {
  if (!isPlainObject(condition) || !Object.keys(condition).some((k) => k.startsWith('$'))) {
    return indexable(condition) ? { points: [condition] } : undefined;
  }
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === '$eq') return indexable(condition.$eq) ? { points: [condition.$eq] } : undefined;
  if (keys.length === 1 && keys[0] === '$in') {
    const values = condition.$in;
    return Array.isArray(values) && values.every(indexable) ? { points: values } : undefined;
  }
  if (!keys.every((k) => RANGE_OPS.has(k))) return undefined;
  let low: unknown = LOW;
  let high: unknown = HIGH;
  for (const k of keys) {
    const v = condition[k];
    if (!indexable(v) || v === null) return undefined;
    if (k === '$gt' || k === '$gte') low = v;
    else high = v;
  }
  return { low, high };
}

/** Each top-level entry of the filter, those of a top-level $and included. */
function eachTopLevel(filter: Document, visit: (field: string, cond: unknown) => void): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) cond.forEach((c) => isPlainObject(c) && eachTopLevel(c, visit));
    else visit(field, cond);
  }
}

/** Top-level conditions, including those of a top-level $and. */
function conditions(filter: Document): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  eachTopLevel(filter, (field, cond) => {
    if (!field.startsWith('$')) out.set(field, [...(out.get(field) ?? []), cond]);
  });
  return out;
}

/** The secondary index whose bounds narrow `filter` most, with those bounds (none: only a scan, or the _id map). */
function bestIndexPlan(coll: Collection, byField: Map<string, unknown[]>): { index: IndexStore; bounds: Bound[]; score: number } | undefined {
  let best: { index: IndexStore; bounds: Bound[]; score: number } | undefined;
  for (const index of coll.indexes.values()) {
    if (!coversFilter(index, byField)) continue;
    const bounds: Bound[] = [];
    for (const field of index.fields) {
      const bound = firstBound(byField.get(field));
      if (!bound) break;
      bounds.push(bound);
      if (!('points' in bound)) break;
    }
    if (bounds.length === 0) continue;
    const score = bounds.length * 2 + (index.spec.unique ? 1 : 0);
    if (!best || score > best.score) best = { index, bounds, score };
  }
  return best;
}

/**
 * Candidate document ids for `filter` from the _id map or the best secondary index, or null when
 * only a full scan can answer. Candidates are a superset: the caller still applies the filter.
 */
export function planCandidates(coll: Collection, filter: Document): Set<string> | null {
  const byField = conditions(filter);
  const idBound = firstBound(byField.get('_id'));
  if (idBound && 'points' in idBound) {
    return new Set(idBound.points.map(idKey).filter((k) => coll.docs.has(k)));
  }
  const best = bestIndexPlan(coll, byField);
  if (best) {
    const ids = new Set<string>();
    for (const [low, high] of expand(best.bounds)) best.index.idsInRange(low, high, ids);
    return ids;
  }
  if (idBound) {
    // A range of _id (a journal read after its position): the ordered _id index.
    const ids = new Set<string>();
    coll.idOrder.idsInRange([idBound.low], [idBound.high], ids);
    return ids;
  }
  return orUnion(coll, filter) ?? wholePartialIndex(coll, byField);
}

/**
 * Every id of a partial index that holds all the filter's matches though the filter bounds none of
 * its fields (`{ incident: { $exists: true } }` against an index of the damaged log positions only):
 * the few documents it holds rather than the whole collection.
 */
function wholePartialIndex(coll: Collection, byField: Map<string, unknown[]>): Set<string> | null {
  let smallest: IndexStore | undefined;
  for (const index of coll.indexes.values()) {
    if (index.spec.partialFilterExpression && coversFilter(index, byField) && (!smallest || index.size < smallest.size)) smallest = index;
  }
  if (!smallest) return null;
  const ids = new Set<string>();
  smallest.idsInRange([], [], ids);
  return ids;
}

/**
 * A top-level $or (or one inside a top-level $and) each of whose clauses has a plan of its own: the
 * union of the clauses' candidates, as MongoDB's planner ORs index scans. A document the filter
 * matches matches one of the clauses, so the union is a superset too. Null when a clause has no
 * plan (one scan answers all the clauses). Without this a look-up of cylinders by ids or codes
 * (`{ $or: [{ _id: { $in } }, { grai: { $in } }] }`) scanned the whole collection.
 */
function orUnion(coll: Collection, filter: Document): Set<string> | null {
  for (const clauses of disjunctions(filter)) {
    const ids = new Set<string>();
    const planned = clauses.every((clause) => {
      const part = isPlainObject(clause) ? planCandidates(coll, clause) : null;
      if (part) for (const id of part) ids.add(id);
      return part !== null;
    });
    if (planned) return ids;
  }
  return null;
}

/** The clause lists of the filter's top-level $or operators, including those of a top-level $and. */
function disjunctions(filter: Document): unknown[][] {
  const out: unknown[][] = [];
  eachTopLevel(filter, (field, cond) => {
    if (field === '$or' && Array.isArray(cond) && cond.length > 0) out.push(cond);
  });
  return out;
}

/** An index walked in key order to answer a sorted find: its ids between `low` and `high`, forwards or `reverse`. */
export interface SortedWalk {
  index: IndexStore;
  low: unknown[];
  high: unknown[];
  reverse: boolean;
}

/**
 * An index whose order is the sort's, for a find with a limit: the ids it yields between the bounds,
 * in order, are a superset of the matches in sort order (the caller applies the filter, and stops
 * after skip + limit matches instead of collecting and sorting every match). The index's leading
 * fields may be pinned by equalities of the filter, the next ones must be the sort's fields in its
 * order, all ascending or all descending (the tree orders every field ascending, so either way is a
 * walk); a range of the filter on the first sort field narrows the walk. Null when no index fits,
 * when the filter pins the document by _id, or when another index pins more fields by equality
 * than the walk does (a look-up by a rare value then beats walking the sorted index past it; a range
 * elsewhere is taken to narrow less than stopping at the limit does).
 */
export function planSortedWalk(coll: Collection, filter: Document, sort: Document): SortedWalk | null {
  const sortFields = Object.keys(sort);
  if (sortFields.length === 0) return null;
  const direction = sort[sortFields[0] as string];
  if (direction !== 1 && direction !== -1) return null;
  if (!sortFields.every((f) => sort[f] === direction)) return null;
  const byField = conditions(filter);
  const idBound = firstBound(byField.get('_id'));
  if (idBound && 'points' in idBound) return null;
  let best: (SortedWalk & { bounded: number; pinned: number }) | undefined;
  for (const index of coll.everyIndex()) {
    if (!coversFilter(index, byField)) continue;
    const low: unknown[] = [];
    const high: unknown[] = [];
    let at = 0;
    while (at < index.fields.length && !sortFields.includes(index.fields[at] as string)) {
      const bound = firstBound(byField.get(index.fields[at] as string));
      if (!bound || !('points' in bound) || bound.points.length !== 1) break;
      low.push(bound.points[0]);
      high.push(bound.points[0]);
      at++;
    }
    if (!sortFields.every((f, i) => index.fields[at + i] === f)) continue;
    let bounded = at;
    const range = firstBound(byField.get(sortFields[0] as string));
    if (range && !('points' in range)) {
      low.push(range.low);
      high.push(range.high);
      bounded++;
    }
    if (!best || bounded > best.bounded) best = { index, low, high, reverse: direction === -1, bounded, pinned: at };
  }
  if (!best) return null;
  const other = bestIndexPlan(coll, byField);
  if (other && pointPrefix(other.bounds) > best.pinned) return null;
  const { index, low, high, reverse } = best;
  return { index, low, high, reverse };
}

/**
 * Whether every document the filter can match is in the index. A full index holds them all; a
 * sparse one leaves out documents lacking all its fields, so the filter must pin one of them to
 * non-null values; a partial one holds only documents passing its expression, so the filter must
 * pin every field that expression names to values that pass it (a unique partial index on
 * `{ grai: { $exists: true } }` then answers `{ grai: 'x' }`, as MongoDB's planner does). Without
 * this a look-up by a partially indexed code scanned the whole collection.
 */
function coversFilter(index: IndexStore, byField: Map<string, unknown[]>): boolean {
  const { sparse, partialFilterExpression } = index.spec;
  if (sparse && !index.fields.some((field) => pinnedPoints(byField.get(field)) !== undefined)) return false;
  if (!partialFilterExpression) return true;
  const required = fieldConditions(partialFilterExpression);
  if (!required) return false;
  for (const [field, conds] of required) {
    const points = pinnedPoints(byField.get(field));
    if (!points) {
      // A range ($gt 41) or `$exists: true` matches only documents that have the field: an index of `{ $exists: true }` holds them all.
      const range = firstBound(byField.get(field));
      const present = (range && !('points' in range)) || (byField.get(field) ?? []).some(requiresPresence);
      if (present && conds.every(requiresPresence)) continue;
      return false;
    }
    const passes = compileFilter({ $and: conds.map((c) => ({ [field]: c })) });
    if (!points.every((p) => passes(probe(field, p)))) return false;
  }
  return true;
}

/** `{ $exists: true }` (or 1): a condition every present value passes. */
function requiresPresence(cond: unknown): boolean {
  return isPlainObject(cond) && Object.keys(cond).length === 1 && (cond.$exists === true || cond.$exists === 1);
}

/** The expression's conditions by field, when it is a conjunction of field conditions (else undefined: not understood, so not used). */
function fieldConditions(expression: Document): Map<string, unknown[]> | undefined {
  const out = new Map<string, unknown[]>();
  const add = (f: Document): boolean =>
    Object.entries(f).every(([field, cond]) => {
      if (field === '$and') return Array.isArray(cond) && cond.every((c) => isPlainObject(c) && add(c));
      if (field.startsWith('$')) return false;
      out.set(field, [...(out.get(field) ?? []), cond]);
      return true;
    });
  return add(expression) ? out : undefined;
}

/** The values an equality or $in on the field allows, when all are non-null scalars (a matching document then has the field). */
function pinnedPoints(conds: unknown[] | undefined): unknown[] | undefined {
  for (const c of conds ?? []) {
    const b = boundFor(c);
    if (b && 'points' in b && b.points.length > 0 && b.points.every((p) => p !== null && !isPlainObject(p))) return b.points;
  }
  return undefined;
}

/** A document holding `value` at the dotted `path`. */
function probe(path: string, value: unknown): Document {
  const parts = path.split('.');
  let doc: unknown = value;
  for (let i = parts.length - 1; i >= 0; i--) doc = { [parts[i] as string]: doc };
  return doc as Document;
}

function firstBound(conds: unknown[] | undefined): Bound | undefined {
  for (const c of conds ?? []) {
    const b = boundFor(c);
    if (b) return b;
  }
  return undefined;
}

/** How many leading bounds are equalities (a range ends what an index plan can narrow). */
function pointPrefix(bounds: Bound[]): number {
  let n = 0;
  while (n < bounds.length && 'points' in (bounds[n] as Bound)) n++;
  return n;
}

/** Cartesian product of point bounds, ending with at most one range, as [low, high] prefix tuples. */
function expand(bounds: Bound[]): [unknown[], unknown[]][] {
  let out: [unknown[], unknown[]][] = [[[], []]];
  for (const b of bounds) {
    if ('points' in b) {
      out = out.flatMap(([lo, hi]) => b.points.map((p): [unknown[], unknown[]] => [[...lo, p], [...hi, p]]));
    } else {
      out = out.map(([lo, hi]) => [[...lo, b.low], [...hi, b.high]]);
    }
  }
  return out;
}
