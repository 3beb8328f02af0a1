import { Long } from 'bson';
import { Engine } from '../../../src/embedded-mongo/engine/engine';
import { AutoBatch } from '../../../src/embedded-mongo/engine/engine';
import { cursorReply, expireCursors, getMore } from '../../../src/embedded-mongo/commands/cursors';
import type { CommandContext, ServerState } from '../../../src/embedded-mongo/commands/context';

function context(): CommandContext {
  let next = 1;
  const engine = new Engine();
  const server: ServerState = {
    engine,
    info: { host: '127.0.0.1', port: 1, replSetName: 'rs0', startedAt: new Date(), electionId: undefined as never, storage: 'memory' },
    cursors: new Map(),
    nextCursorId: () => Long.fromNumber(next++),
    counters: { connectionsCurrent: 0, connectionsTotal: 0, commands: new Map(), timings: new Map() },
  };
  return { server, engine, db: 'db', connectionId: 1, durable: [], target: new AutoBatch() };
}

const docs = Array.from({ length: 5 }, (_, i) => ({ _id: i }));

describe('cursors', () => {
  it('hands out batches of batchSize and closes the cursor with the last one', () => {
    const ctx = context();
    const first = cursorReply(ctx, 'db.c', docs, { batchSize: 2 });
    expect(first.cursor.firstBatch).toEqual([{ _id: 0 }, { _id: 1 }]);
    const id = first.cursor.id as Long;
    expect(id.isZero()).toBe(false);
    expect(getMore({ getMore: id, collection: 'c', batchSize: 2 }, ctx).cursor.nextBatch).toHaveLength(2);
    const last = getMore({ getMore: id, collection: 'c', batchSize: 2 }, ctx);
    expect(last.cursor.nextBatch).toEqual([{ _id: 4 }]);
    expect((last.cursor.id as Long).isZero()).toBe(true);
    expect(() => getMore({ getMore: id, collection: 'c' }, ctx)).toThrow(expect.objectContaining({ code: 43 }));
  });

  it('closes cursors left idle past the timeout, and keeps busy ones', () => {
    const ctx = context();
    const idle = cursorReply(ctx, 'db.c', docs, { batchSize: 1 }).cursor.id as Long;
    const busy = cursorReply(ctx, 'db.c', docs, { batchSize: 1 }).cursor.id as Long;
    ctx.server.cursors.get(idle.toString())!.lastUsed = Date.now() - 11 * 60_000;
    expect(expireCursors(ctx.server)).toBe(1);
    expect(() => getMore({ getMore: idle, collection: 'c' }, ctx)).toThrow(expect.objectContaining({ code: 43 }));
    expect(getMore({ getMore: busy, collection: 'c', batchSize: 1 }, ctx).cursor.nextBatch).toEqual([{ _id: 1 }]);
  });
});
