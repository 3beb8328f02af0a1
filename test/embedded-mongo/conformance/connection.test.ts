import { MongoClient, type Document } from 'mongodb';
import {
  expectServerError,
  openConformance,
  withSingleHost,
  withUriOptions,
  type ConformanceContext,
  type Doc,
} from './conformance.support';

let ctx: ConformanceContext;

beforeAll(async () => {
  ctx = await openConformance('connection');
});

afterAll(async () => {
  await ctx?.close();
});

function replicaSetNameIn(uri: string): string | undefined {
  const match = /[?&]replicaSet=([^&]+)/.exec(uri);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

async function hello(client: MongoClient): Promise<Document> {
  return client.db('admin').command({ hello: 1 });
}

/** The `host:port` the server calls itself, as it announces it in `hello`. */
async function primaryAddress(client: MongoClient): Promise<string> {
  const reply = await hello(client);
  const primary: unknown = reply.primary ?? reply.me;
  if (typeof primary !== 'string') throw new Error(`hello names no primary: ${JSON.stringify(reply)}`);
  return primary;
}

describe('connecting', () => {
  it('accepts the URI as given (replica-set discovery) and serves reads and writes', async () => {
    const client = await ctx.connect();
    const coll = client.db(ctx.dbName).collection<Doc>('handshake_default');
    await coll.insertOne({ _id: 1, via: 'replicaSet' });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, via: 'replicaSet' });
  });

  it('reports the announced replica-set name when the URI carries one', async () => {
    const reply = await hello(ctx.client);
    const expected = replicaSetNameIn(ctx.uri);
    expect(typeof reply.setName).toBe('string');
    if (expected !== undefined) expect(reply.setName).toBe(expected);
  });

  it('accepts directConnection=true and serves reads and writes', async () => {
    const directUri = withUriOptions(withSingleHost(ctx.uri, await primaryAddress(ctx.client)), {
      directConnection: 'true',
    });
    const client = await ctx.connect({}, directUri);
    const coll = client.db(ctx.dbName).collection<Doc>('handshake_direct');
    await coll.insertOne({ _id: 'direct' });
    expect(await coll.countDocuments({})).toBe(1);
  });

  it('serves a client that handshakes with OP_MSG because it declares a server API version', async () => {
    const client = await ctx.connect({ serverApi: { version: '1' } });
    const coll = client.db(ctx.dbName).collection<Doc>('handshake_api');
    await coll.insertOne({ _id: 'api' });
    expect(await coll.findOne({})).toEqual({ _id: 'api' });
  });

  it('serves a client that asks for zlib compression (negotiated away or used)', async () => {
    const client = await ctx.connect({ compressors: ['zlib'] });
    const coll = client.db(ctx.dbName).collection<Doc>('handshake_zlib');
    await coll.insertOne({ _id: 'zlib', padding: 'z'.repeat(10_000) });
    expect(await coll.findOne({ _id: 'zlib' })).toEqual({ _id: 'zlib', padding: 'z'.repeat(10_000) });
  });
});

describe('hello', () => {
  it('presents the server as the writable primary of a replica set with current limits', async () => {
    const reply = await hello(ctx.client);
    expect(reply).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      secondary: false,
      maxBsonObjectSize: 16777216,
      maxMessageSizeBytes: 48000000,
      maxWriteBatchSize: 100000,
      minWireVersion: 0,
    });
    expect(reply.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(typeof reply.setName).toBe('string');
    expect(reply.localTime).toBeInstanceOf(Date);
  });

  it('announces a logical session timeout so that sessions and transactions are available', async () => {
    const reply = await hello(ctx.client);
    expect(typeof reply.logicalSessionTimeoutMinutes).toBe('number');
    expect(reply.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
  });

  it('lists itself among the hosts and names itself primary', async () => {
    const reply = await hello(ctx.client);
    expect(typeof reply.me).toBe('string');
    expect(reply.primary).toBe(reply.me);
    expect(reply.hosts).toEqual(expect.arrayContaining([reply.me]));
  });

  it('gives each connection its own connectionId', async () => {
    const other = await ctx.connect();
    const [first, second] = await Promise.all([hello(ctx.client), hello(other)]);
    expect(typeof first.connectionId).toBe('number');
    expect(typeof second.connectionId).toBe('number');
    expect(first.connectionId).not.toBe(second.connectionId);
  });

  it('still answers the legacy isMaster command', async () => {
    const reply = await ctx.client.db('admin').command({ isMaster: 1 });
    expect(reply).toMatchObject({ ok: 1, ismaster: true, maxBsonObjectSize: 16777216 });
    expect(reply.maxWireVersion).toBeGreaterThanOrEqual(21);
  });
});

describe('administrative commands', () => {
  it('answers ping with ok: 1', async () => {
    expect(await ctx.client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('reports a 7.x-or-later version in buildInfo, consistent with its wire version', async () => {
    const info = await ctx.client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number(String(info.version).split('.')[0])).toBeGreaterThanOrEqual(7);
    expect(Array.isArray(info.versionArray)).toBe(true);
    expect(info.maxBsonObjectSize).toBe(16777216);
  });

  it('reports its feature compatibility version through getParameter', async () => {
    const reply = await ctx.client
      .db('admin')
      .command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(reply.ok).toBe(1);
    expect(reply.featureCompatibilityVersion?.version).toMatch(/^\d+\.\d+$/);
  });

  it('reports a truthful serverStatus subset: host, version, uptime and open connections', async () => {
    const status = await ctx.client.db('admin').command({ serverStatus: 1 });
    const info = await ctx.client.db('admin').command({ buildInfo: 1 });
    expect(typeof status.host).toBe('string');
    expect(status.version).toBe(info.version);
    expect(status.uptime).toBeGreaterThanOrEqual(0);
    expect(status.connections?.current).toBeGreaterThanOrEqual(1);
  });

  it('lists a database once something has been written to it', async () => {
    await ctx.db.collection('listed').insertOne({ here: true });
    const { databases, totalSize } = await ctx.client.db('admin').admin().listDatabases();
    expect(databases.map((d) => d.name)).toContain(ctx.dbName);
    expect(typeof totalSize).toBe('number');
    const ours = databases.find((d) => d.name === ctx.dbName);
    expect(ours).toMatchObject({ empty: false });
    expect(typeof ours?.sizeOnDisk).toBe('number');
  });

  it('filters listDatabases by name and honours nameOnly', async () => {
    await ctx.db.collection('listed').insertOne({ here: true });
    const reply = await ctx.client
      .db('admin')
      .command({ listDatabases: 1, nameOnly: true, filter: { name: ctx.dbName } });
    expect(reply.databases).toEqual([{ name: ctx.dbName }]);
  });

  it('refuses an unknown command with CommandNotFound (59) naming it', async () => {
    const error = await expectServerError(ctx.db.command({ frobnicateTheWidgets: 1 }), 59);
    expect(error.codeName).toBe('CommandNotFound');
    expect(error.message).toContain('frobnicateTheWidgets');
    expect(error.message).toMatch(/no such command/);
  });

  it('refuses an unknown command sent to the admin database the same way', async () => {
    const error = await expectServerError(ctx.client.db('admin').command({ notARealCommand: 1 }), 59);
    expect(error.message).toContain('notARealCommand');
  });
});
