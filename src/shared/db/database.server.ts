import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger/logger.factory';
import type { DbPlan } from './db-mode.selector';

/** A database endpoint this process may own (and must then stop on shutdown). */
export interface DatabaseServer {
  uri: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  dataDir: string;
  embeddedPort: number;
  logger: Logger;
}

/** Starts the server the plan names; in external mode there is nothing to start or stop. */
export async function startDatabaseServer(plan: DbPlan, options: ServerOptions): Promise<DatabaseServer> {
  switch (plan.mode) {
    case 'external':
      return { uri: plan.uri, close: async () => undefined };
    case 'embedded':
      return plan.engine === 'mongod'
        ? startMongod(plan.binary.path, join(options.dataDir, 'mongod'), options)
        : startOwnEngine(join(options.dataDir, 'db'), options);
    case 'memory-server':
      // In memory on purpose: this mode exists for trying a real mongod, not for keeping data.
      return startMongod(plan.binary?.path, undefined, options);
  }
}

async function startOwnEngine(dbPath: string, options: ServerOptions): Promise<DatabaseServer> {
  // Loaded only in this mode: an external deployment never needs the engine in memory.
  const { startEmbeddedMongo } = await import('../../embedded-mongo');
  mkdirSync(dbPath, { recursive: true });
  const server = await startEmbeddedMongo({ port: options.embeddedPort, dbPath });
  return { uri: server.uri, close: () => server.close() };
}

/**
 * A real mongod as a single-node replica set (transactions need one). With a dbPath the data is
 * kept, and so is the port: the replica-set config stored on disk names host:port, and a node
 * restarted on another port would not find itself in it.
 */
async function startMongod(binary: string | undefined, dbPath: string | undefined, options: ServerOptions) {
  // Imported lazily: most runs never need it and it is a heavy module.
  const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
  const portFile = dbPath && join(dbPath, 'lpg-trace.port');
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const storedPort = portFile && existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
  const port = storedPort || options.embeddedPort || undefined;
  const replSet = await MongoMemoryReplSet.create({
    binary: binary ? { systemBinary: binary } : {},
    replSet: { count: 1, name: 'rs0', storageEngine: 'wiredTiger' },
    instanceOpts: [{ port, dbPath, storageEngine: 'wiredTiger' }],
  });
  if (portFile && !storedPort) {
    const actual = new URL(replSet.getUri().replace(/^mongodb:/, 'http:')).port;
    writeFileSync(portFile, actual);
  }
  options.logger.debug({ binary: binary ?? '(download)', dbPath }, 'mongod started');
  return {
    uri: replSet.getUri(),
    // Keep a user dbPath (that is the point of it); a temporary one is removed.
    close: async () => {
      await replSet.stop({ doCleanup: !dbPath, force: false });
    },
  };
}
