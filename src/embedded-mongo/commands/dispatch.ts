import { Binary, type Document } from 'bson';
import { AutoBatch } from '../engine/engine';
import { MongoCommandError } from '../errors';
import type { Transaction } from '../engine/transaction';
import * as admin from './admin.commands';
import * as ddl from './ddl.commands';
import * as read from './read.commands';
import * as write from './write.commands';
import { getMore, killCursors, killSessionCursors } from './cursors';
import type { CommandContext, Handler, ServerState } from './context';

const ok = (): Document => ({ ok: 1 });

const HANDLERS: Record<string, Handler> = {
  hello: admin.hello,
  isMaster: admin.hello,
  ismaster: admin.hello,
  ping: ok,
  buildInfo: admin.buildInfo,
  buildinfo: admin.buildInfo,
  getParameter: admin.getParameter,
  serverStatus: admin.serverStatus,
  listDatabases: admin.listDatabases,
  connectionStatus: admin.connectionStatus,
  hostInfo: admin.hostInfo,
  whatsmyuri: ok,
  endSessions: endSessions,
  killSessions: endSessions,
  refreshSessions: ok,
  commitTransaction: ok,
  abortTransaction: ok,
  create: ddl.create,
  drop: ddl.drop,
  dropDatabase: ddl.dropDatabase,
  renameCollection: ddl.renameCollection,
  listCollections: ddl.listCollections,
  createIndexes: ddl.createIndexes,
  listIndexes: ddl.listIndexes,
  dropIndexes: ddl.dropIndexes,
  deleteIndexes: ddl.dropIndexes,
  find: read.find,
  aggregate: read.aggregate,
  count: read.count,
  distinct: read.distinct,
  getMore,
  killCursors,
  insert: write.insert,
  update: write.update,
  delete: write.deleteCommand,
  findAndModify: write.findAndModify,
  findandmodify: write.findAndModify,
};

