import { Long, MaxKey, MinKey, ObjectId } from 'bson';
import { compileSort, valuesAtPath } from '../../../src/embedded-mongo/query';
import { expectQueryError } from './helpers';

type Doc = Record<string, unknown>;
const order = (docs: Doc[], spec: Doc): unknown[] => docs.slice().sort(compileSort(spec)).map((d) => d._id);

describe('compileSort', () => {
  it('sorts mixed types in MongoDB order, missing with null', () => {
    const docs: Doc[] = [
      { _id: 'date', v: new Date(0) },
      { _id: 'max', v: new MaxKey() },
      { _id: 'bool', v: true },
      { _id: 'oid', v: new ObjectId() },
      { _id: 'obj', v: { a: 1 } },
      { _id: 'str', v: 'x' },
      { _id: 'long', v: Long.fromString('10') },
      { _id: 'num', v: 2 },
      { _id: 'null', v: null },
      { _id: 'min', v: new MinKey() },
    ];
    expect(order(docs, { v: 1 })).toEqual(['min', 'null', 'num', 'long', 'str', 'obj', 'oid', 'bool', 'date', 'max']);
  });

  it('sorts a missing field together with null, keeping input order for ties', () => {
    expect(order([{ _id: 1, v: 1 }, { _id: 2 }, { _id: 3, v: null }], { v: 1 })).toEqual([2, 3, 1]);
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    const docs = [{ _id: 'a', v: [1, 10] }, { _id: 'b', v: 5 }, { _id: 'c', v: [3, 4] }];
    expect(order(docs, { v: 1 })).toEqual(['a', 'c', 'b']);
    expect(order(docs, { v: -1 })).toEqual(['a', 'b', 'c']);
  });

  it('places an empty array before null', () => {
    expect(order([{ _id: 'null', v: null }, { _id: 'empty', v: [] }, { _id: 'one', v: 1 }], { v: 1 })).toEqual(['empty', 'null', 'one']);
  });

  it('sorts by several keys and dotted paths', () => {
    const docs = [
      { _id: 1, a: 1, b: { c: 1 } },
      { _id: 2, a: 1, b: { c: 2 } },
      { _id: 3, a: 0, b: { c: 3 } },
    ];
    expect(order(docs, { a: -1, 'b.c': -1 })).toEqual([2, 1, 3]);
  });

  it('refuses $meta and invalid directions', () => {
    expectQueryError(() => compileSort({ score: { $meta: 'textScore' } }), 238, /\$meta/);
    expectQueryError(() => compileSort({ a: 2 }), 2, /1 \(for ascending\) or -1/);
  });
});

describe('valuesAtPath', () => {
  it('traverses arrays of documents along the path', () => {
    expect(valuesAtPath({ a: [{ b: 1 }, { b: 2 }] }, 'a.b')).toEqual([1, 2]);
  });

  it('returns an array found at the end of the path as one value', () => {
    expect(valuesAtPath({ a: [{ b: [1, 2] }, { b: 3 }] }, 'a.b')).toEqual([[1, 2], 3]);
    expect(valuesAtPath({ a: [1, 2] }, 'a')).toEqual([[1, 2]]);
  });

  it('yields nothing for a missing path or elements without the field', () => {
    expect(valuesAtPath({ a: 1 }, 'b')).toEqual([]);
    expect(valuesAtPath({ a: 5 }, 'a.b')).toEqual([]);
    expect(valuesAtPath({ a: [{ c: 1 }, { b: null }] }, 'a.b')).toEqual([null]);
  });

  it('follows numeric components as array indexes', () => {
    expect(valuesAtPath({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).toEqual([2]);
  });
});
