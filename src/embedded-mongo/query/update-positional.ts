/**
 * Positional update paths: `$` (the array element the query matched), `$[]` (every element) and
 * `$[id]` (elements passing the array filter named id), expanded into concrete paths.
 */
import { isDocument } from './bson-types';
import { badValue, failedToParse } from './errors';
import { compileDocument, type DocTest } from './filter';
import { getExact } from './path';

type Doc = Record<string, unknown>;

const IDENTIFIER = /^[a-z][a-zA-Z0-9]*$/;

export const isPositional = (part: string): boolean => part === '$' || (part.startsWith('$[') && part.endsWith(']'));

function identifiersIn(filter: Doc, into: Set<string>): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (Array.isArray(value)) for (const clause of value) if (isDocument(clause)) identifiersIn(clause, into);
    } else if (!key.startsWith('$')) {
      into.add(key.split('.')[0] as string);
    }
  }
}

export function compileArrayFilters(filters: readonly unknown[] | undefined): Map<string, DocTest> {
  const out = new Map<string, DocTest>();
  for (const filter of filters ?? []) {
    if (!isDocument(filter)) throw failedToParse('arrayFilters entries must be objects');
    const ids = new Set<string>();
    identifiersIn(filter, ids);
    const [id, other] = [...ids];
    if (id === undefined) throw failedToParse('Error parsing array filter :: caused by :: Cannot use an expression without a top-level field name in arrayFilters');
    if (other !== undefined) throw failedToParse(`Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${other}'`);
    if (!IDENTIFIER.test(id)) {
      throw badValue(`Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${id}'`);
    }
    if (out.has(id)) throw failedToParse(`Found multiple array filters with the same top-level field name ${id}`);
    const test = compileDocument(filter);
    // The filter names the element by its identifier, so test it as {<id>: element}.
    out.set(id, (element) => test({ [id]: element }));
  }
  return out;
}

/** Check a path's positional parts once, at parse time, recording the array filters it uses. */
export function checkPositionalPath(parts: readonly string[], path: string, filters: Map<string, DocTest>, used: Set<string>): void {
  if (parts.filter((p) => p === '$').length > 1) throw badValue(`Too many positional (i.e. '$') elements found in path '${path}'`);
  for (const part of parts) {
    if (!part.startsWith('$[') || part === '$[]') continue;
    const id = part.slice(2, -1);
    if (!filters.has(id)) throw badValue(`No array filter found for identifier '${id}' in path '${path}'`);
    used.add(id);
  }
}

/** Copy of `doc` with the value at `parts` replaced (shallow copies along the path only). */
function replaceAt(doc: unknown, parts: readonly string[], value: unknown): unknown {
  if (parts.length === 0) return value;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    copy[Number(head)] = replaceAt(doc[Number(head)], rest, value);
    return copy;
  }
  const obj = doc as Doc;
  return { ...obj, [head]: replaceAt(obj[head], rest, value) };
}

/** The first element of the array at `prefix` that the query's conditions on that array accept. */
function matchedIndex(doc: Doc, query: Doc | undefined, prefix: readonly string[], arr: readonly unknown[]): number | undefined {
  if (!query) return undefined;
  const path = prefix.join('.');
  const relevant: Doc[] = [];
  const collect = (f: Doc): void => {
    for (const key of Object.keys(f)) {
      const value = f[key];
      if (key === '$and' && Array.isArray(value)) value.filter(isDocument).forEach(collect);
      else if (key === path || key.startsWith(`${path}.`)) relevant.push({ [key]: value });
    }
  };
  collect(query);
  if (relevant.length === 0) return undefined;
  const test = compileDocument({ $and: relevant });
  const found = arr.findIndex((element) => test(replaceAt(doc, prefix, [element])));
  return found < 0 ? undefined : found;
}

const NO_MATCH = 'The positional operator did not find the match needed from the query.';

export interface PositionalContext {
  readonly filters: Map<string, DocTest>;
  readonly query: Doc | undefined;
  readonly isInsert: boolean;
}

/** Concrete paths (all parts literal) that a positional path stands for in `doc`. */
export function expandPath(doc: Doc, parts: readonly string[], ctx: PositionalContext): string[][] {
  if (!parts.some(isPositional)) return [parts.slice()];
  const out: string[][] = [];
  const walk = (prefix: string[], from: number): void => {
    for (let i = from; i < parts.length; i++) {
      const part = parts[i] as string;
      if (!isPositional(part)) {
        prefix.push(part);
        continue;
      }
      const arr = getExact(doc, prefix);
      if (part === '$') {
        const idx = ctx.isInsert || !Array.isArray(arr) ? undefined : matchedIndex(doc, ctx.query, prefix, arr);
        if (idx === undefined) throw badValue(NO_MATCH);
        walk([...prefix, String(idx)], i + 1);
        return;
      }
      if (!Array.isArray(arr)) throw badValue(`The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
      const test = part === '$[]' ? undefined : ctx.filters.get(part.slice(2, -1));
      arr.forEach((element, idx) => {
        if (!test || test(element)) walk([...prefix, String(idx)], i + 1);
      });
      return;
    }
    out.push(prefix);
  };
  walk([], 0);
  return out;
}
