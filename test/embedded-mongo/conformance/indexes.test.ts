import { MongoServerError, type Document } from 'mongodb';
import mongoose from 'mongoose';
import {
  expectServerError,
  failureOf,
  openConformance,
  sleep,
  type ConformanceContext,
} from './conformance.support';

let ctx: ConformanceContext;

beforeAll(async () => {
  ctx = await openConformance('indexes');
});

afterAll(async () => {
  await ctx?.close();
});

async function indexNames(collection: string): Promise<string[]> {
  return (await ctx.collection(collection).listIndexes().toArray()).map((i) => String(i.name)).sort();
}

describe('managing indexes', () => {
  it('createIndex returns the generated name and listIndexes shows it beside _id_', async () => {
    const coll = ctx.collection('managed');
    await coll.insertOne({ name: 'a', at: 1 });
    expect(await coll.createIndex({ name: 1 })).toBe('name_1');
    expect(await coll.createIndex({ name: 1, at: -1 }, { unique: true })).toBe('name_1_at_-1');
    const specs = await coll.listIndexes().toArray();
    expect(specs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ v: 2, key: { _id: 1 }, name: '_id_' }),
        expect.objectContaining({ v: 2, key: { name: 1 }, name: 'name_1' }),
        expect.objectContaining({ v: 2, key: { name: 1, at: -1 }, name: 'name_1_at_-1', unique: true }),
      ]),
    );
    expect(specs).toHaveLength(3);
  });

  it('dropIndex removes an index by name; dropping an unknown one is IndexNotFound (27)', async () => {
    const coll = ctx.collection('dropping');
    await coll.createIndex({ a: 1 });
    await coll.createIndex({ b: 1 }, { name: 'custom_b' });
    await coll.dropIndex('a_1');
    expect(await indexNames('dropping')).toEqual(['_id_', 'custom_b']);
    await expectServerError(coll.dropIndex('a_1'), 27);
  });

  it('refuses to drop the _id index', async () => {
    const coll = ctx.collection('dropping_id');
    await coll.insertOne({});
    await expectServerError(coll.dropIndex('_id_'), 72);
    expect(await indexNames('dropping_id')).toEqual(['_id_']);
  });

  it('listIndexes on a collection that does not exist is NamespaceNotFound (26)', async () => {
    await expectServerError(ctx.collection('no_such_collection').listIndexes().toArray(), 26);
  });

  it('creating the same index twice is a no-op', async () => {
    const coll = ctx.collection('twice');
    expect(await coll.createIndex({ k: 1 }, { unique: true })).toBe('k_1');
    expect(await coll.createIndex({ k: 1 }, { unique: true })).toBe('k_1');
    expect(await indexNames('twice')).toEqual(['_id_', 'k_1']);
  });

  it('the same key under another name is IndexOptionsConflict (85)', async () => {
    const coll = ctx.collection('conflict_name');
    await coll.createIndex({ k: 1 });
    await expectServerError(coll.createIndex({ k: 1 }, { name: 'other_name' }), 85);
  });

  it('the same name with another TTL is IndexOptionsConflict (85)', async () => {
    const coll = ctx.collection('conflict_ttl');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await expectServerError(coll.createIndex({ at: 1 }, { expireAfterSeconds: 60 }), 85);
  });

  it('the same name for another key is IndexKeySpecsConflict (86)', async () => {
    const coll = ctx.collection('conflict_key');
    await coll.createIndex({ k: 1 }, { name: 'shared' });
    await expectServerError(coll.createIndex({ j: 1 }, { name: 'shared' }), 86);
  });

  it('the same name and key but a different unique option is refused (85 or 86, depending on version)', async () => {
    const coll = ctx.collection('conflict_unique');
    await coll.createIndex({ k: 1 });
    const error = await failureOf(coll.createIndex({ k: 1 }, { unique: true }));
    expect(error).toBeInstanceOf(MongoServerError);
    expect([85, 86]).toContain((error as MongoServerError).code);
  });
});

