import { ObjectId, type Document } from 'bson';
import { AutoBatch, Engine } from '../../../src/embedded-mongo/engine/engine';
import { idKey } from '../../../src/embedded-mongo/engine/id-key';
import { planCandidates } from '../../../src/embedded-mongo/engine/planner';
import { sweepExpired } from '../../../src/embedded-mongo/engine/ttl';
import { MongoCommandError } from '../../../src/embedded-mongo/errors';

function setup(docs: Document[], indexes: Document[] = []): { engine: Engine; ns: string } {
  const engine = new Engine();
  const ns = 'db.items';
  const coll = engine.ensureCollection(ns, []);
  for (const spec of indexes) void engine.applyDdl({ ddl: 'createIndex', ns, spec: spec as never });
  const batch = new AutoBatch();
  for (const doc of docs) engine.write(batch, coll, idKey(doc._id), doc, true);
  return { engine, ns };
}

const many = (n: number): Document[] => Array.from({ length: n }, (_, i) => ({ _id: i, k: i % 10, s: `v${i}`, tags: [i, i + 1] }));

describe('engine', () => {
  it('treats 1, 1.0 and the string "1" as two distinct _id keys but 1 and 1.0 as one', () => {
    expect(idKey(1)).toBe(idKey(1.0));
    expect(idKey(1)).not.toBe(idKey('1'));
    const oid = new ObjectId();
    expect(idKey(oid)).toBe(idKey(new ObjectId(oid.toHexString())));
  });

  it('answers an equality on an indexed field from the index, not a scan', () => {
    const { engine, ns } = setup(many(1000), [{ key: { k: 1 }, name: 'k_1' }]);
    const coll = engine.collection(ns)!;
    const ids = planCandidates(coll, { k: 3 });
    expect(ids?.size).toBe(100);
    expect(engine.find(coll, { k: 3 }).map((d) => d._id)).toHaveLength(100);
  });

  it('uses an index for $in and ranges and still applies the whole filter', () => {
    const { engine, ns } = setup(many(100), [{ key: { k: 1, s: 1 }, name: 'k_1_s_1' }]);
    const coll = engine.collection(ns)!;
    expect(planCandidates(coll, { k: { $in: [1, 2] } })?.size).toBe(20);
    expect(planCandidates(coll, { k: { $gte: 8 } })?.size).toBe(20);
    expect(engine.find(coll, { k: { $gt: 8 }, s: 'v99' })).toEqual([expect.objectContaining({ _id: 99 })]);
    expect(planCandidates(coll, { s: 'v1' })).toBeNull();
  });

  it('answers a look-up by a partially indexed code from the index when the filter implies the partial expression', () => {
    const docs = Array.from({ length: 500 }, (_, i) => ({ _id: i, ...(i % 2 === 0 ? { grai: `G${i}` } : {}), requestId: i % 3 === 0 ? `r${i}` : i, d: i % 5 }));
    const { engine, ns } = setup(docs, [
      { key: { grai: 1 }, name: 'grai_1', unique: true, partialFilterExpression: { grai: { $exists: true } } },
      { key: { d: 1, requestId: 1 }, name: 'd_requestId', unique: true, partialFilterExpression: { requestId: { $type: 'string' } } },
    ]);
    const coll = engine.collection(ns)!;
    expect([...(planCandidates(coll, { grai: 'G42' }) ?? ['scan'])]).toEqual([idKey(42)]);
    expect(engine.find(coll, { grai: { $in: ['G2', 'G4', 'G5'] } }).map((d) => d._id)).toEqual([2, 4]);
    expect([...(planCandidates(coll, { d: 3, requestId: 'r3' }) ?? ['scan'])]).toEqual([idKey(3)]);
    // A range on the code implies it exists, so the `$exists` partial index holds every match (a read of a journal after its position).
    expect([...(planCandidates(coll, { grai: { $gte: 'G98' } }) ?? ['scan'])]).toEqual([idKey(98)]);
    expect(engine.findSorted(coll, { grai: { $gt: 'G496' } }, { grai: 1 }, 5)?.map((d) => d._id)).toEqual([498, 50, 52, 54, 56]);
    // `$exists: true` itself: the whole partial index (its 250 documents, not the 500), walked for a sort too.
    expect(planCandidates(coll, { grai: { $exists: true } })?.size).toBe(250);
    expect(engine.find(coll, { grai: { $exists: true }, d: 4 })).toHaveLength(50);
    expect(engine.findSorted(coll, { grai: { $exists: true } }, { grai: -1 }, 2)?.map((d) => d._id)).toEqual([98, 96]);
    // A partial expression `$exists` does not imply (a $type) leaves the scan.
    expect(planCandidates(coll, { requestId: { $exists: true } })).toBeNull();
    expect(engine.find(coll, { d: 3, requestId: 'r3' }).map((d) => d._id)).toEqual([3]);
    // The index lacks documents these filters match: only a scan answers them right.
    expect(planCandidates(coll, { grai: null })).toBeNull();
    expect(planCandidates(coll, { d: 1, requestId: 1 })).toBeNull();
    expect(engine.find(coll, { d: 1, requestId: 1 }).map((d) => d._id)).toEqual([1]);
    expect(planCandidates(coll, { grai: { $exists: false } })).toBeNull();
    expect(planCandidates(coll, { d: 2 })).toBeNull();
  });

  it('answers an $or whose every clause has an index from the union of their candidates, and scans when one has none', () => {
    const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: i, ...(i % 2 === 0 ? { grai: `G${i}` } : {}), k: i % 10, s: `v${i}` }));
    const { engine, ns } = setup(docs, [
      { key: { grai: 1 }, name: 'grai_1', unique: true, partialFilterExpression: { grai: { $exists: true } } },
      { key: { k: 1 }, name: 'k_1' },
    ]);
    const coll = engine.collection(ns)!;
    const byIdsOrCodes = { $or: [{ _id: { $in: [3, 5, 2000] } }, { grai: { $in: ['G8', 'G9', 'G10'] } }] };
    expect([...(planCandidates(coll, byIdsOrCodes) ?? ['scan'])].sort()).toEqual([3, 5, 8, 10].map(idKey).sort());
    expect(engine.find(coll, byIdsOrCodes).map((d) => d._id).sort((a, b) => a - b)).toEqual([3, 5, 8, 10]);
    // The rest of the filter still applies to the union; an $or inside a top-level $and is planned the same way.
    expect(engine.find(coll, { k: { $exists: true }, s: 'v5', $or: byIdsOrCodes.$or }).map((d) => d._id)).toEqual([5]);
    expect(planCandidates(coll, { $and: [{ s: { $exists: true } }, byIdsOrCodes] })?.size).toBe(4);
    // An index plan on the rest of the filter is used as before.
    expect(planCandidates(coll, { k: 3, $or: [{ s: 'v3' }, { s: 'v13' }] })?.size).toBe(100);
    // A clause no index answers (here: a code of null, which the partial index lacks) leaves only the scan.
    expect(planCandidates(coll, { $or: [{ _id: 3 }, { s: 'v7' }] })).toBeNull();
    expect(planCandidates(coll, { $or: [{ _id: 3 }, { grai: null }] })).toBeNull();
    expect(engine.find(coll, { $or: [{ _id: 3 }, { grai: null }] })).toHaveLength(500);
  });

  it('answers a range of _id from the ordered _id index, in _id order', () => {
    const { engine, ns } = setup(many(1000).reverse());
    const coll = engine.collection(ns)!;
    // Candidates a superset (bounds inclusive): the filter itself drops 990.
    expect(planCandidates(coll, { _id: { $gt: 990 } })?.size).toBe(10);
    expect(engine.find(coll, { $and: [{}, { _id: { $gt: 990, $lte: 995 } }] }).map((d) => d._id)).toEqual([991, 992, 993, 994, 995]);
    expect(engine.find(coll, { _id: { $gte: 995 }, k: 7 }).map((d) => d._id)).toEqual([997]);
  });

  it('uses a sparse index only for a filter that pins one of its fields to a non-null value', () => {
    const docs = Array.from({ length: 100 }, (_, i) => ({ _id: i, ...(i % 4 === 0 ? { x: i } : {}) }));
    const { engine, ns } = setup(docs, [{ key: { x: 1 }, name: 'x_1', sparse: true }]);
    const coll = engine.collection(ns)!;
    expect([...(planCandidates(coll, { x: 8 }) ?? ['scan'])]).toEqual([idKey(8)]);
    expect(planCandidates(coll, { x: null })).toBeNull();
    expect(engine.find(coll, { x: null }).length).toBe(75);
  });

  it('indexes array elements so an equality on one element finds the document', () => {
    const { engine, ns } = setup(many(10), [{ key: { tags: 1 }, name: 'tags_1' }]);
    const coll = engine.collection(ns)!;
    expect(engine.find(coll, { tags: 5 }).map((d) => d._id).sort()).toEqual([4, 5]);
  });

  it('rejects a duplicate in a unique index with MongoDB’s message, key pattern and value', () => {
    const { engine, ns } = setup([{ _id: 1, email: 'a@x' }], [{ key: { email: 1 }, name: 'email_1', unique: true }]);
    const coll = engine.collection(ns)!;
    let error: unknown;
    try {
      engine.write(new AutoBatch(), coll, idKey(2), { _id: 2, email: 'a@x' }, true);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MongoCommandError);
    expect((error as MongoCommandError).code).toBe(11000);
    expect((error as MongoCommandError).message).toBe('E11000 duplicate key error collection: db.items index: email_1 dup key: { email: "a@x" }');
    expect((error as MongoCommandError).extra).toEqual({ keyPattern: { email: 1 }, keyValue: { email: 'a@x' } });
    expect(engine.find(coll, {})).toHaveLength(1);
  });

  it('lets a transaction read its snapshot while others commit, and refuses its stale write', async () => {
    const { engine, ns } = setup([{ _id: 1, n: 1 }]);
    const coll = engine.collection(ns)!;
    const txn = engine.begin('s1', 1);
    engine.write(new AutoBatch(), coll, idKey(1), { _id: 1, n: 2 });
    expect(engine.find(coll, { _id: 1 }, txn)).toEqual([{ _id: 1, n: 1 }]);
    expect(() => engine.write(txn, coll, idKey(1), { _id: 1, n: 3 })).toThrow(expect.objectContaining({ code: 112 }));
    engine.abort(txn);
    expect(engine.find(coll, {})).toEqual([{ _id: 1, n: 2 }]);
  });

  it('keeps deleted documents visible to an older snapshot until the transaction ends', async () => {
    const { engine, ns } = setup([{ _id: 1 }, { _id: 2 }]);
    const coll = engine.collection(ns)!;
    const txn = engine.begin('s1', 1);
    engine.write(new AutoBatch(), coll, idKey(2), null);
    expect(engine.find(coll, {}, txn).map((d) => d._id)).toEqual([1, 2]);
    expect(engine.find(coll, {}).map((d) => d._id)).toEqual([1]);
    await engine.commit(txn);
    expect(coll.tombstones.size).toBe(0);
  });

  it('makes a transaction’s writes visible only at commit, all at once', async () => {
    const { engine, ns } = setup([]);
    const coll = engine.collection(ns)!;
    const txn = engine.begin('s1', 1);
    engine.write(txn, coll, idKey(1), { _id: 1 }, true);
    engine.write(txn, coll, idKey(2), { _id: 2 }, true);
    expect(engine.find(coll, {})).toEqual([]);
    expect(engine.find(coll, {}, txn)).toHaveLength(2);
    await engine.commit(txn);
    expect(engine.find(coll, {})).toHaveLength(2);
  });

  it('first writer wins between two transactions on the same document', () => {
    const { engine, ns } = setup([{ _id: 1, n: 0 }]);
    const coll = engine.collection(ns)!;
    const a = engine.begin('a', 1);
    const b = engine.begin('b', 1);
    engine.write(a, coll, idKey(1), { _id: 1, n: 1 });
    expect(() => engine.write(b, coll, idKey(1), { _id: 1, n: 2 })).toThrow(
      expect.objectContaining({ code: 112, errorLabels: ['TransientTransactionError'] }),
    );
  });

  it('sweeps documents whose TTL date has passed and leaves the others', async () => {
    const now = Date.now();
    const { engine, ns } = setup(
      [
        { _id: 1, at: new Date(now - 10_000) },
        { _id: 2, at: new Date(now + 10_000) },
        { _id: 3, at: 'not a date' },
      ],
      [{ key: { at: 1 }, name: 'at_1', expireAfterSeconds: 1 }],
    );
    expect(await sweepExpired(engine, now)).toBe(1);
    expect(engine.find(engine.collection(ns), {}).map((d) => d._id)).toEqual([2, 3]);
  });

  it('refuses a unique key taken earlier in the same transaction, but not one that write has since given up', () => {
    const { engine, ns } = setup([], [{ key: { serial: 1 }, name: 'serial_1', unique: true }]);
    const coll = engine.collection(ns)!;
    const txn = engine.begin('s1', 1);
    engine.write(txn, coll, idKey(1), { _id: 1, serial: 'A' }, true);
    expect(() => engine.write(txn, coll, idKey(2), { _id: 2, serial: 'A' }, true)).toThrow(expect.objectContaining({ code: 11000 }));
    engine.write(txn, coll, idKey(1), { _id: 1, serial: 'B' });
    expect(() => engine.write(txn, coll, idKey(2), { _id: 2, serial: 'A' }, true)).not.toThrow();
  });

  it('keys a dotted path the MongoDB way: missing, null and a non-document on the way are all null', () => {
    const { engine, ns } = setup([], [{ key: { 'a.b': 1 }, name: 'a.b_1', unique: true }]);
    const coll = engine.collection(ns)!;
    const insert = (doc: Document) => () => engine.write(new AutoBatch(), coll, idKey(doc._id), doc, true);
    insert({ _id: 1, a: { b: 1 } })();
    insert({ _id: 2, a: { b: { c: 1 } } })();
    insert({ _id: 3, a: null })();
    for (const doc of [{ _id: 4 }, { _id: 5, a: 5 }, { _id: 6, a: new ObjectId() }, { _id: 7, a: { b: null } }, { _id: 8, a: {} }]) {
      expect(insert(doc)).toThrow(expect.objectContaining({ code: 11000 }));
    }
    expect(insert({ _id: 9, a: { b: { c: 1 } } })).toThrow(expect.objectContaining({ code: 11000 }));
    // Through an array each element is a key of its own (multikey).
    insert({ _id: 10, a: [{ b: 2 }, { b: 3 }] })();
    expect(insert({ _id: 11, a: { b: 3 } })).toThrow(expect.objectContaining({ code: 11000 }));
    expect(engine.find(coll, { 'a.b': 3 }).map((d) => d._id)).toEqual([10]);
  });

  it('leaves out of a sparse index only the documents that lack every field of it', () => {
    const { engine, ns } = setup([], [{ key: { x: 1 }, name: 'x_1', unique: true, sparse: true }]);
    const coll = engine.collection(ns)!;
    const insert = (doc: Document) => () => engine.write(new AutoBatch(), coll, idKey(doc._id), doc, true);
    insert({ _id: 1 })();
    insert({ _id: 2 })();
    insert({ _id: 3, x: null })();
    expect(insert({ _id: 4, x: null })).toThrow(expect.objectContaining({ code: 11000 }));
  });

  it('re-checks unique keys at commit when another commit or a new index came after the snapshot', async () => {
    const { engine, ns } = setup([], [{ key: { serial: 1 }, name: 'serial_1', unique: true }]);
    const coll = engine.collection(ns)!;
    const first = engine.begin('a', 1);
    const second = engine.begin('b', 1);
    engine.write(first, coll, idKey(1), { _id: 1, serial: 'A' }, true);
    engine.write(second, coll, idKey(2), { _id: 2, serial: 'A' }, true);
    await engine.commit(first);
    expect(() => engine.commit(second)).toThrow(expect.objectContaining({ code: 112 }));

    // Only the index is new since this snapshot: the committed tag T was there before it began.
    engine.write(new AutoBatch(), coll, idKey(4), { _id: 4, serial: 'S4', tag: 'T' }, true);
    const third = engine.begin('c', 1);
    engine.write(third, coll, idKey(3), { _id: 3, serial: 'S3', tag: 'T' }, true);
    await engine.applyDdl({ ddl: 'createIndex', ns, spec: { key: { tag: 1 }, name: 'tag_1', unique: true } });
    expect(() => engine.commit(third)).toThrow(expect.objectContaining({ code: 112 }));
    expect(engine.find(coll, {}).map((d) => d._id)).toEqual([1, 4]);
  });

  it('commits a transaction of 20,000 unique inserts within the test timeout (a pairwise check would not)', async () => {
    const { engine, ns } = setup([], [{ key: { serial: 1 }, name: 'serial_1', unique: true }]);
    const coll = engine.collection(ns)!;
    const txn = engine.begin('s1', 1);
    for (let i = 0; i < 20_000; i++) engine.write(txn, coll, idKey(i), { _id: i, serial: `S${i}` }, true);
    await engine.commit(txn);
    expect(engine.count(coll)).toBe(20_000);
  });
});
