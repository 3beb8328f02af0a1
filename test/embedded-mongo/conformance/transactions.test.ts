import { Long, MongoServerError, type ClientSession, type MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import {
  expectServerError,
  failureOf,
  openConformance,
  recordCommands,
  type ConformanceContext,
  type Doc,
} from './conformance.support';

let ctx: ConformanceContext;
/** A second client, standing for another application instance looking at the same data. */
let observer: MongoClient;

beforeAll(async () => {
  ctx = await openConformance('transactions');
  observer = await ctx.connect();
});

afterAll(async () => {
  await ctx?.close();
});

const seen = (collection: string) => observer.db(ctx.dbName).collection<Doc>(collection);

/** Collections are created up front: implicit creation inside a transaction varies by server version. */
async function freshCollections(...names: string[]): Promise<void> {
  for (const name of names) await ctx.db.createCollection(name);
}

describe('commit and abort', () => {
  it('withTransaction makes all of its writes visible at once, and none before commit', async () => {
    await freshCollections('tx_orders', 'tx_stock');
    await ctx.collection('tx_stock').insertOne({ _id: 'valve', count: 10 });
    const visibleBeforeCommit: number[] = [];
    const session = ctx.client.startSession();
    try {
      await session.withTransaction(async () => {
        await ctx.collection('tx_orders').insertOne({ _id: 1, sku: 'valve' }, { session });
        visibleBeforeCommit.push(await seen('tx_orders').countDocuments());
        await ctx.collection('tx_orders').insertOne({ _id: 2, sku: 'valve' }, { session });
        await ctx.collection('tx_stock').updateOne({ _id: 'valve' }, { $inc: { count: -2 } }, { session });
        visibleBeforeCommit.push(await seen('tx_orders').countDocuments());
        visibleBeforeCommit.push((await seen('tx_stock').findOne({ _id: 'valve' }))?.count);
      });
    } finally {
      await session.endSession();
    }
    expect(visibleBeforeCommit).toEqual([0, 0, 10]);
    expect(await seen('tx_orders').countDocuments()).toBe(2);
    expect(await seen('tx_stock').findOne({ _id: 'valve' })).toEqual({ _id: 'valve', count: 8 });
  });

  it('abortTransaction discards every write of the transaction', async () => {
    await freshCollections('tx_abort');
    await ctx.collection('tx_abort').insertOne({ _id: 'kept', v: 1 });
    const session = ctx.client.startSession();
    try {
      session.startTransaction();
      await ctx.collection('tx_abort').insertOne({ _id: 'discarded' }, { session });
      await ctx.collection('tx_abort').updateOne({ _id: 'kept' }, { $set: { v: 2 } }, { session });
      await ctx.collection('tx_abort').deleteOne({ _id: 'kept' }, { session });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await seen('tx_abort').find().toArray()).toEqual([{ _id: 'kept', v: 1 }]);
  });

  it('an error thrown inside withTransaction aborts it and reaches the caller', async () => {
    await freshCollections('tx_throw');
    const session = ctx.client.startSession();
    try {
      const failure = await failureOf(
        session.withTransaction(async () => {
          await ctx.collection('tx_throw').insertOne({ _id: 'partial' }, { session });
          throw new Error('business rule refused');
        }),
      );
      expect(failure).toEqual(new Error('business rule refused'));
    } finally {
      await session.endSession();
    }
    expect(await seen('tx_throw').countDocuments()).toBe(0);
  });

  it('a duplicate key inside a transaction aborts the whole transaction', async () => {
    await freshCollections('tx_dup');
    await ctx.collection('tx_dup').insertOne({ _id: 'exists' });
    const session = ctx.client.startSession();
    try {
      session.startTransaction();
      await ctx.collection('tx_dup').insertOne({ _id: 'new' }, { session });
      await expectServerError(ctx.collection('tx_dup').insertOne({ _id: 'exists' }, { session }), 11000);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await seen('tx_dup').find().toArray()).toEqual([{ _id: 'exists' }]);
  });
});

describe('isolation', () => {
  it('reads inside a transaction see its own uncommitted writes; others do not', async () => {
    await freshCollections('tx_own');
    const session = ctx.client.startSession();
    try {
      session.startTransaction();
      await ctx.collection('tx_own').insertOne({ _id: 'mine', v: 1 }, { session });
      await ctx.collection('tx_own').updateOne({ _id: 'mine' }, { $inc: { v: 1 } }, { session });
      expect(await ctx.collection('tx_own').findOne({ _id: 'mine' }, { session })).toEqual({ _id: 'mine', v: 2 });
      expect(await ctx.collection('tx_own').countDocuments({}, { session })).toBe(1);
      expect(
        await ctx
          .collection('tx_own')
          .aggregate([{ $match: { _id: 'mine' } }], { session })
          .toArray(),
      ).toEqual([{ _id: 'mine', v: 2 }]);
      expect(await seen('tx_own').findOne({ _id: 'mine' })).toBeNull();
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await seen('tx_own').findOne({ _id: 'mine' })).toEqual({ _id: 'mine', v: 2 });
  });

  it('a transaction reads from one snapshot: writes committed by others after its first read stay invisible', async () => {
    await freshCollections('tx_snapshot');
    await ctx.collection('tx_snapshot').insertOne({ _id: 1, v: 'original' });
    const session = ctx.client.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' } });
      expect(await ctx.collection('tx_snapshot').findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'original' });

      await seen('tx_snapshot').updateOne({ _id: 1 }, { $set: { v: 'changed outside' } });
      await seen('tx_snapshot').insertOne({ _id: 2, v: 'inserted outside' });

      expect(await ctx.collection('tx_snapshot').findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'original' });
      expect(await ctx.collection('tx_snapshot').countDocuments({}, { session })).toBe(1);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await ctx.collection('tx_snapshot').findOne({ _id: 1 })).toEqual({ _id: 1, v: 'changed outside' });
  });
});

