import type { DemoConfig } from '../../src/config';
import type { Seeder } from '../development.seed';
import { accountsText, createDemoAccounts } from './city.accounts';
import { cityCounts, cityDigest, generateCity } from './city.generate';
import { loadCity } from './city.load';
import { progressBar } from './progress';

export const DEMO_CITY_COLLECTION = 'demo_city';

/**
 * The demo city on the first development start: generated, written through the platform's own
 * paths with a progress bar, then the demo accounts — whose passwords are handed to `announce`
 * (printed once the server is ready), never to the log. The dataset's digest is kept in
 * `demo_city`, so anyone can tell which city a database holds.
 */
export function demoCitySeeder(demo: Pick<DemoConfig, 'cityScale' | 'citySeed'>): Seeder {
  return {
    name: 'demo-city',
    async run({ connection, logger, config, announce, out }) {
      const started = Date.now();
      const city = generateCity({ seed: demo.citySeed, scale: demo.cityScale });
      const counts = cityCounts(city);
      const bar = progressBar(out ?? process.stdout);
      (out ?? process.stdout).write(
        `\nFirst start: seeding the demo city of 清远 (scale ${demo.cityScale}: ${counts.enterprises} enterprises, ${counts.cylinders} cylinders, ` +
          `${counts.customers} customers, ${counts.events} events of history through the ledger). This takes a minute or more at scale 1 ` +
          '(set DEMO_CITY_SCALE=0.05 for a quick one); later starts skip it.\n',
      );
      let accounts: Awaited<ReturnType<typeof createDemoAccounts>> = [];
      const result = await loadCity(city, {
        connection,
        config,
        logger,
        onProgress: (p) => bar.update(p.phase === 'registry' ? 'registry' : 'history', p.done, p.total),
        afterLoad: async (components, ids) => {
          accounts = await createDemoAccounts(city, ids, components);
        },
      });
      const digest = cityDigest(city);
      await connection.collection(DEMO_CITY_COLLECTION).insertOne({ seed: city.seed, scale: city.scale, anchor: city.anchor, digest, counts, seededAt: new Date(), seconds: (Date.now() - started) / 1000 });
      bar.finish(`  demo city seeded in ${((Date.now() - started) / 1000).toFixed(1)} s (registry ${result.seconds.registry.toFixed(1)} s, history ${result.seconds.history.toFixed(1)} s: ${Math.round(result.accepted / Math.max(result.seconds.history, 0.001))} events/s); digest ${digest.slice(0, 16)}`);
      if (result.unexpectedCount > 0) logger.warn({ unexpected: result.unexpected, count: result.unexpectedCount }, 'demo city: events the generator meant to be accepted were refused');
      logger.info({ ...counts, digest, accepted: result.accepted, plantedRefusals: result.plantedRefusals, seconds: (Date.now() - started) / 1000 }, 'demo city seeded (清远)');
      if (announce) announce((url) => accountsText(accounts, url));
      else (out ?? process.stdout).write(`${accountsText(accounts)}\n`);
    },
  };
}
