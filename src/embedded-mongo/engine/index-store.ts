import BTree from 'sorted-btree';
import type { Document } from 'bson';
import { compareValues, compileFilter, valuesAtPath } from '../query';
import { MongoCommandError } from '../errors';

export interface IndexSpec {
  v?: number;
  key: Record<string, 1 | -1>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

/** Sentinels that sort below / above every BSON value in an index key tuple. */
export const LOW = Symbol('low');
export const HIGH = Symbol('high');
type KeyPart = unknown;
export type IndexKey = KeyPart[];

function comparePart(a: KeyPart, b: KeyPart): number {
  if (a === b) return 0;
  if (a === LOW || b === HIGH) return -1;
  if (a === HIGH || b === LOW) return 1;
  return compareValues(a, b);
}

/** Tuples compare element by element; the last element of a stored key is the document's id key. */
function compareKeys(a: IndexKey, b: IndexKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = comparePart(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * One secondary index: a B+tree of (field values..., document id key) tuples.
 * Array values are indexed element by element (multikey), missing fields as null.
 */
export class IndexStore {
  readonly fields: string[];
  private readonly paths: string[][];
  private readonly tree = new BTree<IndexKey, string>(undefined, compareKeys);
  private readonly partial?: (doc: Document) => boolean;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
  }

  get size(): number {
    return this.tree.size;
  }

  /** Every key tuple (without the id) that `doc` contributes; [] when the index skips the doc. */
  keysOf(doc: Document): IndexKey[] {
    if (this.partial && !this.partial(doc)) return [];
    const plain = this.plainKey(doc);
    if (plain) return plain;
    const perField = this.fields.map((f) => {
      const values = valuesAtPath(doc, f).flatMap((v) => (Array.isArray(v) ? (v.length ? v : [undefined]) : [v]));
      return values;
    });
    if (this.spec.sparse && perField.every((v) => v.length === 0)) return [];
    const arrays = perField.filter((v) => v.length > 1).length;
    if (arrays > 1) {
      throw new MongoCommandError(171, 'CannotIndexParallelArrays', `cannot index parallel arrays [${this.fields.join('] [')}]`);
    }
    let keys: IndexKey[] = [[]];
    for (const values of perField) {
      const options = values.length === 0 ? [null] : values.map((v) => (v === undefined ? null : v));
      keys = keys.flatMap((prefix) => dedupe(options).map((v) => [...prefix, v]));
    }
    return keys;
  }

  /**
   * The common case without arrays anywhere on the paths: one key, read straight off the document
   * (every write computes the keys of every index, so this is the engine's hottest loop).
   * Undefined when an array is met: the general multikey walk then decides.
   */
  private plainKey(doc: Document): IndexKey[] | undefined {
    const key: unknown[] = [];
    let present = 0;
    for (const parts of this.paths) {
      let current: unknown = doc;
      for (const part of parts) {
        if (current === null || typeof current !== 'object' || Array.isArray(current) || !isPlainField(current)) return undefined;
        current = Object.prototype.hasOwnProperty.call(current, part) ? (current as Record<string, unknown>)[part] : undefined;
        if (current === undefined) break;
      }
      if (Array.isArray(current)) return undefined;
      if (current !== undefined) present++;
      key.push(current === undefined ? null : current);
    }
    if (this.spec.sparse && present === 0) return [];
    return [key];
  }

  add(id: string, keys: IndexKey[]): void {
    for (const key of keys) this.tree.set([...key, id], id);
  }

  remove(id: string, keys: IndexKey[]): void {
    for (const key of keys) this.tree.delete([...key, id]);
  }

  /** The id of another document already holding one of `keys` in this unique index. */
  conflictingId(id: string, keys: IndexKey[], ignore?: (otherId: string) => boolean): { key: IndexKey; id: string } | undefined {
    for (const key of keys) {
      let found: string | undefined;
      this.tree.editRange([...key, LOW], [...key, HIGH], true, (_k, other) => {
        if (other === id || ignore?.(other)) return undefined;
        found = other;
        return { break: other };
      });
      if (found !== undefined) return { key, id: found };
    }
    return undefined;
  }

  /** Ids whose key lies between `low` and `high` (prefix tuples, bounds inclusive). */
  idsInRange(low: IndexKey, high: IndexKey, into: Set<string>): void {
    this.tree.forRange([...low, LOW], [...high, HIGH], true, (_k, id) => {
      into.add(id);
    });
  }

  /** Ids in key order (ascending), for sorted scans and TTL sweeps. */
  *idsAscending(high?: IndexKey): Generator<string> {
    for (const [key, id] of this.tree.entries()) {
      if (high && compareKeys(key, [...high, HIGH]) > 0) return;
      yield id;
    }
  }
}

/** A document to walk into: a plain object, not a BSON value such as an ObjectId or a Binary. */
function isPlainField(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function dedupe(values: unknown[]): unknown[] {
  if (values.length < 2) return values;
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => compareValues(o, v) === 0)) out.push(v);
  return out;
}
