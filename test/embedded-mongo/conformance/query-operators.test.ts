import { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp, type Filter } from 'mongodb';
import { expectServerError, openConformance, type ConformanceContext, type Doc } from './conformance.support';

let ctx: ConformanceContext;

beforeAll(async () => {
  ctx = await openConformance('query_ops');
  await ctx.collection('values').insertMany([
    { _id: 1, v: 5 },
    { _id: 2, v: 10 },
    { _id: 3, v: 'five' },
    { _id: 4, v: null },
    { _id: 5 },
    { _id: 6, v: [1, 5, 20] },
    { _id: 7, v: 7.5 },
    { _id: 8, v: Long.fromNumber(10) },
    { _id: 9, v: Decimal128.fromString('10') },
    { _id: 10, v: new Date('2024-01-01T00:00:00Z') },
  ]);
});

afterAll(async () => {
  await ctx?.close();
});

/** The _ids of the documents in `collection` matching `filter`, ascending. */
async function idsMatching(filter: Filter<Doc>, collection = 'values'): Promise<unknown[]> {
  const docs = await ctx.collection(collection).find(filter, { projection: { _id: 1 } }).sort({ _id: 1 }).toArray();
  return docs.map((d) => d._id);
}

describe('comparison operators', () => {
  it('$eq matches equal numbers of any numeric type, and arrays containing the value', async () => {
    expect(await idsMatching({ v: { $eq: 10 } })).toEqual([2, 8, 9]);
    expect(await idsMatching({ v: 5 })).toEqual([1, 6]);
  });

  it('$eq null matches null and missing fields', async () => {
    expect(await idsMatching({ v: null })).toEqual([4, 5]);
  });

  it('$ne excludes equal values and arrays containing them, but keeps null and missing', async () => {
    expect(await idsMatching({ v: { $ne: 5 } })).toEqual([2, 3, 4, 5, 7, 8, 9, 10]);
  });

  it('$gt / $gte / $lt / $lte compare only within the same type bracket', async () => {
    expect(await idsMatching({ v: { $gt: 5 } })).toEqual([2, 6, 7, 8, 9]);
    expect(await idsMatching({ v: { $gte: 5 } })).toEqual([1, 2, 6, 7, 8, 9]);
    expect(await idsMatching({ v: { $lt: 5 } })).toEqual([6]);
    expect(await idsMatching({ v: { $lte: 5 } })).toEqual([1, 6]);
    expect(await idsMatching({ v: { $gt: new Date(0) } })).toEqual([10]);
    expect(await idsMatching({ v: { $gte: 'a' } })).toEqual([3]);
  });

  it('combines range operators on one field, each of which an array may meet with a different element', async () => {
    expect(await idsMatching({ v: { $gt: 5, $lt: 10 } })).toEqual([6, 7]);
  });

  it('$in matches any listed value (including regexes), null matching missing', async () => {
    expect(await idsMatching({ v: { $in: [5, 'five'] } })).toEqual([1, 3, 6]);
    expect(await idsMatching({ v: { $in: [null] } })).toEqual([4, 5]);
    expect(await idsMatching({ v: { $in: [/^fi/] } })).toEqual([3]);
    expect(await idsMatching({ v: { $in: [] } })).toEqual([]);
  });

  it('$nin matches documents whose field equals none of the values, missing fields included', async () => {
    expect(await idsMatching({ v: { $nin: [5, null] } })).toEqual([2, 3, 7, 8, 9, 10]);
    expect(await idsMatching({ v: { $nin: [10] } })).toEqual([1, 3, 4, 5, 6, 7, 10]);
  });

  it('compares strings by their bytes when no collation is given', async () => {
    const coll = ctx.collection('strings');
    await coll.insertMany([
      { _id: 1, s: 'B' },
      { _id: 2, s: 'a' },
      { _id: 3, s: 'b' },
      { _id: 4, s: 'ä' },
    ]);
    expect(await idsMatching({ s: { $lt: 'a' } }, 'strings')).toEqual([1]);
    expect(await idsMatching({ s: { $gt: 'b' } }, 'strings')).toEqual([4]);
  });

  it('refuses $in without an array', async () => {
    await expectServerError(ctx.collection('values').find({ v: { $in: 5 } } as Filter<Doc>).toArray(), 2);
  });
});

