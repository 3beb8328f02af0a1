import { calculateObjectSize, deserialize, type DeserializeOptions, type Document } from 'bson';
import { MongoCommandError, namespaceNotFound, writeConflict } from '../errors';
import type { Journal } from '../storage/journal';
import { Collection, type CollectionOptions, type Entry } from './collection';
import { idKey } from './id-key';
import type { IndexSpec } from './index-store';
import { planCandidates, planSortedWalk } from './planner';
import { Transaction } from './transaction';
import { compileFilter } from '../query';

/** A journal record's write: a full new version of a document, or the _id of a deleted one. */
interface OpRecord {
  ns: string;
  d?: Document;
  x?: unknown;
}

export type DdlRecord =
  | { ddl: 'create'; ns: string; options: CollectionOptions }
  | { ddl: 'drop'; ns: string }
  | { ddl: 'dropDatabase'; db: string }
  | { ddl: 'createIndex'; ns: string; spec: IndexSpec }
  | { ddl: 'dropIndex'; ns: string; name: string }
  | { ddl: 'rename'; from: string; to: string };

/** Writes made outside a transaction by one command: applied at once, journaled together. */
export class AutoBatch {
  readonly ops: OpRecord[] = [];
}

export type WriteTarget = AutoBatch | Transaction;

/** Retryable-write bookkeeping kept with the journal so a retry after a restart is still recognised. */
export interface RetryRecord {
  session: string;
  txnNumber: number;
  reply: Document;
}

const META = '$$meta';

/**
 * The storage engine: namespaces, versions for snapshot reads, transactions and the journal.
 * All mutation happens synchronously on the event loop, so every command sees a consistent state.
 */
export class Engine {
  private readonly collections = new Map<string, Collection>();
  private readonly emptyDatabases = new Set<string>();
  private readonly transactions = new Set<Transaction>();
  private readonly locks = new Map<string, Transaction>();
  readonly retries = new Map<string, RetryRecord>();
  /** Reads of non-empty collections that no index answered, by namespace (serverStatus reports them). */
  readonly collectionScans = new Map<string, number>();
  private clock = 1;
  private journalTail: Promise<void> = Promise.resolve();
  private checkpointing = false;

  constructor(
    private readonly journal?: Journal,
    private readonly checkpointBytes = 64 * 1024 * 1024,
  ) {}

  get now(): number {
    return this.clock;
  }

  get activeTransactions(): number {
    return this.transactions.size;
  }

  // ---- namespaces -------------------------------------------------------------------------

  collection(ns: string): Collection | undefined {
    return this.collections.get(ns);
  }

  collectionsOf(db: string): Collection[] {
    return [...this.collections.values()].filter((c) => c.db === db);
  }

  databases(): string[] {
    const names = new Set([...this.collections.values()].map((c) => c.db));
    for (const db of this.emptyDatabases) names.add(db);
    return [...names].sort();
  }

  /** The collection, created (and journaled) on first use as MongoDB does for writes. */
  ensureCollection(ns: string, durable: Promise<void>[]): Collection {
    const existing = this.collections.get(ns);
    if (existing) return existing;
    validateNamespace(ns);
    durable.push(this.applyDdl({ ddl: 'create', ns, options: {} }));
    return this.collections.get(ns) as Collection;
  }

  applyDdl(record: DdlRecord): Promise<void> {
    this.applyDdlInMemory(record);
    return this.append(record as unknown as Document);
  }

  /** `recovering`: the record is replayed from the journal, so an index it creates is deferred. */
  private applyDdlInMemory(record: DdlRecord, recovering = false): void {
    switch (record.ddl) {
      case 'create':
        this.collections.set(record.ns, new Collection(record.ns, record.options));
        return;
      case 'drop':
        this.collections.delete(record.ns);
        return;
      case 'dropDatabase':
        for (const c of this.collectionsOf(record.db)) this.collections.delete(c.ns);
        this.emptyDatabases.delete(record.db);
        return;
      case 'createIndex': {
        const coll = this.requireCollection(record.ns);
        coll.addIndex(record.spec, recovering);
        // An open transaction's writes were not checked against the new index: it re-checks at commit.
        coll.lastWriteTs = ++this.clock;
        return;
      }
      case 'dropIndex':
        this.requireCollection(record.ns).indexes.delete(record.name);
        return;
      case 'rename': {
        const coll = this.requireCollection(record.from);
        this.collections.delete(record.from);
        this.collections.delete(record.to);
        coll.ns = record.to;
        this.collections.set(record.to, coll);
        return;
      }
    }
  }

