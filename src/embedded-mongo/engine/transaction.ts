import type { Document } from 'bson';
import type { Collection } from './collection';

export interface PendingWrite {
  doc: Document | null;
  /** ts of the committed version this write replaced; commit fails if it has changed since. */
  baseTs: number;
  insert: boolean;
}

/** A multi-document transaction: a snapshot timestamp plus the writes it has made so far. */
export class Transaction {
  readonly writes = new Map<Collection, Map<string, PendingWrite>>();
  state: 'active' | 'committed' | 'aborted' = 'active';
  abortReason?: string;

  constructor(
    readonly sessionKey: string,
    readonly txnNumber: number,
    readonly snapshotTs: number,
    readonly startedAt: number,
  ) {}

  /** Per unique index, which of this transaction's documents claimed each key. */
  private readonly claimedKeys = new Map<Collection, Map<string, Map<string, string>>>();

  uniqueKeys(coll: Collection, indexName: string): Map<string, string> {
    let byIndex = this.claimedKeys.get(coll);
    if (!byIndex) this.claimedKeys.set(coll, (byIndex = new Map()));
    let owners = byIndex.get(indexName);
    if (!owners) byIndex.set(indexName, (owners = new Map()));
    return owners;
  }

  pending(coll: Collection, id: string): PendingWrite | undefined {
    return this.writes.get(coll)?.get(id);
  }

  record(coll: Collection, id: string, write: PendingWrite): void {
    let forColl = this.writes.get(coll);
    if (!forColl) this.writes.set(coll, (forColl = new Map()));
    const earlier = forColl.get(id);
    // An id first inserted in this transaction stays an insert; the base is the first one seen.
    forColl.set(id, earlier ? { ...write, baseTs: earlier.baseTs, insert: earlier.insert } : write);
  }
}
