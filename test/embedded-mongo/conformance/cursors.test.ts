import { Long, type ClientSession, type Document, type MongoClient } from 'mongodb';
import {
  expectServerError,
  openConformance,
  recordCommands,
  type CommandLog,
  type ConformanceContext,
  type Doc,
} from './conformance.support';

let ctx: ConformanceContext;
let client: MongoClient;
let log: CommandLog;

beforeAll(async () => {
  ctx = await openConformance('cursors');
  await ctx.collection('ten').insertMany(Array.from({ length: 10 }, (_, n) => ({ _id: n, n })));
  client = await ctx.connect({ monitorCommands: true });
  log = recordCommands(client);
});

beforeEach(() => log.clear());

afterAll(async () => {
  await ctx?.close();
});

const ten = () => client.db(ctx.dbName).collection<Doc>('ten');

function cursorIdOf(reply: Document | undefined): string {
  return String(reply?.cursor?.id);
}

describe('batching', () => {
  it('find with batchSize 2 over 10 documents returns them all, 2 at a time through getMore', async () => {
    const docs = await ten().find({}, { batchSize: 2 }).sort({ n: 1 }).toArray();
    expect(docs.map((d) => d.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    expect(log.replies('find')[0]?.cursor?.firstBatch).toHaveLength(2);
    const getMores = log.replies('getMore');
    // 4 getMores bring the remaining 8; a server may need a 5th, empty one to discover the end.
    expect(getMores.length).toBeGreaterThanOrEqual(4);
    expect(getMores.length).toBeLessThanOrEqual(5);
    for (const reply of getMores) expect(reply.cursor?.nextBatch?.length).toBeLessThanOrEqual(2);
    expect(cursorIdOf(getMores.at(-1))).toBe('0');
    expect(log.names()).not.toContain('killCursors');
  });

  it('each getMore names the cursor the find opened', async () => {
    await ten().find({}, { batchSize: 3 }).toArray();
    const cursorId = cursorIdOf(log.replies('find')[0]);
    expect(cursorId).not.toBe('0');
    const getMores = log.started.filter((e) => e.commandName === 'getMore');
    expect(getMores.length).toBeGreaterThan(0);
    for (const started of getMores) expect(String(started.command.getMore)).toBe(cursorId);
  });

  it('a find whose results fit in the first batch closes its cursor at once', async () => {
    const docs = await ten().find({ n: { $lt: 3 } }, { batchSize: 5 }).toArray();
    expect(docs).toHaveLength(3);
    expect(cursorIdOf(log.replies('find')[0])).toBe('0');
    expect(log.names()).toEqual(['find']);
  });

  it('limit with a smaller batchSize returns exactly limit documents and the server closes the cursor', async () => {
    const docs = await ten().find({}, { batchSize: 2, limit: 5 }).sort({ n: 1 }).toArray();
    expect(docs.map((d) => d.n)).toEqual([0, 1, 2, 3, 4]);
    const replies = [...log.replies('find'), ...log.replies('getMore')];
    const returned = replies.map((r) => (r.cursor?.firstBatch ?? r.cursor?.nextBatch)?.length);
    expect(returned.reduce((sum: number, n: number) => sum + n, 0)).toBe(5);
    expect(cursorIdOf(replies.at(-1))).toBe('0');
    expect(log.names()).not.toContain('killCursors');
  });

  it('singleBatch returns only the first batch and leaves no cursor open', async () => {
    const docs = await ten().find({}, { batchSize: 3, singleBatch: true }).sort({ n: 1 }).toArray();
    expect(docs.map((d) => d.n)).toEqual([0, 1, 2]);
    expect(cursorIdOf(log.replies('find')[0])).toBe('0');
    expect(log.names()).toEqual(['find']);
  });

  it('a negative limit means a single batch of that many', async () => {
    const docs = await ten().find({}).sort({ n: -1 }).limit(-4).toArray();
    expect(docs.map((d) => d.n)).toEqual([9, 8, 7, 6]);
    expect(log.names()).toEqual(['find']);
  });
});

describe('closing cursors', () => {
  it('closing a cursor early kills it on the server', async () => {
    const cursor = ten().find({}, { batchSize: 2 });
    expect((await cursor.next())?._id).toBe(0);
    const cursorId = cursorIdOf(log.replies('find')[0]);
    expect(cursorId).not.toBe('0');
    await cursor.close();

    const kill = log.started.find((e) => e.commandName === 'killCursors');
    expect((kill?.command.cursors as unknown[] | undefined)?.map(String)).toEqual([cursorId]);
    const killed = log.replies('killCursors')[0];
    expect((killed?.cursorsKilled as unknown[] | undefined)?.map(String)).toEqual([cursorId]);
  });

  describe('getMore after killCursors', () => {
    let session: ClientSession;
    beforeEach(() => {
      // Server cursors belong to the session that opened them, so the raw commands share one.
      session = ctx.client.startSession();
    });
    afterEach(async () => {
      await session.endSession();
    });

    it('fails with CursorNotFound (43)', async () => {
      const opened = await ctx.db.command({ find: 'ten', filter: {}, batchSize: 2 }, { session });
      const cursorId = opened.cursor?.id as Long;
      expect(String(cursorId)).not.toBe('0');

      const killed = await ctx.db.command({ killCursors: 'ten', cursors: [cursorId] }, { session });
      expect((killed.cursorsKilled as unknown[]).map(String)).toEqual([String(cursorId)]);

      const error = await expectServerError(
        ctx.db.command({ getMore: cursorId, collection: 'ten', batchSize: 2 }, { session }),
        43,
      );
      expect(error.codeName).toBe('CursorNotFound');
      expect(error.message).toContain(String(cursorId));
    });

    it('killCursors reports an unknown cursor as not found', async () => {
      const unknown = Long.fromString('1234567890123');
      const reply = await ctx.db.command({ killCursors: 'ten', cursors: [unknown] }, { session });
      expect((reply.cursorsNotFound as unknown[]).map(String)).toEqual(['1234567890123']);
      expect(reply.cursorsKilled).toEqual([]);
    });

    it('a raw getMore continues where the first batch stopped', async () => {
      const opened = await ctx.db.command({ find: 'ten', filter: {}, sort: { n: 1 }, batchSize: 3 }, { session });
      const next = await ctx.db.command(
        { getMore: opened.cursor?.id as Long, collection: 'ten', batchSize: 3 },
        { session },
      );
      expect((opened.cursor?.firstBatch as Doc[]).map((d) => d.n)).toEqual([0, 1, 2]);
      expect((next.cursor?.nextBatch as Doc[]).map((d) => d.n)).toEqual([3, 4, 5]);
      expect(next.cursor?.ns).toBe(`${ctx.dbName}.ten`);
      await ctx.db.command({ killCursors: 'ten', cursors: [next.cursor?.id as Long] }, { session });
    });
  });
});