  private requireCollection(ns: string): Collection {
    const coll = this.collections.get(ns);
    if (!coll) throw namespaceNotFound(`ns does not exist: ${ns}`);
    return coll;
  }

  // ---- reads ------------------------------------------------------------------------------

  /** The version of a document a reader sees: its transaction's snapshot, or the newest. */
  visible(coll: Collection, id: string, txn?: Transaction): Document | null {
    if (txn) {
      const own = txn.pending(coll, id);
      if (own) return own.doc;
      return resolveAt(coll.current(id), txn.snapshotTs);
    }
    return coll.docs.get(id)?.doc ?? null;
  }

  /** Documents matching `filter`, in natural order, using an index when one fits. */
  find(coll: Collection | undefined, filter: Document, txn?: Transaction): Document[] {
    if (!coll) return [];
    const matches = compileFilter(filter);
    const out: Document[] = [];
    const own = txn?.writes.get(coll);
    const snapshotCurrent = !txn || coll.lastWriteTs <= txn.snapshotTs;
    const ids = snapshotCurrent ? planCandidates(coll, filter) : null;
    const consider = (id: string, doc: Document | null): void => {
      if (doc && matches(doc)) out.push(doc);
    };
    if (!ids && coll.docs.size > 0) this.collectionScans.set(coll.ns, (this.collectionScans.get(coll.ns) ?? 0) + 1);
    if (ids) {
      for (const id of ids) if (!own?.has(id)) consider(id, coll.docs.get(id)?.doc ?? null);
    } else if (!txn) {
      for (const [id, entry] of coll.docs) consider(id, entry.doc);
    } else {
      for (const [id, entry] of coll.docs) if (!own?.has(id)) consider(id, resolveAt(entry, txn.snapshotTs));
      for (const [id, entry] of coll.tombstones) if (!own?.has(id)) consider(id, resolveAt(entry, txn.snapshotTs));
    }
    if (own) for (const [id, write] of own) consider(id, write.doc);
    return out;
  }

  /**
   * The first `want` documents matching `filter` in `sort` order, read by walking an index in that
   * order and stopping once `want` matched (a find with a sort and a limit, as paging does), or
   * null when no index serves the sort: the caller then collects every match and sorts it. A
   * transaction with its own writes to the collection, or whose snapshot is older than its newest
   * write, takes the general path too; so does a walk meeting an array on one of the index's paths
   * (a multikey entry's position is not that document's sort key in every case).
   */
  findSorted(coll: Collection | undefined, filter: Document, sort: Document, want: number, txn?: Transaction): Document[] | null {
    if (!coll) return [];
    if (txn && (coll.lastWriteTs > txn.snapshotTs || txn.writes.has(coll))) return null;
    const walk = planSortedWalk(coll, filter, sort);
    if (!walk) return null;
    const matches = compileFilter(filter);
    const paths = walk.index.fields.map((f) => f.split('.'));
    const out: Document[] = [];
    const seen = new Set<string>();
    for (const id of walk.index.idsBetween(walk.low, walk.high, walk.reverse)) {
      if (out.length >= want) break;
      if (seen.has(id)) continue;
      seen.add(id);
      const doc = coll.docs.get(id)?.doc;
      if (!doc) continue;
      if (paths.some((parts) => arrayOnPath(doc, parts))) return null;
      if (matches(doc)) out.push(doc);
    }
    return out;
  }

  count(coll: Collection | undefined, txn?: Transaction): number {
    if (!coll) return 0;
    if (!txn || (coll.lastWriteTs <= txn.snapshotTs && !txn.writes.has(coll))) return coll.size;
    return this.find(coll, {}, txn).length;
  }

