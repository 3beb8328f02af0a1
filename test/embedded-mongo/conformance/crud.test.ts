import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  MongoBulkWriteError,
  ObjectId,
  Timestamp,
  UUID,
} from 'mongodb';
import mongoose from 'mongoose';
import { failureOf, openConformance, type ConformanceContext } from './conformance.support';

let ctx: ConformanceContext;

beforeAll(async () => {
  ctx = await openConformance('crud');
});

afterAll(async () => {
  await ctx?.close();
});

async function bulkFailureOf(action: Promise<unknown>): Promise<MongoBulkWriteError> {
  const error = await failureOf(action);
  if (!(error instanceof MongoBulkWriteError)) {
    throw new Error(`expected a MongoBulkWriteError, got ${error instanceof Error ? error.message : String(error)}`);
  }
  return error;
}

describe('inserting', () => {
  it('insertOne acknowledges the _id the driver generated and stores the document', async () => {
    const coll = ctx.collection('insert_one');
    const result = await coll.insertOne({ name: 'valve' });
    expect(result.acknowledged).toBe(true);
    expect(result.insertedId).toBeInstanceOf(ObjectId);
    expect(await coll.findOne({ _id: result.insertedId })).toEqual({ _id: result.insertedId, name: 'valve' });
  });

  it('moves _id to the front of a stored document and keeps the other fields in insertion order', async () => {
    const coll = ctx.collection('field_order');
    await coll.insertOne({ zeta: 1, alpha: 2, _id: 'ordered', mid: { y: 1, b: 2 } });
    const stored = await coll.findOne({ _id: 'ordered' });
    expect(Object.keys(stored ?? {})).toEqual(['_id', 'zeta', 'alpha', 'mid']);
    expect(Object.keys((stored?.mid as object | undefined) ?? {})).toEqual(['y', 'b']);
  });

  it('insertMany stores every document and reports every inserted id by position', async () => {
    const coll = ctx.collection('insert_many');
    const result = await coll.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(result.insertedCount).toBe(3);
    expect(Object.keys(result.insertedIds)).toEqual(['0', '1', '2']);
    expect(await coll.countDocuments()).toBe(3);
  });

  it('an ordered insertMany stops at the first duplicate: earlier documents stay, later ones never arrive', async () => {
    const coll = ctx.collection('insert_ordered_dup');
    const error = await bulkFailureOf(
      coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }, { _id: 4 }], { ordered: true }),
    );
    expect(error.code).toBe(11000);
    expect(error.insertedCount).toBe(2);
    const writeErrors = error.result.getWriteErrors();
    expect(writeErrors.map((e) => ({ index: e.index, code: e.code }))).toEqual([{ index: 2, code: 11000 }]);
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it('an unordered insertMany inserts every non-duplicate and reports each duplicate by its index', async () => {
    const coll = ctx.collection('insert_unordered_dup');
    const error = await bulkFailureOf(
      coll.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'a' }, { _id: 'c' }, { _id: 'b' }, { _id: 'd' }], {
        ordered: false,
      }),
    );
    expect(error.insertedCount).toBe(4);
    const writeErrors = error.result.getWriteErrors();
    expect(writeErrors.map((e) => ({ index: e.index, code: e.code }))).toEqual([
      { index: 2, code: 11000 },
      { index: 4, code: 11000 },
    ]);
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('reading', () => {
  const parts = [
    { _id: 1, kind: 'valve', size: 3, color: 'red' },
    { _id: 2, kind: 'valve', size: 1, color: 'blue' },
    { _id: 3, kind: 'hose', size: 7, color: 'red' },
    { _id: 4, kind: 'valve', size: 5, color: 'green' },
    { _id: 5, kind: 'regulator', size: 2, color: 'red' },
    { _id: 6, kind: 'valve', size: 4, color: 'red' },
  ];

  beforeAll(async () => {
    await ctx.collection('parts').insertMany(parts);
  });

  it('find applies filter, sort, skip, limit and an inclusion projection together', async () => {
    const found = await ctx
      .collection('parts')
      .find({ kind: 'valve' }, { projection: { size: 1, _id: 0 } })
      .sort({ size: -1 })
      .skip(1)
      .limit(2)
      .toArray();
    expect(found).toEqual([{ size: 4 }, { size: 3 }]);
  });

  it('an exclusion projection returns every other field', async () => {
    const found = await ctx.collection('parts').find({ _id: 3 }, { projection: { color: 0, size: 0 } }).toArray();
    expect(found).toEqual([{ _id: 3, kind: 'hose' }]);
  });

  it('sorts on several keys, the later ones breaking ties', async () => {
    const found = await ctx
      .collection('parts')
      .find({}, { projection: { _id: 1 } })
      .sort({ color: 1, size: -1 })
      .toArray();
    expect(found.map((d) => d._id)).toEqual([2, 4, 3, 6, 1, 5]);
  });

  it('findOne returns the first match in sort order, or null when nothing matches', async () => {
    const coll = ctx.collection('parts');
    expect(await coll.findOne({ color: 'red' }, { sort: { size: 1 } })).toEqual(parts[4]);
    expect(await coll.findOne({ color: 'purple' })).toBeNull();
  });

  it('countDocuments counts matches and honours skip and limit', async () => {
    const coll = ctx.collection('parts');
    expect(await coll.countDocuments({ kind: 'valve' })).toBe(4);
    expect(await coll.countDocuments({ kind: 'valve' }, { skip: 1, limit: 2 })).toBe(2);
    expect(await coll.countDocuments({ kind: 'nothing' })).toBe(0);
  });

  it('estimatedDocumentCount reports the collection size, and 0 for a collection that does not exist', async () => {
    expect(await ctx.collection('parts').estimatedDocumentCount()).toBe(parts.length);
    expect(await ctx.collection('never_created').estimatedDocumentCount()).toBe(0);
  });

  it('distinct returns each value once, unwinding arrays, restricted by a filter', async () => {
    const coll = ctx.collection('distinct_tags');
    await coll.insertMany([
      { tags: ['a', 'b'], on: true },
      { tags: ['b', 'c'], on: true },
      { tags: 'd', on: true },
      { tags: ['z'], on: false },
      { on: true },
    ]);
    const tags = await coll.distinct('tags', { on: true });
    expect([...tags].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...(await ctx.collection('parts').distinct('color'))].sort()).toEqual(['blue', 'green', 'red']);
  });
});

