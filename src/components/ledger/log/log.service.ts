import { AppError } from '../../../shared/errors/app.error';
import type { Logger } from '../../../shared/logger/logger.factory';
import { eventHash } from '../ledger.canonical';
import type { LedgerEvent } from '../ledger.contract';
import type { CheckpointSigner } from './checkpoint.signer';
import { leafHash } from './merkle';
import { MerkleTree } from './merkle.tree';
import type { LeafDoc } from './log.model';
import type { LedgerEventSource } from './log.ports';
import type { LogRepository } from './log.repository';
import {
  BUNDLE_FORMAT,
  type CheckpointView,
  type ConsistencyProof,
  type ExportBundle,
  type ExportedEvent,
  type InclusionProof,
} from './log.schemas';

const PAGE = 5_000;

export interface LogServiceDeps {
  repository: LogRepository;
  source: LedgerEventSource;
  signer: CheckpointSigner;
  logger: Pick<Logger, 'warn' | 'error'>;
  now?: () => Date;
}

/**
 * The global Merkle log over the ledger's events (leaf i = the event with logSeq i) and its signed
 * checkpoints. The leaves live in `log_leaves`; an in-memory tree mirrors them so that proofs for a
 * log of millions cost O(log n). Every mutation runs one at a time in this process; across
 * processes the unique indexes make a racing integrator or signer stop and re-read.
 */
