import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { createComponents } from '../../src/components';
import { loadConfig } from '../../src/config';
import { startDatabase, type StartedDatabase } from '../../src/shared/db/database.starter';
import { PROJECT_ROOT } from '../../src/shared/project.info';
import { listenOnFreePort, silentLogger, type RunningServer } from '../foundation/app.harness';

const CLI = join(PROJECT_ROOT, 'src/components/auth/admin-create.cli.ts');
const TSX = join(PROJECT_ROOT, 'node_modules/.bin/tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('npm run admin:create', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lpg-admin-create-'));
  // The same environment the platform would read; no MONGODB_URI, so the embedded database on DATA_DIR.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, DB_MODE: 'embedded', LOG_LEVEL: 'silent' };
  delete env.MONGODB_URI;
  const password = 'First-admin-Qingyuan-7';
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function cli(args: string[], stdin: string): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(TSX, [CLI, ...args], { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  async function startPlatform(): Promise<{ server: RunningServer; db: StartedDatabase }> {
    const config = loadConfig(env);
    const db = await startDatabase(config, silentLogger);
    const modules = await createComponents({ connection: db.database.connection, config, logger: silentLogger });
    const server = await listenOnFreePort(createApp({ config, logger: silentLogger, database: db.database, modules }));
    return { server, db };
  }

  it('refuses a password that breaks the policy, before touching the database', async () => {
    const run = await cli(['--username', 'root.admin', '--password-stdin'], 'short\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/must be at least 12 characters/);
  }, 60_000);

  it('creates the first city regulator, who can then log in to the platform on the same data', async () => {
    const run = await cli(['--username', 'root.admin', '--display-name', '市城管执法局管理员', '--password-stdin'], `${password}\n`);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/Created city regulator "root.admin"/);
    expect(run.stdout).not.toContain(password);

    const { server, db } = await startPlatform();
    try {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root.admin', password }),
      });
      expect(login.status).toBe(200);
      const body = (await login.json()) as { user: { role: string; displayName: string } };
      expect(body.user).toMatchObject({ role: 'city_regulator', displayName: '市城管执法局管理员' });
      const stored = await db.database.connection.collection('users').findOne({ username: 'root.admin' });
      expect(String(stored?.passwordHash)).toMatch(/^\$2b\$12\$/);
      // The audit trail starts with it: created by itself, since nobody was logged in to act.
      const trail = await db.database.connection.collection('audit_records').find({ resource: 'users', recordId: stored?._id }).toArray();
      expect(trail).toEqual([expect.objectContaining({ action: 'create', actor: expect.objectContaining({ username: 'root.admin', role: 'city_regulator' }), before: null })]);
      expect(JSON.stringify(trail)).not.toContain('$2b$');

      // While the platform holds the data directory the command refuses, and says why.
      const busy = await cli(['--username', 'second.admin', '--password-stdin'], `${password}\n`);
      expect(busy.code).toBe(3);
      expect(busy.stderr).toMatch(/is in use — is the platform running/);
    } finally {
      await server.close();
      await db.close();
    }
  }, 60_000);

  it('refuses to create a city regulator whose name exists', async () => {
    // A name of its own, created here first: the test passes in any order.
    const first = await cli(['--username', 'district.admin', '--password-stdin'], `${password}\n`);
    expect([first.code, first.stderr]).toEqual([0, '']);
    const again = await cli(['--username', 'district.admin', '--password-stdin'], `${password}\n`);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already exists/);
  }, 60_000);
});
