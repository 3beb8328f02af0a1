import { afterPosition, createPageCursors } from '../../src/shared/http/page.cursor';

const now = new Date('2025-06-01T00:00:00Z');

describe('pagination cursors', () => {
  const cursors = createPageCursors('key');
  const sites = { name: 'sites', sort: 'createdAt', direction: 1 as const };
  const position = { value: now, id: 'a'.repeat(24) };

  it('round-trips a position: a date with its tie-breaking id, and a bare sequence number', () => {
    expect(cursors.decode(sites, cursors.encode(sites, position))).toEqual(position);
    const events = { name: 'events', sort: 'logSeq', direction: -1 as const };
    expect(cursors.decode(events, cursors.encode(events, { value: 500 }))).toEqual({ value: 500 });
  });

  it('refuses a tampered cursor, one signed with another key, and one for another listing, sort or order', () => {
    const cursor = cursors.encode(sites, position);
    const [body, mac] = cursor.split('.') as [string, string];
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString().replace('sites', 'cylinders')).toString('base64url');
    expect(() => cursors.decode(sites, `${forged}.${mac}`)).toThrow(/cursor/i);
    expect(() => createPageCursors('other').decode(sites, cursor)).toThrow(/cursor/i);
    expect(() => cursors.decode({ ...sites, sort: 'name' }, cursor)).toThrow(/cursor/i);
    expect(() => cursors.decode({ ...sites, name: 'cylinders' }, cursor)).toThrow(/cursor/i);
    expect(() => cursors.decode({ ...sites, direction: -1 }, cursor)).toThrow(/cursor/i);
  });

  it('answers anything that is not a cursor with 400 INVALID_CURSOR naming the parameter', () => {
    for (const bad of ['500', 'bm90LWFuLWlk', 'a.b', 'a.b.c', '.']) {
      expect(() => cursors.decode(sites, bad)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR', status: 400, errors: [{ path: 'cursor', message: 'is not valid' }] }));
    }
  });

  it('cuts a page from limit + 1 rows, with a cursor only when there is more', () => {
    const listing = { name: 'events', sort: 'logSeq', direction: -1 as const };
    const rows = [{ seq: 9 }, { seq: 8 }, { seq: 7 }];
    const more = cursors.page(rows, 2, listing, (r) => ({ value: r.seq }));
    expect(more.items).toEqual([{ seq: 9 }, { seq: 8 }]);
    expect(cursors.decode(listing, more.nextCursor ?? '')).toEqual({ value: 8 });
    expect(cursors.page(rows, 3, listing, (r) => ({ value: r.seq }))).toEqual({ items: rows, nextCursor: null });
  });

  it('continues strictly after the position, with the id breaking ties of a repeated sort value', () => {
    expect(afterPosition({ name: 'events', sort: 'logSeq', direction: -1 }, { value: 8 })).toEqual({ logSeq: { $lt: 8 } });
    const filter = afterPosition(sites, position) as { $or: Record<string, unknown>[] };
    expect(filter.$or[0]).toEqual({ createdAt: { $gt: now } });
    expect(String((filter.$or[1] as { _id: { $gt: unknown } })._id.$gt)).toBe('a'.repeat(24));
  });
});
