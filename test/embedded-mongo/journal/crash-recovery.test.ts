import type { Document } from 'bson';
import { filesIn, reopen, runChild, useTempDirs } from './journal-fixtures';

const tempDir = useTempDirs();

/** Numbers present after recovery, checking that every record came back whole. */
function recoveredNumbers(snapshot: Document[], records: Document[]): number[] {
  for (const record of records) {
    expect(record.pad).toHaveLength(record.length as number);
    expect(record.note).toBe(`entry ${record.n as number}`.padEnd(600, '.'));
  }
  return [...snapshot, ...records].map((entry) => entry.n as number);
}

function acknowledged(stdout: string): number[] {
  return stdout
    .split('\n')
    .slice(0, -1) // the text after the last newline may be a number cut short by the kill
    .map(Number);
}

describe('journal after kill -9', () => {
  it('keeps every acknowledged append, in order, and no half record, across repeated kills', async () => {
    const dir = await tempDir();
    let expectedAtLeast = 0;
    for (const killAfter of [400, 1500, 900]) {
      const run = await runChild(['append', dir], (out) => out.split('\n').length > killAfter);
      expect(run.stderr).toBe('');
      expect(run.signal).toBe('SIGKILL');
      const acked = acknowledged(run.stdout);
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);

      const { snapshot, records, warnings } = await reopen(dir);
      // The child checkpoints every 256 KiB, so kills land before, during and after checkpoints.
      expect(snapshot.length).toBeGreaterThan(0);
      const numbers = recoveredNumbers(snapshot, records);
      // Appends are written in issue order and replay stops at the first bad record: a gap-free prefix.
      expect(numbers).toEqual(numbers.map((_, i) => i));
      expect(numbers.length).toBeGreaterThan(Math.max(...acked));
      expect(numbers.length).toBeGreaterThanOrEqual(expectedAtLeast);
      expect(warnings.every((warning) => /journal .*(runs past|cut short)/.test(warning))).toBe(true);
      expectedAtLeast = numbers.length;
    }
    expect((await filesIn(dir)).filter((name) => name.endsWith('.tmp') || name.endsWith('.orphaned'))).toEqual([]);
  }, 60_000);
});
