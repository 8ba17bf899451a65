/**
 * Page cursors: the position of a page's last top-level comment and the order it was
 * read in, as base64url JSON; replies cursors: a top-level comment and the position of
 * the last of its replies listed. Clients treat them as opaque; the server checks every
 * part before using one.
 */
import type { SortOrder } from '../../api/contract.js';
import { parseId } from './ids.js';
import type { PageKey } from '../store/comment-store.js';
import { isoTime } from './iso-time.js';

const MAX_CURSOR_LENGTH = 200;

export interface Cursor {
  after: PageKey;
  /** The order the cursor continues; absent in cursors from before it was recorded. */
  sort?: SortOrder;
  /** In the `top` order: the thread version whose like counts rank every page of this reading. */
  likesAt?: number;
}

export function encodeCursor(key: PageKey, sort: SortOrder, likesAt?: number): string {
  // `p`: the key is a pin's (pins open a thread), and when it was pinned.
  const pin = key.pinnedAt === undefined ? {} : { p: isoTime(key.pinnedAt) };
  // `l` and `v` (top order): the key's like count at version `v`, the snapshot every page ranks by.
  const top = sort === 'top' ? { ...(key.likes === undefined ? {} : { l: key.likes }), v: likesAt ?? 0 } : {};
  return Buffer.from(JSON.stringify({ t: isoTime(key.createdAt), i: String(key.id), s: sort, ...pin, ...top })).toString('base64url');
}

/** What a cursor says, or `undefined` when it is not one this server made. */
export function decodeCursor(cursor: string): Cursor | undefined {
  const value = readCursor(cursor);
  if (typeof value !== 'object' || value === null) return undefined;
  const { t, i, s, p, l, v } = value as Record<string, unknown>;
  if (typeof t !== 'string' || typeof i !== 'string') return undefined;
  if (s !== undefined && s !== 'oldest' && s !== 'newest' && s !== 'top') return undefined;
  // A top cursor says at which version it ranks, and (past the pins) the count it stopped at; no other has either.
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (s === 'top' ? !count(v) || (l !== undefined && !count(l)) || (l === undefined && p === undefined) : l !== undefined || v !== undefined) return undefined;
  const createdAt = Date.parse(t);
  const id = parseId(i);
  // The round trip rejects anything but the exact form encodeCursor writes.
  if (Number.isNaN(createdAt) || new Date(createdAt).toISOString() !== t || id === undefined) return undefined;
  let pinnedAt: number | undefined;
  if (p !== undefined) {
    pinnedAt = typeof p === 'string' ? Date.parse(p) : NaN;
    if (Number.isNaN(pinnedAt) || new Date(pinnedAt).toISOString() !== p) return undefined;
  }
  return {
    after: { createdAt, id, ...(pinnedAt === undefined ? {} : { pinnedAt }), ...(l === undefined ? {} : { likes: l as number }) },
    ...(s === undefined ? {} : { sort: s }),
    ...(v === undefined ? {} : { likesAt: v as number }),
  };
}

/** Where a replies page starts: a top-level comment, and the last of its replies already listed (`null`: none yet). */
export interface RepliesCursor {
  rootId: number;
  after: PageKey | null;
}

export function encodeRepliesCursor({ rootId, after }: RepliesCursor): string {
  const position = after ? { t: isoTime(after.createdAt), i: String(after.id) } : {};
  return Buffer.from(JSON.stringify({ r: String(rootId), ...position })).toString('base64url');
}

/** What a replies cursor says, or `undefined` when it is not one this server made. */
export function decodeRepliesCursor(cursor: string): RepliesCursor | undefined {
  const value = readCursor(cursor);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { r, t, i, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof r !== 'string') return undefined;
  const rootId = parseId(r);
  if (rootId === undefined) return undefined;
  if (t === undefined && i === undefined) return { rootId, after: null };
  if (typeof t !== 'string' || typeof i !== 'string') return undefined;
  const createdAt = Date.parse(t);
  const id = parseId(i);
  if (Number.isNaN(createdAt) || new Date(createdAt).toISOString() !== t || id === undefined) return undefined;
  return { rootId, after: { createdAt, id } };
}

/** A cursor's JSON, or `undefined` when it is too long, not base64url or not JSON. */
function readCursor(cursor: string): unknown {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
