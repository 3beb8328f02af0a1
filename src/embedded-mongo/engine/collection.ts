import { ObjectId, UUID, EJSON, type Document } from 'bson';
import { MongoCommandError } from '../errors';
import { IndexStore, type IndexKey, type IndexSpec } from './index-store';

/** One version of a document; `prev` links older versions while a transaction may still read them. */
export interface Entry {
  doc: Document | null;
  ts: number;
  prev?: Entry;
}

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export interface CollectionOptions {
  [key: string]: unknown;
}

/** A collection: documents by id key (insertion order is natural order) plus its secondary indexes. */
export class Collection {
  readonly docs = new Map<string, Entry>();
  /** Deleted documents whose older versions an open transaction may still need. */
  readonly tombstones = new Map<string, Entry>();
  readonly indexes = new Map<string, IndexStore>();
  readonly uuid = new UUID();
  /** Timestamp of the newest committed write, to know whether a snapshot may use the indexes. */
  lastWriteTs = 0;
  /** Entries that link to an older version, so pruning costs what was written, not the collection size. */
  private chained: Entry[] = [];

  constructor(
    public ns: string,
    readonly options: CollectionOptions = {},
  ) {}

  get db(): string {
    return this.ns.slice(0, this.ns.indexOf('.'));
  }

  get name(): string {
    return this.ns.slice(this.ns.indexOf('.') + 1);
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX, ...[...this.indexes.values()].map((i) => i.spec)];
  }

  current(id: string): Entry | undefined {
    return this.docs.get(id) ?? this.tombstones.get(id);
  }

  /** Throws DuplicateKey if `doc` (to be stored under `id`) collides in a unique index. */
  checkUnique(id: string, doc: Document, ignore?: (otherId: string) => boolean): void {
    for (const index of this.indexes.values()) {
      if (!index.spec.unique) continue;
      const clash = index.conflictingId(id, index.keysOf(doc), ignore);
      if (clash) throw this.duplicateKey(index.spec, clash.key);
    }
  }

  duplicateKey(spec: IndexSpec, key: IndexKey): MongoCommandError {
    const fields = Object.keys(spec.key);
    const keyValue: Document = {};
    fields.forEach((f, i) => (keyValue[f] = key[i]));
    const shown = fields.map((f) => `${f}: ${formatValue(keyValue[f])}`).join(', ');
    return new MongoCommandError(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: { ${shown} }`,
      { keyPattern: spec.key, keyValue },
    );
  }

  /**
   * Stores `doc` as the newest version; returns an undo function. `keep` retains the old version.
   * `uniqueChecked`: the caller has already checked the unique indexes against this very state.
   */
  put(id: string, doc: Document, ts: number, keep: boolean, insert: boolean, uniqueChecked = false): () => void {
    const before = this.current(id);
    if (insert && before?.doc) throw this.duplicateKey(ID_INDEX, [doc._id]);
    const oldKeys = before?.doc ? this.keysByIndex(before.doc) : undefined;
    const newKeys = this.keysByIndex(doc);
    if (!uniqueChecked) this.checkUniqueKeys(id, newKeys);
    for (const [index, keys] of oldKeys ?? []) index.remove(id, keys);
    for (const [index, keys] of newKeys) index.add(id, keys);
    const wasTombstone = this.tombstones.get(id);
    if (wasTombstone) this.tombstones.delete(id);
    const entry: Entry = { doc, ts, prev: keep ? before : undefined };
    if (entry.prev) this.chained.push(entry);
    this.docs.set(id, entry);
    const previousWriteTs = this.lastWriteTs;
    this.lastWriteTs = ts;
    return () => {
      for (const [index, keys] of newKeys) index.remove(id, keys);
      for (const [index, keys] of oldKeys ?? []) index.add(id, keys);
      if (before?.doc) this.docs.set(id, before);
      else this.docs.delete(id);
      if (wasTombstone) this.tombstones.set(id, wasTombstone);
      this.lastWriteTs = previousWriteTs;
    };
  }

  /** Removes the document; returns an undo function. `keep` leaves a tombstone for open snapshots. */
  remove(id: string, ts: number, keep: boolean): () => void {
    const before = this.docs.get(id);
    if (!before?.doc) return () => undefined;
    const oldKeys = this.keysByIndex(before.doc);
    for (const [index, keys] of oldKeys) index.remove(id, keys);
    this.docs.delete(id);
    if (keep) this.tombstones.set(id, { doc: null, ts, prev: before });
    const previousWriteTs = this.lastWriteTs;
    this.lastWriteTs = ts;
    return () => {
      for (const [index, keys] of oldKeys) index.add(id, keys);
      this.docs.set(id, before);
      this.tombstones.delete(id);
      this.lastWriteTs = previousWriteTs;
    };
  }

  addIndex(spec: IndexSpec): void {
    const index = new IndexStore(spec);
    for (const [id, entry] of this.docs) {
      if (!entry.doc) continue;
      const keys = index.keysOf(entry.doc);
      if (spec.unique) {
        const clash = index.conflictingId(id, keys);
        if (clash) throw this.duplicateKey(spec, clash.key);
      }
      index.add(id, keys);
    }
    this.indexes.set(spec.name, index);
  }

  /** Drops versions kept for snapshots once no transaction needs them. */
  pruneVersions(): void {
    this.tombstones.clear();
    for (const entry of this.chained) entry.prev = undefined;
    this.chained = [];
  }

  private keysByIndex(doc: Document): [IndexStore, IndexKey[]][] {
    return [...this.indexes.values()].map((index) => [index, index.keysOf(doc)]);
  }

  private checkUniqueKeys(id: string, byIndex: [IndexStore, IndexKey[]][]): void {
    for (const [index, keys] of byIndex) {
      if (!index.spec.unique) continue;
      const clash = index.conflictingId(id, keys);
      if (clash) throw this.duplicateKey(index.spec, clash.key);
    }
  }
}


/** Renders a key value the way MongoDB's duplicate-key message does. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return EJSON.stringify(value as Document, { relaxed: true });
}
