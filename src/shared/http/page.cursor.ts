import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError } from '../errors/app.error';
import { z } from '../openapi/zod.openapi';

/**
 * The one paging scheme of the API: every listing answers `{ items, nextCursor }` and reads the
 * next page from `?cursor=`. A cursor is `<payload>.<mac>`, both base64url: the payload is the sort
 * position after the page's last item, the mac an HMAC over it, so a client can neither read a
 * meaning into it nor forge a position. A cursor names its listing and sort; one replayed on another
 * listing, in another sort, altered or signed with another key is 400 INVALID_CURSOR.
 *
 * A cursor never carries scope: every page is the caller's scope filter ANDed with the position, so
 * a cursor taken from a wider listing cannot widen a narrower caller's.
 */

/** What a cursor is for. `name` tells listings apart (include a parent id when the listing has one). */
export interface Listing {
  name: string;
  sort: string;
  direction: 1 | -1;
}

/** Where the next page starts: strictly after `value` in the sort, `id` (an _id) breaking ties. */
export interface CursorPosition {
  value: string | number | Date;
  id?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageCursors {
  encode(listing: Listing, position: CursorPosition): string;
  /** The position the cursor stands for; throws 400 INVALID_CURSOR for any cursor not made for this listing. */
  decode(listing: Listing, cursor: string): CursorPosition;
  /**
   * Rows read with `limit + 1` → the page: its first `limit` rows, and a cursor after the last of
   * them when the extra row shows there is more (and the last row has a position: one whose sort
   * value is missing ends the listing there).
   */
  page<T>(rows: readonly T[], limit: number, listing: Listing, positionOf: (row: T) => CursorPosition | undefined): Page<T>;
}

const ID = /^[0-9a-f]{24}$/;

const payloadSchema = z.strictObject({
  l: z.string(),
  s: z.string(),
  o: z.union([z.literal(1), z.literal(-1)]),
  v: z.union([z.string(), z.number(), z.strictObject({ d: z.iso.datetime() })]),
  i: z.string().regex(ID).optional(),
});

export function invalidCursor(): AppError {
  return new AppError('INVALID_CURSOR', 400, 'Invalid cursor', {
    detail: 'The cursor is malformed, tampered with or belongs to another listing',
    errors: [{ path: 'cursor', message: 'is not valid' }],
  });
}

/**
 * Cursors keyed from a server secret (JWT_SECRET) through HKDF (RFC 5869), so the key is never the
 * secret itself and no new setting is needed. Every process built from the same secret reads every
 * other's cursors; rotating the secret only ends the cursors in flight.
 */
export function createPageCursors(secret: string): PageCursors {
  const key = Buffer.from(hkdfSync('sha256', secret, 'lpg-trace', 'page-cursor/v1', 32));
  // 128 bits of HMAC-SHA256: forging one is out of reach, and the cursor stays short in a URL.
  const mac = (body: string) => createHmac('sha256', key).update(body).digest().subarray(0, 16);

  const encode = (listing: Listing, position: CursorPosition): string => {
    const v = position.value instanceof Date ? { d: position.value.toISOString() } : position.value;
    const payload = { l: listing.name, s: listing.sort, o: listing.direction, v, ...(position.id ? { i: position.id } : {}) };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${mac(body).toString('base64url')}`;
  };

  const decode = (listing: Listing, cursor: string): CursorPosition => {
    const [body, given, extra] = cursor.split('.');
    if (!body || !given || extra !== undefined) throw invalidCursor();
    const givenMac = Buffer.from(given, 'base64url');
    const wanted = mac(body);
    if (givenMac.length !== wanted.length || !timingSafeEqual(givenMac, wanted)) throw invalidCursor();
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) throw invalidCursor();
    const p = parsed.data;
    if (p.l !== listing.name || p.s !== listing.sort || p.o !== listing.direction) throw invalidCursor();
    const value = typeof p.v === 'object' ? new Date(p.v.d) : p.v;
    return { value, ...(p.i ? { id: p.i } : {}) };
  };

  return {
    encode,
    decode,
    page(rows, limit, listing, positionOf) {
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const position = rows.length > limit && last !== undefined ? positionOf(last) : undefined;
      return { items, nextCursor: position ? encode(listing, position) : null };
    },
  };
}

/** A stored value as a cursor position's value, when it can be one. */
export function positionValue(value: unknown): CursorPosition['value'] | undefined {
  return typeof value === 'string' || typeof value === 'number' || value instanceof Date ? value : undefined;
}

/**
 * Documents strictly after the position in the listing's order (with `_id` breaking ties when the
 * position has one). ANDed with the scope, never instead of it.
 */
export function afterPosition(listing: Listing, position: CursorPosition): Record<string, unknown> {
  const op = listing.direction === 1 ? '$gt' : '$lt';
  if (position.id === undefined) return { [listing.sort]: { [op]: position.value } };
  const id = new Types.ObjectId(position.id);
  return { $or: [{ [listing.sort]: { [op]: position.value } }, { [listing.sort]: position.value, _id: { [op]: id } }] };
}

/** `?cursor=`: a cursor's alphabet only; whether it is one of this listing's is the decoder's answer (INVALID_CURSOR). */
export const cursorQuery = z
  .string()
  .max(1000)
  .regex(/^[A-Za-z0-9_.-]+$/, 'is not a cursor')
  .optional()
  .openapi({ description: 'The `nextCursor` of the previous page; opaque' });

/** The OpenAPI/zod shape of every listing's answer. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    })
    .openapi(name);
}
