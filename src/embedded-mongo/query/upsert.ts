/**
 * The starting document of an upsert: the equality conditions of the filter, with dotted paths
 * expanded into sub-documents, exactly what mongod copies into a new document before applying
 * the update to it.
 */
import { isDocument } from './bson-types';
import { QueryError } from './errors';
import { isRegexValue } from './leaf-tests';

type Doc = Record<string, unknown>;

/** A replacement document has no $-prefixed top-level keys (and is not a pipeline). */
export function isReplacement(update: unknown): boolean {
  if (!isDocument(update)) return false;
  return !Object.keys(update).some((k) => k.startsWith('$'));
}

const notSingleValue = (message: string): QueryError => new QueryError(54, 'NotSingleValueField', message);

function equalities(filter: Doc, out: [string, unknown][]): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' || (key === '$or' && Array.isArray(value) && value.length === 1)) {
      if (Array.isArray(value)) for (const clause of value) if (isDocument(clause)) equalities(clause, out);
      continue;
    }
    if (key.startsWith('$') || isRegexValue(value)) continue;
    if (isDocument(value) && (Object.keys(value)[0] ?? '').startsWith('$')) {
      if (Object.prototype.hasOwnProperty.call(value, '$eq')) out.push([key, value.$eq]);
      continue;
    }
    out.push([key, value]);
  }
}

export function upsertSeed(filter: Record<string, unknown>): Record<string, unknown> {
  const pairs: [string, unknown][] = [];
  equalities(filter, pairs);
  const seen: string[] = [];
  const seed: Doc = {};
  for (const [path, value] of pairs) {
    for (const other of seen) {
      if (other === path) throw notSingleValue(`cannot infer query fields to set, path '${path}' is matched twice`);
      if (path.startsWith(`${other}.`) || other.startsWith(`${path}.`)) {
        throw notSingleValue(`cannot infer query fields to set, both paths '${other}' and '${path}' are matched`);
      }
    }
    seen.push(path);
    const parts = path.split('.');
    let node = seed;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node = isDocument(next) ? next : (node[part] = {});
    }
    node[parts[parts.length - 1] as string] = value;
  }
  if (!Object.prototype.hasOwnProperty.call(seed, '_id') || Object.keys(seed)[0] === '_id') return seed;
  const { _id, ...rest } = seed;
  return { _id, ...rest };
}
