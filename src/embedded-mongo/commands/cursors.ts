import { Long, calculateObjectSize, type Document } from 'bson';
import { MongoCommandError } from '../errors';
import { checkFields, optionalCount, type CommandContext, type CursorState, type ServerState } from './context';

const DEFAULT_FIRST_BATCH = 101;
/** Replies must stay under the 16 MiB document limit; leave room for the envelope. */
const BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
export const CURSOR_TIMEOUT_MS = 10 * 60 * 1000;

function takeBatch(cursor: CursorState, limit: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  while (cursor.pos < cursor.docs.length && batch.length < limit) {
    const doc = cursor.shape(cursor.docs[cursor.pos] as Document);
    bytes += calculateObjectSize(doc);
    if (batch.length > 0 && bytes > BATCH_BYTES) break;
    batch.push(doc);
    cursor.pos++;
  }
  return batch;
}

/** Answers a cursor command: the first batch, and a live cursor if more remains. */
export function cursorReply(
  ctx: CommandContext,
  ns: string,
  docs: Document[],
  options: { batchSize?: number; singleBatch?: boolean; shape?: (doc: Document) => Document },
): Document {
  const cursor: CursorState = {
    id: Long.ZERO,
    ns,
    docs,
    pos: 0,
    lastUsed: Date.now(),
    sessionKey: ctx.sessionKey,
    shape: options.shape ?? ((d) => d),
  };
  const firstBatch = takeBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
  if (cursor.pos < docs.length && !options.singleBatch) {
    cursor.id = ctx.server.nextCursorId();
    ctx.server.cursors.set(cursor.id.toString(), cursor);
  }
  return { cursor: { firstBatch, id: cursor.id, ns }, ok: 1 };
}

export function getMore(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'getMore', ['collection', 'batchSize', 'maxTimeMS']);
  const id = cmd.getMore instanceof Long ? cmd.getMore : Long.fromNumber(Number(cmd.getMore));
  const cursor = ctx.server.cursors.get(id.toString());
  if (!cursor) throw new MongoCommandError(43, 'CursorNotFound', `cursor id ${id.toString()} not found`);
  if (cursor.ns !== `${ctx.db}.${String(cmd.collection)}`) {
    throw new MongoCommandError(13, 'Unauthorized', `Requested getMore on namespace '${ctx.db}.${String(cmd.collection)}', but cursor belongs to a different namespace ${cursor.ns}`);
  }
  cursor.lastUsed = Date.now();
  const nextBatch = takeBatch(cursor, optionalCount(cmd, 'batchSize', 'getMore') || Number.MAX_SAFE_INTEGER);
  const exhausted = cursor.pos >= cursor.docs.length;
  if (exhausted) ctx.server.cursors.delete(id.toString());
  return { cursor: { nextBatch, id: exhausted ? Long.ZERO : cursor.id, ns: cursor.ns }, ok: 1 };
}

export function killCursors(cmd: Document, ctx: CommandContext): Document {
  checkFields(cmd, 'killCursors', ['cursors']);
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of (cmd.cursors ?? []) as unknown[]) {
    const id = raw instanceof Long ? raw : Long.fromNumber(Number(raw));
    (ctx.server.cursors.delete(id.toString()) ? killed : notFound).push(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

/** Closes cursors idle for longer than the timeout (MongoDB's cursorTimeoutMillis). */
export function expireCursors(server: ServerState, timeoutMs = CURSOR_TIMEOUT_MS, now = Date.now()): number {
  let n = 0;
  for (const [key, cursor] of server.cursors) {
    if (now - cursor.lastUsed > timeoutMs) {
      server.cursors.delete(key);
      n++;
    }
  }
  return n;
}

/** Cursors of ended sessions die with them. */
export function killSessionCursors(server: ServerState, sessionKey: string): void {
  for (const [key, cursor] of server.cursors) if (cursor.sessionKey === sessionKey) server.cursors.delete(key);
}