describe('updating', () => {
  it('updateOne changes only the first match and reports matched and modified counts', async () => {
    const coll = ctx.collection('update_one');
    await coll.insertMany([{ _id: 1, s: 'x' }, { _id: 2, s: 'x' }]);
    const result = await coll.updateOne({ s: 'x' }, { $set: { s: 'y' } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect(await coll.countDocuments({ s: 'y' })).toBe(1);
  });

  it('an update that sets a field to its current value matches but modifies nothing', async () => {
    const coll = ctx.collection('update_noop');
    await coll.insertOne({ _id: 1, s: 'same' });
    const result = await coll.updateOne({ _id: 1 }, { $set: { s: 'same' } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('updateMany changes every match', async () => {
    const coll = ctx.collection('update_many');
    await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }]);
    const result = await coll.updateMany({ g: 1 }, { $set: { seen: true } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await coll.countDocuments({ seen: true })).toBe(2);
  });

  it('an upserting updateOne inserts the filter equalities plus the update when nothing matches', async () => {
    const coll = ctx.collection('update_upsert');
    const result = await coll.updateOne(
      { code: 'LPG-1', region: 'north', size: { $gt: 3 } },
      { $set: { status: 'new' } },
      { upsert: true },
    );
    expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(result.upsertedId).toBeInstanceOf(ObjectId);
    expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([
      { code: 'LPG-1', region: 'north', status: 'new' },
    ]);
  });

  it('an upsert whose filter names the _id inserts a document with that _id', async () => {
    const coll = ctx.collection('update_upsert_id');
    const result = await coll.updateOne({ _id: 'fixed' }, { $inc: { n: 1 } }, { upsert: true });
    expect(result.upsertedId).toBe('fixed');
    await coll.updateOne({ _id: 'fixed' }, { $inc: { n: 1 } }, { upsert: true });
    expect(await coll.find().toArray()).toEqual([{ _id: 'fixed', n: 2 }]);
  });

  it('replaceOne swaps the whole document but keeps its _id', async () => {
    const coll = ctx.collection('replace_one');
    await coll.insertOne({ _id: 1, a: 1, b: 2 });
    const result = await coll.replaceOne({ _id: 1 }, { c: 3 });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, c: 3 });
  });

  it('an upserting replaceOne inserts the replacement (with the filter _id, but not the other filter fields)', async () => {
    const coll = ctx.collection('replace_upsert');
    const result = await coll.replaceOne({ _id: 7, ignored: 'yes' }, { kept: true }, { upsert: true });
    expect(result).toMatchObject({ upsertedCount: 1, upsertedId: 7 });
    expect(await coll.findOne({ _id: 7 })).toEqual({ _id: 7, kept: true });
  });
});

describe('deleting', () => {
  it('deleteOne removes one match and deleteMany removes the rest', async () => {
    const coll = ctx.collection('deleting');
    await coll.insertMany([{ t: 'x' }, { t: 'x' }, { t: 'x' }, { t: 'y' }]);
    expect((await coll.deleteOne({ t: 'x' })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ t: 'x' })).deletedCount).toBe(2);
    expect((await coll.deleteMany({ t: 'nothing' })).deletedCount).toBe(0);
    expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ t: 'y' }]);
  });
});

