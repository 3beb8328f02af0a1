import { Binary, BSONRegExp, Decimal128, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'bson';
import { compileFilter } from '../../../src/embedded-mongo/query';

type Doc = Record<string, unknown>;
const select = (docs: Doc[], filter: Doc): unknown[] => docs.filter(compileFilter(filter)).map((d) => d._id);

const owner1 = new ObjectId('64b000000000000000000001');
const owner2 = new ObjectId('64b000000000000000000002');
const sameAsOwner1 = new ObjectId(owner1.toHexString());

describe('filters on ObjectId fields', () => {
  const docs = [
    { _id: 1, owner: owner1 },
    { _id: 2, owner: owner2 },
    { _id: 3, owners: [owner2, owner1] },
  ];

  it('matches equal ObjectIds that are different instances', () => {
    expect(select(docs, { owner: sameAsOwner1 })).toEqual([1]);
    expect(select(docs, { owners: sameAsOwner1 })).toEqual([3]);
  });

  it('matches $in and $nin by ObjectId value', () => {
    expect(select(docs, { owner: { $in: [new ObjectId(owner2.toHexString())] } })).toEqual([2]);
    expect(select(docs, { owner: { $nin: [sameAsOwner1] } })).toEqual([2, 3]);
  });

  it('orders ObjectIds for range queries', () => {
    expect(select(docs, { owner: { $gt: owner1 } })).toEqual([2]);
  });

  it('recognises ObjectIds with $type', () => {
    expect(select(docs, { owner: { $type: 'objectId' } })).toEqual([1, 2]);
    expect(select(docs, { owner: { $type: 7 } })).toEqual([1, 2]);
  });
});

describe('filters on Dates', () => {
  const docs = [
    { _id: 1, at: new Date('2024-01-01T00:00:00Z') },
    { _id: 2, at: new Date('2024-06-01T00:00:00Z') },
    { _id: 3, at: '2024-12-01' },
  ];

  it('compares Dates by time and ignores strings', () => {
    expect(select(docs, { at: { $gt: new Date('2024-03-01T00:00:00Z') } })).toEqual([2]);
    expect(select(docs, { at: { $lte: new Date('2024-01-01T00:00:00Z') } })).toEqual([1]);
    expect(select(docs, { at: new Date('2024-06-01T00:00:00Z') })).toEqual([2]);
  });
});

describe('filters on Long and Decimal128', () => {
  const docs = [
    { _id: 1, n: Long.fromString('9007199254740993') },
    { _id: 2, n: 10 },
    { _id: 3, n: Decimal128.fromString('10.00') },
    { _id: 4, n: Long.fromNumber(9) },
  ];

  it('matches across numeric types by value', () => {
    expect(select(docs, { n: 10 })).toEqual([2, 3]);
    expect(select(docs, { n: Long.fromNumber(10) })).toEqual([2, 3]);
    expect(select(docs, { n: { $in: [Decimal128.fromString('9')] } })).toEqual([4]);
  });

  it('orders Longs beyond 2^53 exactly', () => {
    expect(select(docs, { n: { $gt: 9007199254740992 } })).toEqual([1]);
    expect(select(docs, { n: { $gt: Long.fromString('9') } })).toEqual([1, 2, 3]);
  });

  it('tells the numeric types apart with $type but groups them under "number"', () => {
    expect(select(docs, { n: { $type: 'long' } })).toEqual([1, 4]);
    expect(select(docs, { n: { $type: 'decimal' } })).toEqual([3]);
    expect(select(docs, { n: { $type: 'number' } })).toEqual([1, 2, 3, 4]);
  });
});

describe('filters on UUIDs, Binary, Timestamps and bounds', () => {
  const u1 = new UUID('00000000-0000-4000-8000-000000000001');
  const docs = [
    { _id: 1, key: u1, ts: new Timestamp({ t: 10, i: 1 }) },
    { _id: 2, key: new UUID('00000000-0000-4000-8000-000000000002'), ts: new Timestamp({ t: 20, i: 1 }) },
    { _id: 3, key: new Binary(Buffer.from('hi')), ts: null },
  ];

  it('matches UUIDs by bytes and as binData subtype 4', () => {
    expect(select(docs, { key: new UUID(u1.toHexString()) })).toEqual([1]);
    expect(select(docs, { key: { $in: [new UUID(u1.toHexString())] } })).toEqual([1]);
    expect(select(docs, { key: { $type: 'binData' } })).toEqual([1, 2, 3]);
  });

  it('compares Timestamps', () => {
    expect(select(docs, { ts: { $gt: new Timestamp({ t: 15, i: 0 }) } })).toEqual([2]);
  });

  it('matches everything above MinKey and below MaxKey', () => {
    expect(select(docs, { ts: { $gt: new MinKey() } })).toEqual([1, 2, 3]);
    expect(select(docs, { key: { $lt: new MaxKey() } })).toEqual([1, 2, 3]);
  });
});

describe('regular expressions as BSON values', () => {
  it('uses a BSONRegExp filter as a pattern', () => {
    const docs = [{ _id: 1, s: 'Cylinder' }, { _id: 2, s: 'valve' }];
    expect(select(docs, { s: new BSONRegExp('^cyl', 'i') })).toEqual([1]);
    expect(select(docs, { s: { $regex: new BSONRegExp('VALVE', 'i') } })).toEqual([2]);
  });

  it('matches a stored regex equal to the filter regex', () => {
    const docs = [{ _id: 1, r: new BSONRegExp('ab', 'i') }];
    expect(select(docs, { r: /ab/i })).toEqual([1]);
  });
});

describe('$expr with BSON values', () => {
  it('compares Longs, ObjectIds and Dates correctly', () => {
    const docs = [
      { _id: 1, a: Long.fromString('9007199254740993'), b: 9007199254740992, x: owner1, y: sameAsOwner1 },
      { _id: 2, a: Long.fromString('10'), b: 9, x: owner1, y: owner2 },
    ];
    expect(select(docs, { $expr: { $gt: ['$a', '$b'] } })).toEqual([1, 2]);
    expect(select(docs, { $expr: { $eq: ['$x', '$y'] } })).toEqual([1]);
    expect(select(docs, { $expr: { $lt: [new Date(0), '$$NOW'] } })).toEqual([1, 2]);
  });

  it('treats a missing field as lower than null, as mongod does', () => {
    expect(select([{ _id: 1 }], { $expr: { $eq: ['$nope', null] } })).toEqual([]);
    expect(select([{ _id: 1 }], { $expr: { $lte: ['$nope', null] } })).toEqual([1]);
  });
});
