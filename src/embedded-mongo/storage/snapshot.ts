import { serializeWithBufferAndIndex, type DeserializeOptions, type Document } from 'bson';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SNAPSHOT_MAGIC, snapshotName, snapshotTempName, syncDirectory } from './data-files';
import {
  checkFileHeader,
  decodeDocuments,
  splitDocuments,
  FILE_HEADER_BYTES,
  fileHeader,
  FRAME_HEADER_BYTES,
  readTrailer,
  scanFrames,
  toBson,
  trailer,
  writeFrameHeader,
} from './frame';
import { ignoreMissing } from './lock-file';
import { StorageError } from './storage-error';

export interface SnapshotWriteTuning {
  /** Entries are packed into frames of about this many bytes; each frame is one write. */
  chunkBytes: number;
  /** Longest stretch of serialization before the event loop gets a turn. */
  sliceMs: number;
}

export const DEFAULT_SNAPSHOT_TUNING: SnapshotWriteTuning = { chunkBytes: 1024 * 1024, sliceMs: 5 };

/**
 * Writes `entries` as snapshot `seq`: into a temporary file, a frame at a time, yielding to the event
 * loop between slices; then fsync, atomic rename into place and fsync of the directory. Only the bytes
 * of the frame being filled are held besides the entries themselves. On failure the temporary file is
 * removed and nothing else in the directory has changed.
 */
export async function writeSnapshot(
  dir: string,
  seq: number,
  entries: readonly (Document | Uint8Array)[],
  tuning: SnapshotWriteTuning = DEFAULT_SNAPSHOT_TUNING,
): Promise<void> {
  const temporary = join(dir, snapshotTempName(seq));
  try {
    const handle = await open(temporary, 'w');
    try {
      await writeEntries(handle, seq, entries, tuning);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, join(dir, snapshotName(seq)));
    await syncDirectory(dir);
  } catch (error) {
    await unlink(temporary).catch(ignoreMissing);
    throw error;
  }
}

async function writeEntries(
  handle: FileHandle,
  seq: number,
  entries: readonly (Document | Uint8Array)[],
  tuning: SnapshotWriteTuning,
): Promise<void> {
  const out = new SequentialWriter(handle);
  await out.write(fileHeader(SNAPSHOT_MAGIC, seq));
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + tuning.chunkBytes);
  let used = FRAME_HEADER_BYTES;
  const flushFrame = async (): Promise<void> => {
    const payload = frame.subarray(FRAME_HEADER_BYTES, used);
    writeFrameHeader(frame, 0, payload);
    await out.write(frame.subarray(0, used));
    used = FRAME_HEADER_BYTES;
  };
  let sliceStart = performance.now();
  let count = 0;
  for (const entry of entries) {
    let end = packInto(frame, used, entry);
    if (end === undefined && used > FRAME_HEADER_BYTES) {
      await flushFrame();
      end = packInto(frame, used, entry);
    }
    if (end === undefined) await out.write(ownFrame(entry instanceof Uint8Array ? entry : toBson(entry)));
    else used = end;
    count += 1;
    if ((count & 63) === 0 && performance.now() - sliceStart > tuning.sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  if (used > FRAME_HEADER_BYTES) await flushFrame();
  await out.write(trailer(count));
}

/**
 * Serializes `entry` straight into the frame (bson's own scratch buffer, then one copy, no allocation
 * per entry: a million short-lived buffers would keep the young generation busy). Returns the new end,
 * or undefined when it does not fit, or cannot be serialized this way at all, in which case the caller
 * retries on an empty frame and then through toBson, which reports the real problem.
 */
function packInto(frame: Buffer, used: number, entry: Document | Uint8Array): number | undefined {
  if (entry instanceof Uint8Array) {
    // Bytes of a document not decoded since it was read from the previous snapshot.
    if (used + entry.length > frame.length) return undefined;
    frame.set(entry, used);
    return used + entry.length;
  }
  try {
    return serializeWithBufferAndIndex(entry, frame, { index: used }) + 1;
  } catch {
    return undefined;
  }
}

function ownFrame(payload: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  framed.set(payload, FRAME_HEADER_BYTES);
  writeFrameHeader(framed, 0, payload);
  return framed;
}

class SequentialWriter {
  private position = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, this.position + done);
      done += bytesWritten;
    }
    this.position += bytes.length;
  }
}

/**
 * Reads snapshot `seq` whole. A snapshot only ever gets its final name after it was completely written
 * and fsynced, so any damage here is damage to data already relied upon: it is refused with
 * SNAPSHOT_CORRUPT rather than silently opening an older state.
 */
export async function readSnapshot(
  dir: string,
  seq: number,
  options: DeserializeOptions,
): Promise<Document[]> {
  const entries: Document[] = [];
  await scanSnapshot(dir, seq, (payload) => decodeDocuments(payload, options, entries), () => entries.length);
  return entries;
}

/**
 * Reads snapshot `seq` as its entries' BSON bytes, checked as readSnapshot checks them (every
 * frame's checksum, every entry's length, the trailer's count) but not decoded: decoding a large
 * snapshot whole is most of the cost of opening it, and the engine decodes a collection when it is
 * first used. Each frame's payload is copied once; the entries are views of those copies.
 */
export async function readSnapshotRaw(dir: string, seq: number): Promise<Uint8Array[]> {
  const entries: Uint8Array[] = [];
  await scanSnapshot(dir, seq, (payload) => splitDocuments(Buffer.from(payload), entries), () => entries.length);
  return entries;
}

async function scanSnapshot(
  dir: string,
  seq: number,
  onPayload: (payload: Buffer) => string | undefined,
  count: () => number,
): Promise<void> {
  const path = join(dir, snapshotName(seq));
  const corrupt = (reason: string): StorageError =>
    new StorageError('SNAPSHOT_CORRUPT', `snapshot ${path} is damaged (${reason}); refusing to open ${dir}`);
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(FILE_HEADER_BYTES);
    await handle.read(header, 0, FILE_HEADER_BYTES, 0);
    const headerProblem = checkFileHeader(header, SNAPSHOT_MAGIC, seq);
    if (headerProblem !== undefined) throw corrupt(headerProblem);
    const scan = await scanFrames(handle, FILE_HEADER_BYTES, size, onPayload);
    if (scan.stop !== undefined) throw corrupt(`${scan.stop.reason} at byte ${scan.stop.offset}`);
    if (scan.trailer === undefined) throw corrupt('no trailer');
    const declared = readTrailer(scan.trailer);
    if (declared === undefined) throw corrupt('trailer checksum mismatch');
    if (declared !== count()) throw corrupt(`trailer declares ${declared} entries, found ${count()}`);
  } finally {
    await handle.close();
  }
}