  // ---- writes -----------------------------------------------------------------------------

  /** Writes (doc) or deletes (null) one document, in a transaction or as part of a command's batch. */
  write(target: WriteTarget, coll: Collection, id: string, doc: Document | null, insert = false): void {
    if (target instanceof Transaction) return this.writeInTransaction(target, coll, id, doc, insert);
    const ts = ++this.clock;
    const keep = this.transactions.size > 0;
    if (doc) {
      coll.put(id, doc, ts, keep, insert);
      target.ops.push({ ns: coll.ns, d: doc });
    } else {
      const removed = coll.docs.get(id)?.doc;
      if (!removed) return;
      coll.remove(id, ts, keep);
      target.ops.push({ ns: coll.ns, x: removed._id });
    }
  }

  /** Makes a command's batch durable; resolves once it is on disk (at once in memory mode). */
  finish(batch: AutoBatch, retry?: RetryRecord): Promise<void> {
    if (retry) this.retries.set(retry.session, retry);
    if (batch.ops.length === 0 && !retry) return Promise.resolve();
    // A huge multi-document write is journaled in pieces (it is not atomic in MongoDB either);
    // the retry record goes with the last piece, so a retry after a crash re-runs it whole.
    const records = chunkOps(batch.ops);
    let last: Promise<void> = Promise.resolve();
    records.forEach((ops, i) => {
      last = this.append({ ops, ...(retry && i === records.length - 1 ? { rw: retry } : {}) });
    });
    return last;
  }

  private writeInTransaction(txn: Transaction, coll: Collection, id: string, doc: Document | null, insert: boolean): void {
    const lockKey = `${coll.ns}\u0000${id}`;
    const holder = this.locks.get(lockKey);
    if (holder && holder !== txn) throw writeConflict();
    const current = coll.current(id);
    if (current && current.ts > txn.snapshotTs) throw writeConflict();
    const existing = this.visible(coll, id, txn);
    if (insert && existing) throw coll.duplicateKey({ key: { _id: 1 }, name: '_id_' }, [doc?._id]);
    if (doc) coll.checkUnique(id, doc, (other) => txn.pending(coll, other) !== undefined);
    if (doc) this.checkUniqueWithinTransaction(txn, coll, id, doc);
    this.locks.set(lockKey, txn);
    txn.record(coll, id, { doc, baseTs: current?.ts ?? 0, insert });
  }

  /**
   * Unique keys among the transaction's own writes, through a per-transaction key map, so that a
   * transaction of N writes costs N look-ups rather than N² comparisons.
   */
  private checkUniqueWithinTransaction(txn: Transaction, coll: Collection, id: string, doc: Document): void {
    for (const index of coll.indexes.values()) {
      if (!index.spec.unique) continue;
      const owners = txn.uniqueKeys(coll, index.spec.name);
      const keys = index.keysOf(doc);
      for (const key of keys) {
        const owner = owners.get(keyString(key));
        if (owner === undefined || owner === id) continue;
        // The owner may have been rewritten since it claimed the key; only its latest version counts.
        const ownerDoc = txn.pending(coll, owner)?.doc;
        if (ownerDoc && index.keysOf(ownerDoc).some((k) => keyString(k) === keyString(key))) {
          throw coll.duplicateKey(index.spec, key);
        }
      }
      for (const key of keys) owners.set(keyString(key), id);
    }
  }

  // ---- transactions -----------------------------------------------------------------------

  begin(sessionKey: string, txnNumber: number): Transaction {
    const txn = new Transaction(sessionKey, txnNumber, this.clock, Date.now());
    this.transactions.add(txn);
    return txn;
  }

