import Dexie, { type EntityTable } from 'dexie';

/**
 * The phone's own store (IndexedDB through Dexie). The outbox is the worker's record of the day:
 * every flow is written here, with its client id, before anything else happens, and leaves only
 * when the worker clears what the platform has answered for.
 */
export type FlowKind = 'load' | 'receipt' | 'visit' | 'safety_check';
/** pending: not answered yet; the rest are the platform's answers. */
export type EntryState = 'pending' | 'stored' | 'duplicate' | 'refused' | 'collision' | 'invalid';

export interface Answer {
  /** What the worker reads, in the language of the moment it arrived (Chinese by default). */
  reasons: { code: string; text: string }[];
  at: string;
  /** Hazards the visit's safety check opened. */
  hazards?: number;
}

export interface OutboxEntry {
  seq?: number;
  visitId: string;
  kind: FlowKind;
  /** The flow as the platform's sync takes it: `{ kind, visitId, occurredAt, ... }`. */
  body: Record<string, unknown> & { visitId: string; occurredAt: string };
  /** Photos and signatures to upload first (by SHA-256). */
  media: string[];
  /** Who / where, for the list on the phone. */
  label: string;
  state: EntryState;
  answer?: Answer;
  /** A refusal stays on screen until the worker has acknowledged it. */
  seen: boolean;
  createdAt: string;
}

export interface MediaFile {
  sha256: string;
  type: string;
  data: ArrayBuffer;
  uploaded: boolean;
}

export interface CachedCustomer {
  id: string;
  realName: string;
  phone: string;
  address: string;
  kind: string;
  /** Name, address and phone folded for the offline search. */
  search: string;
}

export interface CachedRef {
  key: string;
  value: unknown;
}

export class PhoneDb extends Dexie {
  outbox!: EntityTable<OutboxEntry, 'seq'>;
  media!: EntityTable<MediaFile, 'sha256'>;
  customers!: EntityTable<CachedCustomer, 'id'>;
  refs!: EntityTable<CachedRef, 'key'>;

  constructor(name = 'lpg-delivery') {
    super(name);
    this.version(1).stores({
      outbox: '++seq, &visitId, state, createdAt',
      media: 'sha256',
      customers: 'id, realName',
      refs: 'key',
    });
  }
}

export const db = new PhoneDb();

export async function getRef<T>(key: string): Promise<T | undefined> {
  return (await db.refs.get(key))?.value as T | undefined;
}

export async function setRef(key: string, value: unknown): Promise<void> {
  await db.refs.put({ key, value });
}
