import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from './storage-error';

export const LOCK_FILE_NAME = 'LOCK';

/** Directories this process holds; a second Journal in the same process must be refused too. */
const heldByThisProcess = new Set<string>();

export interface DirectoryLock {
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  /** Kernel start time of the owner (Linux), so a pid reused by an unrelated process is not mistaken for the owner. */
  startTime: string | undefined;
  raw: string;
}

/**
 * Takes the data directory's lock file. The file is created whole in one step (written aside, then
 * hard-linked into place), so a reader never sees it half-written. A lock whose owner is gone is taken
 * over. `dir` must already be the directory's canonical path.
 */
export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  if (heldByThisProcess.has(dir)) throw lockedError(dir, process.pid);
  heldByThisProcess.add(dir);
  try {
    await acquire(dir);
  } catch (error) {
    heldByThisProcess.delete(dir);
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await unlink(join(dir, LOCK_FILE_NAME)).catch(ignoreMissing);
      heldByThisProcess.delete(dir);
    },
  };
}

async function acquire(dir: string): Promise<void> {
  const path = join(dir, LOCK_FILE_NAME);
  const identity = `${process.pid} ${(await startTimeOf(process.pid)) ?? '-'}\n`;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (await createExclusively(path, identity)) return;
    const owner = await readOwner(path);
    if (owner === undefined) continue;
    if (await isRunning(owner)) throw lockedError(dir, owner.pid);
    await setAsideStale(path, owner);
  }
  throw new StorageError('DATA_DIR_LOCKED', `could not take the lock on data directory ${dir}: it keeps changing hands`);
}

async function createExclusively(path: string, content: string): Promise<boolean> {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, content, { flag: 'wx' });
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft).catch(ignoreMissing);
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  const [pidText, startTime] = raw.trim().split(' ');
  const pid = Number(pidText);
  // A file not in our format was not written by us; treat it as held rather than guess.
  if (!Number.isSafeInteger(pid) || pid <= 0) return { pid: 0, startTime: undefined, raw };
  return { pid, startTime: startTime === '-' ? undefined : startTime, raw };
}

async function isRunning(owner: LockOwner): Promise<boolean> {
  if (owner.pid === 0) return true;
  // Not held by this process (checked first), so the same pid means an earlier life of this pid.
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false;
  }
  if (owner.startTime === undefined) return true;
  const current = await startTimeOf(owner.pid);
  return current === undefined || current === owner.startTime;
}

/**
 * Moves a stale lock out of the way. Renaming (rather than deleting) lets us check that what we moved
 * is still the stale lock and not one a racing process has just created; if it is not, it goes back.
 */
async function setAsideStale(path: string, stale: LockOwner): Promise<void> {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved !== stale.raw) await link(aside, path).catch(ignoreExisting);
  await unlink(aside);
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterName[19];
  } catch {
    return undefined;
  }
}

function lockedError(dir: string, pid: number): StorageError {
  const owner = pid === process.pid ? 'this process' : `process ${pid}`;
  return new StorageError(
    'DATA_DIR_LOCKED',
    `data directory ${dir} is already in use by ${owner} (lock file ${join(dir, LOCK_FILE_NAME)})`,
  );
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

export function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}

function ignoreExisting(error: unknown): void {
  if (errorCode(error) !== 'EEXIST') throw error;
}
