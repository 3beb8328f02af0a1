import { AppError } from '../../../shared/errors/app.error';
import type { Logger } from '../../../shared/logger/logger.factory';
import { eventHash, type LedgerEvent } from '..';
import { createHash } from 'node:crypto';
import { verifyCheckpoint, type CheckpointSigner } from './checkpoint.signer';
import { leafHash, verifyInclusion } from './merkle';
import { MerkleTree } from './merkle.tree';
import type { LeafDoc, LogIncident } from './log.model';
import type { LedgerEventSource } from './log.ports';
import type { LogRepository } from './log.repository';
import {
  BUNDLE_FORMAT,
  type CheckpointView,
  type ConsistencyProof,
  type ExportBundle,
  type ExportedEvent,
  type IncidentView,
  type InclusionProof,
} from './log.schemas';

const PAGE = 5_000;
/**
 * How long a hole in logSeq may be a reader that saw a later commit before an earlier one (a scan
 * is not a snapshot) before the position counts as deleted. Appends on one counter commit in
 * order and a transaction lives at most 60 s, so a hole older than this is damage.
 */
const GAP_GRACE_MS = 120_000;

/** What the integrator puts at a position no event holds: a leaf no event hash can equal. */
export function missingLeafHash(index: number): string {
  const sentinel = createHash('sha256').update(`lpg-trace-ledger/v1 missing event at ${index}`, 'utf8').digest();
  return leafHash(sentinel).toString('hex');
}

/** How an event stands against the latest signed checkpoint. */
export type LogStanding = { status: 'included' } | { status: 'pending' } | { status: 'bad'; detail: string };

export interface LogAttestation {
  /** The checkpoint the events are proved against; null before the first one. */
  checkpoint: CheckpointView | null;
  standing(event: Pick<LedgerEvent, 'logSeq' | 'hash'>): LogStanding;
}

export interface LogServiceDeps {
  repository: LogRepository;
  source: LedgerEventSource;
  signer: CheckpointSigner;
  logger: Pick<Logger, 'warn' | 'error'>;
  now?: () => Date;
  /** GAP_GRACE_MS unless a test shortens it. */
  gapGraceMs?: number;
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
  const gapGraceMs = deps.gapGraceMs ?? GAP_GRACE_MS;
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
      const last = events[events.length - 1];
      const full = events.length === PAGE && last !== undefined && tree.size + docs.length === last.logSeq + 1;
      // The next page is read while this one is stored: the database works while this process hashes.
      if (full) {
        page = source.eventsInAppendOrder((last as LedgerEvent).logSeq, PAGE);
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

  /**
   * Leaves for the events starting at log position `next`. A damaged position never halts the log:
   * an altered event becomes a quarantined leaf carrying its stored hash, a deleted one a sentinel
   * leaf, each with its incident; only a hole younger than the grace period is waited for.
   */
  function leavesFor(events: readonly LedgerEvent[], next: number): LeafDoc[] {
    const docs: LeafDoc[] = [];
    const at = now();
    for (const event of events) {
      if (event.logSeq < next + docs.length) continue;
      if (event.logSeq > next + docs.length) {
        if (at.getTime() - new Date(event.receivedAt).getTime() < gapGraceMs) {
          logger.warn({ expected: next + docs.length, got: event.logSeq }, 'ledger log: events are not contiguous; waiting');
          break;
        }
        while (event.logSeq > next + docs.length) docs.push(missingLeaf(next + docs.length, at, event));
      }
      docs.push(eventHash(event) === event.hash ? eventLeaf(event) : alteredLeaf(event, at));
    }
    return docs;
  }

  const eventLeaf = (event: LedgerEvent): LeafDoc => ({ index: event.logSeq, eventId: event.eventId, leafHash: leafHash(Buffer.from(event.hash, 'hex')).toString('hex') });

  function alteredLeaf(event: LedgerEvent, at: Date): LeafDoc {
    const detail = `event ${event.eventId} (cylinder ${event.cylinderId}) at log position ${event.logSeq} no longer matches its hash: altered before it was logged; logged with its stored hash`;
    logger.error({ logSeq: event.logSeq, eventId: event.eventId, cylinderId: event.cylinderId, incident: 'EVENT_ALTERED' }, `ledger log integrity incident: ${detail}`);
    return { ...eventLeaf(event), incident: { kind: 'EVENT_ALTERED', detectedAt: at, cylinderId: event.cylinderId, detail } };
  }

  function missingLeaf(index: number, at: Date, after: LedgerEvent): LeafDoc {
    const detail = `no event holds log position ${index} (event ${after.eventId} holds ${after.logSeq}): deleted before it was logged; logged as a gap`;
    logger.error({ logSeq: index, incident: 'EVENT_MISSING' }, `ledger log integrity incident: ${detail}`);
    const incident: LogIncident = { kind: 'EVENT_MISSING', detectedAt: at, cylinderId: null, detail };
    // The sentinel's id keeps the eventId index unique; no event id has this form.
    return { index, eventId: `missing:${index}`, leafHash: missingLeafHash(index), incident };
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

    /**
     * Brings the log up to date and answers how any event stands against the latest checkpoint:
     * its leaf hash at its log position proved against the signed root. The checkpoint's signature
     * is checked too: rows in the database are never taken on trust, only the signing key is.
     */
    attestation: (): Promise<LogAttestation> =>
      exclusive(async () => {
        await checkpointNow();
        const checkpoint = await repository.latestCheckpoint();
        if (checkpoint && checkpoint.treeSize > tree.size) await syncTree();
        const genuine = !!checkpoint && verifyCheckpoint(checkpoint, signer.publicKeyPem);
        const root = checkpoint ? Buffer.from(checkpoint.rootHash, 'hex') : Buffer.alloc(0);
        return {
          checkpoint,
          standing(event) {
            if (!checkpoint || event.logSeq >= checkpoint.treeSize) return { status: 'pending' };
            if (!genuine) return { status: 'bad', detail: `the latest checkpoint (tree size ${checkpoint.treeSize}) does not carry this log's signature` };
            const leaf = leafHash(Buffer.from(event.hash, 'hex'));
            const path = event.logSeq < tree.size ? tree.inclusionProof(event.logSeq, checkpoint.treeSize) : [];
            if (verifyInclusion(event.logSeq, checkpoint.treeSize, leaf, path, root)) return { status: 'included' };
            return { status: 'bad', detail: `its hash is not the leaf at log position ${event.logSeq} under the signed checkpoint of tree size ${checkpoint.treeSize}: changed after it was logged` };
          },
        };
      }),

    /** The log positions found damaged before they were integrated, newest first. */
    async incidents(limit: number): Promise<{ items: IncidentView[] }> {
      const docs = await repository.incidents(limit);
      return {
        items: docs.map((d) => ({
          logPosition: d.index,
          kind: d.incident.kind,
          eventId: d.incident.kind === 'EVENT_MISSING' ? null : d.eventId,
          cylinderId: d.incident.cylinderId ?? null,
          leafHash: d.leafHash,
          detectedAt: new Date(d.incident.detectedAt).toISOString(),
          detail: d.incident.detail,
        })),
      };
    },

    incidentCount: (): Promise<number> => repository.incidentCount(),

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
