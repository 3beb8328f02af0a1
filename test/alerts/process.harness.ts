import bcrypt from 'bcrypt';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { signAccessToken, type Principal } from '../../src/components/auth';

const ROOT = resolve(__dirname, '../..');

export const PROCESS_SECRETS = {
  JWT_SECRET: 'process-test-jwt-secret-0123456789abcdef',
  QR_SIGNING_SECRET: 'process-test-qr-secret-0123456789abcdef',
  PII_HASH_SECRET: 'process-test-pii-secret-0123456789abcdef',
  LEDGER_SIGNING_KEY: 'process-test-ledger-key-0123456789abcdef',
};

export interface AppProcess {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
  output(): string;
}

/** src/main.ts as `npm run dev` runs it, on an external database, with the test's environment. */
export async function startApp(env: Record<string, string>): Promise<AppProcess> {
  const base = { ...process.env };
  delete base.MONGODB_URI;
  delete base.DB_MODE;
  delete base.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...base, NODE_ENV: 'test', LOG_FORMAT: 'json', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', SHUTDOWN_TIMEOUT_MS: '2000', ...PROCESS_SECRETS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  // Generous: under a full parallel test run, tsx compiling main takes a while.
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const ready = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => typeof l.url === 'string' && String(l.msg).includes('ready at'));
    if (ready) return { child, url: String(ready.url), exit, output: () => out };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`the app did not become ready:\n${out}`);
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RedisProcess {
  url: string;
  stop(): Promise<void>;
}

/** Debian's redis-server on a free port, in memory (no dump, no append-only file). */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const deadline = Date.now() + 20_000;
  while (!/Ready to accept connections/i.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** A real account in the database (the app checks every token against one) and a token for it. */
export async function accountToken(dbUri: string, dbName: string, role: Principal['role'], extra: { enterpriseId?: string; districtCode?: string } = {}): Promise<string> {
  const client = await MongoClient.connect(dbUri);
  try {
    const now = new Date();
    const username = `${role.replace(/_/g, '')}${Math.random().toString(36).slice(2, 8)}`;
    const { insertedId } = await client.db(dbName).collection('users').insertOne({
      username, displayName: username, role, enterpriseId: extra.enterpriseId ? new ObjectId(extra.enterpriseId) : null, districtCode: extra.districtCode ?? null, workerId: null,
      active: true, passwordHash: await bcrypt.hash('unused-Passw0rd!', 4), passwordChangedAt: now, failedLoginCount: 0, lockedUntil: null, createdAt: now, updatedAt: now,
    });
    return signAccessToken(PROCESS_SECRETS.JWT_SECRET, { kind: 'user', userId: insertedId.toHexString(), username, role, ...extra });
  } finally {
    await client.close();
  }
}

export async function post(url: string, path: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
