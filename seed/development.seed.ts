import type { Connection } from 'mongoose';
import type { Config, DemoConfig } from '../src/config';
import type { Logger } from '../src/shared/logger/logger.factory';
import { demoCitySeeder } from './city/city.seeder';

export interface SeedContext {
  connection: Connection;
  logger: Logger;
  /** The app's own configuration, so seeded data uses the same keys (e.g. the PII hash secret). */
  config: Pick<Config, 'secrets' | 'env'>;
  /** Text for the person at the terminal once the server is ready, given its URL (demo passwords): never logged. */
  announce?: (render: (url: string) => string) => void;
  /** Where progress goes (default stdout). */
  out?: NodeJS.WritableStream;
}

export interface Seeder {
  name: string;
  run(ctx: SeedContext): Promise<void>;
}

/**
 * The development data: the demo city of 清远 (seed/city) at the configured scale, then its demo
 * accounts. (The small registry demo and its accounts, seed/registry-demo.seed.ts and
 * seed/accounts-demo.seed.ts, remain for the tests that use them.)
 */
export function developmentSeeders(demo: Pick<DemoConfig, 'cityScale' | 'citySeed'> = { cityScale: 1, citySeed: 'qingyuan-2026' }): readonly Seeder[] {
  return [demoCitySeeder(demo)];
}

export type SeedOutcome = 'seeded' | 'database-not-empty' | 'no-seeders';

/** Runs the seeders only on an empty database, so a restart never duplicates or overwrites data. */
export async function seedDevelopmentDatabase(
  ctx: SeedContext,
  seeders: readonly Seeder[] = developmentSeeders(),
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
