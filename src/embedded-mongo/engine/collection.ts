import { ObjectId, UUID, EJSON, type DeserializeOptions, type Document } from 'bson';
import { MongoCommandError } from '../errors';
import { idKey } from './id-key';
import { IndexStore, type IndexKey, type IndexSpec } from './index-store';
import { FALLBACK, LazyEntry, MISSING } from './raw-bson';

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

/** A journal write replayed before the snapshot's documents were loaded: applied after them, in order. */
export interface RecoveredOp {
  ts: number;
  doc?: Document;
  deletedId?: unknown;
}

/** The snapshot's documents of a collection not loaded yet: their BSON bytes back to back, and the journal writes to apply after them. */
interface PendingLoad {
  raw: Buffer;
  count: number;
  ts: number;
  ops: RecoveredOp[];
  options: DeserializeOptions;
}

/**
 * A collection: documents by id key (insertion order is natural order) plus its secondary indexes.
 * After a restart its documents are bytes of the snapshot (`loadLazily`): the first touch of `docs`
 * or `tombstones` maps their ids (read off the bytes) and applies the journal writes that followed,
 * so a command on a collection not loaded yet waits for exactly that collection; each document is
 * decoded when something reads it (a LazyEntry), and a deferred index reads its keys off the bytes.
 */
export class Collection {
  private readonly liveDocs = new Map<string, Entry>();
  /** Deleted documents whose older versions an open transaction may still need. */
  private readonly deadDocs = new Map<string, Entry>();
  private pendingLoad: PendingLoad | undefined;
  readonly indexes = new Map<string, IndexStore>();
  /**
   * The _id index in key order, for ranges and sorts on _id (the documents' map is in insertion
   * order): deferred, so built on the first such read and kept up to date from then on; a
   * collection never read that way pays nothing for it. Not one of `indexes` (listed, dropped,
   * unique-checked by name): the _id map already makes _id unique.
   */
  readonly idOrder = new IndexStore(ID_INDEX, () => this.currentDocuments());
  readonly uuid = new UUID();
  /** Timestamp of the newest committed write, to know whether a snapshot may use the indexes. */
  lastWriteTs = 0;
  /** Entries that link to an older version, so pruning costs what was written, not the collection size. */
  private chained: Entry[] = [];

  constructor(
    public ns: string,
    readonly options: CollectionOptions = {},
  ) {}

  get docs(): Map<string, Entry> {
    if (this.pendingLoad) this.finishLoading();
    return this.liveDocs;
  }

  get tombstones(): Map<string, Entry> {
    if (this.pendingLoad) this.finishLoading();
    return this.deadDocs;
  }

  /** Documents held, without loading a collection whose snapshot part is still unmapped. */
  get size(): number {
    const pending = this.pendingLoad;
    if (pending && pending.ops.length === 0) return pending.count;
    return this.docs.size;
  }

  get loaded(): boolean {
    return this.pendingLoad === undefined;
  }

  /**
   * Makes `raw` (documents' BSON back to back, as the snapshot holds them) this collection's
   * contents, mapped on first touch; every document gets version `ts`. Only on a new, empty one.
   */
  loadLazily(raw: Buffer, count: number, ts: number, options: DeserializeOptions): void {
    this.pendingLoad = { raw, count, ts, ops: [], options };
    this.lastWriteTs = ts;
  }

  /** A journal write met while recovering: applied now, or after the snapshot's documents when they are still unmapped. */
  applyRecovered(op: RecoveredOp): void {
    this.lastWriteTs = op.ts;
    if (this.pendingLoad) {
      this.pendingLoad.ops.push(op);
      return;
    }
    if (op.doc) this.put(idKey(op.doc._id), op.doc, op.ts, false, false, true);
    else this.remove(idKey(op.deletedId), op.ts, false);
  }

  /**
   * The snapshot's documents (undecoded) and the journal's writes after them, straight into the
   * document map: no index can have been built before (building one reads `docs`, which loads first).
   */
  private finishLoading(): void {
    const { raw, ts, ops, options } = this.pendingLoad as PendingLoad;
    this.pendingLoad = undefined;
    for (let at = 0; at < raw.length; ) {
      const size = raw.readInt32LE(at);
      const entry = new LazyEntry(raw.subarray(at, at + size), ts, options, this.ns);
      let key = entry.rawIdKey();
      if (key === undefined) {
        const id = entry.idValue();
        key = idKey(id === FALLBACK || id === MISSING ? entry.doc._id : id);
      }
      this.liveDocs.set(key, entry);
      at += size;
    }
    for (const op of ops) {
      if (op.doc) this.liveDocs.set(idKey(op.doc._id), { doc: op.doc, ts: op.ts });
      else this.liveDocs.delete(idKey(op.deletedId));
    }
  }

  /** What a snapshot holds of this collection: a document still undecoded since the restart as its bytes. */
  snapshotEntries(): (Document | Uint8Array)[] {
    const out: (Document | Uint8Array)[] = [];
    for (const entry of this.docs.values()) {
      const raw = entry instanceof LazyEntry ? entry.raw : undefined;
      if (raw) out.push(raw);
      else if (entry.doc) out.push(entry.doc);
    }
    return out;
  }

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
    // A unique index is checked against, so built, before the keys of the built indexes are taken.
    if (!uniqueChecked) for (const index of this.indexes.values()) if (index.spec.unique) index.ensureBuilt();
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
      // Keys taken now, not at the write: a deferred index built since then holds this write too.
      for (const index of this.everyIndex()) {
        if (!index.isBuilt) continue;
        index.remove(id, index.keysOf(doc));
        if (before?.doc) index.add(id, index.keysOf(before.doc));
      }
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
    const removed = before.doc;
    const oldKeys = this.keysByIndex(removed);
    for (const [index, keys] of oldKeys) index.remove(id, keys);
    this.docs.delete(id);
    if (keep) this.tombstones.set(id, { doc: null, ts, prev: before });
    const previousWriteTs = this.lastWriteTs;
    this.lastWriteTs = ts;
    return () => {
      for (const index of this.everyIndex()) if (index.isBuilt) index.add(id, index.keysOf(removed));
      this.docs.set(id, before);
      this.tombstones.delete(id);
      this.lastWriteTs = previousWriteTs;
    };
  }

  /**
   * Adds an index. A new one is built at once (a unique one refused on a duplicate); `deferred`
   * (recovery: the index existed, its uniqueness was checked when it was made) builds on first use.
   */
  addIndex(spec: IndexSpec, deferred = false): void {
    if (deferred) {
      this.indexes.set(spec.name, new IndexStore(spec, () => this.currentDocuments()));
      return;
    }
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
    this.deadDocs.clear();
    for (const entry of this.chained) entry.prev = undefined;
    this.chained = [];
  }

  /** The secondary indexes and the _id order, which every write keeps up to date once built (and a sorted walk may use). */
  *everyIndex(): Generator<IndexStore> {
    yield* this.indexes.values();
    yield this.idOrder;
  }

  private *currentDocuments(): Generator<[string, Entry]> {
    for (const [id, entry] of this.docs) if (entry instanceof LazyEntry || entry.doc) yield [id, entry];
  }

  /** Keys of `doc` in every built index (a deferred one takes them from the documents when it is built). */
  private keysByIndex(doc: Document): [IndexStore, IndexKey[]][] {
    const out: [IndexStore, IndexKey[]][] = [];
    for (const index of this.everyIndex()) if (index.isBuilt) out.push([index, index.keysOf(doc)]);
    return out;
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
