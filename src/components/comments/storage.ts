import type { SortOrder } from '../../api/contract.js';

/**
 * What the widget keeps in the visitor's browser: the draft being written (so it
 * survives a failure or a reload) and, only when the visitor opts in, their details
 * (both kept by the form's state, form-state.ts, in the form's chunk), the sort order, and
 * the edit grants of their fresh comments (writer.ts). Storage can be unavailable (privacy
 * modes, blocked third-party storage): every access is guarded so the widget still works,
 * just without memory.
 */

export interface Draft {
  body: string;
  parentId: string | null;
  idempotencyKey: string;
  /** The "notify me of replies" box, ticked. */
  notify?: boolean;
}

export interface SavedAuthor {
  name: string;
  email: string;
  url: string;
}

export function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function write(key: string, value: unknown | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Full or forbidden storage only costs the visitor the convenience.
  }
}

/** Where the visitor's details are kept, when they ask for that. */
export const AUTHOR_KEY = 'colloquy-author';
/** Where the draft of a thread is kept. */
export const draftKey = (endpoint: string, thread: string) => `colloquy-draft:${endpoint}|${thread}`;
/** The visitor's chosen sort order, for the whole site. */
export const loadSort = () => read<SortOrder>('colloquy-sort');
export const saveSort = (sort: SortOrder) => write('colloquy-sort', sort);
/**
 * The visitor's likes on an endpoint: written only by their first like. `visitor` is a random key
 * (no cookie, no login) the endpoint stores only as a keyed hash; `liked` the ids they like now,
 * so a reload shows them pressed (the list itself is the same for every visitor).
 */
export interface Likes {
  visitor: string;
  liked: string[];
}
export const likesKey = (endpoint: string) => `colloquy-likes:${endpoint}`;
/** Where the edit tokens of the visitor's own fresh comments on an endpoint are kept (see writer.ts). */
export const grantsKey = (endpoint: string) => `colloquy-own:${endpoint}`;

/** `jane@example.com` → `j•••@example.com`: enough for visitors to recognise their own address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${Array.from(email)[0]}•••${email.slice(at)}`;
}
