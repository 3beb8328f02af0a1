/**
 * npm run demo:accounts
 *
 * Resets the demo accounts' passwords (one account per role, on the demo city's 安达 / 清城区) and
 * prints them, to stdout only — never to a log. Run it while the platform is stopped: the embedded
 * database locks its data directory. Each reset goes through the platform's own paths: an
 * administrator's reset (audited), then the account itself changing it (POST /auth/password with
 * the token its login would get), so it logs in straight away without a forced change.
 */
import { config as loadDotenv } from 'dotenv';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { buildComponents } from '../../src/components';
import { signAccessToken } from '../../src/components/auth';
import { loadConfig } from '../../src/config';
import { startDatabase } from '../../src/shared/db/database.starter';
import { createLogger } from '../../src/shared/logger/logger.factory';
import { accountsText, DEMO_ACCOUNTS, demoPassword, type PrintedAccount } from './city.accounts';
import { SEED_REGULATOR, SEED_USER_ID } from './city.load';

async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const config = loadConfig(process.env);
  if (config.env === 'production') {
    process.stderr.write('demo:accounts refuses to run with NODE_ENV=production.\n');
    return 2;
  }
  const logger = createLogger({ level: 'warn', format: 'json', env: config.env });
  let db;
  try {
    db = await startDatabase(config, logger);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'DATA_DIR_LOCKED') {
      process.stderr.write(`The database in ${config.dataDir} is in use — is the platform running (npm start)? Stop it and run this again.\n`);
      return 3;
    }
    throw error;
  }
  const components = await buildComponents(
    { connection: db.database.connection, config, logger },
    { accountCheck: (principal, check) => (principal.userId === SEED_USER_ID ? Promise.resolve(true) : check(principal)) },
  );
  const server = createApp({ config: { isProduction: false, http: { bodyLimit: '100kb' } }, logger, database: db.database, modules: components.modules }).listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${local}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${String(json.code ?? '')}`);
      return json;
    };
    const printed: PrintedAccount[] = [];
    for (const a of DEMO_ACCOUNTS) {
      const user = await components.auth.userRepository.findByUsername(a.username);
      if (!user) {
        process.stderr.write(`No demo account ${a.username} in this database: the demo city is seeded on the first development start into an empty DATA_DIR.\n`);
        return 4;
      }
      const reset = demoPassword(a.username);
      await components.auth.users.update(SEED_REGULATOR, user.id, { password: reset, locked: false });
      // The account's own token right after the reset (what its login would hand it): it may only change the password.
      const accessToken = signAccessToken(config.secrets.JWT_SECRET, {
        kind: 'user', userId: user.id, username: user.username, role: user.role, mustChangePassword: true,
        ...(user.enterpriseId ? { enterpriseId: user.enterpriseId } : {}), ...(user.districtCode ? { districtCode: user.districtCode } : {}), ...(user.workerId ? { workerId: user.workerId } : {}),
      });
      const password = demoPassword(a.username);
      await post('/api/v1/auth/password', { currentPassword: reset, newPassword: password }, accessToken);
      printed.push({ username: a.username, role: a.role, password, use: a.use });
    }
    process.stdout.write(`${accountsText(printed, config.http.publicBaseUrl ?? `http://localhost:${config.http.port}`)}\n`);
    return 0;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const m of components.modules) await m.stop?.();
    await components.ledgerLog.stop();
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo:accounts failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
