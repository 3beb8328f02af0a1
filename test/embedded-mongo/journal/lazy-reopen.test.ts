import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EJSON, ObjectId, type Document } from 'bson';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../src/embedded-mongo';

/**
 * A restart reads the snapshot without decoding it: each document stays bytes until touched, each
 * index is built on first use, and the journal's writes after the snapshot wait for their
 * collection's first touch. None of that may show: after a reopen every find, sort, count,
 * aggregation and index listing answers as before, a unique index refuses a duplicate before any
 * read touched its collection, and a checkpoint taken while documents are still undecoded writes
 * them back intact.
 */

const SLOW = 180_000;
const DB = 'reopen';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Documents whose _id is of any BSON type (the test varies it). */
type AnyId = string | number | ObjectId | Document;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test varies _id's BSON type and every field's shape on purpose
type AnyDoc = { _id?: AnyId; [key: string]: any };

interface Session {
  server: EmbeddedMongo;
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

async function open(dbPath: string, checkpointBytes?: number, settleAfterOpen?: { bytes: number; delayMs: number }): Promise<Session> {
  const server = await startEmbeddedMongo({ port: 0, dbPath, checkpointBytes, settleAfterOpen });
  const client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 30_000 });
  return {
    server,
    client,
    db: client.db(DB),
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

const future = new Date(Date.now() + 365 * 24 * 3600 * 1000);

/** People with every kind of _id; some with a code (partial unique), some with a nick (sparse unique), tags (multikey), an address (dotted). */
function people(): AnyDoc[] {
  const ids: AnyId[] = [
    new ObjectId('65a000000000000000000001'),
    new ObjectId('65a000000000000000000002'),
    'p-string',
    'p-another',
    42,
    7.5,
    -3,
    { region: 'QC', n: 1 },
    { region: 'QC', n: 2 },
    { region: 'YD', sub: { n: 1 } },
  ];
  const out: Document[] = [];
  for (let i = 0; i < 60; i++) {
    const doc: Document = {
      _id: ids[i] ?? `p${String(i).padStart(3, '0')}`,
      email: `user${i}@example.cn`,
      district: ['清城区', '清新区', '英德市', '连州市'][i % 4],
      seq: i,
      addr: { city: ['清远', '英德', '连州'][i % 3], street: `路${i}号` },
      tags: i % 2 ? ['household', `t${i % 5}`] : ['restaurant'],
      score: i % 6 === 0 ? null : (i * 37) % 101,
      expiresAt: future,
    };
    if (i % 3 === 0) doc.code = `C${i}`;
    if (i % 4 === 1) doc.nick = `nick${i}`;
    if (i % 10 === 9) delete doc.score;
    out.push(doc);
  }
  return out;
}

async function createSchema(db: Db): Promise<void> {
  const coll = db.collection<AnyDoc>('people');
  await coll.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  await coll.createIndex({ district: 1, seq: -1 }, { unique: true, name: 'district_seq_unique' });
  await coll.createIndex({ 'addr.city': 1 }, { name: 'addr_city' });
  await coll.createIndex({ tags: 1 }, { name: 'tags' });
  await coll.createIndex({ nick: 1 }, { unique: true, sparse: true, name: 'nick_sparse' });
  await coll.createIndex({ code: 1 }, { unique: true, partialFilterExpression: { code: { $exists: true } }, name: 'code_partial' });
  await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 3600, name: 'ttl' });
  await coll.createIndex({ score: -1 }, { name: 'score_desc' });
  await db.collection<AnyDoc>('untouched').createIndex({ k: 1 }, { unique: true, name: 'k_unique' });
}