export function createLogService(deps: LogServiceDeps) {
  const { repository, source, signer, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const tree = new MerkleTree();
  let queue: Promise<unknown> = Promise.resolve();

  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  /** Brings the in-memory tree up to the stored leaves. */
  async function syncTree(): Promise<void> {
    for (;;) {
      const docs = await repository.leavesFrom(tree.size, PAGE);
      for (const doc of docs) {
        if (doc.index !== tree.size) throw new Error(`log_leaves has a gap at ${tree.size}`);
        tree.append(Buffer.from(doc.leafHash, 'hex'));
      }
      if (docs.length < PAGE) return;
    }
  }

  /** Appends the ledger's new events as leaves, in logSeq order; returns the log size. */
  async function integrateNow(): Promise<number> {
    await syncTree();
    const read = () => source.eventsInAppendOrder(tree.size === 0 ? undefined : tree.size - 1, PAGE);
    let page = read();
    for (;;) {
      const events = await page;
      const docs = leavesFor(events, tree.size);
      const full = events.length === PAGE && docs.length === events.length;
      // The next page is read while this one is stored: the database works while this process hashes.
      if (full) {
        page = source.eventsInAppendOrder((events[events.length - 1] as LedgerEvent).logSeq, PAGE);
        // A read abandoned because the store below threw must not surface as an unhandled rejection.
        page.catch(() => undefined);
      }
      if (docs.length > 0) {
        const { raced } = await repository.appendLeaves(docs);
        if (raced) {
          await syncTree();
          page = read();
          continue;
        }
        // The positions were free, so the stored leaves are exactly these: no need to read them back.
        for (const doc of docs) tree.append(Buffer.from(doc.leafHash, 'hex'));
      }
      if (!full) return tree.size;
    }
  }

  /** Leaves for the contiguous run of valid events starting at `next`; stops at a gap or a bad hash. */
  function leavesFor(events: readonly LedgerEvent[], next: number): LeafDoc[] {
    const docs: LeafDoc[] = [];
    for (const event of events) {
      const index = next + docs.length;
      if (event.logSeq !== index) {
        logger.warn({ expected: index, got: event.logSeq }, 'ledger log: events are not contiguous; waiting');
        break;
      }
      // Never sign over an event whose stored content no longer matches its hash.
      if (eventHash(event) !== event.hash) {
        logger.error({ eventId: event.eventId, logSeq: index }, 'ledger log: stored event does not match its hash; log halted');
        break;
      }
      docs.push({ index, eventId: event.eventId, leafHash: leafHash(Buffer.from(event.hash, 'hex')).toString('hex') });
    }
    return docs;
  }

  async function checkpointNow(): Promise<CheckpointView | null> {
    const size = await integrateNow();
    const latest = await repository.latestCheckpoint();
    if (latest && latest.treeSize >= size) return latest;
    if (size === 0) return null;
    const signed = signer.sign({ treeSize: size, rootHash: tree.root(size).toString('hex'), timestamp: now().toISOString() });
    return repository.saveCheckpoint(signed);
  }

  /** The latest checkpoint covering log position `index`, signing a new one if none does yet. */
  async function checkpointCovering(index: number): Promise<CheckpointView> {
    const latest = await repository.latestCheckpoint();
    const checkpoint = latest && latest.treeSize > index ? latest : await checkpointNow();
    if (!checkpoint || checkpoint.treeSize <= index) throw AppError.unavailable('The event is not yet in the log; try again shortly');
    // Another process may have signed a larger tree than this one has read so far.
    if (checkpoint.treeSize > tree.size) await syncTree();
    return checkpoint;
  }

  function inclusionAt(eventId: string, leafIndex: number, treeSize: number): InclusionProof {
    return {
      eventId,
      leafIndex,
      treeSize,
      leafHash: tree.leafHash(leafIndex).toString('hex'),
      auditPath: tree.inclusionProof(leafIndex, treeSize).map((h) => h.toString('hex')),
    };
  }

  async function leafOf(eventId: string): Promise<LeafDoc> {
    // Not yet integrated is not the same as unknown: integrate once and look again.
    const leaf = (await repository.leafOfEvent(eventId)) ?? (await integrateNow(), await repository.leafOfEvent(eventId));
    if (!leaf) throw new AppError('EVENT_NOT_IN_LOG', 404, 'Not found', { detail: `No logged event ${eventId}` });
    return leaf;
  }

  return {
    /** Appends new ledger events to the log. Idempotent. */
    integrate: (): Promise<number> => exclusive(integrateNow),

    /** Signs a checkpoint of the whole log if it grew since the last one; answers the latest. */
    checkpoint: (): Promise<CheckpointView | null> => exclusive(checkpointNow),

    publicKey: () => ({ keyId: signer.keyId, algorithm: 'Ed25519' as const, publicKeyPem: signer.publicKeyPem }),

    async latestCheckpoint(): Promise<CheckpointView> {
      const latest = (await repository.latestCheckpoint()) ?? (await exclusive(checkpointNow));
      if (!latest) throw new AppError('NO_CHECKPOINT', 404, 'Not found', { detail: 'The log is empty: nothing has been checkpointed yet' });
      return latest;
    },

    async checkpoints(query: { size?: number | undefined; limit: number }): Promise<{ items: CheckpointView[] }> {
      if (query.size === undefined) return { items: await repository.recentCheckpoints(query.limit) };
      const found = await repository.checkpointOfSize(query.size);
      if (!found) throw new AppError('NO_CHECKPOINT', 404, 'Not found', { detail: `No checkpoint of tree size ${query.size}` });
      return { items: [found] };
    },

    inclusionProof: (eventId: string, treeSize?: number): Promise<InclusionProof> =>
      exclusive(async () => {
        const leaf = await leafOf(eventId);
        await syncTree();
        const size = treeSize ?? (await checkpointCovering(leaf.index)).treeSize;
        if (size > tree.size) throw AppError.badRequest(`treeSize ${size} exceeds the log size ${tree.size}`, [{ path: 'treeSize', message: 'beyond the log' }]);
        if (leaf.index >= size) {
          throw AppError.badRequest(`event ${eventId} is at log position ${leaf.index}, outside a tree of ${size}`, [
            { path: 'treeSize', message: 'must be greater than the event\'s log position' },
          ]);
        }
        return inclusionAt(eventId, leaf.index, size);
      }),

    consistencyProof: (from: number, to: number): Promise<ConsistencyProof> =>
      exclusive(async () => {
        await syncTree();
        if (from > to || to > tree.size) {
          throw AppError.badRequest(`need 1 ≤ from ≤ to ≤ ${tree.size} (the log size)`, [{ path: from > to ? 'from' : 'to', message: 'out of range' }]);
        }
        return {
          from,
          to,
          fromRoot: tree.root(from).toString('hex'),
          toRoot: tree.root(to).toString('hex'),
          proof: tree.consistencyProof(from, to).map((h) => h.toString('hex')),
        };
      }),

    /** A cylinder's chain with inclusion proofs against one signed checkpoint: verifiable offline. */
    exportCylinder: (cylinderId: string): Promise<ExportBundle> =>
      exclusive(async () => {
        const chain = await source.cylinderChain(cylinderId);
        if (chain.length === 0) throw AppError.notFound(`Cylinder ${cylinderId} has no ledger events`);
        await integrateNow();
        const last = Math.max(...chain.map((e) => e.logSeq));
        const checkpoint = await checkpointCovering(last);
        return {
          format: BUNDLE_FORMAT,
          cylinderId,
          exportedAt: now().toISOString(),
          checkpoint,
          events: chain.map(toExported),
          proofs: chain.map((e) => inclusionAt(e.eventId, e.logSeq, checkpoint.treeSize)),
        };
      }),
  };
}

/** The stored event as plain JSON (dates as ISO strings), without storage fields. */
function toExported(event: LedgerEvent): ExportedEvent {
  const { _id: _ignored, ...rest } = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  return rest as ExportedEvent;
}

export type LogService = ReturnType<typeof createLogService>;
