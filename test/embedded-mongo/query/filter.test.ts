import { compileFilter } from '../../../src/embedded-mongo/query';
import { expectQueryError } from './helpers';

type Doc = Record<string, unknown>;
const select = (docs: Doc[], filter: Doc): unknown[] => docs.filter(compileFilter(filter)).map((d) => d._id);

const people: Doc[] = [
  { _id: 1, name: 'ann', age: 30, tags: ['a', 'b'], address: { city: 'Oslo' } },
  { _id: 2, name: 'bob', age: 25, tags: ['b'], address: { city: 'Rome' } },
  { _id: 3, name: 'cid', age: null, tags: [] },
  { _id: 4, name: 'dee' },
];

describe('compileFilter: comparison operators', () => {
  it('matches implicit and explicit equality', () => {
    expect(select(people, { name: 'bob' })).toEqual([2]);
    expect(select(people, { age: { $eq: 30 } })).toEqual([1]);
    expect(select(people, { 'address.city': 'Oslo' })).toEqual([1]);
  });

  it('matches null against null and missing fields alike', () => {
    expect(select(people, { age: null })).toEqual([3, 4]);
    expect(select(people, { age: { $ne: null } })).toEqual([1, 2]);
  });

  it('applies range operators only within the operand type', () => {
    const docs = [{ _id: 1, v: 5 }, { _id: 2, v: '7' }, { _id: 3, v: null }, { _id: 4 }];
    expect(select(docs, { v: { $gt: 1 } })).toEqual([1]);
    expect(select(docs, { v: { $gte: 'a' } })).toEqual([]);
    expect(select(docs, { v: { $lt: 'z' } })).toEqual([2]);
    expect(select(docs, { v: { $gte: null } })).toEqual([3, 4]);
    expect(select(docs, { v: { $lt: null } })).toEqual([]);
  });

  it('combines operators on one field with AND', () => {
    expect(select(people, { age: { $gte: 25, $lt: 30 } })).toEqual([2]);
  });

  it('matches $in and $nin, with null in $in matching missing', () => {
    expect(select(people, { name: { $in: ['ann', 'dee'] } })).toEqual([1, 4]);
    expect(select(people, { age: { $in: [null, 30] } })).toEqual([1, 3, 4]);
    expect(select(people, { name: { $nin: ['ann', 'dee'] } })).toEqual([2, 3]);
    expect(select(people, { name: { $in: [/^b/, 'cid'] } })).toEqual([2, 3]);
  });

  it('treats NaN as equal only to NaN and never greater or less', () => {
    const docs = [{ _id: 1, v: Number.NaN }, { _id: 2, v: 1 }];
    expect(select(docs, { v: Number.NaN })).toEqual([1]);
    expect(select(docs, { v: { $gt: Number.NaN } })).toEqual([]);
    expect(select(docs, { v: { $lt: 5 } })).toEqual([2]);
  });
});

describe('compileFilter: arrays', () => {
  const docs: Doc[] = [
    { _id: 1, a: [1, 5, 9] },
    { _id: 2, a: [[1, 2], 3] },
    { _id: 3, a: 4 },
    { _id: 4, items: [{ sku: 'x', qty: 2 }, { sku: 'y', qty: 9 }] },
    { _id: 5, items: [{ sku: 'x', qty: 9 }, { other: 1 }] },
  ];

  it('matches an array field when any element matches', () => {
    expect(select(docs, { a: 5 })).toEqual([1]);
    expect(select(docs, { a: { $gt: 8 } })).toEqual([1]);
  });

  it('matches a whole array by equality, and nested arrays only as elements', () => {
    expect(select(docs, { a: [1, 5, 9] })).toEqual([1]);
    expect(select(docs, { a: [1, 2] })).toEqual([2]);
    expect(select(docs, { a: 2 })).toEqual([]);
  });

  it('lets different elements satisfy different conditions unless $elemMatch is used', () => {
    expect(select(docs, { 'items.sku': 'x', 'items.qty': 9 })).toEqual([4, 5]);
    expect(select(docs, { items: { $elemMatch: { sku: 'x', qty: 9 } } })).toEqual([5]);
  });

  it('supports value-form $elemMatch', () => {
    expect(select(docs, { a: { $elemMatch: { $gt: 4, $lt: 6 } } })).toEqual([1]);
    expect(select(docs, { a: { $elemMatch: { $gt: 8 } } })).toEqual([1]);
  });

  it('treats an array element lacking the field as null for {path: null}', () => {
    expect(select(docs, { 'items.other': null })).toEqual([1, 2, 3, 4, 5]);
    expect(select(docs, { 'items.sku': null })).toEqual([1, 2, 3, 5]);
    expect(select(docs, { 'items.other': { $exists: true } })).toEqual([5]);
  });

  it('addresses array elements by index', () => {
    expect(select(docs, { 'a.0': 1 })).toEqual([1, 2]);
    expect(select(docs, { 'items.1.qty': 9 })).toEqual([4]);
  });

  it('matches $size against the array length only', () => {
    expect(select(docs, { a: { $size: 3 } })).toEqual([1]);
    expect(select(docs, { a: { $size: 1 } })).toEqual([]);
  });

  it('requires every $all value, and matches nothing for an empty $all', () => {
    expect(select(docs, { a: { $all: [1, 9] } })).toEqual([1]);
    expect(select(docs, { a: { $all: [] } })).toEqual([]);
    expect(select(docs, { items: { $all: [{ $elemMatch: { qty: { $gt: 5 } } }] } })).toEqual([4, 5]);
  });
});

