import { randomBytes } from 'node:crypto';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/embedded-mongo';

export interface TestDatabase {
  /** Connection string without a database name. */
  uri: string;
  /** A database name unique to this test file run. */
  dbName: string;
  /** True when the tests run against a real MongoDB given by MONGODB_URI. */
  external: boolean;
  stop(): Promise<void>;
}

/**
 * One database per test file: against the real MongoDB named by MONGODB_URI when it is set,
 * otherwise against an in-memory embedded server started in this process on a free port.
 */
export async function startTestDatabase(label = 'test'): Promise<TestDatabase> {
  const dbName = `${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  if (external) {
    return { uri: external, dbName, external: true, stop: async () => undefined };
  }
  const server: EmbeddedMongo = await startEmbeddedMongo({ port: 0 });
  return { uri: server.uri, dbName, external: false, stop: () => server.close() };
}
