/**
 * Sort comparators with MongoDB semantics: a missing field sorts as null, an array field sorts by
 * its smallest element ascending and its largest descending, an empty array before null, and
 * values of different types by the canonical type order.
 */
import { RANK, isDocument, typeRank, isArray } from './bson-types';
import { compareValues } from './compare';
import { badValue, notImplemented } from './errors';
import { liftNumber } from './numeric';
import { MISSING, visitPath } from './path';

/** Marks the sort key of a field holding only empty arrays; it sorts below null. */
const hasOwn = Object.prototype.hasOwnProperty;
const EMPTY_ARRAY = Symbol('emptyArray');

type KeyOf = (doc: Record<string, unknown>) => unknown;

function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    const ra = a === EMPTY_ARRAY ? RANK.emptyArraySortKey : typeRank(a);
    const rb = b === EMPTY_ARRAY ? RANK.emptyArraySortKey : typeRank(b);
    return ra === rb ? 0 : ra < rb ? -1 : 1;
  }
  return compareValues(a, b);
}

function sortKeyOf(parts: readonly string[], direction: 1 | -1): KeyOf {
  const better = (candidate: unknown, best: unknown): boolean => compareValues(candidate, best) * direction < 0;
  return (doc) => {
    let best: unknown = MISSING;
    let sawEmpty = false;
    const consider = (v: unknown): void => {
      if (best === MISSING || better(v, best)) best = v;
    };
    visitPath(doc, parts, 0, (v) => {
      if (v === MISSING) consider(null);
      else if (isArray(v)) {
        if (v.length === 0) sawEmpty = true;
        for (const e of v) consider(e);
      } else consider(v);
      return false;
    });
    if (best !== MISSING) return best;
    return sawEmpty ? EMPTY_ARRAY : null;
  };
}

function directionOf(field: string, value: unknown): 1 | -1 {
  if (value === 1 || value === -1) return value;
  if (isDocument(value) && '$meta' in value) throw notImplemented(`$meta sort on '${field}' is not supported by the embedded server`);
  const n = liftNumber(value);
  if (n !== undefined && typeof n !== 'object' && (Number(n) === 1 || Number(n) === -1)) return Number(n) > 0 ? 1 : -1;
  throw badValue(`$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
}

export function compileSort(spec: Record<string, unknown>): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  if (!isDocument(spec)) throw badValue('sort specification must be an object');
  const keys = Object.keys(spec).map((field) => {
    if (field === '') throw badValue('FieldPath cannot be constructed with empty string');
    const direction = directionOf(field, spec[field]);
    const parts = field.split('.');
    return { direction, keyOf: sortKeyOf(parts, direction), fast: parts.length === 1 ? field : undefined };
  });
  if (keys.length === 0) return () => 0;
  return (a, b) => {
    for (const { direction, keyOf, fast } of keys) {
      // Scalar top-level fields are by far the common case; skip the path walk for them.
      let ka: unknown;
      let kb: unknown;
      if (fast !== undefined) {
        const va = a[fast];
        const vb = b[fast];
        ka = isArray(va) || !hasOwn.call(a, fast) ? keyOf(a) : va;
        kb = isArray(vb) || !hasOwn.call(b, fast) ? keyOf(b) : vb;
      } else {
        ka = keyOf(a);
        kb = keyOf(b);
      }
      const c = compareKeys(ka, kb);
      if (c !== 0) return c * direction;
    }
    return 0;
  };
}
