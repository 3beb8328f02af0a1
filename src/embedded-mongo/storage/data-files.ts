import { open, readdir } from 'node:fs/promises';

/*
 * File names carry a zero-padded sequence number, so names sort in sequence order and the order of
 * segments and snapshots across rotations never depends on timestamps.
 *   journal-<seq>.wal    records appended while <seq> was the current segment
 *   snapshot-<seq>.snap  the full state as of the moment segment <seq> began; it covers every
 *                        segment numbered below <seq>
 *   *.tmp                a snapshot still being written; never read, deleted on open
 */
const SEQ_DIGITS = 16;
const SEGMENT = /^journal-(\d{16})\.wal$/;
const SNAPSHOT = /^snapshot-(\d{16})\.snap$/;
const TEMPORARY = /^snapshot-\d{16}\.snap\.tmp$/;

export const SEGMENT_MAGIC = 'LPGWAL01';
export const SNAPSHOT_MAGIC = 'LPGSNP01';

export interface NumberedFile {
  seq: number;
  name: string;
}

export interface DataFiles {
  segments: NumberedFile[];
  snapshots: NumberedFile[];
  temporaries: string[];
}

const pad = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');
export const segmentName = (seq: number): string => `journal-${pad(seq)}.wal`;
export const snapshotName = (seq: number): string => `snapshot-${pad(seq)}.snap`;
export const snapshotTempName = (seq: number): string => `${snapshotName(seq)}.tmp`;

/** The directory's journal files, each list in ascending sequence order. */
export async function listDataFiles(dir: string): Promise<DataFiles> {
  const files: DataFiles = { segments: [], snapshots: [], temporaries: [] };
  for (const name of await readdir(dir)) {
    const segment = SEGMENT.exec(name)?.[1];
    const snapshot = SNAPSHOT.exec(name)?.[1];
    if (segment !== undefined) files.segments.push({ seq: Number(segment), name });
    else if (snapshot !== undefined) files.snapshots.push({ seq: Number(snapshot), name });
    else if (TEMPORARY.test(name)) files.temporaries.push(name);
  }
  files.segments.sort((a, b) => a.seq - b.seq);
  files.snapshots.sort((a, b) => a.seq - b.seq);
  return files;
}

/** Makes creations, renames and deletions in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
