import { Decimal128, Long, ObjectId, type Document } from 'bson';
import { AutoBatch, Engine } from '../../../src/embedded-mongo/engine/engine';
import { idKey } from '../../../src/embedded-mongo/engine/id-key';
import { compileSort } from '../../../src/embedded-mongo/query';

/**
 * A find with a sort and a limit walks an index in the sort's order and stops after skip + limit
 * matches (startup pages 200k ledger events 5,000 at a time: collecting and sorting every match for
 * every page was quadratic). What it returns must be what collecting every match, sorting it and
 * slicing returns: the same documents in the same order, ties (whose order a sort leaves open)
 * being the same multiset of sort keys, and paging through the ties yielding each document once.
 */

function setup(docs: Document[], indexes: Document[]): { engine: Engine; ns: string } {
  const engine = new Engine();
  const ns = 'db.walk';
  const coll = engine.ensureCollection(ns, []);
  for (const spec of indexes) void engine.applyDdl({ ddl: 'createIndex', ns, spec: spec as never });
  const batch = new AutoBatch();
  for (const doc of docs) engine.write(batch, coll, idKey(doc._id), doc, true);
  return { engine, ns };
}

/** A small deterministic PRNG, so that a failure is reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rand = prng(18);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;

/** Mixed types on `v` (numbers of four kinds, strings, dates, null, missing), a tie-rich `g`, a unique `seq`. */
const docs: Document[] = Array.from({ length: 600 }, (_, i) => {
  const doc: Document = { _id: i % 3 === 0 ? new ObjectId() : i % 3 === 1 ? `s${i}` : i, seq: i, g: i % 7, district: pick(['A', 'B', 'C']) };
  const kind = i % 9;
  if (kind === 0) doc.v = i;
  else if (kind === 1) doc.v = i + 0.5;
  else if (kind === 2) doc.v = Long.fromNumber(i);
  else if (kind === 3) doc.v = Decimal128.fromString(String(i));
  else if (kind === 4) doc.v = `t${i % 50}`;
  else if (kind === 5) doc.v = new Date(1_700_000_000_000 + i * 1000);
  else if (kind === 6) doc.v = null;
  else if (kind === 7) doc.v = i % 4; // many ties with the plain numbers
  // kind 8: v missing
  if (i % 5 === 0) doc.nested = { at: i % 11 };
  return doc;
});

const indexes = [
  { key: { seq: 1 }, name: 'seq_1', unique: true },
  { key: { v: 1 }, name: 'v_1' },
  { key: { district: 1, seq: -1 }, name: 'district_1_seq_-1' },
  { key: { g: 1, seq: 1 }, name: 'g_1_seq_1' },
  { key: { 'nested.at': 1 }, name: 'nested.at_1' },
];

/** Every match sorted and sliced: the answer without the walk. */
function reference(engine: Engine, ns: string, filter: Document, sort: Document, skip: number, limit: number): Document[] {
  return engine.find(engine.collection(ns), filter).sort(compileSort(sort)).slice(skip, skip + limit);
}

function walked(engine: Engine, ns: string, filter: Document, sort: Document, skip: number, limit: number): Document[] {
  const out = engine.findSorted(engine.collection(ns), filter, sort, skip + limit);
  if (!out) throw new Error(`no index walk for ${JSON.stringify(filter)} sorted ${JSON.stringify(sort)}`);
  return out.slice(skip);
}

/** A document's sort key values; equal numbers of different BSON types (a tie) read as one number. */
const keysOf = (sort: Document) => (d: Document): unknown[] =>
  Object.keys(sort).map((f) => {
    const v = f.split('.').reduce<unknown>((x, p) => (x as Document | undefined)?.[p], d) ?? null;
    return v instanceof Long || v instanceof Decimal128 ? Number(v.toString()) : v;
  });

