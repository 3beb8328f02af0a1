import type { Connection } from 'mongoose';
import { logModels, type CheckpointDoc, type LeafDoc, type LogIncident } from './log.model';

const LEAF_FIELDS = { _id: 0, index: 1, eventId: 1, leafHash: 1 } as const;
const CHECKPOINT_FIELDS = { _id: 0, treeSize: 1, rootHash: 1, timestamp: 1, keyId: 1, signature: 1 } as const;

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** The log's leaves and checkpoints. Append-only: there is no update or delete here. */
export function createLogRepository(connection: Connection) {
  const { leaves, checkpoints } = logModels(connection);
  return {
    async init(): Promise<void> {
      await Promise.all([leaves.createIndexes(), checkpoints.createIndexes()]);
    },

    /** Inserts in order; stops at the first position another integrator already took. */
    async appendLeaves(docs: readonly LeafDoc[]): Promise<{ raced: boolean }> {
      try {
        // The driver's insert: mongoose would build and validate a document per leaf.
        await leaves.collection.insertMany(docs.map((d) => ({ ...d })), { ordered: true });
        return { raced: false };
      } catch (error) {
        if (isDuplicateKey(error)) return { raced: true };
        throw error;
      }
    },

    async leavesFrom(index: number, limit: number): Promise<LeafDoc[]> {
      return (await leaves.collection.find({ index: { $gte: index } }, { projection: LEAF_FIELDS }).sort({ index: 1 }).limit(limit).toArray()) as unknown as LeafDoc[];
    },

    /** The damaged positions, newest first. */
    async incidents(limit: number): Promise<(LeafDoc & { incident: LogIncident })[]> {
      return leaves.find({ incident: { $exists: true } }, { _id: 0 }).sort({ 'incident.detectedAt': -1 }).limit(limit).lean<(LeafDoc & { incident: LogIncident })[]>();
    },

    async incidentCount(): Promise<number> {
      return leaves.countDocuments({ incident: { $exists: true } });
    },

    async leafOfEvent(eventId: string): Promise<LeafDoc | null> {
      return leaves.findOne({ eventId }, LEAF_FIELDS).lean<LeafDoc>();
    },

    /** Stores a checkpoint; when one of that size exists already (a racing signer), answers that one. */
    async saveCheckpoint(doc: CheckpointDoc): Promise<CheckpointDoc> {
      try {
        await checkpoints.create(doc);
        return doc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await checkpoints.findOne({ treeSize: doc.treeSize }, CHECKPOINT_FIELDS).lean<CheckpointDoc>();
        if (!existing) throw error;
        return existing;
      }
    },

    async latestCheckpoint(): Promise<CheckpointDoc | null> {
      return checkpoints.findOne({}, CHECKPOINT_FIELDS).sort({ treeSize: -1 }).lean<CheckpointDoc>();
    },

    async checkpointOfSize(treeSize: number): Promise<CheckpointDoc | null> {
      return checkpoints.findOne({ treeSize }, CHECKPOINT_FIELDS).lean<CheckpointDoc>();
    },

    async recentCheckpoints(limit: number): Promise<CheckpointDoc[]> {
      return checkpoints.find({}, CHECKPOINT_FIELDS).sort({ treeSize: -1 }).limit(limit).lean<CheckpointDoc[]>();
    },
  };
}

export type LogRepository = ReturnType<typeof createLogRepository>;
