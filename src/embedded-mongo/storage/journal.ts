import type { DeserializeOptions, Document } from 'bson';
import { mkdir, realpath, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { listDataFiles, syncDirectory } from './data-files';
import { encodeFrame } from './frame';
import { ignoreMissing, lockDirectory, type DirectoryLock } from './lock-file';
import { recoverDirectory } from './recovery';
import { OpenSegment } from './segment';
import { DEFAULT_SNAPSHOT_TUNING, writeSnapshot, type SnapshotWriteTuning } from './snapshot';
import { StorageError } from './storage-error';

export { StorageError, type StorageErrorCode } from './storage-error';

export interface JournalOptions {
  /**
   * How long an append may wait for companions before its batch is written. 0 (the default) starts a
   * write as soon as the previous one is done; appends made while a write+fsync is in flight always
   * share the next one.
   */
  maxGroupDelayMs?: number;
  /** Told of every torn or corrupt record dropped during open; defaults to process.emitWarning. */
  onWarning?: (message: string) => void;
  /** How stored BSON is decoded into the documents open() returns; defaults to bson's own defaults. */
  deserializeOptions?: DeserializeOptions;
  /** Frame size and time slice of snapshot writing; only tests and benchmarks need to change them. */
  snapshotTuning?: Partial<SnapshotWriteTuning>;
  /**
   * Hand the snapshot's entries back undecoded (`rawSnapshot`, each entry's checksummed BSON bytes)
   * instead of as documents in `snapshot`: the engine decodes them when they are first needed.
   */
  rawSnapshot?: boolean;
}

export interface JournalOpenResult {
  journal: Journal;
  /** Entries of the newest complete snapshot, in the order they were written ([] if none, or with `rawSnapshot`). */
  snapshot: Document[];
  /** With the `rawSnapshot` option: the same entries as BSON bytes, their frames' checksums verified. */
  rawSnapshot: Uint8Array[];
  /** Journal records appended after that snapshot, in append order. A torn or corrupt tail is dropped (and the file truncated there), never applied. */
  records: Document[];
}

export interface JournalStats {
  /** Records accepted by append(). */
  appends: number;
  /** Batches made durable (one synchronous write each): with group commit, far fewer than appends. */
  flushes: number;
  /** Snapshots completed. */
  checkpoints: number;
}

interface PendingAppend {
  frame: Buffer;
  seq: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface CheckpointRequest {
  entries: readonly (Document | Uint8Array)[];
  seq: number;
  /** Settles once every append issued before the request has settled. */
  earlierAppends: Promise<void>;
}

interface QueuedCheckpoint {
  request: CheckpointRequest;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Write-ahead journal with group commit and snapshots, for one data directory held under a lock file.
 * Records go to numbered segment files; checkpoint() starts a new segment and writes the state as a
 * snapshot that covers all earlier segments, which are then deleted.
 */
export class Journal {
  private readonly queue: PendingAppend[] = [];
  private flushState: 'idle' | 'scheduled' | 'writing' = 'idle';
  private segment: OpenSegment | undefined;
  /** Segment that appends made now will go to; checkpoint() moves it on. */
  private appendSeq: number;
  private failure: StorageError | undefined;
  private closing: Promise<void> | undefined;
  private lastAppendSettled: Promise<void> = Promise.resolve();
  private journalBytes: number;
  private queuedCheckpoint: QueuedCheckpoint | undefined;
  private checkpointWorker: Promise<void> | undefined;
  private readonly counters: JournalStats = { appends: 0, flushes: 0, checkpoints: 0 };

  private constructor(
    private readonly dir: string,
    private readonly lock: DirectoryLock,
    private readonly maxGroupDelayMs: number,
    private readonly snapshotTuning: SnapshotWriteTuning,
    nextSeq: number,
    journalBytes: number,
  ) {
    this.appendSeq = nextSeq;
    this.journalBytes = journalBytes;
  }

  /** Opens (creating if needed) the data directory; takes an exclusive lock file (a second process opening the same dir fails with a clear error naming the dir; a stale lock from a dead pid is taken over). */
  static async open(dir: string, opts: JournalOptions = {}): Promise<JournalOpenResult> {
    const maxGroupDelayMs = opts.maxGroupDelayMs ?? 0;
    if (!Number.isFinite(maxGroupDelayMs) || maxGroupDelayMs < 0) {
      throw new RangeError(`maxGroupDelayMs must be a finite number >= 0, got ${maxGroupDelayMs}`);
    }
    await mkdir(dir, { recursive: true });
    const canonical = await realpath(dir);
    const lock = await lockDirectory(canonical);
    try {
      const warn = opts.onWarning ?? ((message: string) => process.emitWarning(message, 'JournalRecoveryWarning'));
      const state = await recoverDirectory(canonical, opts.deserializeOptions ?? {}, warn, opts.rawSnapshot ?? false);
      const tuning = { ...DEFAULT_SNAPSHOT_TUNING, ...opts.snapshotTuning };
      const journal = new Journal(canonical, lock, maxGroupDelayMs, tuning, state.nextSeq, state.journalBytes);
      return { journal, snapshot: state.snapshot, rawSnapshot: state.rawSnapshot, records: state.records };
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Bytes appended since the last checkpoint (the engine uses it to decide when to checkpoint). Counts recovered journal bytes after open. */
  get bytesSinceCheckpoint(): number {
    return this.journalBytes;
  }

  get stats(): JournalStats {
    return { ...this.counters };
  }

  /** Appends one record (any BSON document the engine chooses, up to ~48 MB). Resolves only after the bytes are fsync'ed. Appends issued while an fsync is in flight are batched into the next single write+fsync (group commit). Appends resolve in order. If the write or fsync fails, the promise rejects and the journal refuses further appends (fail-stop). */
  append(record: Document): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    let frame: Buffer;
    try {
      frame = encodeFrame(record);
    } catch (error) {
      // Nothing was queued, so this record alone is refused; the journal carries on.
      return Promise.reject(error);
    }
    const appended = new Promise<void>((resolve, reject) => {
      this.queue.push({ frame, seq: this.appendSeq, resolve, reject });
    });
    this.lastAppendSettled = appended.then(noop, noop);
    this.counters.appends += 1;
    this.journalBytes += frame.length;
    this.scheduleFlush();
    return appended;
  }

  /** Compaction. Called SYNCHRONOUSLY by the engine with the full current state; later appends go to a new segment that the snapshot does not cover. Resolves once the snapshot is durable and the segments it covers are deleted. A call made while another snapshot is being written is coalesced with any other waiting call: only the newest state is written, and all of them resolve with it. */
  checkpoint(entries: readonly (Document | Uint8Array)[]): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    this.appendSeq += 1;
    this.journalBytes = 0;
    const request: CheckpointRequest = { entries, seq: this.appendSeq, earlierAppends: this.lastAppendSettled };
    if (this.queuedCheckpoint) {
      this.queuedCheckpoint.request = request;
      return this.queuedCheckpoint.done;
    }
    let settle: Pick<QueuedCheckpoint, 'resolve' | 'reject'> = { resolve: noop, reject: noop };
    const done = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.queuedCheckpoint = { request, done, ...settle };
    this.checkpointWorker ??= this.runCheckpoints();
    return done;
  }

  /** Flushes pending appends, waits for a running checkpoint, releases the lock. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private refusal(): StorageError | undefined {
    if (this.closing) return new StorageError('JOURNAL_CLOSED', `journal for ${this.dir} is closed`);
    return this.failure;
  }

  private scheduleFlush(): void {
    if (this.flushState !== 'idle') return;
    this.flushState = 'scheduled';
    // setImmediate, not a microtask: appends made by continuations of the batch just acknowledged
    // (which run as microtasks) still join the next batch.
    if (this.maxGroupDelayMs > 0) setTimeout(() => void this.flush(), this.maxGroupDelayMs);
    else setImmediate(() => void this.flush());
  }

  /** Makes one batch durable: every queued append bound for the same segment as the oldest one. */
  private async flush(): Promise<void> {
    this.flushState = 'writing';
    const first = this.queue[0];
    const batchSize = first ? this.queue.findIndex((pending) => pending.seq !== first.seq) : 0;
    const batch = this.queue.splice(0, batchSize === -1 ? this.queue.length : batchSize);
    try {
      if (first) {
        const segment = await this.segmentFor(first.seq);
        await segment.appendDurably(batch.map((pending) => pending.frame));
        this.counters.flushes += 1;
        for (const pending of batch) pending.resolve();
      }
    } catch (error) {
      this.failStop(error, batch);
    }
    this.flushState = 'idle';
    if (this.queue.length > 0) this.scheduleFlush();
  }

  private async segmentFor(seq: number): Promise<OpenSegment> {
    if (this.segment?.seq === seq) return this.segment;
    // Everything written to the previous segment was durable with its batch before this one started.
    const previous = this.segment;
    this.segment = undefined;
    await previous?.close();
    this.segment = await OpenSegment.create(this.dir, seq);
    return this.segment;
  }

  /** After a failed write or sync nothing written since the last good one can be trusted: stop for good. */
  private failStop(cause: unknown, batch: PendingAppend[]): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.failure = new StorageError(
      'JOURNAL_FAILED',
      `journal write to ${this.dir} failed (${reason}); no further writes are accepted`,
      { cause },
    );
    for (const pending of [...batch, ...this.queue.splice(0)]) pending.reject(this.failure);
  }

  private async runCheckpoints(): Promise<void> {
    for (let next = this.queuedCheckpoint; next; next = this.queuedCheckpoint) {
      this.queuedCheckpoint = undefined;
      try {
        await this.writeCheckpoint(next.request);
        this.counters.checkpoints += 1;
        next.resolve();
      } catch (error) {
        next.reject(error);
      }
    }
    this.checkpointWorker = undefined;
  }

  /**
   * Crash-safe at every step: until the rename is durable, recovery uses the old snapshot and all
   * segments; after it, the new snapshot and the segments from `seq` on, deleting the rest itself.
   */
  private async writeCheckpoint(request: CheckpointRequest): Promise<void> {
    await writeSnapshot(this.dir, request.seq, request.entries, this.snapshotTuning);
    // Covered records still being written must not land in a file that is already unlinked.
    await request.earlierAppends;
    const files = await listDataFiles(this.dir);
    const covered = [...files.segments, ...files.snapshots].filter((file) => file.seq < request.seq);
    for (const file of covered) await unlink(join(this.dir, file.name)).catch(ignoreMissing);
    if (covered.length > 0) await syncDirectory(this.dir);
  }

  private async shutDown(): Promise<void> {
    try {
      await this.lastAppendSettled;
      await this.checkpointWorker;
      await this.segment?.close();
      this.segment = undefined;
    } finally {
      await this.lock.release();
    }
  }
}

function noop(): void {}