describe('write conflicts', () => {
  it('a second transaction writing the same document gets WriteConflict (112) labelled TransientTransactionError', async () => {
    await freshCollections('tx_conflict');
    await ctx.collection('tx_conflict').insertOne({ _id: 'shared', v: 0 });
    const first = ctx.client.startSession();
    const second = observer.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await ctx.collection('tx_conflict').updateOne({ _id: 'shared' }, { $inc: { v: 1 } }, { session: first });
      const error = await expectServerError(
        seen('tx_conflict').updateOne({ _id: 'shared' }, { $inc: { v: 10 } }, { session: second }),
        112,
      );
      // A command-level error (not a writeErrors entry): that is where the label lives.
      expect({ codeName: error.codeName, transient: error.hasErrorLabel('TransientTransactionError') }).toEqual({
        codeName: 'WriteConflict',
        transient: true,
      });
      await second.abortTransaction();
      await first.commitTransaction();
    } finally {
      await first.endSession();
      await second.endSession();
    }
    expect(await seen('tx_conflict').findOne({ _id: 'shared' })).toEqual({ _id: 'shared', v: 1 });
  });

  it('withTransaction retries a transaction that lost a write conflict, and the retry succeeds', async () => {
    await freshCollections('tx_retry');
    await ctx.collection('tx_retry').insertOne({ _id: 'counter', v: 1 });
    const holder = ctx.client.startSession();
    const retrier = observer.startSession();
    const attempts: string[] = [];
    try {
      holder.startTransaction();
      await ctx.collection('tx_retry').updateOne({ _id: 'counter' }, { $inc: { v: 1 } }, { session: holder });

      await retrier.withTransaction(async () => {
        try {
          await seen('tx_retry').updateOne({ _id: 'counter' }, { $inc: { v: 10 } }, { session: retrier });
          attempts.push('succeeded');
        } catch (error: unknown) {
          attempts.push(error instanceof MongoServerError ? `failed ${error.code}` : 'failed');
          // Let the conflicting transaction finish so that the retry can go through.
          if (holder.inTransaction()) await holder.commitTransaction();
          throw error;
        }
      });
    } finally {
      await holder.endSession();
      await retrier.endSession();
    }
    expect(attempts).toEqual(['failed 112', 'succeeded']);
    expect(await seen('tx_retry').findOne({ _id: 'counter' })).toEqual({ _id: 'counter', v: 12 });
  });
});

