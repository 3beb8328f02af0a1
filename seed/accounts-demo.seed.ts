import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { createAuth, passwordProblems, type Principal, type Role } from '../src/components/auth';
import { createAudit } from '../src/components/audit';
import { createPageCursors } from '../src/shared/http/page.cursor';
import { createRegistry } from '../src/components/registry';
import type { Seeder } from './development.seed';

/** The registry demo's first enterprise and its district (清城区): the demo accounts work there. */
export const DEMO_ENTERPRISE_NAME = '清远市安达燃气有限公司';
export const DEMO_DISTRICT_CODE = '441802';

const SEED_ACTOR: Principal = { kind: 'user', userId: new Types.ObjectId().toHexString(), username: 'demo-seed', role: 'city_regulator' };

function demoPassword(username: string): string {
  // 16 random base64url characters after a fixed mixed-class prefix; redrawn in the rare case the
  // random part happens to spell a common stem.
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = `Lpg-${randomBytes(12).toString('base64url')}`;
    if (passwordProblems(candidate, username).length === 0) return candidate;
  }
  throw new Error('accounts demo seed: could not draw a password that meets the policy');
}

/**
 * One account per role, on the registry demo's records, with random passwords printed to stdout
 * once. Runs only with the demo seed (development, empty database), after the registry demo.
 */
export const accountsDemoSeeder: Seeder = {
  name: 'accounts-demo',
  async run({ connection, logger, config }) {
    const registry = await createRegistry({ connection, config, logger });
    const auth = await createAuth({
      connection,
      jwtSecret: config.secrets.JWT_SECRET,
      audit: (await createAudit({ connection, cursors: createPageCursors(config.secrets.JWT_SECRET) })).service,
      registry: {
        enterpriseDistrict: (id) => registry.enterpriseDistrict(id),
        workerEmployer: (id) => registry.workerEmployer(id),
        districtExists: (code) => registry.districtExists(code),
      },
    });
    const enterprise = await connection.collection('enterprises').findOne({ name: DEMO_ENTERPRISE_NAME });
    if (!enterprise) throw new Error(`accounts demo seed: the registry demo enterprise ${DEMO_ENTERPRISE_NAME} is missing`);
    const enterpriseId = (enterprise._id as Types.ObjectId).toHexString();
    // The first worker of each role is the trained one in the registry demo.
    const workerOf = async (role: string) => {
      const worker = await connection.collection('workers').find({ enterpriseId: enterprise._id, role }).sort({ _id: 1 }).limit(1).next();
      if (!worker) throw new Error(`accounts demo seed: no ${role} worker in ${DEMO_ENTERPRISE_NAME}`);
      return (worker._id as Types.ObjectId).toHexString();
    };

    const accounts: { username: string; displayName: string; role: Role; enterpriseId?: string; districtCode?: string; workerId?: string }[] = [
      { username: 'demo.city', displayName: '清远市城管执法局（演示）', role: 'city_regulator' },
      { username: 'demo.district', displayName: '清城区城管执法局（演示）', role: 'district_regulator', districtCode: DEMO_DISTRICT_CODE },
      { username: 'demo.admin', displayName: '安达燃气管理员（演示）', role: 'enterprise_admin', enterpriseId },
      { username: 'demo.operator', displayName: '安达充装工（演示）', role: 'filling_operator', enterpriseId, workerId: await workerOf('filling_operator') },
      { username: 'demo.delivery', displayName: '安达送气工（演示）', role: 'delivery_worker', enterpriseId, workerId: await workerOf('delivery_worker') },
      { username: 'demo.auditor', displayName: '审计员（演示）', role: 'auditor' },
    ];
    const lines: string[] = [];
    for (const account of accounts) {
      const password = demoPassword(account.username);
      await auth.users.create(SEED_ACTOR, { ...account, password });
      lines.push(`  ${account.role.padEnd(20)} ${account.username.padEnd(16)} ${password}`);
    }
    // Printed once, to stdout only (never to the log): they exist nowhere else in clear.
    process.stdout.write(`\nDemo accounts (development seed only; shown once):\n  ${'role'.padEnd(20)} ${'username'.padEnd(16)} password\n${lines.join('\n')}\n\n`);
    logger.info({ accounts: accounts.map((a) => a.username) }, 'demo accounts seeded');
  },
};
