import type { Config } from '../../config';
import type { Logger } from '../logger/logger.factory';
import { connectDatabase, resolveDbName, type Database } from './database.connection';
import { startDatabaseServer } from './database.server';
import { selectDbPlan, type DbPlan } from './db-mode.selector';
import { findLocalMongod, realMachine, type MachineView } from './mongod.probe';

export interface StartedDatabase {
  database: Database;
  plan: DbPlan;
  /** Closes the connection, then the server this process started (if any). */
  close(): Promise<void>;
}

/** Chooses the database mode, starts what that mode needs, connects, and logs the choice. */
export async function startDatabase(
  config: Config,
  logger: Logger,
  machine: MachineView = realMachine,
): Promise<StartedDatabase> {
  const plan = selectDbPlan(config.db, findLocalMongod(machine));
  logger.info({ db: describePlan(plan) }, `database mode: ${plan.mode} (${plan.engine})`);
  const server = await startDatabaseServer(plan, {
    dataDir: config.dataDir,
    embeddedPort: config.db.embeddedPort,
    logger,
  });
  try {
    if (plan.mode !== 'external') logger.info({ uri: server.uri }, 'database server ready');
    const database = await connectDatabase(server.uri, {
      mode: plan.mode,
      engine: plan.engine,
      name: resolveDbName(server.uri, config.db.name),
    });
    return {
      database,
      plan,
      close: async () => {
        await database.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

// Credentials in an external URI must not reach the log.
function describePlan(plan: DbPlan): Record<string, unknown> {
  switch (plan.mode) {
    case 'external':
      return { mode: plan.mode, uri: redactUri(plan.uri) };
    case 'embedded':
      return plan.engine === 'mongod'
        ? { mode: plan.mode, engine: plan.engine, binary: plan.binary.path, found: plan.binary.source }
        : { mode: plan.mode, engine: plan.engine };
    case 'memory-server':
      return { mode: plan.mode, engine: plan.engine, binary: plan.binary?.path ?? '(will download)' };
  }
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
