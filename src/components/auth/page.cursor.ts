import { authErrors } from './auth.errors';

/** Opaque cursors over `_id` order. They carry no scope: the scope filter is applied on every page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{24}$/.test(id)) throw authErrors.invalidCursor();
  return id;
}
