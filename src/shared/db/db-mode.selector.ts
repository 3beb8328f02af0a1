import type { DbModeSetting } from '../../config';

/** A mongod binary that is already on this machine, and how it was found. */
export interface FoundMongod {
  path: string;
  source: 'MONGOMS_SYSTEM_BINARY' | 'PATH' | 'cache';
}

export type DbPlan =
  | { mode: 'external'; engine: 'external'; uri: string }
  | { mode: 'embedded'; engine: 'mongod'; binary: FoundMongod }
  | { mode: 'embedded'; engine: 'lpg-embedded' }
  /** Explicitly asked for; without a local binary mongodb-memory-server downloads one. */
  | { mode: 'memory-server'; engine: 'mongod'; binary: FoundMongod | undefined };

export type DbMode = DbPlan['mode'];

/**
 * Decides where the data lives. Pure: the machine is described by `mongod` (see mongod.probe.ts)
 * so every branch is testable without touching the filesystem. Never plans a download unless
 * DB_MODE=memory-server says so.
 */
export function selectDbPlan(
  setting: { mode: DbModeSetting; uri: string | undefined },
  mongod: FoundMongod | undefined,
): DbPlan {
  if (setting.mode === 'memory-server') return { mode: 'memory-server', engine: 'mongod', binary: mongod };
  if (setting.uri && setting.mode !== 'embedded') return { mode: 'external', engine: 'external', uri: setting.uri };
  if (setting.mode === 'external') throw new Error('DB_MODE=external needs MONGODB_URI');
  return mongod ? { mode: 'embedded', engine: 'mongod', binary: mongod } : { mode: 'embedded', engine: 'lpg-embedded' };
}
