import {
  calculateObjectSize,
  deserialize,
  serialize,
  setInternalBufferSize,
  type DeserializeOptions,
  type Document,
} from 'bson';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { StorageError } from './storage-error';

/*
 * Every journal segment and snapshot file is a 16-byte file header followed by frames:
 *   u32 LE payload length | u32 LE CRC-32 over (length bytes ‖ payload) | payload
 * Covering the length bytes by the checksum means a damaged length is caught even when it still
 * points inside the file. A snapshot ends with a trailer whose first word is TRAILER_TAG, a value
 * no payload length can take.
 */
export const FILE_HEADER_BYTES = 16;
export const FRAME_HEADER_BYTES = 8;
/** Comfortably above the 48 MB wire-message limit the engine works to. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
export const TRAILER_TAG = 0xffffffff;
export const TRAILER_BYTES = 16;
const MIN_BSON_BYTES = 5;
const READ_WINDOW_BYTES = 1024 * 1024;

export function frameChecksum(header: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(header.subarray(0, 4)));
}

/** Writes the 8-byte frame header for `payload` at `at` in `target`. */
export function writeFrameHeader(target: Buffer, at: number, payload: Uint8Array): void {
  target.writeUInt32LE(payload.length, at);
  target.writeUInt32LE(frameChecksum(target.subarray(at, at + 4), payload), at + 4);
}

export function fileHeader(magic: string, seq: number): Buffer {
  const header = Buffer.alloc(FILE_HEADER_BYTES);
  header.write(magic, 0, 8, 'latin1');
  header.writeBigUInt64LE(BigInt(seq), 8);
  return header;
}

/** Returns why the header is not `magic` + `seq`, or undefined when it is. */
export function checkFileHeader(header: Buffer, magic: string, seq: number): string | undefined {
  if (header.length < FILE_HEADER_BYTES) return 'file header is incomplete';
  if (header.toString('latin1', 0, 8) !== magic) return 'file header has the wrong magic';
  const stored = header.readBigUInt64LE(8);
  if (stored !== BigInt(seq)) return `file header names sequence ${stored}, file name says ${seq}`;
  return undefined;
}

export function trailer(count: number): Buffer {
  const bytes = Buffer.alloc(TRAILER_BYTES);
  bytes.writeUInt32LE(TRAILER_TAG, 0);
  bytes.writeBigUInt64LE(BigInt(count), 8);
  bytes.writeUInt32LE(crc32(bytes.subarray(8)), 4);
  return bytes;
}

/** The entry count a trailer declares, or undefined when its checksum fails. */
export function readTrailer(bytes: Buffer): number | undefined {
  if (bytes.length !== TRAILER_BYTES || bytes.readUInt32LE(0) !== TRAILER_TAG) return undefined;
  if (bytes.readUInt32LE(4) !== crc32(bytes.subarray(8))) return undefined;
  return Number(bytes.readBigUInt64LE(8));
}

/** bson serializes into one module-wide scratch buffer of 17 MB; larger records need it grown. */
let serializerCapacity = 17 * 1024 * 1024;

export function toBson(document: Document): Uint8Array {
  try {
    return serialize(document);
  } catch (error) {
    // Outgrowing the scratch buffer surfaces as a RangeError (checked by name: under jest it comes
    // from another realm); anything else, such as a circular structure, is the caller's to see.
    if (!isRangeError(error)) throw error;
    const size = calculateObjectSize(document);
    if (size > MAX_PAYLOAD_BYTES) {
      throw new StorageError('RECORD_TOO_LARGE', `record of ${size} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte limit`);
    }
    if (size <= serializerCapacity) throw error;
    setInternalBufferSize(size);
    serializerCapacity = size;
    return serialize(document);
  }
}

function isRangeError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'RangeError';
}

/** One framed record ready to be written. */
export function encodeFrame(document: Document): Buffer {
  const payload = toBson(document);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  writeFrameHeader(frame, 0, payload);
  return frame;
}

/**
 * Splits a frame payload into the BSON documents it holds, back to back. Each document is decoded
 * from its own copy of its bytes: bson hands out Binary values as views of the input, and a view of
 * a shared read window would keep the whole window alive for as long as the document lives.
 */
