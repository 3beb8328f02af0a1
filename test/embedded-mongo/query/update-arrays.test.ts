import { ObjectId } from 'bson';
import { applyUpdate } from '../../../src/embedded-mongo/query';
import { expectQueryError } from './helpers';

type Doc = Record<string, unknown>;
const update = (doc: Doc, u: Doc, opts = {}): Doc => applyUpdate(doc, u, opts);

const a = new ObjectId('64b000000000000000000001');
const b = new ObjectId('64b000000000000000000002');

describe('$push', () => {
  it('appends, creating the array when missing', () => {
    expect(update({ _id: 1, l: [1] }, { $push: { l: 2, m: 'x' } })).toEqual({ _id: 1, l: [1, 2], m: ['x'] });
  });

  it('supports $each with $position, $sort and $slice', () => {
    expect(update({ _id: 1, l: [1, 2] }, { $push: { l: { $each: [9], $position: 0 } } }).l).toEqual([9, 1, 2]);
    expect(update({ _id: 1, l: [5, 1] }, { $push: { l: { $each: [3], $sort: 1, $slice: 2 } } }).l).toEqual([1, 3]);
    expect(update({ _id: 1, l: [1, 2, 3] }, { $push: { l: { $each: [4], $slice: -2 } } }).l).toEqual([3, 4]);
    const scores = [{ s: 5 }, { s: 9 }];
    expect(update({ _id: 1, l: scores }, { $push: { l: { $each: [{ s: 7 }], $sort: { s: -1 } } } }).l).toEqual([{ s: 9 }, { s: 7 }, { s: 5 }]);
  });

  it('refuses to push onto a non-array', () => {
    expectQueryError(() => update({ _id: 1, l: 'x' }, { $push: { l: 1 } }), 2, "The field 'l' must be an array but is of type string in document { _id: 1 }");
  });
});

describe('$addToSet', () => {
  it('adds only values not already present, comparing ObjectIds by value', () => {
    const out = update({ _id: 1, ids: [a] }, { $addToSet: { ids: { $each: [new ObjectId(a.toHexString()), b, b] } } });
    expect(out.ids).toEqual([a, b]);
  });

  it('treats 1 and 1.0 as the same element but compares documents by field order', () => {
    expect(update({ _id: 1, l: [1] }, { $addToSet: { l: 1.0 } }).l).toEqual([1]);
    expect(update({ _id: 1, l: [{ x: 1, y: 2 }] }, { $addToSet: { l: { y: 2, x: 1 } } }).l).toHaveLength(2);
  });
});

describe('$pop, $pull and $pullAll', () => {
  it('$pop removes the last or first element', () => {
    expect(update({ _id: 1, l: [1, 2, 3] }, { $pop: { l: 1 } }).l).toEqual([1, 2]);
    expect(update({ _id: 1, l: [1, 2, 3] }, { $pop: { l: -1 } }).l).toEqual([2, 3]);
    expectQueryError(() => update({ _id: 1, l: [1] }, { $pop: { l: 2 } }), 2, '$pop expects 1 or -1, found: 2');
  });

  it('$pull removes by ObjectId value', () => {
    expect(update({ _id: 1, ids: [a, b, a] }, { $pull: { ids: new ObjectId(a.toHexString()) } }).ids).toEqual([b]);
  });

  it('$pull removes by condition and by sub-document query', () => {
    expect(update({ _id: 1, l: [1, 5, 9] }, { $pull: { l: { $gte: 5 } } }).l).toEqual([1]);
    const items = [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 0 }, 'loose'];
    expect(update({ _id: 1, items }, { $pull: { items: { qty: 0 } } }).items).toEqual([{ sku: 'x', qty: 1 }, 'loose']);
  });

  it('$pullAll removes every listed value', () => {
    expect(update({ _id: 1, l: [1, 2, 3, 2] }, { $pullAll: { l: [2, 3] } }).l).toEqual([1]);
  });
});

describe('positional updates', () => {
  const order = { _id: 1, items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 5 }, { sku: 'z', qty: 9 }] };

  it('$ updates the element the query matched', () => {
    const out = update(order, { $set: { 'items.$.qty': 0 } }, { query: { 'items.sku': 'y' } });
    expect(out.items).toEqual([{ sku: 'x', qty: 1 }, { sku: 'y', qty: 0 }, { sku: 'z', qty: 9 }]);
    const viaElemMatch = update(order, { $inc: { 'items.$.qty': 1 } }, { query: { items: { $elemMatch: { qty: { $gt: 4 } } } } });
    expect((viaElemMatch.items as Doc[])[1]).toEqual({ sku: 'y', qty: 6 });
  });

  it('$ without a matching query condition is an error', () => {
    expectQueryError(() => update(order, { $set: { 'items.$.qty': 0 } }), 2, 'The positional operator did not find the match needed from the query.');
    expectQueryError(() => update(order, { $set: { 'items.$.qty': 0 } }, { query: { _id: 1 } }), 2);
  });

  it('$[] updates every element', () => {
    const out = update(order, { $inc: { 'items.$[].qty': 10 } });
    expect((out.items as Doc[]).map((i) => i.qty)).toEqual([11, 15, 19]);
  });

  it('$[id] updates the elements passing the array filter', () => {
    const out = update(order, { $set: { 'items.$[big].qty': 0 } }, { arrayFilters: [{ 'big.qty': { $gte: 5 } }] });
    expect((out.items as Doc[]).map((i) => i.qty)).toEqual([1, 0, 0]);
    const scalars = update({ _id: 1, l: [1, 8, 3] }, { $set: { 'l.$[n]': 0 } }, { arrayFilters: [{ n: { $gt: 2 } }] });
    expect(scalars.l).toEqual([1, 0, 0]);
  });

  it('nests $[] and $[id]', () => {
    const doc = { _id: 1, grid: [{ cells: [1, 5] }, { cells: [7, 2] }] };
    const out = update(doc, { $set: { 'grid.$[].cells.$[hi]': 0 } }, { arrayFilters: [{ hi: { $gt: 4 } }] });
    expect(out.grid).toEqual([{ cells: [1, 0] }, { cells: [0, 2] }]);
  });

  it('checks array filters against the update', () => {
    expectQueryError(() => update(order, { $set: { 'items.$[x].qty': 0 } }), 2, "No array filter found for identifier 'x' in path 'items.$[x].qty'");
    expectQueryError(() => update(order, { $set: { a: 1 } }, { arrayFilters: [{ x: 1 }] }), 9, /The array filter for identifier 'x' was not used/);
    expectQueryError(() => update(order, { $set: { 'items.$[X]': 1 } }, { arrayFilters: [{ X: 1 }] }), 2, /must be an alphanumeric string beginning with a lowercase letter/);
  });

  it('requires the array to exist for $[]', () => {
    expectQueryError(() => update({ _id: 1 }, { $set: { 'l.$[]': 1 } }), 2, "The path 'l' must exist in the document in order to apply array updates.");
  });
});