describe('find-and-modify', () => {
  beforeEach(async () => {
    const coll = ctx.collection('fam');
    await coll.deleteMany({});
    await coll.insertMany([
      { _id: 1, q: 'a', n: 10 },
      { _id: 2, q: 'a', n: 20 },
      { _id: 3, q: 'b', n: 30 },
    ]);
  });

  it('findOneAndUpdate returns the document as it was before the update by default', async () => {
    const before = await ctx.collection('fam').findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } });
    expect(before).toEqual({ _id: 1, q: 'a', n: 10 });
    expect(await ctx.collection('fam').findOne({ _id: 1 })).toEqual({ _id: 1, q: 'a', n: 11 });
  });

  it('findOneAndUpdate with returnDocument "after" returns the updated document, honouring sort and projection', async () => {
    const after = await ctx
      .collection('fam')
      .findOneAndUpdate(
        { q: 'a' },
        { $set: { touched: true } },
        { sort: { n: -1 }, returnDocument: 'after', projection: { n: 1, touched: 1 } },
      );
    expect(after).toEqual({ _id: 2, n: 20, touched: true });
  });

  it('findOneAndUpdate with upsert inserts when nothing matches and returns null or the new document', async () => {
    const coll = ctx.collection('fam');
    expect(await coll.findOneAndUpdate({ _id: 10 }, { $set: { q: 'c' } }, { upsert: true })).toBeNull();
    expect(
      await coll.findOneAndUpdate({ _id: 11 }, { $set: { q: 'd' } }, { upsert: true, returnDocument: 'after' }),
    ).toEqual({ _id: 11, q: 'd' });
    expect(await coll.countDocuments({ _id: { $in: [10, 11] } })).toBe(2);
  });

  it('findOneAndUpdate returns null and changes nothing when nothing matches', async () => {
    const coll = ctx.collection('fam');
    expect(await coll.findOneAndUpdate({ q: 'none' }, { $set: { n: 0 } })).toBeNull();
    expect(await coll.countDocuments({ n: 0 })).toBe(0);
  });

  it('findOneAndDelete removes and returns the first match in sort order', async () => {
    const coll = ctx.collection('fam');
    expect(await coll.findOneAndDelete({ q: 'a' }, { sort: { n: -1 } })).toEqual({ _id: 2, q: 'a', n: 20 });
    expect((await coll.find().toArray()).map((d) => d._id)).toEqual([1, 3]);
  });

  it('findOneAndReplace replaces the match and can return either version', async () => {
    const coll = ctx.collection('fam');
    expect(await coll.findOneAndReplace({ _id: 3 }, { q: 'z' })).toEqual({ _id: 3, q: 'b', n: 30 });
    expect(await coll.findOneAndReplace({ _id: 3 }, { q: 'y' }, { returnDocument: 'after' })).toEqual({
      _id: 3,
      q: 'y',
    });
  });

  it('findOneAndUpdate with includeResultMetadata reports lastErrorObject for an upsert', async () => {
    const result = await ctx
      .collection('fam')
      .findOneAndUpdate({ _id: 99 }, { $set: { q: 'meta' } }, { upsert: true, includeResultMetadata: true });
    expect(result.ok).toBe(1);
    expect(result.value).toBeNull();
    expect(result.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 99 });
  });
});

