import { randomBytes } from 'node:crypto';
import { passwordProblems, type Role } from '../../src/components/auth';
import type { Components } from '../../src/components';
import type { CityIds } from './city.load';
import { SEED_REGULATOR } from './city.load';
import type { City } from './city.types';

/** One account per role, on 安达 (清城区) — the enterprise with the most history — and what each is for. */
export const DEMO_ACCOUNTS: readonly { username: string; role: Role; displayName: string; use: string }[] = [
  { username: 'demo.city', role: 'city_regulator', displayName: '清远市城管执法局（演示）', use: '全市监管：实时预警、指标、追溯、核查台账' },
  { username: 'demo.district', role: 'district_regulator', displayName: '清城区城管执法局（演示）', use: '清城区监管：只看本区' },
  { username: 'demo.admin', role: 'enterprise_admin', displayName: '安达燃气管理员（演示）', use: '企业管理：站点、员工、车辆、气瓶、用户' },
  { username: 'demo.operator', role: 'filling_operator', displayName: '安达充装工（演示）', use: '充装站作业' },
  { username: 'demo.delivery', role: 'delivery_worker', displayName: '安达送气工（演示）', use: '手机端送气：交付、回收' },
  { username: 'demo.auditor', role: 'auditor', displayName: '审计员（演示）', use: '只读审计：台账校验、导出' },
];

export const DEMO_ENTERPRISE = 0;

export interface PrintedAccount {
  username: string;
  role: Role;
  password: string;
  use: string;
}

export function demoPassword(username: string): string {
  // A fixed mixed-class prefix and 16 random base64url characters; redrawn in the rare case the
  // random part happens to spell a common stem the policy refuses.
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = `Lpg-${randomBytes(12).toString('base64url')}`;
    if (passwordProblems(candidate, username).length === 0) return candidate;
  }
  throw new Error('demo accounts: could not draw a password that meets the policy');
}

/** The demo accounts on the loaded city: the operator and delivery worker are 安达's first trained ones. */
export async function createDemoAccounts(city: City, ids: CityIds, components: Pick<Components, 'auth'>): Promise<PrintedAccount[]> {
  const enterpriseId = ids.enterprises[DEMO_ENTERPRISE] as string;
  const districtCode = city.enterprises[DEMO_ENTERPRISE]?.districtCode as string;
  const workerOf = (role: 'filling_operator' | 'delivery_worker') => {
    const i = city.workers.findIndex((w) => w.enterprise === DEMO_ENTERPRISE && w.role === role && w.state === 'valid');
    if (i < 0) throw new Error(`demo accounts: no trained ${role} at the demo enterprise`);
    return ids.workers[i] as string;
  };
  const printed: PrintedAccount[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const password = demoPassword(a.username);
    const affiliation =
      a.role === 'district_regulator' ? { districtCode }
      : a.role === 'enterprise_admin' ? { enterpriseId }
      : a.role === 'filling_operator' || a.role === 'delivery_worker' ? { enterpriseId, workerId: workerOf(a.role) }
      : {};
    await components.auth.users.create(SEED_REGULATOR, { username: a.username, displayName: a.displayName, role: a.role, password, ...affiliation });
    printed.push({ username: a.username, role: a.role, password, use: a.use });
  }
  return printed;
}

/** The block printed to the terminal (stdout only: never to the log, they exist nowhere else in clear). */
export function accountsText(accounts: readonly PrintedAccount[], url?: string): string {
  const rows = accounts.map((a) => `  ${a.username.padEnd(15)} ${a.password.padEnd(22)} ${a.role.padEnd(19)} ${a.use}`);
  return [
    '',
    `演示账号 Demo accounts${url ? ` — open ${url}` : ''} (run \`npm run demo:accounts\` to reset and print them again):`,
    `  ${'username'.padEnd(15)} ${'password'.padEnd(22)} ${'role'.padEnd(19)} for`,
    ...rows,
    '',
  ].join('\n');
}
