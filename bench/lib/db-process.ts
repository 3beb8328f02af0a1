import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DbProcess {
  uri: string;
  child: ChildProcess;
  rssBytes(): number;
  stop(): Promise<void>;
}

/** Starts the embedded server in its own process (as `npm run db` does) and waits for its URI line. */
export function startDbProcess(args: string[] = []): Promise<DbProcess> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/embedded-mongo/cli.ts'), '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`embedded server exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /mongodb:\/\/\S+/.exec(out);
      if (!match) return;
      child.removeAllListeners('exit');
      resolve({
        uri: match[0],
        child,
        rssBytes: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        },
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
