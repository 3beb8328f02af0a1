import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';

const ROOT = resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  url: string;
  dbUri: string;
  exit: Promise<number | null>;
}

/** Runs src/main.ts the way `npm run dev` does, with an environment of the test's choosing. */
function runMain(env: Record<string, string>) {
  const base = { ...process.env };
  // The test decides the database mode, not whoever runs the suite.
  delete base.MONGODB_URI;
  delete base.DB_MODE;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    // The smallest demo city, and no simulators: this test is about the process, not the demo.
    env: { ...base, NODE_ENV: 'development', LOG_FORMAT: 'json', LOG_LEVEL: 'info', HOST: '127.0.0.1', DEMO_CITY_SCALE: '0.01', DEMO_SIMULATION: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exit, output: () => ({ stdout, stderr }) };
}

function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function startMain(dataDir: string): Promise<Started> {
  const run = runMain({ DATA_DIR: dataDir, PORT: '0', SHUTDOWN_TIMEOUT_MS: '3000' });
  // The first start seeds the (small) demo city through the ledger: give a loaded machine time.
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const lines = logLines(run.output().stdout);
    const ready = lines.find((l) => typeof l.url === 'string' && String(l.msg).includes('ready at'));
    const db = lines.find((l) => l.msg === 'database server ready');
    if (ready && db) return { child: run.child, exit: run.exit, url: String(ready.url), dbUri: String(db.uri) };
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  run.child.kill('SIGKILL');
  throw new Error(`main did not become ready:\n${run.output().stdout}\n${run.output().stderr}`);
}

describe('the service process', () => {
  it('refuses to start on a bad environment, naming each bad key', async () => {
    const run = runMain({ PORT: 'eighty', LOG_LEVEL: 'chatty', DATA_DIR: mkdtempSync(join(tmpdir(), 'lpg-bad-')) });
    expect(await run.exit).toBe(1);
    const { stderr } = run.output();
    expect(stderr).toMatch(/PORT: /);
    expect(stderr).toMatch(/LOG_LEVEL: /);
  });

  it('starts on the embedded database, shuts down cleanly on SIGTERM and keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lpg-main-'));

    const first = await startMain(dataDir);
    const health = (await (await fetch(`${first.url}/healthz`)).json()) as { db: { mode: string } };
    expect(health.db.mode).toBe('embedded');
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8');

    const client = await MongoClient.connect(first.dbUri);
    await client.db('lpg_trace').collection('restart_probe').insertOne({ kept: 'across restarts' });
    await client.close();

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = await startMain(dataDir);
    try {
      const again = await MongoClient.connect(second.dbUri);
      const doc = await again.db('lpg_trace').collection('restart_probe').findOne({}, { projection: { _id: 0 } });
      await again.close();
      expect(doc).toEqual({ kept: 'across restarts' });
      expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    }
  }, 360_000);
});