describe('unique indexes', () => {
  it('refuses a duplicate with code 11000 and the keyPattern, keyValue and errmsg MongoDB sends', async () => {
    const coll = ctx.collection('users');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a@x.org' });
    const error = await expectServerError(coll.insertOne({ email: 'a@x.org' }), 11000);
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'a@x.org' });
    expect(error.errmsg).toBe(
      `E11000 duplicate key error collection: ${ctx.dbName}.users index: email_1 dup key: { email: "a@x.org" }`,
    );
    expect(await coll.countDocuments({ email: 'a@x.org' })).toBe(1);
  });

  it('refuses a duplicate _id the same way', async () => {
    const coll = ctx.collection('dup_id');
    await coll.insertOne({ _id: 1 });
    const error = await expectServerError(coll.insertOne({ _id: 1 }), 11000);
    expect(error.keyPattern).toEqual({ _id: 1 });
    expect(error.keyValue).toEqual({ _id: 1 });
    expect(error.errmsg).toBe(`E11000 duplicate key error collection: ${ctx.dbName}.dup_id index: _id_ dup key: { _id: 1 }`);
  });

  it('a compound unique index refuses only the same combination', async () => {
    const coll = ctx.collection('compound');
    await coll.createIndex({ a: 1, b: 1 }, { unique: true });
    await coll.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ]);
    const error = await expectServerError(coll.insertOne({ a: 1, b: 2 }), 11000);
    expect(error.keyPattern).toEqual({ a: 1, b: 1 });
    expect(error.keyValue).toEqual({ a: 1, b: 2 });
    expect(error.errmsg).toBe(
      `E11000 duplicate key error collection: ${ctx.dbName}.compound index: a_1_b_1 dup key: { a: 1, b: 2 }`,
    );
  });

  it('a non-sparse unique index treats a missing field as null, so only one document may lack it', async () => {
    const coll = ctx.collection('unique_missing');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ other: 1 });
    const error = await expectServerError(coll.insertOne({ other: 2 }), 11000);
    expect(error.keyValue).toEqual({ code: null });
    expect(error.errmsg).toContain('dup key: { code: null }');
  });

  it('a sparse unique index allows many documents without the field but still refuses duplicates', async () => {
    const coll = ctx.collection('sparse_unique');
    await coll.createIndex({ code: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ x: 1 }, { x: 2 }, { x: 3 }, { code: 'A' }]);
    await expectServerError(coll.insertOne({ code: 'A' }), 11000);
    expect(await coll.countDocuments()).toBe(4);
  });

  it('a partial unique index enforces uniqueness only among documents matching its filter', async () => {
    const coll = ctx.collection('partial_unique');
    await coll.createIndex({ serial: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([
      { serial: 'S1', active: false },
      { serial: 'S1', active: false },
      { serial: 'S1', active: true },
    ]);
    await expectServerError(coll.insertOne({ serial: 'S1', active: true }), 11000);
    await coll.insertOne({ serial: 'S2', active: true });
    expect(await coll.countDocuments({ serial: 'S1' })).toBe(3);
  });

  it('refuses an update that would create a duplicate and leaves the document unchanged', async () => {
    const coll = ctx.collection('unique_update');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, email: 'one@x.org' },
      { _id: 2, email: 'two@x.org' },
    ]);
    const error = await expectServerError(coll.updateOne({ _id: 2 }, { $set: { email: 'one@x.org' } }), 11000);
    expect(error.keyValue).toEqual({ email: 'one@x.org' });
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'two@x.org' });
  });

  it('refuses an upsert that would create a duplicate', async () => {
    const coll = ctx.collection('unique_upsert');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, email: 'one@x.org' });
    await expectServerError(coll.updateOne({ _id: 2 }, { $set: { email: 'one@x.org' } }, { upsert: true }), 11000);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const coll = ctx.collection('unique_build');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    await expectServerError(coll.createIndex({ k: 1 }, { unique: true }), 11000);
    expect(await indexNames('unique_build')).toEqual(['_id_']);
  });

  it('counts an array field element by element', async () => {
    const coll = ctx.collection('unique_multikey');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ tags: ['a', 'b'] });
    const error = await expectServerError(coll.insertOne({ tags: ['c', 'b'] }), 11000);
    expect(error.keyValue).toEqual({ tags: 'b' });
  });
});