  /** Applies every write of the transaction atomically, or none (WriteConflict). */
  commit(txn: Transaction): Promise<void> {
    if (txn.state !== 'active') throw new MongoCommandError(251, 'NoSuchTransaction', 'Transaction is not active');
    const undo: (() => void)[] = [];
    const ops: OpRecord[] = [];
    const ts = ++this.clock;
    const keep = this.transactions.size > 1;
    try {
      for (const [coll, writes] of txn.writes) {
        if (!this.collections.has(coll.ns)) throw writeConflict();
        // Nothing committed to the collection (nor any index changed) since the snapshot: the
        // unique checks made as each write came in, against that state and this transaction's own
        // writes, still hold, so they are not made again.
        const untouched = coll.lastWriteTs <= txn.snapshotTs;
        for (const [id, write] of writes) {
          if ((coll.current(id)?.ts ?? 0) !== write.baseTs) throw writeConflict();
          if (write.doc) {
            undo.push(coll.put(id, write.doc, ts, keep, false, untouched));
            ops.push({ ns: coll.ns, d: write.doc });
          } else {
            const removedId = coll.docs.get(id)?.doc?._id;
            undo.push(coll.remove(id, ts, keep));
            if (removedId !== undefined) ops.push({ ns: coll.ns, x: removedId });
          }
        }
      }
    } catch (err) {
      for (const fn of undo.reverse()) fn();
      this.end(txn, 'aborted');
      if (err instanceof MongoCommandError && err.code === 11000) throw writeConflict();
      throw err;
    }
    this.end(txn, 'committed');
    return ops.length ? this.append({ ops }) : this.journalTail;
  }

  abort(txn: Transaction, reason = 'aborted'): void {
    if (txn.state === 'active') this.end(txn, 'aborted', reason);
  }

  /** Aborts transactions older than the lifetime limit (transactionLifetimeLimitSeconds). */
  expireTransactions(limitMs: number, now = Date.now()): void {
    for (const txn of this.transactions) {
      if (now - txn.startedAt > limitMs) this.abort(txn, 'Transaction has been aborted because it exceeded its lifetime limit');
    }
  }

  private end(txn: Transaction, state: 'committed' | 'aborted', reason?: string): void {
    txn.state = state;
    txn.abortReason = reason;
    this.transactions.delete(txn);
    for (const [coll, writes] of txn.writes) for (const id of writes.keys()) this.locks.delete(`${coll.ns}\u0000${id}`);
    if (this.transactions.size === 0) for (const coll of this.collections.values()) coll.pruneVersions();
  }

  // ---- durability -------------------------------------------------------------------------

  private append(record: Document): Promise<void> {
    if (!this.journal) return this.journalTail;
    const journal = this.journal;
    this.journalTail = journal.append(record);
    if (journal.bytesSinceCheckpoint > this.checkpointBytes && !this.checkpointing) {
      // A failed compaction loses nothing (the journal still holds every record); the next append
      // past the threshold tries again, and a journal that has stopped fails those appends itself.
      this.checkpoint().catch((err: unknown) => process.emitWarning(`embedded MongoDB: checkpoint failed: ${String(err)}`));
    }
    return this.journalTail;
  }

  /** Compacts when the next open would replay more than `bytes` of journal (and no compaction is running). */
  settle(bytes: number): Promise<void> {
    if (!this.journal || this.checkpointing || this.journal.bytesSinceCheckpoint <= bytes) return Promise.resolve();
    return this.checkpoint();
  }

  /**
   * Snapshot of the whole committed state; the documents are immutable, so references suffice, and
   * a collection still undecoded since the restart is written from its bytes as they are.
   */
  checkpoint(): Promise<void> {
    if (!this.journal) return Promise.resolve();
    const entries: (Document | Uint8Array)[] = [];
    for (const coll of this.collections.values()) {
      entries.push({ [META]: { ns: coll.ns, options: coll.options, indexes: coll.indexSpecs().slice(1) } });
      for (const entry of coll.snapshotEntries()) entries.push(entry);
    }
    entries.push({ [META]: { retries: [...this.retries.values()] } });
    this.checkpointing = true;
    return this.journal.checkpoint(entries).finally(() => {
      this.checkpointing = false;
    });
  }

