/**
 * Values rendered the way mongod prints them inside error messages, e.g. `{ _id: ObjectId('…') }`,
 * so a client reading the message sees what it would see from a real server.
 */
import { bsonTag, bsonTypeName, isDocument, regexParts, type BsonObjectId } from './bson-types';

export function describe(v: unknown, depth = 0): string {
  if (depth > 4) return '…';
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[ ${v.map((e) => describe(e, depth + 1)).join(', ')} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (isDocument(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return `{ ${keys.map((k) => `${k}: ${describe(v[k], depth + 1)}`).join(', ')} }`;
  }
  if (typeof v === 'object') {
    switch (bsonTag(v)) {
      case 'ObjectId':
        return `ObjectId('${(v as BsonObjectId).toHexString()}')`;
      case 'BSONRegExp': {
        const { pattern, options } = regexParts(v);
        return `/${pattern}/${options}`;
      }
      default:
        if (v instanceof RegExp) return String(v);
        return `${bsonTypeName(v)}(${String(v)})`;
    }
  }
  return String(v);
}
