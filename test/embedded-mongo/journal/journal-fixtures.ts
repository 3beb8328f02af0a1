import { calculateObjectSize, type Document } from 'bson';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Journal, type JournalOpenResult, type JournalOptions } from '../../../src/embedded-mongo/storage/journal';

const REPO_ROOT = resolve(__dirname, '../../..');
const CHILD_SCRIPT = join(__dirname, 'journal-child.ts');

/** A fresh directory per test, removed afterwards. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-test-'));
    made.push(dir);
    return dir;
  };
}

export interface Reopened extends JournalOpenResult {
  warnings: string[];
}

/** Opens `dir` collecting recovery warnings instead of printing them. */
export async function openJournal(dir: string, options: JournalOptions = {}): Promise<Reopened> {
  const warnings: string[] = [];
  const opened = await Journal.open(dir, { ...options, onWarning: (message) => warnings.push(message) });
  return { ...opened, warnings };
}

/** Opens, reads and closes again: what a restart would see. */
export async function reopen(dir: string): Promise<Reopened> {
  const opened = await openJournal(dir);
  await opened.journal.close();
  return opened;
}

/** Bytes a record takes in a segment: frame header plus BSON. */
export function framedSize(record: Document): number {
  return 8 + calculateObjectSize(record);
}

export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export interface ChildRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs journal-child.ts in its own node process. `killWhen` sees stdout so far; once it returns true
 * the child gets SIGKILL.
 */
export function runChild(args: string[], killWhen?: (stdout: string) => boolean): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!killed && killWhen?.(stdout)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    // 'close' comes after exit and after stdout is drained, so every acknowledgement printed is seen.
    child.on('close', (code, signal) => resolvePromise({ stdout, stderr, code, signal }));
  });
}