  /**
   * Rebuilds the state from a snapshot (its entries' BSON bytes, as read) and the journal records
   * written after it. Only the snapshot's metadata is decoded now: each collection keeps its
   * documents' bytes and decodes them on first touch, its indexes are built on first use, and the
   * journal's writes to a collection not loaded yet wait to be applied after its documents. A
   * restart so costs reading the files, not rebuilding the whole database in memory.
   */
  recover(snapshot: readonly Uint8Array[], records: Document[], options: DeserializeOptions = {}): void {
    const base = ++this.clock;
    let coll: Collection | undefined;
    let parts: Uint8Array[] = [];
    const settle = (): void => {
      if (coll && parts.length > 0) coll.loadLazily(Buffer.concat(parts), parts.length, base, options);
      parts = [];
    };
    for (const bytes of snapshot) {
      if (!isMetaEntry(bytes)) {
        if (coll) parts.push(bytes);
        continue;
      }
      settle();
      const meta = deserialize(bytes, options)[META] as Document;
      if (meta.retries) {
        for (const r of meta.retries as RetryRecord[]) this.retries.set(r.session, r);
        coll = undefined;
      } else {
        this.applyDdlInMemory({ ddl: 'create', ns: meta.ns as string, options: meta.options as CollectionOptions });
        coll = this.collections.get(meta.ns as string);
        for (const spec of meta.indexes as IndexSpec[]) coll?.addIndex(spec, true);
      }
    }
    settle();
    for (const record of records) this.replay(record);
  }

  private replay(record: Document): void {
    if (record.ddl) {
      this.applyDdlInMemory(record as unknown as DdlRecord, true);
      return;
    }
    const ts = ++this.clock;
    for (const op of (record.ops ?? []) as OpRecord[]) {
      const coll = this.collections.get(op.ns);
      if (!coll) continue;
      coll.applyRecovered(op.d ? { ts, doc: op.d } : { ts, deletedId: op.x });
    }
    if (record.rw) {
      const rw = record.rw as RetryRecord;
      this.retries.set(rw.session, rw);
    }
  }

  flushed(): Promise<void> {
    return this.journalTail;
  }
}

const RECORD_BYTES = 16 * 1024 * 1024;

function chunkOps(ops: OpRecord[]): OpRecord[][] {
  if (ops.length <= 1) return [ops];
  const out: OpRecord[][] = [[]];
  let bytes = 0;
  for (const op of ops) {
    const size = op.d ? calculateObjectSize(op.d) : 64;
    if (bytes + size > RECORD_BYTES && (out[out.length - 1] as OpRecord[]).length > 0) {
      out.push([]);
      bytes = 0;
    }
    (out[out.length - 1] as OpRecord[]).push(op);
    bytes += size;
  }
  return out;
}

function resolveAt(entry: Entry | undefined, ts: number): Document | null {
  let e = entry;
  while (e && e.ts > ts) e = e.prev;
  return e?.doc ?? null;
}

function keyString(key: unknown[]): string {
  return key.map(idKey).join('\u0000');
}

/** Whether an array lies on `parts` in `doc` (or something not a plain document is walked through). */
function arrayOnPath(doc: Document, parts: readonly string[]): boolean {
  let current: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(current)) return true;
    if (current === null || typeof current !== 'object') return false;
    const proto = Object.getPrototypeOf(current) as unknown;
    if (proto !== Object.prototype && proto !== null) return true;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return Array.isArray(current);
}

/** `{ $$meta: … }`: its first element is an embedded document named $$meta (BSON: type 3, then the name). */
const META_PREFIX = Buffer.from(`\u0003${META}\u0000`, 'latin1');

function isMetaEntry(bytes: Uint8Array): boolean {
  if (bytes.length < 4 + META_PREFIX.length) return false;
  for (let i = 0; i < META_PREFIX.length; i++) if (bytes[4 + i] !== META_PREFIX[i]) return false;
  return true;
}

function validateNamespace(ns: string): void {
  const dot = ns.indexOf('.');
  const db = ns.slice(0, dot);
  const name = ns.slice(dot + 1);
  if (dot <= 0 || !name || /[/\\. "$*<>:|?]/.test(db) || name.includes('$') || name.startsWith('system.')) {
    throw new MongoCommandError(73, 'InvalidNamespace', `Invalid namespace specified '${ns}'`);
  }
}