describe('sort order across types', () => {
  beforeAll(async () => {
    await ctx.collection('mixed').insertMany([
      { _id: 1, v: new MaxKey() },
      { _id: 2, v: /re/ },
      { _id: 3, v: new Timestamp({ t: 1, i: 1 }) },
      { _id: 4, v: new Date(0) },
      { _id: 5, v: true },
      { _id: 6, v: new ObjectId('000000000000000000000000') },
      { _id: 7, v: new Binary(Buffer.from([1])) },
      { _id: 8, v: { a: 1 } },
      { _id: 9, v: 'str' },
      { _id: 10, v: 3 },
      { _id: 11, v: Decimal128.fromString('1.5') },
      { _id: 12, v: Long.fromNumber(1) },
      { _id: 13, v: 2.5 },
      { _id: 14, v: null },
      { _id: 15 },
      { _id: 16, v: new MinKey() },
      { _id: 17, v: false },
    ]);
  });

  it('sorts ascending in BSON order: MinKey, null/missing, numbers, strings, objects, binary, ObjectId, booleans, dates, timestamps, regexes, MaxKey', async () => {
    const docs = await ctx.collection('mixed').find().sort({ v: 1, _id: 1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual([16, 14, 15, 12, 11, 13, 10, 9, 8, 7, 6, 17, 5, 4, 3, 2, 1]);
  });

  it('sorts descending in the reverse BSON order', async () => {
    const docs = await ctx.collection('mixed').find().sort({ v: -1, _id: 1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual([1, 2, 3, 4, 5, 17, 6, 7, 8, 9, 10, 13, 11, 12, 14, 15, 16]);
  });

  it('sorts arrays by their smallest element ascending and their largest descending; an empty array sorts first', async () => {
    const coll = ctx.collection('array_sort');
    await coll.insertMany([
      { _id: 1, v: [1, 10] },
      { _id: 2, v: [5] },
      { _id: 3, v: 7 },
      { _id: 4, v: [] },
    ]);
    expect((await coll.find().sort({ v: 1 }).toArray()).map((d) => d._id)).toEqual([4, 1, 2, 3]);
    expect((await coll.find().sort({ v: -1 }).toArray()).map((d) => d._id)).toEqual([1, 3, 2, 4]);
  });
});

describe('logical operators', () => {
  it('$and requires every clause, $or any clause', async () => {
    expect(await idsMatching({ $and: [{ v: { $gte: 5 } }, { v: { $lte: 5 } }] })).toEqual([1, 6]);
    expect(await idsMatching({ $or: [{ v: 'five' }, { v: 7.5 }, { _id: 1 }] })).toEqual([1, 3, 7]);
  });

  it('$nor matches documents failing every clause, missing fields included', async () => {
    expect(await idsMatching({ $nor: [{ v: { $type: 'number' } }, { v: 'five' }] })).toEqual([4, 5, 10]);
  });

  it('$not inverts an operator expression and matches documents without the field', async () => {
    expect(await idsMatching({ v: { $not: { $gte: 5 } } })).toEqual([3, 4, 5, 10]);
    expect(await idsMatching({ v: { $not: /^fi/ } })).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses an empty $or', async () => {
    await expectServerError(ctx.collection('values').find({ $or: [] }).toArray(), 2);
  });
});

describe('element operators', () => {
  it('$exists true includes null values; $exists false only missing fields', async () => {
    expect(await idsMatching({ v: { $exists: true } })).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(await idsMatching({ v: { $exists: false } })).toEqual([5]);
  });

  it('$type matches by alias, by number, by list, and "number" across numeric types', async () => {
    expect(await idsMatching({ v: { $type: 'string' } })).toEqual([3]);
    expect(await idsMatching({ v: { $type: 10 } })).toEqual([4]);
    expect(await idsMatching({ v: { $type: ['string', 'null'] } })).toEqual([3, 4]);
    expect(await idsMatching({ v: { $type: 'number' } })).toEqual([1, 2, 6, 7, 8, 9]);
    expect(await idsMatching({ v: { $type: 'long' } })).toEqual([8]);
    expect(await idsMatching({ v: { $type: 'decimal' } })).toEqual([9]);
    expect(await idsMatching({ v: { $type: 'date' } })).toEqual([10]);
  });

  it('$type "array" matches array fields only', async () => {
    expect(await idsMatching({ v: { $type: 'array' } })).toEqual([6]);
  });

  it('refuses an unknown $type alias', async () => {
    await expectServerError(ctx.collection('values').find({ v: { $type: 'frob' } } as Filter<Doc>).toArray(), 2);
  });
});

describe('evaluation operators', () => {
  beforeAll(async () => {
    await ctx.collection('eval').insertMany([
      { _id: 1, name: 'Abacus', n: 8, budget: 100, spent: 120, names: ['x', 'alpha'] },
      { _id: 2, name: 'abbey', n: 9, budget: 100, spent: 80, names: ['beta'] },
      { _id: 3, name: 'cab', n: 12, budget: 50, spent: 50, names: [] },
      { _id: 4, name: 42, n: 'eight', budget: 10, spent: 11 },
    ]);
  });

  it('$regex matches strings (and string array elements), honouring $options', async () => {
    expect(await idsMatching({ name: { $regex: '^ab' } }, 'eval')).toEqual([2]);
    expect(await idsMatching({ name: { $regex: '^ab', $options: 'i' } }, 'eval')).toEqual([1, 2]);
    expect(await idsMatching({ name: /b$/ }, 'eval')).toEqual([3]);
    expect(await idsMatching({ names: /^al/ }, 'eval')).toEqual([1]);
  });

  it('$expr compares fields of the same document', async () => {
    expect(await idsMatching({ $expr: { $gt: ['$spent', '$budget'] } }, 'eval')).toEqual([1, 4]);
    expect(await idsMatching({ $expr: { $eq: ['$spent', '$budget'] } }, 'eval')).toEqual([3]);
  });

  it('$mod matches numbers with the given remainder and ignores non-numbers', async () => {
    expect(await idsMatching({ n: { $mod: [4, 0] } }, 'eval')).toEqual([1, 3]);
    expect(await idsMatching({ n: { $mod: [4, 1] } }, 'eval')).toEqual([2]);
  });

  it('refuses a malformed $mod', async () => {
    await expectServerError(ctx.collection('eval').find({ n: { $mod: [4] } } as Filter<Doc>).toArray(), 2);
  });
});

describe('array operators', () => {
  beforeAll(async () => {
    await ctx.collection('arrays').insertMany([
      { _id: 1, tags: ['a', 'b', 'c'], scores: [70, 90], items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }] },
      { _id: 2, tags: ['b', 'a'], scores: [82], items: [{ sku: 'a', qty: 5 }] },
      { _id: 3, tags: [], scores: [100, 60], items: [] },
      { _id: 4, tags: 'a', scores: 85, items: { sku: 'a', qty: 5 } },
    ]);
  });

  it('$all requires every value in any order', async () => {
    expect(await idsMatching({ tags: { $all: ['a', 'b'] } }, 'arrays')).toEqual([1, 2]);
    expect(await idsMatching({ tags: { $all: ['a'] } }, 'arrays')).toEqual([1, 2, 4]);
    expect(await idsMatching({ tags: { $all: [] } }, 'arrays')).toEqual([]);
  });

  it('$elemMatch needs one element to satisfy every condition; plain conditions may be met by different elements', async () => {
    expect(await idsMatching({ scores: { $elemMatch: { $gte: 80, $lt: 85 } } }, 'arrays')).toEqual([2]);
    expect(await idsMatching({ scores: { $gte: 80, $lt: 85 } }, 'arrays')).toEqual([1, 2, 3]);
  });

  it('$elemMatch over subdocuments matches within one element', async () => {
    expect(await idsMatching({ items: { $elemMatch: { sku: 'a', qty: 5 } } }, 'arrays')).toEqual([2]);
    expect(await idsMatching({ 'items.sku': 'a', 'items.qty': 5 }, 'arrays')).toEqual([1, 2, 4]);
  });

  it('$size matches arrays of exactly that length only', async () => {
    expect(await idsMatching({ tags: { $size: 2 } }, 'arrays')).toEqual([2]);
    expect(await idsMatching({ tags: { $size: 0 } }, 'arrays')).toEqual([3]);
    expect(await idsMatching({ scores: { $size: 1 } }, 'arrays')).toEqual([2]);
  });

  it('matches a whole array only with the same elements in the same order', async () => {
    expect(await idsMatching({ tags: ['b', 'a'] }, 'arrays')).toEqual([2]);
    expect(await idsMatching({ tags: ['a', 'b'] }, 'arrays')).toEqual([]);
  });

  it('matches an embedded document only with the same fields in the same order', async () => {
    expect(await idsMatching({ items: { sku: 'a', qty: 5 } }, 'arrays')).toEqual([2, 4]);
    expect(await idsMatching({ items: { qty: 5, sku: 'a' } }, 'arrays')).toEqual([]);
  });
});

describe('dotted paths', () => {
  beforeAll(async () => {
    await ctx.collection('paths').insertMany([
      { _id: 1, order: { lines: [{ sku: 'x', parts: [{ code: 'p1' }, { code: 'p2' }] }, { sku: 'y', parts: [] }] } },
      { _id: 2, order: { lines: [{ sku: 'y', parts: [{ code: 'p3' }] }] } },
      { _id: 3, order: { lines: { sku: 'x' } } },
      { _id: 4, order: 'none' },
    ]);
  });

  it('reach through arrays of subdocuments at any depth', async () => {
    expect(await idsMatching({ 'order.lines.sku': 'x' }, 'paths')).toEqual([1, 3]);
    expect(await idsMatching({ 'order.lines.parts.code': 'p2' }, 'paths')).toEqual([1]);
  });

  it('select an array element by position with a numeric path component', async () => {
    expect(await idsMatching({ 'order.lines.0.sku': 'y' }, 'paths')).toEqual([2]);
    expect(await idsMatching({ 'order.lines.1.sku': 'y' }, 'paths')).toEqual([1]);
    expect(await idsMatching({ 'order.lines.0.parts.1.code': 'p2' }, 'paths')).toEqual([1]);
  });

  it('treat a path through a scalar as missing', async () => {
    expect(await idsMatching({ 'order.lines': { $exists: false } }, 'paths')).toEqual([4]);
    expect(await idsMatching({ 'order.lines.sku': null }, 'paths')).toEqual([4]);
  });
});

describe('unknown operators', () => {
  it('refuses an unknown field-level operator, naming it', async () => {
    const error = await expectServerError(
      ctx.collection('values').find({ v: { $frob: 1 } } as Filter<Doc>).toArray(),
      2,
    );
    expect(error.message).toContain('$frob');
  });

  it('refuses an unknown top-level operator, naming it', async () => {
    const error = await expectServerError(ctx.collection('values').find({ $frob: [{ v: 1 }] } as Filter<Doc>).toArray(), 2);
    expect(error.message).toContain('$frob');
  });
});
