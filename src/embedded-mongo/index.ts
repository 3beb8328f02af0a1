/**
 * Public surface of the embedded MongoDB-compatible server.
 * Everything else in this folder is internal to it; the rest of the project imports only this file.
 */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /** Data directory. Without one everything is kept in memory only. */
  dbPath?: string;
  /** Replica-set name announced in `hello`; defaults to "rs0". */
  replSetName?: string;
  /** Journal bytes after which the state is compacted into a snapshot; 64 MiB unless a test wants snapshots sooner. */
  checkpointBytes?: number;
  /**
   * Journal bytes replayed at open above which the state is compacted soon after the server
   * answers (so the next open replays little): 4 MiB, and `settleDelayMs` (3 s) after the open.
   */
  settleAfterOpen?: { bytes: number; delayMs: number };
}

export interface EmbeddedMongo {
  /** `mongodb://host:port/?replicaSet=...` — usable by the driver, mongoose and mongosh. */
  readonly uri: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export { startEmbeddedMongo } from './server';
