import type { DeserializeOptions, Document } from 'bson';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { listDataFiles, segmentName, syncDirectory, type NumberedFile } from './data-files';
import { FILE_HEADER_BYTES } from './frame';
import { ignoreMissing } from './lock-file';
import { readSegment } from './segment';
import { readSnapshot, readSnapshotRaw } from './snapshot';

export const ORPHANED_SUFFIX = '.orphaned';

export interface RecoveredState {
  snapshot: Document[];
  /** The snapshot's entries undecoded, when asked for (`snapshot` is then empty). */
  rawSnapshot: Uint8Array[];
  records: Document[];
  /** Record bytes in the segments that follow the snapshot, i.e. what a checkpoint would fold in. */
  journalBytes: number;
  /** Sequence number for the next segment: above every segment and snapshot present. */
  nextSeq: number;
}

/**
 * Rebuilds the durable state of `dir`: the newest snapshot, then every segment it does not cover, in
 * sequence order. Leftovers of an interrupted checkpoint are cleared: temporary snapshot files, older
 * snapshots and the segments the newest snapshot covers. Replay stops at the first torn or corrupt
 * record; that file is truncated there (and fsynced, before anything new can be written after it), and
 * any later segments are renamed aside, never applied, because applying them would skip records.
 */
export async function recoverDirectory(
  dir: string,
  options: DeserializeOptions,
  warn: (message: string) => void,
  raw = false,
): Promise<RecoveredState> {
  const files = await listDataFiles(dir);
  const newest = files.snapshots.at(-1);
  const base = newest?.seq ?? 0;
  const snapshot = newest && !raw ? await readSnapshot(dir, newest.seq, options) : [];
  const rawSnapshot = newest && raw ? await readSnapshotRaw(dir, newest.seq) : [];

  const obsolete = [
    ...files.temporaries,
    ...files.snapshots.filter((file) => file.seq < base).map((file) => file.name),
    ...files.segments.filter((file) => file.seq < base).map((file) => file.name),
  ];
  for (const name of obsolete) await unlink(join(dir, name)).catch(ignoreMissing);

  const live = files.segments.filter((file) => file.seq >= base);
  const replay = await replaySegments(dir, live, options, warn);
  if (obsolete.length > 0 || replay.changedDirectory) await syncDirectory(dir);

  const highestSegment = files.segments.at(-1)?.seq ?? 0;
  return {
    snapshot,
    rawSnapshot,
    records: replay.records,
    journalBytes: replay.bytes,
    nextSeq: Math.max(base, highestSegment + 1, 1),
  };
}

async function replaySegments(
  dir: string,
  segments: NumberedFile[],
  options: DeserializeOptions,
  warn: (message: string) => void,
): Promise<{ records: Document[]; bytes: number; changedDirectory: boolean }> {
  const records: Document[] = [];
  let bytes = 0;
  for (const [index, segment] of segments.entries()) {
    const contents = await readSegment(dir, segment.seq, options);
    for (const record of contents.records) records.push(record);
    bytes += Math.max(0, contents.goodBytes - FILE_HEADER_BYTES);
    if (contents.damage === undefined) continue;

    const path = join(dir, segment.name);
    await truncateDurably(path, contents.damage.offset);
    warn(
      `journal ${path}: ${contents.damage.reason} at byte ${contents.damage.offset}; ` +
        `kept ${contents.records.length} record(s) before it and truncated the file there`,
    );
    const later = segments.slice(index + 1);
    for (const file of later) await rename(join(dir, file.name), join(dir, file.name + ORPHANED_SUFFIX));
    if (later.length > 0) {
      warn(
        `journal segments after the damage were not applied and were renamed with suffix ${ORPHANED_SUFFIX}: ` +
          later.map((file) => segmentName(file.seq)).join(', '),
      );
    }
    return { records, bytes, changedDirectory: later.length > 0 };
  }
  return { records, bytes, changedDirectory: false };
}

async function truncateDurably(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
