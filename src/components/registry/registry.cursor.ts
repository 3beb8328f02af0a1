import { createHmac, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { z } from 'zod';
import { AppError } from '../../shared/errors/app.error';

/** The position after the last item of a page: the sort key and the _id breaking ties. */
export interface CursorPosition {
  resource: string;
  sort: string;
  direction: 1 | -1;
  value: string | number | Date;
  id: string;
}

const payloadSchema = z.strictObject({
  r: z.string(),
  s: z.string(),
  o: z.union([z.literal(1), z.literal(-1)]),
  v: z.union([z.string(), z.number(), z.strictObject({ d: z.iso.datetime() })]),
  i: z.string().regex(/^[0-9a-f]{24}$/),
});

function sign(key: string, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, 16);
}

/** `<payload>.<mac>`, both base64url: opaque to clients, and a changed byte is detected. */
export function encodeCursor(key: string, position: CursorPosition): string {
  const v = position.value instanceof Date ? { d: position.value.toISOString() } : position.value;
  const body = Buffer.from(
    JSON.stringify({ r: position.resource, s: position.sort, o: position.direction, v, i: position.id }),
  ).toString('base64url');
  return `${body}.${sign(key, body).toString('base64url')}`;
}

function invalid(): AppError {
  return new AppError('INVALID_CURSOR', 400, 'Invalid cursor', { detail: 'The cursor is malformed, tampered with or belongs to another listing' });
}

/** The position a cursor stands for; 400 INVALID_CURSOR when it was altered or is for another sort. */
export function decodeCursor(key: string, cursor: string, expected: { resource: string; sort: string; direction: 1 | -1 }): CursorPosition {
  const [body, mac, extra] = cursor.split('.');
  if (!body || !mac || extra !== undefined) throw invalid();
  const given = Buffer.from(mac, 'base64url');
  const wanted = sign(key, body);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw invalid();
  const p = parsed.data;
  if (p.r !== expected.resource || p.s !== expected.sort || p.o !== expected.direction) throw invalid();
  const value = typeof p.v === 'object' ? new Date(p.v.d) : p.v;
  return { resource: p.r, sort: p.s, direction: p.o, value, id: p.i };
}

/** Records strictly after the position in (sort, _id) order; ANDed with the scope, never instead of it. */
export function afterPosition(position: CursorPosition): Record<string, unknown> {
  const op = position.direction === 1 ? '$gt' : '$lt';
  const id = new Types.ObjectId(position.id);
  return {
    $or: [{ [position.sort]: { [op]: position.value } }, { [position.sort]: position.value, _id: { [op]: id } }],
  };
}
