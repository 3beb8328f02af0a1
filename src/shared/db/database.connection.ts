import mongoose, { type Connection } from 'mongoose';

export interface DatabaseInfo {
  mode: 'external' | 'embedded' | 'memory-server';
  engine: 'external' | 'mongod' | 'lpg-embedded';
  name: string;
}

/** What HTTP health checks need from the database, and nothing more. */
export interface DatabaseProbe {
  readonly info: DatabaseInfo;
  /** Resolves when the server answers a ping within timeoutMs; rejects otherwise. */
  ping(timeoutMs: number): Promise<void>;
}

export interface Database extends DatabaseProbe {
  /** Repositories bind their models to this connection (`connection.model(...)`). */
  readonly connection: Connection;
  close(): Promise<void>;
}

export const DEFAULT_DB_NAME = 'lpg_trace';

/** DB_NAME wins; otherwise the database named in the URI path; otherwise ours. */
export function resolveDbName(uri: string, explicit: string | undefined): string {
  if (explicit) return explicit;
  const path = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : DEFAULT_DB_NAME;
}

export async function connectDatabase(uri: string, info: DatabaseInfo): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    dbName: info.name,
    // Fail a start against a dead server in seconds, not the driver's default 30 s.
    serverSelectionTimeoutMS: 5_000,
    autoIndex: true,
  });
  await connection.asPromise();
  return {
    info,
    connection,
    ping: (timeoutMs) => pingConnection(connection, timeoutMs),
    close: () => connection.close(),
  };
}

function pingConnection(connection: Connection, timeoutMs: number): Promise<void> {
  const db = connection.db;
  if (!db) return Promise.reject(new Error('database connection is not open'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
  });
  const ping = db.admin().command({ ping: 1 }).then(() => undefined);
  return Promise.race([ping, timeout]).finally(() => clearTimeout(timer));
}