/** Everything a client can read of the database, as canonical EJSON, in a stable shape. */
async function observe(db: Db): Promise<string> {
  const p = db.collection<AnyDoc>('people');
  const seen: Record<string, unknown> = {
    collections: (await db.listCollections().toArray()).map((c) => c.name).sort(),
    indexes: (await p.listIndexes().toArray()).map((ix) => ({ ...ix })).sort((a, b) => String(a.name).localeCompare(String(b.name))),
    all: await p.find().sort({ _id: 1 }).toArray(),
    // The ordered _id index: built from the undecoded documents on its first use after a reopen.
    idPage: await p.find({ _id: { $gte: 'p' } }, { projection: { _id: 1, seq: 1 } }).sort({ _id: -1 }).limit(5).toArray(),
    idRange: await p.find({ _id: { $gt: 0 } }, { projection: { _id: 1 } }).toArray(),
    bySeqDesc: await p.find({}, { projection: { _id: 1, seq: 1 } }).sort({ seq: -1 }).limit(7).toArray(),
    seqRange: await p.find({ seq: { $gt: 20 } }).sort({ seq: 1 }).skip(3).limit(10).toArray(),
    districtPage: await p.find({ district: '英德市' }).sort({ seq: -1 }).limit(4).toArray(),
    byScore: await p.find({}, { projection: { _id: 1, score: 1 } }).sort({ score: -1, _id: 1 }).toArray(),
    byCity: await p.find({ 'addr.city': '英德' }).sort({ _id: 1 }).toArray(),
    byTag: await p.find({ tags: 'household' }).sort({ seq: 1 }).toArray(),
    byCode: await p.findOne({ code: 'C9' }),
    byNick: await p.findOne({ nick: 'nick5' }),
    byNestedId: await p.findOne({ _id: { region: 'QC', n: 2 } }),
    count: await p.countDocuments(),
    countFiltered: await p.countDocuments({ district: '清城区', score: { $gte: 30 } }),
    estimated: await p.estimatedDocumentCount(),
    grouped: await p
      .aggregate([{ $match: { seq: { $gte: 5 } } }, { $group: { _id: '$district', n: { $sum: 1 }, top: { $max: '$score' } } }, { $sort: { _id: 1 } }])
      .toArray(),
    unwound: await p.aggregate([{ $unwind: '$tags' }, { $sortByCount: '$tags' }, { $sort: { count: -1, _id: 1 } }]).toArray(),
    distinctCities: await p.distinct('addr.city'),
    untouched: await db.collection<AnyDoc>('untouched').find().sort({ k: 1 }).toArray(),
  };
  return EJSON.stringify(seen, { relaxed: false });
}