describe('unique indexes through mongoose', () => {
  interface Account {
    login: string;
  }
  let connection: mongoose.Connection;
  let Accounts: mongoose.Model<Account>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(ctx.uri, { dbName: ctx.dbName }).asPromise();
    const schema = new mongoose.Schema<Account>({ login: { type: String, required: true, unique: true } });
    Accounts = connection.model<Account>('Account', schema, 'mongoose_accounts');
    await Accounts.init();
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('Model.init builds the declared unique index', async () => {
    const indexes = await Accounts.listIndexes();
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { login: 1 }, unique: true })]));
  });

  it('a duplicate create rejects with the MongoServerError 11000 mongoose reports as usual', async () => {
    await Accounts.create({ login: 'ops' });
    const error = await failureOf(Accounts.create({ login: 'ops' }));
    expect(error).toBeInstanceOf(mongoose.mongo.MongoServerError);
    const serverError = error as MongoServerError;
    expect(serverError.name).toBe('MongoServerError');
    expect(serverError.code).toBe(11000);
    expect(serverError.keyPattern).toEqual({ login: 1 });
    expect(serverError.keyValue).toEqual({ login: 'ops' });
    expect(serverError.message).toMatch(/^E11000 duplicate key error collection: .*mongoose_accounts index: login_1/);
    expect(await Accounts.countDocuments({ login: 'ops' })).toBe(1);
  });

  it('insertMany reports the duplicate among its write errors and keeps the others (unordered)', async () => {
    await Accounts.create({ login: 'taken' });
    const error = await failureOf(
      Accounts.insertMany([{ login: 'fresh1' }, { login: 'taken' }, { login: 'fresh2' }], { ordered: false }),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Document).code).toBe(11000);
    expect(await Accounts.countDocuments({ login: { $in: ['fresh1', 'fresh2'] } })).toBe(2);
  });
});

describe('TTL indexes', () => {
  it(
    'remove a document once its date is older than expireAfterSeconds, leaving non-date and missing values',
    async () => {
      const coll = ctx.collection('ttl');
      await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 1 });
      await coll.insertMany([
        { _id: 'expiring', createdAt: new Date() },
        { _id: 'array-of-dates', createdAt: [new Date(Date.now() + 3_600_000), new Date(0)] },
        { _id: 'future', createdAt: new Date(Date.now() + 3_600_000) },
        { _id: 'not-a-date', createdAt: 'yesterday' },
        { _id: 'no-field' },
      ]);
      // Real MongoDB's TTL monitor wakes every 60 s; the embedded server should be far quicker.
      const deadline = Date.now() + 70_000;
      let remaining = await coll.countDocuments({ _id: { $in: ['expiring', 'array-of-dates'] } });
      while (remaining > 0 && Date.now() < deadline) {
        await sleep(250);
        remaining = await coll.countDocuments({ _id: { $in: ['expiring', 'array-of-dates'] } });
      }
      expect(remaining).toBe(0);
      const left = await coll.find().sort({ _id: 1 }).toArray();
      expect(left.map((d) => d._id)).toEqual(['future', 'no-field', 'not-a-date']);
    },
    90_000,
  );

  it('show expireAfterSeconds in listIndexes', async () => {
    const coll = ctx.collection('ttl_listed');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 300 });
    const spec = (await coll.listIndexes().toArray()).find((i) => i.name === 'at_1');
    expect(spec).toMatchObject({ key: { at: 1 }, expireAfterSeconds: 300 });
  });
});