describe('compileFilter: logical and element operators', () => {
  it('supports $and, $or, $nor and $not', () => {
    expect(select(people, { $or: [{ name: 'ann' }, { age: 25 }] })).toEqual([1, 2]);
    expect(select(people, { $and: [{ tags: 'b' }, { age: { $gt: 26 } }] })).toEqual([1]);
    expect(select(people, { $nor: [{ name: 'ann' }, { age: null }] })).toEqual([2]);
    expect(select(people, { age: { $not: { $gt: 26 } } })).toEqual([2, 3, 4]);
    expect(select(people, { name: { $not: /^[ab]/ } })).toEqual([3, 4]);
  });

  it('tests presence with $exists, where null counts as present', () => {
    expect(select(people, { age: { $exists: true } })).toEqual([1, 2, 3]);
    expect(select(people, { age: { $exists: false } })).toEqual([4]);
  });

  it('matches $regex with $options, and regex literals', () => {
    expect(select(people, { name: { $regex: '^A', $options: 'i' } })).toEqual([1]);
    expect(select(people, { name: /N$/i })).toEqual([1]);
    expect(select(people, { name: { $regex: 'a # comment\n n', $options: 'x' } })).toEqual([1]);
  });

  it('matches $mod with truncation toward zero', () => {
    const docs = [{ _id: 1, n: 7 }, { _id: 2, n: 8.9 }, { _id: 3, n: -7 }];
    expect(select(docs, { n: { $mod: [4, 0] } })).toEqual([2]);
    expect(select(docs, { n: { $mod: [4, -3] } })).toEqual([3]);
  });

  it('matches bitwise operators on integers', () => {
    const docs = [{ _id: 1, f: 0b101 }, { _id: 2, f: 0b010 }];
    expect(select(docs, { f: { $bitsAllSet: [0, 2] } })).toEqual([1]);
    expect(select(docs, { f: { $bitsAnySet: 2 } })).toEqual([2]);
    expect(select(docs, { f: { $bitsAllClear: 0b101 } })).toEqual([2]);
  });

  it('evaluates $expr comparing two fields of the same document', () => {
    const docs = [{ _id: 1, spent: 80, budget: 100 }, { _id: 2, spent: 120, budget: 100 }];
    expect(select(docs, { $expr: { $gt: ['$spent', '$budget'] } })).toEqual([2]);
  });

  it('ignores $comment', () => {
    expect(select(people, { name: 'ann', $comment: 'why' })).toEqual([1]);
  });

  it('matches every document with an empty filter', () => {
    expect(select(people, {})).toEqual([1, 2, 3, 4]);
  });
});

describe('compileFilter: refusals', () => {
  it('names an unknown field operator with code 2', () => {
    expectQueryError(() => compileFilter({ a: { $foo: 1 } }), 2, 'unknown operator: $foo');
  });

  it('names an unknown top-level operator with code 2', () => {
    expectQueryError(() => compileFilter({ $foo: [] }), 2, 'unknown top level operator: $foo');
  });

  it('rejects $where explicitly because server-side JavaScript is off', () => {
    expectQueryError(() => compileFilter({ $where: 'this.a > 1' }), 2, /\$where is not supported/);
  });

  it('rejects $jsonSchema, $text and geospatial operators as not implemented', () => {
    expectQueryError(() => compileFilter({ $jsonSchema: {} }), 238, /\$jsonSchema/);
    expectQueryError(() => compileFilter({ $text: { $search: 'x' } }), 238, /\$text/);
    expectQueryError(() => compileFilter({ loc: { $near: [0, 0] } }), 238, /\$near/);
  });

  it('validates operator arguments when compiling', () => {
    expectQueryError(() => compileFilter({ a: { $in: 5 } }), 2, '$in needs an array');
    expectQueryError(() => compileFilter({ $or: [] }), 2, /non-empty array/);
    expectQueryError(() => compileFilter({ a: { $size: -1 } }), 2, /non-negative/);
    expectQueryError(() => compileFilter({ a: { $mod: [0, 1] } }), 2, 'divisor cannot be 0');
    expectQueryError(() => compileFilter({ a: { $type: 'nope' } }), 2, 'Unknown type name alias: nope');
    expectQueryError(() => compileFilter({ a: { $options: 'i' } }), 2, '$options needs a $regex');
    expectQueryError(() => compileFilter({ a: { $not: {} } }), 2, '$not cannot be empty');
    expectQueryError(() => compileFilter({ a: { $regex: '(' } }), 51091, /Regular expression is invalid/);
  });
});