/** Writes a unique index must refuse: each names a key an existing document holds. */
async function expectDuplicatesRefused(db: Db): Promise<void> {
  const p = db.collection<AnyDoc>('people');
  const attempts: AnyDoc[] = [
    { _id: 'dup-email', email: 'user2@example.cn', district: 'x', seq: 1000 },
    { _id: 'dup-compound', email: 'fresh1@example.cn', district: '清新区', seq: 1 },
    { _id: 'dup-code', email: 'fresh2@example.cn', district: 'x', seq: 1001, code: 'C3' },
    { _id: 'dup-nick', email: 'fresh3@example.cn', district: 'x', seq: 1002, nick: 'nick1' },
    { _id: 42, email: 'fresh4@example.cn', district: 'x', seq: 1003 },
    { _id: { region: 'QC', n: 1 }, email: 'fresh5@example.cn', district: 'x', seq: 1004 },
  ];
  for (const doc of attempts) {
    const error = await p.insertOne(doc).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
  }
  const untouched = await db
    .collection<AnyDoc>('untouched')
    .insertOne({ k: 3 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect((untouched as MongoServerError | undefined)?.code).toBe(11000);
}

async function snapshots(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.snap')).sort();
}

describe('reopening a data directory whose snapshot is read lazily', () => {
  it(
    'answers every read as before, refuses duplicates before any read, and checkpoints undecoded documents intact',
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'emdb-reopen-'));
      dirs.push(dir);

      // 1. Build the data, compacting into snapshots as it goes (checkpointBytes 1: after every write).
      const first = await open(dir, 1);
      await createSchema(first.db);
      await first.db.collection<AnyDoc>('people').insertMany(people());
      await first.db.collection<AnyDoc>('untouched').insertMany(Array.from({ length: 20 }, (_, k) => ({ _id: `u${k}`, k, blob: 'x'.repeat(k * 10) })));
      await first.db.collection<{ _id: string; tags: string[] }>('people').updateOne({ _id: 'p-string' }, { $set: { score: 99, 'addr.city': '英德' }, $push: { tags: 'vip' } });
      await first.db.collection<AnyDoc>('people').deleteOne({ _id: -3 });
      await first.db.collection<AnyDoc>('people').updateOne({ _id: { region: 'QC', n: 2 } }, { $unset: { nick: '' }, $set: { code: 'C-new' } });
      const afterFirst = await observe(first.db);
      await first.close();
      expect((await snapshots(dir)).length).toBeGreaterThan(0);

      // 2. Reopen: unique indexes hold before anything was read; reads equal; then writes that only the journal holds.
      const second = await open(dir);
      await expectDuplicatesRefused(second.db);
      expect(await observe(second.db)).toBe(afterFirst);
      const p2 = second.db.collection<AnyDoc>('people');
      await p2.insertOne({ _id: new ObjectId('65a0000000000000000000ff'), email: 'late@example.cn', district: '清城区', seq: 500, code: 'C500', tags: ['late'], score: 3 });
      await p2.updateMany({ district: '连州市' }, { $inc: { score: 1 } });
      await p2.deleteMany({ seq: { $in: [10, 11, 12] } });
      await p2.replaceOne({ _id: 7.5 }, { email: 'replaced@example.cn', district: '清新区', seq: 7, addr: { city: '连州' }, tags: [] });
      const afterSecond = await observe(second.db);
      expect(afterSecond).not.toBe(afterFirst);
      await second.close();

      // 3. Reopen with the journal's writes pending on collections not loaded yet; then a checkpoint
      //    while `untouched` (never read in this session) is still bytes.
      const third = await open(dir, 1);
      await expectDuplicatesRefused(third.db);
      const before = await snapshots(dir);
      await third.db.collection<AnyDoc>('people').updateOne({ _id: 'p-another' }, { $set: { score: 1 } });
      await third.close();
      const after = await snapshots(dir);
      expect(after).not.toEqual(before);

      const fourth = await open(dir);
      await expectDuplicatesRefused(fourth.db);
      const afterFourth = await observe(fourth.db);
      const expected = EJSON.parse(afterSecond, { relaxed: false }) as { all: Document[] };
      const got = EJSON.parse(afterFourth, { relaxed: false }) as { all: Document[]; untouched: Document[] };
      expect(Number(got.all.find((d) => d._id === 'p-another')?.score)).toBe(1);
      // Apart from that one write, the same as before the two reopens.
      const withoutWrite = (all: Document[]): Document[] => all.filter((d) => d._id !== 'p-another');
      expect(EJSON.stringify(withoutWrite(got.all))).toBe(EJSON.stringify(withoutWrite(expected.all)));
      expect(got.untouched).toHaveLength(20);
      expect(EJSON.serialize(got.untouched[19] ?? {})).toEqual(EJSON.serialize({ _id: 'u19', k: 19, blob: 'x'.repeat(190) }));
      await fourth.close();
    },
    SLOW,
  );

  it(
    'compacts soon after an open that replayed much journal, so the next open starts from a snapshot',
    async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'emdb-settle-'));
      dirs.push(dir);
      // Written with no snapshot at all: everything is journal.
      const first = await open(dir, 1024 * 1024 * 1024);
      await createSchema(first.db);
      await first.db.collection<AnyDoc>('people').insertMany(people());
      const written = await observe(first.db);
      await first.close();
      expect(await snapshots(dir)).toEqual([]);

      // Reopened: the replay is above the threshold, so a snapshot follows without any write.
      const second = await open(dir, undefined, { bytes: 1, delayMs: 0 });
      const deadline = Date.now() + 20_000;
      while ((await snapshots(dir)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await snapshots(dir)).length).toBe(1);
      expect(await observe(second.db)).toBe(written);
      await second.close();

      // And below the threshold nothing is compacted: reopening a settled directory writes no snapshot.
      const settled = await snapshots(dir);
      const third = await open(dir, undefined, { bytes: 64 * 1024 * 1024, delayMs: 0 });
      expect(await observe(third.db)).toBe(written);
      await new Promise((r) => setTimeout(r, 300));
      await third.close();
      expect(await snapshots(dir)).toEqual(settled);

      const fourth = await open(dir);
      expect(await observe(fourth.db)).toBe(written);
      await fourth.close();
    },
    SLOW,
  );
});
