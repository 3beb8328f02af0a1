import { deserialize, serialize, type Document } from 'bson';
import { MongoCommandError } from '../errors';

/** Opcodes this server understands (see the MongoDB wire protocol specification). */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
const HEADER_SIZE = 16;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A parsed request: the command document (kind-1 sequences merged in) and how to answer it. */
export interface Request {
  header: MessageHeader;
  command: Document;
  /** OP_QUERY requests are answered with OP_REPLY, OP_MSG with OP_MSG. */
  legacy: boolean;
  /** moreToCome set by the client: no reply is expected (w:0 writes). */
  noReply: boolean;
}

export function readHeader(buf: Buffer, offset = 0): MessageHeader {
  return {
    length: buf.readInt32LE(offset),
    requestId: buf.readInt32LE(offset + 4),
    responseTo: buf.readInt32LE(offset + 8),
    opCode: buf.readInt32LE(offset + 12),
  };
}

function readCString(buf: Buffer, start: number): [string, number] {
  const end = buf.indexOf(0, start);
  if (end < 0) throw protocolError('unterminated cstring');
  return [buf.toString('utf8', start, end), end + 1];
}

function protocolError(message: string): MongoCommandError {
  return new MongoCommandError(9, 'FailedToParse', `invalid wire message: ${message}`);
}

function readDocument(buf: Buffer, start: number, limit: number): [Document, number] {
  if (start + 4 > limit) throw protocolError('truncated document');
  const size = buf.readInt32LE(start);
  if (size < 5 || start + size > limit) throw protocolError('document length out of bounds');
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw new MongoCommandError(10334, 'BSONObjectTooLarge', `BSONObj size: ${size} is invalid`);
  }
  // Longs stay Long so that 64-bit integers keep their type and precision in storage.
  return [deserialize(buf.subarray(start, start + size), { promoteLongs: false }), start + size];
}

function parseOpMsg(header: MessageHeader, buf: Buffer): Request {
  const flags = buf.readUInt32LE(HEADER_SIZE);
  const end = flags & CHECKSUM_PRESENT ? buf.length - 4 : buf.length;
  let pos = HEADER_SIZE + 4;
  let command: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (pos < end) {
    const kind = buf.readUInt8(pos);
    pos += 1;
    if (kind === 0) {
      [command, pos] = readDocument(buf, pos, end);
    } else if (kind === 1) {
      const sectionEnd = pos + buf.readInt32LE(pos);
      if (sectionEnd > end) throw protocolError('document sequence out of bounds');
      let name: string;
      [name, pos] = readCString(buf, pos + 4);
      const docs: Document[] = [];
      while (pos < sectionEnd) {
        let doc: Document;
        [doc, pos] = readDocument(buf, pos, sectionEnd);
        docs.push(doc);
      }
      sequences.push([name, docs]);
    } else {
      throw protocolError(`unknown section kind ${kind}`);
    }
  }
  if (!command) throw protocolError('OP_MSG without a body section');
  for (const [name, docs] of sequences) command[name] = docs;
  return { header, command, legacy: false, noReply: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(header: MessageHeader, buf: Buffer): Request {
  const [collection, pos] = readCString(buf, HEADER_SIZE + 4);
  const [query] = readDocument(buf, pos + 8, buf.length);
  if (!collection.endsWith('.$cmd')) {
    throw new MongoCommandError(352, 'UnsupportedOpQueryCommand', 'OP_QUERY is only supported for commands');
  }
  // Legacy commands may be wrapped as { $query: {...} }.
  const command = (query.$query as Document | undefined) ?? query;
  command.$db = collection.slice(0, -'.$cmd'.length);
  return { header, command, legacy: true, noReply: false };
}

export function parseRequest(buf: Buffer): Request {
  const header = readHeader(buf);
  if (header.opCode === OP_MSG) return parseOpMsg(header, buf);
  if (header.opCode === OP_QUERY) return parseOpQuery(header, buf);
  throw protocolError(`unsupported opCode ${header.opCode}`);
}

let nextRequestId = 1;

function frame(opCode: number, responseTo: number, body: Buffer[]): Buffer {
  const length = HEADER_SIZE + body.reduce((n, b) => n + b.length, 0);
  const header = Buffer.allocUnsafe(HEADER_SIZE);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, ...body], length);
}

export function encodeReply(request: Request, reply: Document): Buffer {
  const doc = Buffer.from(serialize(reply));
  if (request.legacy) {
    const prefix = Buffer.alloc(20);
    prefix.writeInt32LE(0, 0); // responseFlags
    prefix.writeBigInt64LE(0n, 4); // cursorID
    prefix.writeInt32LE(0, 12); // startingFrom
    prefix.writeInt32LE(1, 16); // numberReturned
    return frame(OP_REPLY, request.header.requestId, [prefix, doc]);
  }
  const prefix = Buffer.alloc(5); // flagBits 0, section kind 0
  return frame(OP_MSG, request.header.requestId, [prefix, doc]);
}
