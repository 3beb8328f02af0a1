import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/shared/lifecycle/node-flags';

const repoRoot = path.resolve(__dirname, '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The embedded server running as a child process on a data directory. */
export interface ServerProcess {
  readonly uri: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  kill(signal: NodeJS.Signals): void;
  /** Everything it has written so far (for failure messages). */
  output(): string;
}

const running = new Set<ChildProcess>();

/**
 * Node options for the server and benchmark child processes: the platform's own (SERVER_NODE_FLAGS,
 * what `npm start` runs with); with BENCH_CPU_PROF_DIR set, each writes a V8 CPU profile there when
 * it exits; BENCH_NODE_ARGS adds options of its own (space-separated; a later option wins).
 */
export function benchNodeArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [...SERVER_NODE_FLAGS, ...(dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : []), ...extra];
}

/**
 * Starts `src/embedded-mongo/cli.ts --port 0 [--dbpath <dbPath>]` (in memory without a dbPath) and
 * resolves with the URI from the first line of its stdout that contains one. Used by the durability
 * tests and by the benchmarks, which need the server in a process of its own.
 *
 * The CLI runs under `node --import tsx` rather than `npx tsx`: the tsx command starts the script
 * in a grandchild process, so a SIGKILL sent to it would orphan the real server (still holding
 * the port and the data directory) instead of killing it.
 */
export function startServerProcess(dbPath?: string, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...benchNodeArgs(), 'src/embedded-mongo/cli.ts', '--port', '0', ...(dbPath ? ['--dbpath', dbPath] : [])],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } },
  );
  running.add(child);
  let output = '';
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });

  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not print a mongodb:// URI within ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    let pending = '';
    let ready = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (ready) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const uri = lines.map((line) => /mongodb:\/\/\S+/.exec(line)?.[0]).find((found) => found !== undefined);
      if (uri === undefined || child.pid === undefined) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        uri,
        pid: child.pid,
        exited,
        kill: (signal) => {
          child.kill(signal);
        },
        output: () => output,
      });
    });
    void exited.then((exit) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`server exited (${JSON.stringify(exit)}) before it was ready. Output:\n${output}`));
    });
  });
}

/** SIGKILLs any server process a test left running (each by its own pid). */
export async function killLeftoverServers(): Promise<void> {
  const leftovers = [...running];
  for (const child of leftovers) child.kill('SIGKILL');
  await Promise.all(
    leftovers.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        }),
    ),
  );
}
