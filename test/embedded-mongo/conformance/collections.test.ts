import { Binary } from 'mongodb';
import { expectServerError, openConformance, type ConformanceContext } from './conformance.support';

let ctx: ConformanceContext;

beforeAll(async () => {
  ctx = await openConformance('collections');
});

afterAll(async () => {
  await ctx?.close();
});

async function collectionNames(dbName = ctx.dbName): Promise<string[]> {
  const listed = await ctx.client.db(dbName).listCollections({}, { nameOnly: true }).toArray();
  return listed.map((c) => c.name).sort();
}

describe('creating and listing collections', () => {
  it('createCollection makes an empty collection that listCollections describes in full', async () => {
    await ctx.db.createCollection('created');
    const [info, ...others] = await ctx.db.listCollections({ name: 'created' }).toArray();
    expect(others).toEqual([]);
    expect(info).toMatchObject({
      name: 'created',
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    const uuid: unknown = (info as { info?: { uuid?: unknown } } | undefined)?.info?.uuid;
    expect(uuid).toBeInstanceOf(Binary);
    expect((uuid as Binary).sub_type).toBe(4);
    expect(await ctx.collection('created').countDocuments()).toBe(0);
  });

  it('listCollections with nameOnly returns only name and type', async () => {
    await ctx.db.createCollection('name_only');
    const listed = await ctx.db.listCollections({ name: 'name_only' }, { nameOnly: true }).toArray();
    expect(listed).toEqual([{ name: 'name_only', type: 'collection' }]);
  });

  it('the first insert creates a collection implicitly', async () => {
    await ctx.collection('implicit').insertOne({ a: 1 });
    expect(await collectionNames()).toContain('implicit');
  });

  it('creating an existing collection with the same options succeeds (MongoDB 7.0+), with other options fails with NamespaceExists (48)', async () => {
    await ctx.db.createCollection('existing');
    await ctx.db.createCollection('existing');
    await expectServerError(ctx.db.createCollection('existing', { capped: true, size: 65536 }), 48);
  });

  it('a database with no collections lists none', async () => {
    expect(await collectionNames(`${ctx.dbName}_empty`)).toEqual([]);
  });
});

describe('dropping', () => {
  it('drop removes the collection with its documents and indexes', async () => {
    const coll = ctx.collection('dropped');
    await coll.insertMany([{ k: 1 }, { k: 2 }]);
    await coll.createIndex({ k: 1 });
    expect(await coll.drop()).toBe(true);
    expect(await collectionNames()).not.toContain('dropped');
    expect(await coll.countDocuments()).toBe(0);
    await coll.insertOne({ k: 3 });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('dropDatabase removes every collection of the database', async () => {
    const name = `${ctx.dbName}_dropme`;
    const db = ctx.client.db(name);
    await db.collection('a').insertOne({});
    await db.collection('b').insertOne({});
    expect(await db.dropDatabase()).toBe(true);
    expect(await collectionNames(name)).toEqual([]);
    const { databases } = await ctx.client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(databases.map((d) => d.name)).not.toContain(name);
  });
});

describe('renaming', () => {
  it('renameCollection moves the documents and indexes to the new name', async () => {
    const source = ctx.collection('rename_from');
    await source.insertMany([{ _id: 1 }, { _id: 2 }]);
    await source.createIndex({ x: 1 }, { name: 'x_index' });
    await source.rename('rename_to');
    const names = await collectionNames();
    expect(names).toContain('rename_to');
    expect(names).not.toContain('rename_from');
    expect(await ctx.collection('rename_to').countDocuments()).toBe(2);
    expect((await ctx.collection('rename_to').listIndexes().toArray()).map((i) => i.name).sort()).toEqual([
      '_id_',
      'x_index',
    ]);
  });

  it('renaming a collection that does not exist is NamespaceNotFound (26)', async () => {
    await expectServerError(ctx.collection('never_was').rename('never_will_be'), 26);
  });

  it('renaming onto an existing collection is NamespaceExists (48) unless dropTarget is set', async () => {
    await ctx.collection('rn_source').insertOne({ _id: 'from source' });
    await ctx.collection('rn_target').insertOne({ _id: 'from target' });
    await expectServerError(ctx.collection('rn_source').rename('rn_target'), 48);
    await ctx.collection('rn_source').rename('rn_target', { dropTarget: true });
    expect(await ctx.collection('rn_target').find().toArray()).toEqual([{ _id: 'from source' }]);
  });
});
