/**
 * Page cursors: the position of a page's last top-level comment, as base64url JSON.
 * Clients treat them as opaque; the server checks every part before using one.
 */
import { parseId } from './ids.js';
import type { PageKey } from './store/comment-store.js';

const MAX_CURSOR_LENGTH = 200;

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify({ t: new Date(key.createdAt).toISOString(), i: String(key.id) })).toString('base64url');
}

/** The position a cursor names, or `undefined` when it is not one this server made. */
export function decodeCursor(cursor: string): PageKey | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { t, i } = value as Record<string, unknown>;
  if (typeof t !== 'string' || typeof i !== 'string') return undefined;
  const createdAt = Date.parse(t);
  const id = parseId(i);
  // The round trip rejects anything but the exact form encodeCursor writes.
  if (Number.isNaN(createdAt) || new Date(createdAt).toISOString() !== t || id === undefined) return undefined;
  return { createdAt, id };
}
