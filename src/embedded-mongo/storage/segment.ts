import type { DeserializeOptions, Document } from 'bson';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_MAGIC, segmentName, syncDirectory } from './data-files';
import { checkFileHeader, decodeDocuments, FILE_HEADER_BYTES, fileHeader, scanFrames } from './frame';

/** The segment appends currently go to. Each batch is one positional writev and one fdatasync. */
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
    const handle = await open(join(dir, segmentName(seq)), 'wx');
    try {
      const header = fileHeader(SEGMENT_MAGIC, seq);
      await writeFully(handle, [header], 0);
      await handle.datasync();
      await syncDirectory(dir);
      return new OpenSegment(seq, handle, header.length);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Writes the frames after the previous ones and returns once they are on stable storage. */
  async appendDurably(frames: Buffer[]): Promise<void> {
    this.position += await writeFully(this.handle, frames, this.position);
    // fdatasync also persists the file size, which is all the metadata a reader of the records needs.
    await this.handle.datasync();
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
