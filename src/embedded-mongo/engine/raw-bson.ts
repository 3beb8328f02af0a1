import { deserialize, Long, ObjectId, type DeserializeOptions, type Document } from 'bson';
import { StorageError } from '../storage/storage-error';
import type { Entry } from './collection';

/*
 * Reading a few top-level values straight off a document's BSON bytes, so that a collection
 * reopened from a snapshot can map its ids and build an index without decoding every document.
 * Only the plain scalar types are read here; anything else (embedded documents and arrays on the
 * path, binaries, decimals, ...) answers FALLBACK and the caller decodes the whole document.
 */
export const FALLBACK = Symbol('decode the document');
/** A field the document does not have. */
export const MISSING = Symbol('missing');

function int32(bytes: Uint8Array, at: number): number {
  return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24);
}

/** Bytes a value of BSON type `type` takes at `at`, or -1 for a type this reader does not know. */
function valueBytes(bytes: Uint8Array, type: number, at: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8;
    case 0x02: case 0x0d: case 0x0e: return 4 + int32(bytes, at);
    case 0x03: case 0x04: case 0x0f: return int32(bytes, at);
    case 0x05: return 5 + int32(bytes, at);
    case 0x06: case 0x0a: case 0x7f: case 0xff: return 0;
    case 0x07: return 12;
    case 0x08: return 1;
    case 0x10: return 4;
    case 0x13: return 16;
    case 0x0b: {
      let end = at;
      while (bytes[end] !== 0) end++;
      end++;
      while (bytes[end] !== 0) end++;
      return end + 1 - at;
    }
    default: return -1;
  }
}

function sameName(bytes: Uint8Array, at: number, name: Buffer): boolean {
  for (let i = 0; i < name.length; i++) if (bytes[at + i] !== name[i]) return false;
  return bytes[at + name.length] === 0;
}

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** The scalar at a (dotted) path of the document at `start`, MISSING, or FALLBACK. */
export function rawValue(bytes: Uint8Array, path: readonly Buffer[], options: DeserializeOptions, start = 0, depth = 0): unknown {
  const name = path[depth] as Buffer;
  const end = start + int32(bytes, start) - 1;
  let at = start + 4;
  while (at < end) {
    const type = bytes[at] as number;
    const nameAt = at + 1;
    let valueAt = nameAt;
    while (bytes[valueAt] !== 0) valueAt++;
    valueAt++;
    const size = valueBytes(bytes, type, valueAt);
    if (size < 0) return FALLBACK;
    if (sameName(bytes, nameAt, name)) {
      if (depth < path.length - 1) return type === 0x03 ? rawValue(bytes, path, options, valueAt, depth + 1) : type === 0x04 ? FALLBACK : MISSING;
      return scalar(bytes, type, valueAt, options);
    }
    at = valueAt + size;
  }
  return MISSING;
}

function scalar(bytes: Uint8Array, type: number, at: number, options: DeserializeOptions): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 0x01: return view.getFloat64(at, true);
    case 0x02: return textDecoder.decode(bytes.subarray(at + 4, at + 4 + int32(bytes, at) - 1));
    case 0x07: return new ObjectId(Buffer.from(bytes.subarray(at, at + 12)));
    case 0x08: return bytes[at] === 1;
    case 0x09: return new Date(Number(view.getBigInt64(at, true)));
    case 0x0a: return null;
    case 0x10: return int32(bytes, at);
    case 0x12: {
      if (options.promoteLongs !== false) return FALLBACK;
      return Long.fromBits(int32(bytes, at), int32(bytes, at + 4));
    }
    default: return FALLBACK;
  }
}

const ID_PATH = [Buffer.from('_id')];

/**
 * One document of a snapshot, kept as its BSON bytes until something reads `doc`. Its bytes are
 * a view of its collection's snapshot bytes; decoding copies them first, because bson hands out
 * Binary values as views of its input, which would pin the whole collection's bytes.
 */
export class LazyEntry implements Entry {
  prev?: Entry;
  private decoded: Document | undefined;
  private bytes: Uint8Array | undefined;

  constructor(
    bytes: Uint8Array,
    readonly ts: number,
    private readonly options: DeserializeOptions,
    private readonly ns: string,
  ) {
    this.bytes = bytes;
  }

  get doc(): Document {
    if (this.decoded) return this.decoded;
    const bytes = this.bytes as Uint8Array;
    const own = new Uint8Array(bytes.length);
    own.set(bytes);
    try {
      this.decoded = deserialize(own, this.options);
    } catch (error) {
      throw new StorageError('SNAPSHOT_CORRUPT', `a snapshot document of ${this.ns} does not decode: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.bytes = undefined;
    return this.decoded;
  }

  /** The undecoded bytes, while nobody has read `doc`. */
  get raw(): Uint8Array | undefined {
    return this.bytes;
  }

  /** The value at a path, read off the bytes when still undecoded (MISSING / FALLBACK as rawValue). */
  valueAt(path: readonly Buffer[]): unknown {
    return this.bytes ? rawValue(this.bytes, path, this.options) : FALLBACK;
  }

  /**
   * The id key (see idKey) read off the bytes when _id comes first and is an ObjectId or a string,
   * as the driver and mongoose write it; undefined otherwise (the caller then reads `doc._id`).
   */
  rawIdKey(): string | undefined {
    const bytes = this.bytes;
    if (!bytes || bytes[5] !== 0x5f || bytes[6] !== 0x69 || bytes[7] !== 0x64 || bytes[8] !== 0) return undefined;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes[4] === 0x07) return `o${buffer.toString('hex', 9, 21)}`;
    if (bytes[4] === 0x02) return `s${buffer.toString('utf8', 13, 13 + int32(bytes, 9) - 1)}`;
    return undefined;
  }

  idValue(): unknown {
    return this.valueAt(ID_PATH);
  }
}
