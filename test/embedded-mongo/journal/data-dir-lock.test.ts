import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filesIn, openJournal, reopen, runChild, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

describe('data directory lock', () => {
  it('refuses a second journal on the same directory in the same process, naming the directory', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await expect(openJournal(dir)).rejects.toMatchObject({
      code: 'DATA_DIR_LOCKED',
      message: expect.stringContaining(dir),
    });
    await journal.close();
    await expect(reopen(dir)).resolves.toBeDefined();
  });

  it('refuses a second process while the first holds the directory', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const run = await runChild(['open', dir]);
    await journal.close();

    const outcome = JSON.parse(run.stdout) as { ok: boolean; code?: string; message?: string };
    expect(outcome).toMatchObject({ ok: false, code: 'DATA_DIR_LOCKED' });
    expect(outcome.message).toContain(dir);
    expect(outcome.message).toContain(`process ${process.pid}`);
  });

  it('takes over the lock of a process that died holding it', async () => {
    const dir = await tempDir();
    const run = await runChild(['open-and-die', dir]);
    expect(run.stdout).toBe('opened\n');
    expect(run.signal).toBe('SIGKILL');
    expect(await filesIn(dir)).toContain('LOCK');

    const { journal } = await openJournal(dir);
    expect(await readFile(join(dir, 'LOCK'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await journal.close();
  });

  it('takes over a lock naming a pid that no longer exists', async () => {
    const dir = await tempDir();
    // Above Linux's largest pid_max, so no process can have it.
    await writeFile(join(dir, 'LOCK'), '2147483646 -\n');
    await expect(reopen(dir)).resolves.toBeDefined();
  });

  it('removes the lock file on close', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.close();
    expect(await filesIn(dir)).not.toContain('LOCK');
  });
});