/** Commands that may run inside a multi-document transaction. */
const IN_TRANSACTION = new Set(['find', 'aggregate', 'distinct', 'getMore', 'killCursors', 'insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'commitTransaction', 'abortTransaction', 'count', 'create', 'createIndexes']);
const RETRYABLE = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
const ADMIN_ONLY = new Set(['renameCollection', 'listDatabases', 'commitTransaction', 'abortTransaction', 'getParameter', 'serverStatus']);

interface SessionState {
  txnNumber: number;
  txn?: Transaction;
  lastUsed: number;
}

export class Dispatcher {
  private readonly sessions = new Map<string, SessionState>();

  constructor(private readonly server: ServerState) {}

  async run(command: Document, connectionId: number): Promise<Document> {
    const name = Object.keys(command)[0] ?? '';
    const handler = HANDLERS[name];
    if (!handler) throw new MongoCommandError(59, 'CommandNotFound', `no such command: '${name}'`);
    const db = typeof command.$db === 'string' ? command.$db : 'admin';
    if (ADMIN_ONLY.has(name) && db !== 'admin') throw new MongoCommandError(13, 'Unauthorized', `${name} may only be run against the admin database.`);
    this.server.counters.commands.set(name, (this.server.counters.commands.get(name) ?? 0) + 1);
    const sessionKey = sessionKeyOf(command.lsid);
    const ctx: CommandContext = {
      server: this.server,
      engine: this.server.engine,
      db,
      connectionId,
      sessionKey,
      durable: [],
      target: new AutoBatch(),
    };
    if (command.autocommit === false) return this.inTransaction(name, handler, command, ctx);
    const txnNumber = txnNumberOf(command);
    if (sessionKey && txnNumber !== undefined && RETRYABLE.has(name)) return this.retryable(name, handler, command, ctx, txnNumber);
    const started = performance.now();
    const reply = await handler(command, ctx);
    const handled = performance.now();
    await Promise.all([...ctx.durable, this.server.engine.finish(ctx.target as AutoBatch)]);
    this.time(name, command, started, handled);
    return reply;
  }

  private time(name: string, command: Document, started: number, handled: number): void {
    const target = command[name];
    const key = typeof target === 'string' ? `${name} ${target}` : name;
    const timing = this.server.counters.timings.get(key) ?? { count: 0, handlerMs: 0, maxHandlerMs: 0, durableMs: 0 };
    timing.count++;
    timing.handlerMs += handled - started;
    timing.maxHandlerMs = Math.max(timing.maxHandlerMs, handled - started);
    timing.durableMs += performance.now() - handled;
    this.server.counters.timings.set(key, timing);
  }

  /** A retried statement (same session and txnNumber) answers the first reply instead of applying again. */
  private async retryable(name: string, handler: Handler, command: Document, ctx: CommandContext, txnNumber: number): Promise<Document> {
    const session = ctx.sessionKey as string;
    const previous = this.server.engine.retries.get(session);
    if (previous && previous.txnNumber === txnNumber) {
      await this.server.engine.flushed();
      return { ...previous.reply, retriedStmtIds: [0] };
    }
    if (previous && previous.txnNumber > txnNumber) {
      throw new MongoCommandError(225, 'TransactionTooOld', `Cannot start transaction ${txnNumber} on session ${session} because a newer transaction ${previous.txnNumber} has already started`);
    }
    this.touch(session);
    const started = performance.now();
    const reply = await handler(command, ctx);
    const handled = performance.now();
    const record = reply.writeErrors ? undefined : { session, txnNumber, reply };
    await Promise.all([...ctx.durable, this.server.engine.finish(ctx.target as AutoBatch, record)]);
    this.time(name, command, started, handled);
    return reply;
  }

  private async inTransaction(name: string, handler: Handler, command: Document, ctx: CommandContext): Promise<Document> {
    const txnNumber = txnNumberOf(command);
    if (!ctx.sessionKey || txnNumber === undefined) throw new MongoCommandError(50768, 'Location50768', 'autocommit=false requires a session and a txnNumber');
    if (!IN_TRANSACTION.has(name)) {
      throw new MongoCommandError(263, 'OperationNotSupportedInTransaction', `Cannot run '${name}' in a multi-document transaction.`);
    }
    const session = this.touch(ctx.sessionKey);
    const engine = this.server.engine;
    if (command.startTransaction === true) {
      if (session.txn && session.txnNumber === txnNumber) {
        throw new MongoCommandError(251, 'NoSuchTransaction', `Given transaction number ${txnNumber} does not match any in-progress transactions.`, {}, ['TransientTransactionError']);
      }
      if (session.txn) engine.abort(session.txn);
      session.txnNumber = txnNumber;
      session.txn = engine.begin(ctx.sessionKey, txnNumber);
    }
    const txn = session.txn;
    if (name === 'commitTransaction' && txn?.txnNumber === txnNumber && txn.state === 'committed') return { ok: 1 };
    if (!txn || txn.txnNumber !== txnNumber || txn.state !== 'active') {
      if (name === 'abortTransaction' && txn?.state === 'aborted' && txn.txnNumber === txnNumber && !txn.abortReason?.includes('lifetime')) return { ok: 1 };
      throw new MongoCommandError(251, 'NoSuchTransaction', txn?.abortReason && txn.txnNumber === txnNumber ? txn.abortReason : `Transaction with { txnNumber: ${txnNumber} } has been aborted.`, {}, ['TransientTransactionError']);
    }
    if (name === 'commitTransaction') {
      const started = performance.now();
      await engine.commit(txn);
      this.time(name, command, started, started);
      return { ok: 1 };
    }
    if (name === 'abortTransaction') {
      engine.abort(txn);
      return { ok: 1 };
    }
    ctx.txn = txn;
    ctx.target = txn;
    try {
      const started = performance.now();
      const reply = await handler(command, ctx);
      const handled = performance.now();
      if (reply.writeErrors) engine.abort(txn);
      await Promise.all(ctx.durable);
      this.time(`${name} (transaction)`, { [`${name} (transaction)`]: command[name] }, started, handled);
      return reply;
    } catch (err) {
      // As in MongoDB, a failed statement aborts the whole transaction.
      engine.abort(txn);
      throw err;
    }
  }

  private touch(key: string): SessionState {
    let session = this.sessions.get(key);
    if (!session) this.sessions.set(key, (session = { txnNumber: -1, lastUsed: Date.now() }));
    session.lastUsed = Date.now();
    return session;
  }

  endSession(key: string): void {
    const session = this.sessions.get(key);
    if (session?.txn) this.server.engine.abort(session.txn);
    this.sessions.delete(key);
    killSessionCursors(this.server, key);
  }

  /** Ends sessions idle past logicalSessionTimeoutMinutes. */
  expireSessions(now = Date.now()): void {
    for (const [key, s] of this.sessions) if (now - s.lastUsed > admin.SESSION_TIMEOUT_MINUTES * 60_000) this.endSession(key);
  }
}

function endSessions(cmd: Document, ctx: CommandContext): Document {
  const list = (cmd.endSessions ?? cmd.killSessions ?? []) as Document[];
  for (const lsid of list) {
    const key = sessionKeyOf(lsid);
    if (key) dispatchers.get(ctx.server)?.endSession(key);
  }
  return { ok: 1 };
}

const dispatchers = new WeakMap<ServerState, Dispatcher>();
export function dispatcherFor(server: ServerState): Dispatcher {
  let d = dispatchers.get(server);
  if (!d) dispatchers.set(server, (d = new Dispatcher(server)));
  return d;
}

function sessionKeyOf(lsid: unknown): string | undefined {
  const id = (lsid as Document | undefined)?.id;
  return id instanceof Binary ? Buffer.from(id.buffer).toString('hex') : undefined;
}

function txnNumberOf(command: Document): number | undefined {
  const n = command.txnNumber;
  if (n === undefined) return undefined;
  return typeof n === 'number' ? n : Number(n);
}
