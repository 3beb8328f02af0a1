import type { Connection } from 'mongoose';
import type { Config } from '../src/config';
import type { Logger } from '../src/shared/logger/logger.factory';
import { accountsDemoSeeder } from './accounts-demo.seed';
import { registryDemoSeeder } from './registry-demo.seed';

export interface SeedContext {
  connection: Connection;
  logger: Logger;
  /** The app's own configuration, so seeded data uses the same keys (e.g. the PII hash secret). */
  config: Pick<Config, 'secrets' | 'env'>;
}

export interface Seeder {
  name: string;
  run(ctx: SeedContext): Promise<void>;
}

/**
 * The development data, in order (registry records before the accounts that refer to them), built
 * with the same test data builders the tests use.
 */
export const developmentSeeders: readonly Seeder[] = [registryDemoSeeder, accountsDemoSeeder];

export type SeedOutcome = 'seeded' | 'database-not-empty' | 'no-seeders';

/** Runs the seeders only on an empty database, so a restart never duplicates or overwrites data. */
export async function seedDevelopmentDatabase(
  ctx: SeedContext,
  seeders: readonly Seeder[] = developmentSeeders,
): Promise<SeedOutcome> {
  if (seeders.length === 0) return 'no-seeders';
  const db = ctx.connection.db;
  if (!db) throw new Error('seed: database connection is not open');
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  if (collections.length > 0) return 'database-not-empty';
  for (const seeder of seeders) {
    ctx.logger.info({ seeder: seeder.name }, 'seeding development data');
    await seeder.run(ctx);
  }
  return 'seeded';
}
