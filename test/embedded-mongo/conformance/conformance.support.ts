import {
  Binary,
  Decimal128,
  Long,
  MongoClient,
  ObjectId,
  MongoServerError,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Collection,
  type Db,
  type Document,
  type MongoClientOptions,
} from 'mongodb';
import { startTestDatabase } from '../../support/mongo';

/** The `_id` types the tests use (a concrete union: the driver types `unknown` ids as ObjectId). */
export type DocId = string | number | boolean | Date | ObjectId | Long | Decimal128 | Binary;

/**
 * A document of any shape (the driver's own `Document`) whose `_id` is one of the types the tests
 * use. Fields stay loosely typed on purpose: these tests assert values the server returns.
 */
export interface Doc extends Document {
  _id?: DocId;
}

/**
 * One conformance test file's view of the server under test: the embedded server started
 * in-process, or the real MongoDB named by MONGODB_URI. Tests talk to it only through the
 * official driver (and mongoose), so the same file proves both behave alike.
 */
export interface ConformanceContext {
  readonly uri: string;
  readonly dbName: string;
  readonly external: boolean;
  readonly client: MongoClient;
  readonly db: Db;
  /** A collection of the test database. */
  collection(name: string): Collection<Doc>;
  /** Another client on the same server, closed with the context. */
  connect(options?: MongoClientOptions, uri?: string): Promise<MongoClient>;
  close(): Promise<void>;
}

export async function openConformance(label: string): Promise<ConformanceContext> {
  const database = await startTestDatabase(label);
  const clients: MongoClient[] = [];
  const connect = async (options: MongoClientOptions = {}, uri = database.uri): Promise<MongoClient> => {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, ...options });
    clients.push(client);
    await client.connect();
    return client;
  };
  const client = await connect();
  return {
    uri: database.uri,
    dbName: database.dbName,
    external: database.external,
    client,
    db: client.db(database.dbName),
    collection: (name) => client.db(database.dbName).collection<Doc>(name),
    connect,
    async close() {
      // A shared real MongoDB must be left clean; the embedded server is simply discarded.
      if (database.external) await client.db(database.dbName).dropDatabase();
      await Promise.all(clients.map((c) => c.close()));
      await database.stop();
    },
  };
}

/** What a failed operation rejected with, or undefined when it succeeded. */
export async function failureOf(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
    return undefined;
  } catch (error: unknown) {
    return error;
  }
}

function describeFailure(error: unknown): string {
  if (error === undefined) return 'the operation succeeded';
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Asserts that the server refused the operation with `code`, showing the code, name and
 * message actually received when it did not.
 */
export async function expectServerError(action: Promise<unknown>, code: number): Promise<MongoServerError> {
  const error = await failureOf(action);
  if (!(error instanceof MongoServerError)) {
    throw new Error(`expected a MongoServerError with code ${code}, but ${describeFailure(error)}`);
  }
  if (error.code !== code) {
    throw new Error(
      `expected a MongoServerError with code ${code}, but got code ${String(error.code)} ` +
        `(${String(error.codeName)}): ${error.message}`,
    );
  }
  return error;
}

/**
 * Asserts that the operation failed in any way (driver- or server-side) and returns the error.
 * Errors raised by Node itself come from another realm than Jest's, so `instanceof Error` is not used.
 */
export async function expectFailure(action: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await failureOf(action);
  if (typeof error !== 'object' || error === null || typeof (error as { message?: unknown }).message !== 'string') {
    throw new Error(`expected the operation to fail, but ${describeFailure(error)}`);
  }
  const { name, message } = error as { name?: unknown; message: string };
  return { name: String(name), message };
}

export interface CommandLog {
  readonly started: CommandStartedEvent[];
  readonly succeeded: CommandSucceededEvent[];
  /** Names of the commands started, in order. */
  names(): string[];
  /** The replies to the successful commands named `name`, in order. */
  replies(name: string): Document[];
  clear(): void;
}

/** Records the commands a client created with `monitorCommands: true` sends. */
export function recordCommands(client: MongoClient): CommandLog {
  const started: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];
  client.on('commandStarted', (event) => started.push(event));
  client.on('commandSucceeded', (event) => succeeded.push(event));
  return {
    started,
    succeeded,
    names: () => started.map((event) => event.commandName),
    replies: (name) =>
      succeeded.filter((event) => event.commandName === name).map((event) => event.reply as Document),
    clear() {
      started.length = 0;
      succeeded.length = 0;
    },
  };
}

/** `uri` with extra query-string options. */
export function withUriOptions(uri: string, options: Record<string, string>): string {
  const query = new URLSearchParams(options).toString();
  if (uri.includes('?')) return `${uri}&${query}`;
  return `${uri.replace(/\/$/, '')}/?${query}`;
}

/** `uri` pointing at the single `hostPort` instead of its host list (credentials and options kept). */
export function withSingleHost(uri: string, hostPort: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^@/]*@)?([^/?]*)(.*)$/.exec(uri);
  if (!match) throw new Error(`not a mongodb:// URI: ${uri}`);
  const [, scheme = 'mongodb://', credentials = '', , rest = ''] = match;
  const single = `mongodb://${credentials}${hostPort}${rest}`;
  // An SRV address implies TLS; spelling out one host must keep it.
  return scheme.includes('+srv') ? withUriOptions(single, { tls: 'true' }) : single;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
