import type { DeserializeOptions, Document } from 'bson';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_MAGIC, segmentName, syncDirectory } from './data-files';
import { checkFileHeader, decodeDocuments, FILE_HEADER_BYTES, fileHeader, scanFrames } from './frame';

/**
 * Segments are opened O_DSYNC: each write returns only once its data and the file size are on stable
 * storage, exactly what write + fdatasync gives, but in one trip to the thread pool instead of two,
 * which shortens every group-commit cycle. Where the platform has no O_DSYNC, fdatasync follows.
 */
const DSYNC: number | undefined = constants.O_DSYNC;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (DSYNC ?? 0);
/** Linux's IOV_MAX: a longer writev is split into several syscalls, each its own flush under O_DSYNC. */
const MAX_WRITEV_BUFFERS = 1024;

/** The segment appends currently go to. Each batch is one positional, synchronous writev. */
export class OpenSegment {
  private constructor(
    readonly seq: number,
    private readonly handle: FileHandle,
    private position: number,
  ) {}

  /**
   * Creates segment `seq` with its header, and makes both the file and its directory entry durable
   * before any record is acknowledged from it.
   */
  static async create(dir: string, seq: number): Promise<OpenSegment> {
    const handle = await open(join(dir, segmentName(seq)), CREATE_FLAGS);
    try {
      const header = fileHeader(SEGMENT_MAGIC, seq);
      await writeFully(handle, [header], 0);
      if (DSYNC === undefined) await handle.datasync();
      await syncDirectory(dir);
      return new OpenSegment(seq, handle, header.length);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Writes the frames after the previous ones and returns once they are on stable storage. */
  async appendDurably(frames: Buffer[]): Promise<void> {
    const buffers = frames.length > MAX_WRITEV_BUFFERS ? [Buffer.concat(frames)] : frames;
    this.position += await writeFully(this.handle, buffers, this.position);
    if (DSYNC === undefined) await this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

async function writeFully(handle: FileHandle, buffers: Buffer[], position: number): Promise<number> {
  const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  const { bytesWritten } = await handle.writev(buffers, position);
  if (bytesWritten !== total) {
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    let done = bytesWritten;
    while (done < total) {
      const { bytesWritten: more } = await handle.write(rest, done - bytesWritten, total - done, position + done);
      done += more;
    }
  }
  return total;
}

export interface SegmentContents {
  records: Document[];
  /** Bytes of the segment that hold good records (header included). */
  goodBytes: number;
  /** Where and why reading stopped early; undefined when the whole file was good. */
  damage: { offset: number; reason: string } | undefined;
}

/** Reads every intact record of segment `seq`, stopping at the first one that is torn or corrupt. */
export async function readSegment(dir: string, seq: number, options: DeserializeOptions): Promise<SegmentContents> {
  const handle = await open(join(dir, segmentName(seq)), 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return { records: [], goodBytes: 0, damage: undefined };
    const header = Buffer.alloc(FILE_HEADER_BYTES);
    await handle.read(header, 0, FILE_HEADER_BYTES, 0);
    const headerProblem = checkFileHeader(header.subarray(0, Math.min(size, FILE_HEADER_BYTES)), SEGMENT_MAGIC, seq);
    if (headerProblem !== undefined) return { records: [], goodBytes: 0, damage: { offset: 0, reason: headerProblem } };
    const records: Document[] = [];
    const scan = await scanFrames(handle, FILE_HEADER_BYTES, size, (payload) => {
      if (payload.readInt32LE(0) !== payload.length) return 'payload is not exactly one BSON document';
      return decodeDocuments(payload, options, records);
    });
    const damage = scan.stop ?? (scan.trailer ? { offset: scan.end, reason: 'snapshot trailer inside a journal segment' } : undefined);
    return { records, goodBytes: scan.end, damage };
  } finally {
    await handle.close();
  }
}