export function decodeDocuments(payload: Buffer, options: DeserializeOptions, into: Document[]): string | undefined {
  const parts: Uint8Array[] = [];
  const broken = splitDocuments(payload, parts);
  if (broken) return broken;
  const decoded: Document[] = [];
  for (const part of parts) {
    try {
      decoded.push(deserialize(Uint8Array.from(part), options));
    } catch (error) {
      return `undecodable BSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  for (const document of decoded) into.push(document);
  return undefined;
}

/**
 * Splits a frame payload into its BSON documents' bytes (views of `payload`) without decoding them:
 * each length must fit and each document must end with BSON's terminating zero byte.
 */
export function splitDocuments(payload: Buffer, into: Uint8Array[]): string | undefined {
  let at = 0;
  const found: Uint8Array[] = [];
  while (at < payload.length) {
    if (payload.length - at < MIN_BSON_BYTES) return 'payload ends inside a document';
    const size = payload.readInt32LE(at);
    if (size < MIN_BSON_BYTES || size > payload.length - at) return 'document length runs past the payload';
    if (payload[at + size - 1] !== 0) return 'document does not end where its length says';
    found.push(payload.subarray(at, at + size));
    at += size;
  }
  for (const entry of found) into.push(entry);
  return undefined;
}

export interface FrameStop {
  /** Offset of the first frame that could not be read whole and intact. */
  offset: number;
  reason: string;
}

export interface FrameScan {
  /** Offset just past the last good frame (the trailer's offset when one was met). */
  end: number;
  stop: FrameStop | undefined;
  /** The trailer's bytes, when the scan ended on one that closes the file. */
  trailer: Buffer | undefined;
}

/**
 * Reads frames from `start` to `size`, handing each verified payload to `onPayload`, and stops at
 * the first frame that is cut short, fails its checksum, or whose payload `onPayload` rejects
 * (by returning a reason).
 */
export async function scanFrames(
  handle: FileHandle,
  start: number,
  size: number,
  onPayload: (payload: Buffer) => string | undefined,
): Promise<FrameScan> {
  const reader = new WindowedReader(handle, size);
  let at = start;
  while (at < size) {
    const stopAt = (reason: string): FrameScan => ({ end: at, stop: { offset: at, reason }, trailer: undefined });
    if (size - at < FRAME_HEADER_BYTES) return stopAt('frame header cut short by the end of the file');
    const header = await reader.view(at, FRAME_HEADER_BYTES);
    const length = header.readUInt32LE(0);
    if (length === TRAILER_TAG) {
      if (size - at !== TRAILER_BYTES) return stopAt('trailer is not at the end of the file');
      return { end: at, stop: undefined, trailer: Buffer.from(await reader.view(at, TRAILER_BYTES)) };
    }
    const expected = header.readUInt32LE(4);
    if (length < MIN_BSON_BYTES || length > MAX_PAYLOAD_BYTES) return stopAt(`impossible record length ${length}`);
    if (at + FRAME_HEADER_BYTES + length > size) return stopAt('record runs past the end of the file');
    const frame = await reader.view(at, FRAME_HEADER_BYTES + length);
    const payload = frame.subarray(FRAME_HEADER_BYTES);
    if (frameChecksum(frame, payload) !== expected) return stopAt('checksum mismatch');
    const rejected = onPayload(payload);
    if (rejected !== undefined) return stopAt(rejected);
    at += FRAME_HEADER_BYTES + length;
  }
  return { end: at, stop: undefined, trailer: undefined };
}

/** Serves byte ranges of a file from one reused read window, so a scan costs one read per megabyte. */
class WindowedReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  private windowLength = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  async view(offset: number, length: number): Promise<Buffer> {
    const within = offset - this.windowStart;
    if (within >= 0 && within + length <= this.windowLength) return this.window.subarray(within, within + length);
    const wanted = Math.min(Math.max(length, READ_WINDOW_BYTES), this.size - offset);
    if (this.window.length < wanted) this.window = Buffer.allocUnsafe(wanted);
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await this.handle.read(this.window, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.windowStart = offset;
    this.windowLength = filled;
    if (filled < length) throw new Error(`file shrank while being read (wanted ${length} bytes at ${offset})`);
    return this.window.subarray(0, length);
  }
}
