import BTree from 'sorted-btree';
import type { Document } from 'bson';
import { compareValues, compileFilter, valuesAtPath } from '../query';
import { MongoCommandError } from '../errors';
import type { Entry } from './collection';
import { FALLBACK, LazyEntry, MISSING } from './raw-bson';

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
  private built: boolean;
  private readonly rawPaths: Buffer[][];

  /**
   * `source`, when given, makes the index deferred: it holds nothing until its first use (a lookup,
   * a range scan, a unique check), which builds it from the collection's documents of that moment.
   * Until then `add` and `remove` have nothing to keep up to date. Recovery opens every index this
   * way, so a restart costs only what is used (building every index of a large collection took most
   * of the time of an open).
   */
  constructor(
    readonly spec: IndexSpec,
    private readonly source?: () => Iterable<[string, Entry]>,
  ) {
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.rawPaths = this.paths.map((parts) => parts.map((p) => Buffer.from(p, 'utf8')));
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
    this.built = source === undefined;
  }

  get isBuilt(): boolean {
    return this.built;
  }

  get size(): number {
    this.ensureBuilt();
    return this.tree.size;
  }

  /** Builds a deferred index from its collection's current documents (once). */
  ensureBuilt(): void {
    if (this.built || !this.source) return;
    this.built = true;
    for (const [id, entry] of this.source()) {
      const keys = (entry instanceof LazyEntry ? this.rawKeys(entry) : undefined) ?? (entry.doc ? this.keysOf(entry.doc) : []);
      for (const key of keys) this.tree.set([...key, id], id);
    }
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
   * plainKey read off a still undecoded document's bytes; undefined when that cannot be done (an
   * array, an embedded value or a rarer type on a path, a partial index): the document is decoded.
   */
  private rawKeys(entry: LazyEntry): IndexKey[] | undefined {
    if (this.partial || !entry.raw) return undefined;
    const key: unknown[] = [];
    let present = 0;
    for (const path of this.rawPaths) {
      const value = entry.valueAt(path);
      if (value === FALLBACK) return undefined;
      if (value !== MISSING) present++;
      key.push(value === MISSING ? null : value);
    }
    if (this.spec.sparse && present === 0) return [];
    return [key];
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
    if (!this.built) return;
    for (const key of keys) this.tree.set([...key, id], id);
  }

  remove(id: string, keys: IndexKey[]): void {
    if (!this.built) return;
    for (const key of keys) this.tree.delete([...key, id]);
  }

  /** The id of another document already holding one of `keys` in this unique index. */
  conflictingId(id: string, keys: IndexKey[], ignore?: (otherId: string) => boolean): { key: IndexKey; id: string } | undefined {
    this.ensureBuilt();
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
    this.ensureBuilt();
    this.tree.forRange([...low, LOW], [...high, HIGH], true, (_k, id) => {
      into.add(id);
    });
  }

  /**
   * Ids whose key lies between the prefix tuples `low` and `high` (bounds inclusive), in key order
   * or, `reverse`, from the highest. The tree orders every field ascending whatever the spec's
   * direction, so a sort served by walking it is all ascending or all descending.
   */
  *idsBetween(low: IndexKey, high: IndexKey, reverse: boolean): Generator<string> {
    this.ensureBuilt();
    const lo: IndexKey = [...low, LOW];
    const hi: IndexKey = [...high, HIGH];
    if (!reverse) {
      for (const [key, id] of this.tree.entries(lo)) {
        if (compareKeys(key, hi) > 0) return;
        yield id;
      }
      return;
    }
    for (const [key, id] of this.tree.entriesReversed(hi)) {
      if (compareKeys(key, lo) < 0) return;
      yield id;
    }
  }

  /** Ids in key order (ascending), for sorted scans and TTL sweeps. */
  *idsAscending(high?: IndexKey): Generator<string> {
    this.ensureBuilt();
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
