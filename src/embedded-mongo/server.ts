import net from 'node:net';
import { Long, ObjectId, type Document } from 'bson';
import { Engine } from './engine/engine';
import { Journal } from './storage/journal';
import { MongoCommandError } from './errors';
import { QueryError } from './query';
import { MAX_MESSAGE_SIZE, encodeReply, parseRequest, readHeader, type Request } from './wire/wire.protocol';
import { dispatcherFor, type Dispatcher } from './commands/dispatch';
import { expireCursors } from './commands/cursors';
import { TRANSACTION_LIFETIME_SECONDS } from './commands/admin.commands';
import type { ServerState } from './commands/context';
import { sweepExpired } from './engine/ttl';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './index';

const HOUSEKEEPING_MS = 1000;

function errorReply(err: unknown): Document {
  if (err instanceof MongoCommandError) {
    return {
      ok: 0,
      errmsg: err.message,
      code: err.code,
      codeName: err.codeName,
      ...err.extra,
      ...(err.errorLabels.length ? { errorLabels: err.errorLabels } : {}),
    };
  }
  if (err instanceof QueryError) return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName };
  const message = err instanceof Error ? err.message : String(err);
  return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
}

/** One client connection: reassembles messages from the byte stream and answers them in order. */
function serveConnection(socket: net.Socket, state: ServerState, dispatcher: Dispatcher, connectionId: number): void {
  let buffered: Buffer = Buffer.alloc(0);
  let queue = Promise.resolve();
  socket.setNoDelay(true);
  const answer = async (message: Buffer): Promise<void> => {
    let request: Request | undefined;
    let reply: Document;
    try {
      request = parseRequest(message);
      reply = await dispatcher.run(request.command, connectionId);
    } catch (err) {
      reply = errorReply(err);
    }
    const header = request?.header ?? readHeader(message);
    if (request?.noReply || socket.destroyed) return;
    socket.write(encodeReply(request ?? { header, command: {}, legacy: header.opCode === 2004, noReply: false }, reply));
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 4) {
      const length = buffered.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_SIZE) {
        socket.destroy();
        return;
      }
      if (buffered.length < length) break;
      const message = buffered.subarray(0, length);
      buffered = buffered.subarray(length);
      // Replies go out in request order; commands themselves run one after another per connection.
      queue = queue.then(() => answer(message));
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    state.counters.connectionsCurrent--;
  });
}

/** Starts the server; resolves once it listens (and, with a dbPath, once recovery is done). */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const replSetName = options.replSetName ?? 'rs0';
  let journal: Journal | undefined;
  let engine: Engine;
  if (options.dbPath) {
    // Decoded like wire input, so a Long read back from disk is still a Long.
    const deserializeOptions = { promoteLongs: false };
    const opened = await Journal.open(options.dbPath, { deserializeOptions, rawSnapshot: true });
    journal = opened.journal;
    engine = new Engine(journal, options.checkpointBytes);
    engine.recover(opened.rawSnapshot, opened.records, deserializeOptions);
  } else {
    engine = new Engine();
  }
  let nextCursor = 1;
  const state: ServerState = {
    engine,
    info: {
      host,
      port: 0,
      replSetName,
      startedAt: new Date(),
      electionId: new ObjectId('7fffffff0000000000000001'),
      storage: journal ? 'journal' : 'memory',
      dbPath: options.dbPath,
    },
    cursors: new Map(),
    nextCursorId: () => Long.fromNumber(Date.now() % 1_000_000 * 1_000_000 + nextCursor++),
    counters: { connectionsCurrent: 0, connectionsTotal: 0, commands: new Map(), timings: new Map() },
  };
  const dispatcher = dispatcherFor(state);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    state.counters.connectionsCurrent++;
    const id = ++state.counters.connectionsTotal;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, state, dispatcher, id);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  state.info.port = address.port;
  let sweeping = false;
  const housekeeping = setInterval(() => {
    expireCursors(state);
    engine.expireTransactions(TRANSACTION_LIFETIME_SECONDS * 1000);
    dispatcher.expireSessions();
    if (sweeping) return;
    sweeping = true;
    sweepExpired(engine)
      .catch(() => undefined)
      .finally(() => (sweeping = false));
  }, HOUSEKEEPING_MS);
  housekeeping.unref();
  // A restart replays the journal written since the last snapshot (up to checkpointBytes): when
  // this open replayed much, compact soon after it, so that the next start is fast again.
  const settleAfterOpen = options.settleAfterOpen ?? { bytes: 4 * 1024 * 1024, delayMs: 3_000 };
  let settling: Promise<void> | undefined;
  const settle = journal
    ? setTimeout(() => {
        settling = engine.settle(settleAfterOpen.bytes).catch((err: unknown) => process.emitWarning(`embedded MongoDB: checkpoint after open failed: ${String(err)}`));
      }, settleAfterOpen.delayMs)
    : undefined;
  settle?.unref();
  let closing: Promise<void> | undefined;
  return {
    uri: `mongodb://${host}:${address.port}/?replicaSet=${replSetName}`,
    host,
    port: address.port,
    close: () =>
      (closing ??= (async () => {
        clearInterval(housekeeping);
        clearTimeout(settle);
        await settling;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
        await engine.flushed().catch(() => undefined);
        await journal?.close();
      })()),
  };
}
