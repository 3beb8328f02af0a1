import { ObjectId } from 'bson';
import { applyUpdate, isReplacement, upsertSeed } from '../../../src/embedded-mongo/query';
import { expectQueryError } from './helpers';

describe('upsertSeed', () => {
  it('copies top-level equality fields and $eq, ignoring other operators', () => {
    expect(upsertSeed({ serial: 'C-1', status: { $eq: 'empty' }, kg: { $gt: 3 }, name: /x/ })).toEqual({ serial: 'C-1', status: 'empty' });
  });

  it('expands dotted paths and reads inside $and', () => {
    expect(upsertSeed({ 'owner.name': 'Gas Co', $and: [{ 'owner.city': 'Oslo' }, { n: 1 }] })).toEqual({ owner: { name: 'Gas Co', city: 'Oslo' }, n: 1 });
  });

  it('puts _id first', () => {
    const id = new ObjectId();
    expect(Object.keys(upsertSeed({ a: 1, _id: id }))).toEqual(['_id', 'a']);
  });

  it('ignores $or with several clauses and $expr', () => {
    expect(upsertSeed({ $or: [{ a: 1 }, { a: 2 }], $expr: { $eq: ['$b', 1] }, c: 3 })).toEqual({ c: 3 });
  });

  it('refuses a filter that pins one path twice', () => {
    expectQueryError(() => upsertSeed({ a: 1, $and: [{ a: 2 }] }), 54, "cannot infer query fields to set, path 'a' is matched twice");
    expectQueryError(() => upsertSeed({ a: { b: 1 }, 'a.c': 2 }), 54, /both paths 'a' and 'a.c' are matched/);
  });

  it('feeds an upsert: seed, then the update with isInsert', () => {
    const seed = upsertSeed({ serial: 'C-9' });
    const doc = applyUpdate(seed, { $set: { status: 'new' }, $setOnInsert: { fills: 0 } }, { isInsert: true });
    expect(doc).toEqual({ serial: 'C-9', fills: 0, status: 'new' });
  });

  it('refuses an upsert update that contradicts a queried _id', () => {
    expectQueryError(() => applyUpdate(upsertSeed({ _id: 1 }), { $set: { _id: 2 } }, { isInsert: true }), 66);
  });
});

describe('isReplacement', () => {
  it('is true for documents without $-operators', () => {
    expect(isReplacement({ a: 1, b: { $c: 1 } })).toBe(true);
    expect(isReplacement({})).toBe(true);
  });

  it('is false for operator documents, pipelines and non-documents', () => {
    expect(isReplacement({ $set: { a: 1 } })).toBe(false);
    expect(isReplacement([{ $set: { a: 1 } }])).toBe(false);
    expect(isReplacement(null)).toBe(false);
  });
});