describe('bulkWrite', () => {
  it('applies mixed operations in order and reports each kind of count', async () => {
    const coll = ctx.collection('bulk_mixed');
    await coll.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }, { _id: 3, v: 3 }]);
    const result = await coll.bulkWrite([
      { insertOne: { document: { _id: 4, v: 4 } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { v: 10 } } } },
      { updateMany: { filter: { v: { $gte: 3, $lt: 10 } }, update: { $inc: { v: 100 } } } },
      { deleteOne: { filter: { _id: 2 } } },
      { replaceOne: { filter: { _id: 5 }, replacement: { v: 5 }, upsert: true } },
      { deleteMany: { filter: { v: { $gt: 1000 } } } },
    ]);
    expect(result).toMatchObject({
      insertedCount: 1,
      matchedCount: 3,
      modifiedCount: 3,
      deletedCount: 1,
      upsertedCount: 1,
    });
    expect(result.upsertedIds).toEqual({ 4: 5 });
    expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, v: 10 },
      { _id: 3, v: 103 },
      { _id: 4, v: 104 },
      { _id: 5, v: 5 },
    ]);
  });
});

describe('BSON types', () => {
  const oid = new ObjectId();
  const uuid = new UUID();
  const when = new Date('2024-02-29T12:34:56.789Z');
  const original = {
    _id: oid,
    date: when,
    long: Long.fromString('9007199254740993'),
    int: new Int32(42),
    double: new Double(42),
    decimal: Decimal128.fromString('12345678901234567890.123456789012'),
    binary: new Binary(Buffer.from([0, 1, 2, 253, 254, 255])),
    uuid,
    nested: [[1, [2, [3, { deep: [null, 'x'] }]]], []],
    nothing: null,
    regex: /^lpg-\d+$/i,
    timestamp: new Timestamp({ t: 1700000000, i: 7 }),
    min: new MinKey(),
    max: new MaxKey(),
    bool: false,
    emptyDoc: {},
    text: 'Þrýstihylki 液化气瓶 🚒',
  };

  beforeAll(async () => {
    await ctx.collection('bson_types').insertOne(original);
  });

  it('round-trips ObjectId, Date, Decimal128, Binary, nested arrays, null and strings exactly', async () => {
    const stored = await ctx.collection('bson_types').findOne({ _id: oid });
    expect(stored?._id).toEqual(oid);
    expect(stored?.date).toEqual(when);
    expect(String(stored?.decimal)).toBe('12345678901234567890.123456789012');
    expect(stored?.binary).toBeInstanceOf(Binary);
    expect(Buffer.from((stored?.binary as Binary).buffer)).toEqual(Buffer.from([0, 1, 2, 253, 254, 255]));
    expect(stored?.nested).toEqual(original.nested);
    expect(stored).toHaveProperty('nothing', null);
    expect(stored?.text).toBe(original.text);
    expect(stored?.bool).toBe(false);
    expect(stored?.emptyDoc).toEqual({});
  });

  it('round-trips a 64-bit integer beyond 2^53 without losing precision', async () => {
    const stored = await ctx.collection('bson_types').findOne({ _id: oid }, { promoteLongs: false });
    expect(stored?.long).toBeInstanceOf(Long);
    expect(String(stored?.long)).toBe('9007199254740993');
  });

  it('keeps the numeric type of each number: int, long, double and decimal are stored as sent', async () => {
    const coll = ctx.collection('bson_types');
    // The embedded server holds doubles as JavaScript numbers, so an integral double such as 42.0
    // comes back as an int32 (documented in src/embedded-mongo/README.md); MongoDB keeps it a double.
    const integralDoubleType = ctx.external ? 'double' : 'int';
    for (const [field, type] of [
      ['int', 'int'],
      ['long', 'long'],
      ['double', integralDoubleType],
      ['decimal', 'decimal'],
    ] as const) {
      expect([field, await coll.countDocuments({ _id: oid, [field]: { $type: type } })]).toEqual([field, 1]);
    }
    expect(await coll.countDocuments({ _id: oid, double: 42 })).toBe(1);
  });

  it('round-trips a UUID as binary subtype 4', async () => {
    const stored = await ctx.collection('bson_types').findOne({ _id: oid });
    const binary = stored?.uuid;
    expect(binary).toBeInstanceOf(Binary);
    expect((binary as Binary).sub_type).toBe(4);
    expect((binary as Binary).toUUID().toHexString()).toBe(uuid.toHexString());
  });

  it('round-trips a regular expression with its flags', async () => {
    const stored = await ctx.collection('bson_types').findOne({ _id: oid }, { bsonRegExp: true });
    expect(stored?.regex).toBeInstanceOf(BSONRegExp);
    expect((stored?.regex as BSONRegExp).pattern).toBe('^lpg-\\d+$');
    expect((stored?.regex as BSONRegExp).options).toBe('i');
  });

  it('round-trips Timestamp, MinKey and MaxKey', async () => {
    const stored = await ctx.collection('bson_types').findOne({ _id: oid });
    expect(stored?.timestamp).toBeInstanceOf(Timestamp);
    expect((stored?.timestamp as Timestamp).t).toBe(1700000000);
    expect((stored?.timestamp as Timestamp).i).toBe(7);
    expect(stored?.min).toBeInstanceOf(MinKey);
    expect(stored?.max).toBeInstanceOf(MaxKey);
  });

  it('finds documents by a value of each type', async () => {
    const coll = ctx.collection('bson_types');
    expect(await coll.countDocuments({ date: when })).toBe(1);
    expect(await coll.countDocuments({ uuid })).toBe(1);
    expect(await coll.countDocuments({ decimal: Decimal128.fromString('12345678901234567890.123456789012') })).toBe(1);
    expect(await coll.countDocuments({ long: Long.fromString('9007199254740993') })).toBe(1);
    expect(await coll.countDocuments({ long: Long.fromString('9007199254740992') })).toBe(0);
  });
});

