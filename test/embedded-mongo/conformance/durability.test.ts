import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import { expectServerError, failureOf, openConformance, sleep, type ConformanceContext, type Doc } from './conformance.support';
import { killLeftoverServers, startServerProcess, type ServerProcess } from '../../support/embedded-server.process';

const SLOW = 180_000;
const DB = 'durability';

/**
 * kill -9 can only be aimed at a server this test started. When MONGODB_URI names a real MongoDB,
 * the suite cannot crash it, so this file then checks the part it can observe from a client:
 * acknowledged, journaled writes are there for a brand-new connection. Nothing is skipped.
 */
if (process.env.MONGODB_URI) {
  describe('durability against an external MongoDB (it cannot be killed from here)', () => {
    let ctx: ConformanceContext;

    beforeAll(async () => {
      ctx = await openConformance('durability');
    });

    afterAll(async () => {
      await ctx?.close();
    });

    async function freshClient(): Promise<MongoClient> {
      return ctx.connect();
    }

    it('journaled, majority-acknowledged inserts and updates are seen by a new connection', async () => {
      const writer = await freshClient();
      const coll = writer.db(ctx.dbName).collection<Doc>('persisted');
      const writeConcern = { w: 'majority' as const, journal: true };
      await coll.insertMany(
        Array.from({ length: 50 }, (_, i) => ({ _id: i, v: i })),
        { writeConcern },
      );
      await coll.updateOne({ _id: 7 }, { $set: { v: 'updated' } }, { writeConcern });
      await coll.deleteOne({ _id: 8 }, { writeConcern });
      await writer.close();

      const reader = await freshClient();
      const docs = await reader.db(ctx.dbName).collection<Doc>('persisted').find().sort({ _id: 1 }).toArray();
      expect(docs).toHaveLength(49);
      expect(docs.find((d) => d._id === 7)).toEqual({ _id: 7, v: 'updated' });
      expect(docs.find((d) => d._id === 8)).toBeUndefined();
    });

    it('a committed transaction is seen whole by a new connection', async () => {
      await ctx.db.createCollection('persisted_tx');
      const writer = await freshClient();
      const session = writer.startSession();
      try {
        await session.withTransaction(
          async () => {
            const coll = writer.db(ctx.dbName).collection<Doc>('persisted_tx');
            await coll.insertMany(
              Array.from({ length: 20 }, (_, i) => ({ _id: i })),
              { session },
            );
          },
          { writeConcern: { w: 'majority', journal: true } },
        );
      } finally {
        await session.endSession();
        await writer.close();
      }
      const reader = await freshClient();
      expect(await reader.db(ctx.dbName).collection<Doc>('persisted_tx').countDocuments()).toBe(20);
    });
  });
} else {
  describe('durability of the embedded server on a data directory', () => {
    const directories: string[] = [];
    const clients: MongoClient[] = [];

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await killLeftoverServers();
    });

    afterAll(async () => {
      await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    async function dataDirectory(): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lpg-embedded-durability-'));
      directories.push(dir);
      return dir;
    }

    /** A client that gives up quickly once its server is gone. */
    async function connect(server: ServerProcess): Promise<MongoClient> {
      const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2_000, maxPoolSize: 32 });
      clients.push(client);
      await client.connect();
      return client;
    }

    function collection(client: MongoClient, name: string): Collection<Doc> {
      return client.db(DB).collection<Doc>(name);
    }

    async function crash(server: ServerProcess): Promise<void> {
      server.kill('SIGKILL');
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    }

    const WRITERS = 16;
    const pad = (n: number) => String(n).padStart(6, '0');
    /** The one document writer `w` writes as its `seq`-th: anything else found later is corrupt. */
    const docFor = (writer: number, seq: number): Doc => ({
      _id: `w${pad(writer)}-${pad(seq)}`,
      writer,
      seq,
      payload: `${writer}:${seq}:${'LPG'.repeat(40)}`,
      nested: { even: seq % 2 === 0, list: [writer, seq, writer * seq] },
    });

    it(
      'every write acknowledged before a SIGKILL amid 16 concurrent writers is there exactly once after restart, and nothing corrupt is',
      async () => {
        const dir = await dataDirectory();
        const first = await startServerProcess(dir);
        const client = await connect(first);
        const writes = collection(client, 'writes');
        await writes.insertOne({ _id: 'before-the-storm' });

        const acknowledged = Array.from({ length: WRITERS }, () => 0);
        const failuresBeforeKill: string[] = [];
        let killed = false;
        const writers = acknowledged.map(async (_, writer) => {
          for (let seq = 0; ; seq++) {
            try {
              await writes.insertOne(docFor(writer, seq));
            } catch (error: unknown) {
              if (!killed) failuresBeforeKill.push(`writer ${writer}: ${String(error)}`);
              return;
            }
            acknowledged[writer] = seq + 1;
          }
        });
        await sleep(1_500);
        killed = true;
        await crash(first);
        await Promise.all(writers);

        expect(failuresBeforeKill).toEqual([]);
        expect(acknowledged.every((count) => count > 0)).toBe(true);

        const second = await startServerProcess(dir);
        const docs = await collection(await connect(second), 'writes').find({ _id: { $ne: 'before-the-storm' } }).toArray();

        const ids = docs.map((d) => String(d._id));
        expect(ids.length - new Set(ids).size).toBe(0);
        const corrupt = docs.filter((d) => JSON.stringify(d) !== JSON.stringify(docFor(Number(d.writer), Number(d.seq))));
        expect(corrupt).toEqual([]);
        const present = new Set(ids);
        const lost = acknowledged.flatMap((count, writer) =>
          Array.from({ length: count }, (_, seq) => String(docFor(writer, seq)._id)).filter((id) => !present.has(id)),
        );
        expect(lost).toEqual([]);
        // Each writer had at most one unacknowledged insert in flight when the server died.
        const phantom = docs.filter((d) => Number(d.seq) > (acknowledged[Number(d.writer)] ?? -1));
        expect(phantom).toEqual([]);
        expect(await collection(await connect(second), 'writes').countDocuments({ _id: 'before-the-storm' })).toBe(1);
      },
      SLOW,
    );

    it(
      'acknowledged updates, replacements, deletes and a unique index survive a SIGKILL',
      async () => {
        const dir = await dataDirectory();
        const first = await startServerProcess(dir);
        const state = collection(await connect(first), 'state');
        await state.createIndex({ serial: 1 }, { unique: true, sparse: true });
        await state.insertMany([
          { _id: 'counter', n: 0 },
          { _id: 'replaced', v: 'old' },
          { _id: 'deleted', v: 'doomed' },
          { _id: 'cylinder', serial: 'S-1' },
        ]);
        for (let i = 0; i < 200; i++) await state.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });
        await state.updateOne({ _id: 'counter' }, { $set: { status: 'final' } });
        await state.replaceOne({ _id: 'replaced' }, { v: 'new' });
        await state.deleteOne({ _id: 'deleted' });
        await crash(first);

        const second = await startServerProcess(dir);
        const after = collection(await connect(second), 'state');
        expect(await after.find().sort({ _id: 1 }).toArray()).toEqual([
          { _id: 'counter', n: 200, status: 'final' },
          { _id: 'cylinder', serial: 'S-1' },
          { _id: 'replaced', v: 'new' },
        ]);
        expect((await after.listIndexes().toArray()).map((i) => i.name)).toContain('serial_1');
        await expectServerError(after.insertOne({ serial: 'S-1' }), 11000);
      },
      SLOW,
    );

    it(
      'a committed transaction survives a SIGKILL whole, and an uncommitted one leaves no trace',
      async () => {
        const dir = await dataDirectory();
        const first = await startServerProcess(dir);
        const client = await connect(first);
        await client.db(DB).createCollection('ledger');
        await collection(client, 'balances').insertOne({ _id: 'account', total: 0 });

        const committed = client.startSession();
        await committed.withTransaction(async () => {
          await collection(client, 'ledger').insertMany(
            Array.from({ length: 50 }, (_, i) => ({ _id: `entry-${i}`, kg: 1 })),
            { session: committed },
          );
          await collection(client, 'balances').updateOne({ _id: 'account' }, { $inc: { total: 50 } }, { session: committed });
        });
        await committed.endSession();

        const open = client.startSession();
        open.startTransaction();
        await collection(client, 'ledger').insertOne({ _id: 'uncommitted', kg: 999 }, { session: open });
        await collection(client, 'balances').updateOne({ _id: 'account' }, { $inc: { total: 999 } }, { session: open });
        await crash(first);

        const second = await startServerProcess(dir);
        const after = await connect(second);
        expect(await collection(after, 'ledger').countDocuments()).toBe(50);
        expect(await collection(after, 'ledger').findOne({ _id: 'uncommitted' })).toBeNull();
        expect(await collection(after, 'balances').findOne({ _id: 'account' })).toEqual({ _id: 'account', total: 50 });
      },
      SLOW,
    );

    it(
      'recovery is repeatable: killed again right after recovering, the data is still all there',
      async () => {
        const dir = await dataDirectory();
        const first = await startServerProcess(dir);
        const items = collection(await connect(first), 'items');
        for (let i = 0; i < 100; i++) await items.insertOne({ _id: i, v: `item-${i}` });
        await crash(first);

        const second = await startServerProcess(dir);
        expect(await collection(await connect(second), 'items').countDocuments()).toBe(100);
        await crash(second);

        const third = await startServerProcess(dir);
        const afterTwoCrashes = collection(await connect(third), 'items');
        expect(await afterTwoCrashes.countDocuments()).toBe(100);
        await afterTwoCrashes.insertOne({ _id: 100, v: 'item-100' });
        await crash(third);

        const fourth = await startServerProcess(dir);
        const docs = await collection(await connect(fourth), 'items').find().sort({ _id: 1 }).toArray();
        expect(docs).toEqual(Array.from({ length: 101 }, (_, i) => ({ _id: i, v: `item-${i}` })));
      },
      SLOW,
    );

    it(
      'refuses to start a second server on a data directory that is in use',
      async () => {
        const dir = await dataDirectory();
        const first = await startServerProcess(dir);
        const failure = await failureOf(startServerProcess(dir, 30_000));
        expect(failure).toBeInstanceOf(Error);
        expect(String(failure)).toMatch(/exited/);
        const coll = collection(await connect(first), 'still_served');
        await coll.insertOne({ _id: 'ok' });
        expect(await coll.countDocuments()).toBe(1);
      },
      SLOW,
    );

    it(
      'SIGTERM shuts the server down cleanly with exit code 0, and its data is there on restart',
      async () => {
        const dir = await dataDirectory();
        const first = await startServerProcess(dir);
        const client = await connect(first);
        await collection(client, 'graceful').insertOne({ _id: 'kept' });
        first.kill('SIGTERM');
        // A timer that outlived the test would keep the Jest worker from exiting: cleared either way.
        let timer: NodeJS.Timeout | undefined;
        const exit = await Promise.race([first.exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000, 'still running after 15 s')))]);
        clearTimeout(timer);
        expect(exit).toEqual({ code: 0, signal: null });

        const second = await startServerProcess(dir);
        expect(await collection(await connect(second), 'graceful').findOne({ _id: 'kept' })).toEqual({ _id: 'kept' });
      },
      SLOW,
    );
  });
}
