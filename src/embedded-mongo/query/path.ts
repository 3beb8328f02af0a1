/**
 * Dotted-path traversal with MongoDB's implicit array semantics: an array met before the end of
 * the path is searched element by element (documents only, one level), and a numeric component
 * also selects that index.
 */
import { isDocument, isArray } from './bson-types';

/** Marks "no value here", which MongoDB distinguishes from an explicit null. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/** Called for every value the path reaches; returning true stops the walk (a match was found). */
export type Visitor = (value: unknown) => boolean;

const hasOwn = Object.prototype.hasOwnProperty;

export function ownField(doc: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(doc, key) ? doc[key] : MISSING;
}

export function isArrayIndex(part: string): boolean {
  if (part.length === 0 || part.length > 9) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return part === '0' || part.charCodeAt(0) !== 48;
}

export function visitPath(value: unknown, parts: readonly string[], from: number, visit: Visitor): boolean {
  let current = value;
  for (let i = from; i < parts.length; i++) {
    if (isArray(current)) return visitArray(current, parts, i, visit);
    if (!isDocument(current)) return visit(MISSING);
    const key = parts[i] as string;
    current = hasOwn.call(current, key) ? current[key] : MISSING;
  }
  return visit(current);
}

function visitArray(arr: readonly unknown[], parts: readonly string[], i: number, visit: Visitor): boolean {
  const part = parts[i] as string;
  if (isArrayIndex(part)) {
    const idx = Number(part);
    if (idx < arr.length && visitPath(arr[idx], parts, i + 1, visit)) return true;
  }
  for (const element of arr) {
    if (isDocument(element) && visitPath(element, parts, i, visit)) return true;
  }
  return false;
}

/**
 * Values reached by `path` in `doc`: arrays met along the path are traversed, so
 * {a: [{b: 1}, {b: 2}]} and 'a.b' give [1, 2]. A value at the end of the path is returned as is,
 * arrays included ({a: [1, 2]} and 'a' give [[1, 2]]), leaving multikey expansion to the caller.
 * Elements lacking the field contribute nothing; a missing path yields [].
 */
export function valuesAtPath(doc: Record<string, unknown>, path: string): unknown[] {
  const out: unknown[] = [];
  visitPath(doc, path.split('.'), 0, (v) => {
    if (v !== MISSING) out.push(v);
    return false;
  });
  return out;
}

/** Plain lookup through documents and explicit array indexes only (no implicit array traversal). */
export function getExact(doc: unknown, parts: readonly string[]): unknown {
  let current = doc;
  for (const part of parts) {
    if (isArray(current) && isArrayIndex(part)) current = Number(part) < current.length ? current[Number(part)] : MISSING;
    else if (isDocument(current)) current = ownField(current, part);
    else return MISSING;
  }
  return current;
}