describe('through mongoose', () => {
  interface Cylinder {
    serial: string;
    capacityKg: number;
    tags: string[];
    inspectedAt?: Date;
  }
  let connection: mongoose.Connection;
  let Cylinders: mongoose.Model<Cylinder>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(ctx.uri, { dbName: ctx.dbName }).asPromise();
    const schema = new mongoose.Schema<Cylinder>({
      serial: { type: String, required: true },
      capacityKg: { type: Number, required: true },
      tags: [String],
      inspectedAt: Date,
    });
    Cylinders = connection.model<Cylinder>('Cylinder', schema, 'mongoose_cylinders');
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('creates, reads, updates and deletes documents through a model', async () => {
    const created = await Cylinders.create({ serial: 'C-1', capacityKg: 15, tags: ['new'] });
    const found = await Cylinders.findById(created._id).lean();
    expect(found).toMatchObject({ serial: 'C-1', capacityKg: 15, tags: ['new'] });

    const inspectedAt = new Date('2025-01-02T03:04:05.000Z');
    const updated = await Cylinders.findOneAndUpdate(
      { serial: 'C-1' },
      { $set: { inspectedAt }, $push: { tags: 'inspected' } },
      { returnDocument: 'after' },
    ).lean();
    expect(updated).toMatchObject({ inspectedAt, tags: ['new', 'inspected'] });

    expect(await Cylinders.countDocuments({ tags: 'inspected' })).toBe(1);
    expect((await Cylinders.deleteOne({ _id: created._id })).deletedCount).toBe(1);
    expect(await Cylinders.findById(created._id)).toBeNull();
  });

  it('saves changes made to a loaded document', async () => {
    const doc = await Cylinders.create({ serial: 'C-2', capacityKg: 5, tags: [] });
    doc.capacityKg = 12.5;
    doc.tags.push('refilled');
    await doc.save();
    expect(await ctx.collection('mongoose_cylinders').findOne({ _id: doc._id })).toMatchObject({
      serial: 'C-2',
      capacityKg: 12.5,
      tags: ['refilled'],
    });
  });

  it('insertMany and a sorted, limited query', async () => {
    await Cylinders.insertMany([
      { serial: 'M-1', capacityKg: 50, tags: ['bulk'] },
      { serial: 'M-2', capacityKg: 45, tags: ['bulk'] },
      { serial: 'M-3', capacityKg: 48, tags: ['bulk'] },
    ]);
    const biggest = await Cylinders.find({ tags: 'bulk' }).sort({ capacityKg: -1 }).limit(2).lean();
    expect(biggest.map((c) => c.serial)).toEqual(['M-1', 'M-3']);
  });
});