describe('retryable writes', () => {
  it('the driver sends ordinary writes as retryable (lsid + txnNumber), which the server accepts', async () => {
    const client = await ctx.connect({ monitorCommands: true });
    const log = recordCommands(client);
    await client.db(ctx.dbName).collection<Doc>('retryable').insertOne({ _id: 'r1' });
    const insert = log.started.find((e) => e.commandName === 'insert');
    expect(insert?.command.lsid).toBeDefined();
    expect(insert?.command.txnNumber).toBeDefined();
    expect(await seen('retryable').countDocuments({ _id: 'r1' })).toBe(1);
  });

  it('a retried write (same session and txnNumber) is applied once and answered as the first time', async () => {
    // The transaction numbers are set by hand, past the driver's own count: a session of the shared
    // client would go back to its pool and its next write (a lower number) be refused, as a real
    // server refuses it. A client of its own is closed with its sessions.
    const own = await ctx.connect();
    const db = own.db(ctx.dbName);
    const session: ClientSession = own.startSession();
    try {
      const command = {
        insert: 'retried',
        documents: [{ _id: 'once', n: 1 }],
        txnNumber: Long.fromNumber(41),
      };
      const firstReply = await db.command(command, { session });
      const retryReply = await db.command(command, { session });
      expect(firstReply).toMatchObject({ ok: 1, n: 1 });
      expect(retryReply).toMatchObject({ ok: 1, n: 1 });
      expect(retryReply.writeErrors).toBeUndefined();

      const update = { update: 'retried', updates: [{ q: { _id: 'once' }, u: { $inc: { n: 1 } } }], txnNumber: Long.fromNumber(42) };
      await db.command(update, { session });
      await db.command(update, { session });
    } finally {
      await session.endSession();
      await own.close();
    }
    expect(await seen('retried').find().toArray()).toEqual([{ _id: 'once', n: 2 }]);
  });
});

describe('transactions through mongoose', () => {
  interface Fill {
    cylinder: string;
    kg: number;
  }
  let connection: mongoose.Connection;
  let Fills: mongoose.Model<Fill>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(ctx.uri, { dbName: ctx.dbName }).asPromise();
    Fills = connection.model<Fill>(
      'Fill',
      new mongoose.Schema<Fill>({ cylinder: { type: String, required: true }, kg: { type: Number, required: true } }),
      'mongoose_fills',
    );
    await Fills.createCollection();
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('connection.transaction commits the writes made with its session', async () => {
    await connection.transaction(async (session) => {
      await Fills.create([{ cylinder: 'A', kg: 15 }], { session });
      await Fills.create([{ cylinder: 'B', kg: 12 }], { session });
      expect(await seen('mongoose_fills').countDocuments({ cylinder: { $in: ['A', 'B'] } })).toBe(0);
    });
    expect(await seen('mongoose_fills').countDocuments({ cylinder: { $in: ['A', 'B'] } })).toBe(2);
  });

  it('connection.transaction rolls back when the callback throws', async () => {
    const failure = await failureOf(
      connection.transaction(async (session) => {
        await Fills.create([{ cylinder: 'C', kg: 5 }], { session });
        throw new Error('scale offline');
      }),
    );
    expect(failure).toEqual(new Error('scale offline'));
    expect(await Fills.countDocuments({ cylinder: 'C' })).toBe(0);
  });
});
