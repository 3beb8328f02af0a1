import { Long, type Document, type ObjectId } from 'bson';
import type { Engine, WriteTarget } from '../engine/engine';
import type { Transaction } from '../engine/transaction';
import type { Collection } from '../engine/collection';
import { MongoCommandError, badValue, typeMismatch } from '../errors';

/** A live cursor: the materialised result and how far the client has read. */
export interface CursorState {
  id: Long;
  ns: string;
  docs: Document[];
  pos: number;
  lastUsed: number;
  sessionKey?: string;
  shape: (doc: Document) => Document;
}

export interface ServerInfo {
  host: string;
  port: number;
  replSetName: string;
  startedAt: Date;
  electionId: ObjectId;
  storage: 'memory' | 'journal';
  dbPath?: string;
}

/** State shared by every connection of one server. */
export interface ServerState {
  engine: Engine;
  info: ServerInfo;
  cursors: Map<string, CursorState>;
  nextCursorId: () => Long;
  counters: { connectionsCurrent: number; connectionsTotal: number; commands: Map<string, number>; timings: Map<string, CommandTiming> };
}

/**
 * What one kind of command (name and collection) has cost this server: how many ran, the time in
 * the handler (parse, plan, filter, write to memory) and the time spent after it waiting for the
 * journal (with a dbPath; 0 in memory), in milliseconds. serverStatus reports them (`embedded`).
 */
export interface CommandTiming {
  count: number;
  handlerMs: number;
  maxHandlerMs: number;
  durableMs: number;
}

export interface CommandContext {
  server: ServerState;
  engine: Engine;
  db: string;
  connectionId: number;
  sessionKey?: string;
  txn?: Transaction;
  /** Journal writes this command made; the reply waits for them. */
  durable: Promise<void>[];
  /** Where writes go: the transaction, or a batch journaled when the command ends. */
  target: WriteTarget;
}

export type Handler = (cmd: Document, ctx: CommandContext) => Document | Promise<Document>;

/** Fields any command may carry: session, transaction, read/write concern, API version... */
export const GENERIC_FIELDS = new Set([
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', 'readConcern', 'writeConcern',
  '$readPreference', 'maxTimeMS', 'comment', 'apiVersion', 'apiStrict', 'apiDeprecationErrors', '$audit', '$client',
  'mayBypassWriteBlocking', 'txnRetryCounter',
]);

/** Rejects fields a command does not know, as MongoDB's IDL parser does (40415). */
export function checkFields(cmd: Document, name: string, allowed: readonly string[]): void {
  for (const key of Object.keys(cmd)) {
    if (key === name || GENERIC_FIELDS.has(key) || allowed.includes(key)) continue;
    throw new MongoCommandError(40415, 'Location40415', `BSON field '${name}.${key}' is an unknown field.`);
  }
}

export function collectionName(cmd: Document, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new MongoCommandError(73, 'InvalidNamespace', `collection name has invalid type ${typeof value}`);
  }
  return value;
}

export function nsOf(ctx: CommandContext, coll: string): string {
  return `${ctx.db}.${coll}`;
}

export function lookupCollection(ctx: CommandContext, coll: string): Collection | undefined {
  return ctx.engine.collection(nsOf(ctx, coll));
}

export function optionalDocument(cmd: Document, field: string, name: string): Document | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw typeMismatch(`BSON field '${name}.${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`);
  }
  return v as Document;
}

export function optionalCount(cmd: Document, field: string, name: string): number | undefined {
  const v = cmd[field];
  if (v === undefined || v === null) return undefined;
  const n = v instanceof Long ? v.toNumber() : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw typeMismatch(`BSON field '${name}.${field}' is the wrong type '${typeof v}', expected types '[long, int, decimal, double]'`);
  }
  if (n < 0) throw badValue(`${field} must be non-negative, but received: ${n}`);
  return Math.trunc(n);
}