describe('find with sort and limit by walking an index', () => {
  const { engine, ns } = setup(docs, indexes);

  const exact: [string, Document, Document][] = [
    ['ascending on a unique field', {}, { seq: 1 }],
    ['descending on a unique field', {}, { seq: -1 }],
    ['a range on the sort field ($gt / $lte)', { seq: { $gt: 123, $lte: 480 } }, { seq: 1 }],
    ['a range on the sort field, descending', { seq: { $gte: 50 } }, { seq: -1 }],
    ['an equality prefix, then the sort field', { district: 'B' }, { seq: -1 }],
    ['an equality prefix, the other direction than the index', { district: 'C' }, { seq: 1 }],
    ['an equality prefix and a range on the sort field', { g: 3, seq: { $lt: 400 } }, { seq: 1 }],
    ['a residual condition the index does not serve', { seq: { $gte: 10 }, district: { $ne: 'A' } }, { seq: 1 }],
    ['a compound sort matching a compound index', {}, { g: 1, seq: 1 }],
    ['a compound sort reversed', { g: { $gte: 2 } }, { g: -1, seq: -1 }],
    // _id (ObjectIds, strings and numbers here): the collection's ordered _id index, built on first use.
    ['ascending on _id, mixed types', {}, { _id: 1 }],
    ['descending on _id with a range (numbers only match)', { _id: { $gt: 100 } }, { _id: -1 }],
    ['an _id range inside $and, with a residual condition', { $and: [{ _id: { $gte: 's3' } }, { g: { $ne: 3 } }] }, { _id: 1 }],
  ];

  it.each(exact)('%s: the same documents in the same order as a full sort', (_label, filter, sort) => {
    for (const [skip, limit] of [[0, 1], [0, 25], [7, 40], [590, 50], [0, 10_000]] as const) {
      expect(walked(engine, ns, filter, sort, skip, limit)).toEqual(reference(engine, ns, filter, sort, skip, limit));
    }
  });

  const tied: [string, Document, Document][] = [
    ['mixed types, nulls and missing fields, ascending', {}, { v: 1 }],
    ['mixed types, nulls and missing fields, descending', {}, { v: -1 }],
    ['a range over mixed types (numbers only match)', { v: { $gte: 100 } }, { v: 1 }],
    ['a dotted field, missing in most documents', {}, { 'nested.at': -1 }],
    ['a tie-rich prefix of a compound index', { seq: { $gt: 20 } }, { g: 1 }],
  ];

  it.each(tied)('%s: the same sort keys as a full sort, and pages cover every match once', (_label, filter, sort) => {
    const all = reference(engine, ns, filter, sort, 0, docs.length);
    for (const [skip, limit] of [[0, 1], [0, 30], [13, 45], [250, 100]] as const) {
      expect(walked(engine, ns, filter, sort, skip, limit).map(keysOf(sort))).toEqual(all.slice(skip, skip + limit).map(keysOf(sort)));
    }
    const paged: Document[] = [];
    for (let skip = 0; skip < all.length + 40; skip += 40) paged.push(...walked(engine, ns, filter, sort, skip, 40));
    expect(paged.map((d) => idKey(d._id)).sort()).toEqual(all.map((d) => idKey(d._id)).sort());
    // Sorting what the walk returned changes nothing: it is in sort order.
    expect([...paged].sort(compileSort(sort)).map(keysOf(sort))).toEqual(paged.map(keysOf(sort)));
  });

  it('is not used when another index narrows the filter more (a rare value beats walking the sorted index)', () => {
    expect(engine.findSorted(engine.collection(ns), { v: 't7' }, { seq: 1 }, 10)).toBeNull();
  });

  it('is not used for a mixed-direction sort or a sort no index orders', () => {
    expect(engine.findSorted(engine.collection(ns), {}, { g: 1, seq: -1 }, 10)).toBeNull();
    expect(engine.findSorted(engine.collection(ns), {}, { district: 1, g: 1 }, 10)).toBeNull();
  });

  it('gives way to the full sort when it meets an array on an indexed path (multikey order differs)', () => {
    const arrays = setup(
      [{ _id: 1, t: [5, 1] }, { _id: 2, t: 3 }, { _id: 3, t: [] }, { _id: 4, t: [2, 9] }, { _id: 5 }],
      [{ key: { t: 1 }, name: 't_1' }],
    );
    const coll = arrays.engine.collection(arrays.ns);
    expect(arrays.engine.findSorted(coll, {}, { t: 1 }, 3)).toBeNull();
    expect(arrays.engine.findSorted(coll, {}, { t: -1 }, 2)).toBeNull();
  });

  it('sees a write made after the index was built, and a deletion', () => {
    const fresh = setup(docs.slice(0, 50).map((d) => ({ ...d })), [{ key: { seq: 1 }, name: 'seq_1', unique: true }]);
    const coll = fresh.engine.collection(fresh.ns)!;
    expect(walked(fresh.engine, fresh.ns, {}, { seq: -1 }, 0, 1)[0]?.seq).toBe(49);
    const batch = new AutoBatch();
    fresh.engine.write(batch, coll, idKey('late'), { _id: 'late', seq: 1000 }, true);
    fresh.engine.write(batch, coll, idKey(docs[0]?._id), null);
    expect(walked(fresh.engine, fresh.ns, {}, { seq: -1 }, 0, 1)[0]?._id).toBe('late');
    expect(walked(fresh.engine, fresh.ns, {}, { seq: 1 }, 0, 1)[0]?.seq).toBe(1);
    expect(walked(fresh.engine, fresh.ns, {}, { seq: 1 }, 0, 100)).toEqual(reference(fresh.engine, fresh.ns, {}, { seq: 1 }, 0, 100));
  });

  it('keeps the _id order up to date once it is built: writes, deletions, and a transaction undone at abort', () => {
    const fresh = setup(Array.from({ length: 20 }, (_, i) => ({ _id: i * 10 })), []);
    const coll = fresh.engine.collection(fresh.ns)!;
    const after = (from: number) => fresh.engine.find(coll, { _id: { $gt: from } }).map((d) => d._id);
    expect(after(150)).toEqual([160, 170, 180, 190]);
    const batch = new AutoBatch();
    fresh.engine.write(batch, coll, idKey(175), { _id: 175 }, true);
    fresh.engine.write(batch, coll, idKey(170), null);
    expect(after(150)).toEqual([160, 175, 180, 190]);
    expect(walked(fresh.engine, fresh.ns, { _id: { $lt: 1000 } }, { _id: -1 }, 0, 2).map((d) => d._id)).toEqual([190, 180]);
    const txn = fresh.engine.begin('s1', 1);
    fresh.engine.write(txn, coll, idKey(500), { _id: 500 }, true);
    fresh.engine.write(txn, coll, idKey(160), null);
    expect(fresh.engine.find(coll, { _id: { $gt: 150 } }, txn).map((d) => d._id).sort((a, b) => a - b)).toEqual([175, 180, 190, 500]);
    fresh.engine.abort(txn);
    expect(after(150)).toEqual([160, 175, 180, 190]);
  });
});
