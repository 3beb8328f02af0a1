import { createHash } from 'node:crypto';
import { BSON } from 'mongodb';
import {
  expectFailure,
  expectServerError,
  openConformance,
  type ConformanceContext,
  type Doc,
} from './conformance.support';

const MAX_BSON = 16 * 1024 * 1024;

let ctx: ConformanceContext;

beforeAll(async () => {
  ctx = await openConformance('limits');
});

afterAll(async () => {
  await ctx?.close();
});

/** `{ _id, payload: 'xxx…' }` whose BSON encoding is exactly `bytes` long. */
function documentOfSize(_id: string, bytes: number): Doc {
  const overhead = BSON.calculateObjectSize({ _id, payload: '' });
  const doc = { _id, payload: 'x'.repeat(bytes - overhead) };
  expect(BSON.calculateObjectSize(doc)).toBe(bytes);
  return doc;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What a user would call a clear size error, whichever side (driver or server) raises it. */
const SIZE_ERROR = /too large|larger than|exceeds|BSONObj size|max(imum)? (bson )?size|is invalid/i;

describe('the 16 MiB document limit', () => {
  it(
    'a document just under 16 MiB is stored and read back byte for byte',
    async () => {
      const coll = ctx.collection('big');
      const doc = documentOfSize('just-under', MAX_BSON - 64);
      await coll.insertOne(doc);
      const stored = await coll.findOne({ _id: 'just-under' });
      expect(stored?.payload).toHaveLength((doc.payload as string).length);
      expect(sha256(String(stored?.payload))).toBe(sha256(doc.payload as string));
    },
    60_000,
  );

  it(
    'a document of exactly 16 MiB is accepted',
    async () => {
      const coll = ctx.collection('big');
      await coll.insertOne(documentOfSize('exact', MAX_BSON));
      expect(await coll.countDocuments({ _id: 'exact' })).toBe(1);
    },
    60_000,
  );

  it(
    'a document one byte over 16 MiB is refused with a size error and nothing is stored',
    async () => {
      const coll = ctx.collection('big');
      const error = await expectFailure(coll.insertOne(documentOfSize('one-over', MAX_BSON + 1)));
      expect(error.message).toMatch(SIZE_ERROR);
      expect(await coll.countDocuments({ _id: 'one-over' })).toBe(0);
    },
    60_000,
  );

  it(
    'a 17 MiB document is refused and nothing is stored',
    async () => {
      const coll = ctx.collection('big');
      // The driver (7.8) cannot even encode this command: bson throws a RangeError from its 17 MiB
      // buffer before anything is sent, whatever the server. Only the outcome is asserted.
      await expectFailure(coll.insertOne(documentOfSize('way-over', 17 * 1024 * 1024)));
      expect(await coll.countDocuments({ _id: 'way-over' })).toBe(0);
    },
    60_000,
  );

  it(
    'an oversized document in insertMany is refused and nothing of that batch is stored',
    async () => {
      const coll = ctx.collection('big_many');
      const error = await expectFailure(
        coll.insertMany([{ _id: 'small-before' }, documentOfSize('huge', MAX_BSON + 1024), { _id: 'small-after' }]),
      );
      expect(error.message).toMatch(SIZE_ERROR);
      expect(await coll.countDocuments({ _id: 'huge' })).toBe(0);
      expect(await coll.countDocuments({ _id: 'small-after' })).toBe(0);
    },
    60_000,
  );

  it(
    'an update that would grow a document past 16 MiB is refused (17419) and leaves it unchanged',
    async () => {
      const coll = ctx.collection('grow');
      await coll.insertOne({ _id: 'grows', a: 'a'.repeat(9 * 1024 * 1024) });
      const error = await expectServerError(
        coll.updateOne({ _id: 'grows' }, { $set: { b: 'b'.repeat(9 * 1024 * 1024) } }),
        17419,
      );
      expect(error.message).toMatch(/larger than 16777216/);
      const stored = await coll.findOne({ _id: 'grows' }, { projection: { a: 0 } });
      expect(stored).toEqual({ _id: 'grows' });
    },
    60_000,
  );
});

describe('message and batch limits', () => {
  it(
    'an insertMany larger than one 48 MB message is split by the driver and every document arrives',
    async () => {
      const coll = ctx.collection('large_batch');
      const docs = Array.from({ length: 4 }, (_, i) => documentOfSize(`part-${i}`, 15 * 1024 * 1024));
      const result = await coll.insertMany(docs);
      expect(result.insertedCount).toBe(4);
      const sizes = await coll
        .aggregate<Doc>([{ $project: { len: { $strLenBytes: '$payload' } } }, { $sort: { _id: 1 } }])
        .toArray();
      expect(sizes).toEqual(docs.map((d) => ({ _id: d._id, len: (d.payload as string).length })));
    },
    120_000,
  );

  it(
    'an insertMany of more than maxWriteBatchSize (100,000) documents is split and every document arrives',
    async () => {
      const coll = ctx.collection('many_small');
      const docs = Array.from({ length: 100_001 }, (_, i) => ({ _id: i }));
      const result = await coll.insertMany(docs);
      expect(result.insertedCount).toBe(100_001);
      expect(await coll.countDocuments()).toBe(100_001);
      expect(await coll.findOne({ _id: 100_000 })).toEqual({ _id: 100_000 });
    },
    120_000,
  );
});
