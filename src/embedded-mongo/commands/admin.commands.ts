import { cpus } from 'node:os';
import { Long, Timestamp, type Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire/wire.protocol';
import { MongoCommandError } from '../errors';
import type { CommandContext } from './context';

export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const SESSION_TIMEOUT_MINUTES = 30;
export const TRANSACTION_LIFETIME_SECONDS = 60;

/** Presents this server as the primary of a one-node replica set, so sessions and transactions work. */
export function hello(cmd: Document, ctx: CommandContext): Document {
  const { info } = ctx.server;
  const me = `${info.host}:${info.port}`;
  const legacy = cmd.isMaster !== undefined || cmd.ismaster !== undefined;
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    ...(cmd.helloOk ? { helloOk: true } : {}),
    hosts: [me],
    setName: info.replSetName,
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    electionId: info.electionId,
    lastWrite: { opTime: { ts: new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }), t: Long.fromNumber(1) }, lastWriteDate: new Date() },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: SESSION_TIMEOUT_MINUTES,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

export function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'lpg-trace-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['lpg-trace-embedded'],
    javascriptEngine: 'none',
    modules: [],
    openssl: { running: 'disabled' },
    ok: 1,
  };
}

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  transactionLifetimeLimitSeconds: TRANSACTION_LIFETIME_SECONDS,
  cursorTimeoutMillis: 600000,
  maxBSONDepth: 100,
  authenticationMechanisms: [],
};

export function getParameter(cmd: Document): Document {
  if (cmd.getParameter === '*') return { ...PARAMETERS, ok: 1 };
  const out: Document = {};
  for (const key of Object.keys(cmd)) if (key in PARAMETERS) out[key] = PARAMETERS[key];
  if (Object.keys(out).length === 0) throw new MongoCommandError(72, 'InvalidOptions', 'no option found to get');
  return { ...out, ok: 1 };
}

/** What is really known about this process; nothing is invented. */
const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function serverStatus(_cmd: Document, ctx: CommandContext): Document {
  const { info, counters, cursors, engine } = ctx.server;
  const mem = process.memoryUsage();
  return {
    host: `${info.host}:${info.port}`,
    version: SERVER_VERSION,
    process: 'lpg-trace-embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime: (Date.now() - info.startedAt.getTime()) / 1000,
    localTime: new Date(),
    connections: { current: counters.connectionsCurrent, totalCreated: counters.connectionsTotal },
    mem: { bits: 64, resident: Math.round(mem.rss / 1048576), virtual: Math.round(mem.rss / 1048576) },
    metrics: {
      commands: Object.fromEntries([...counters.commands].map(([k, v]) => [k, { total: Long.fromNumber(v), failed: Long.ZERO }])),
      cursor: { open: { total: cursors.size } },
    },
    transactions: { currentActive: engine.activeTransactions },
    // Not in MongoDB's serverStatus: what each command has cost this server, and the reads no index answered.
    embedded: {
      commands: Object.fromEntries([...counters.timings].map(([k, t]) => [k, { count: t.count, handlerMs: round(t.handlerMs), maxHandlerMs: round(t.maxHandlerMs), durableMs: round(t.durableMs) }])),
      collectionScans: Object.fromEntries(engine.collectionScans),
    },
    storageEngine: { name: info.storage, persistent: info.storage === 'journal' },
    ok: 1,
  };
}

export function listDatabases(cmd: Document, ctx: CommandContext): Document {
  const databases = ctx.engine.databases().map((name) => ({ name, sizeOnDisk: 0, empty: ctx.engine.collectionsOf(name).length === 0 }));
  return cmd.nameOnly ? { databases: databases.map((d) => ({ name: d.name })), ok: 1 } : { databases, totalSize: 0, ok: 1 };
}

export function connectionStatus(): Document {
  return { authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 };
}

export function hostInfo(_cmd: Document, ctx: CommandContext): Document {
  return { system: { hostname: ctx.server.info.host, numCores: cpus().length }, os: { type: process.platform }, ok: 1 };
}
