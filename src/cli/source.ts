/** What an export format yields: comments in a common shape, and what it could not take. */
import type { StoredStatus } from '../server/store/comment-store.js';
import type { XmlElement } from './xml.js';

export interface SourceComment {
  /**
   * Stable per source comment (`wxr:<post guid>:<comment id>`). Its HMAC under the server's
   * secret (import-key.ts) is stored as the idempotency key, so a second import skips it and
   * no one without the secret can name it.
   */
  key: string;
  /** The parent's `key`, or `null` for a top-level comment. */
  parentKey: string | null;
  thread: string;
  name: string;
  email: string;
  url: string | null;
  body: string;
  status: StoredStatus;
  /** Milliseconds since the epoch, UTC. */
  createdAt: number;
  /** Where it is in the file, for messages: `line 120, comment 9 on "Episode 42"`. */
  where: string;
}

/** A comment left out, and why. */
export interface Outcome {
  where: string;
  reason: string;
}

export interface ParsedExport {
  comments: SourceComment[];
  skipped: Outcome[];
  failed: Outcome[];
}

/** An XML export format: which elements to build, what to make of each, and the result. */
export interface ExportFormat {
  capture(path: readonly string[]): boolean;
  element(element: XmlElement, path: readonly string[]): void;
  /** `root`: the document's root element, to tell a file of another kind. */
  finish(root: string | undefined): ParsedExport;
}

/** Where a thread key comes from. WordPress: `path`, `link` or `guid`; Disqus: `path`, `link` or `id`. */
export type ThreadKeySource = 'path' | 'link' | 'guid' | 'id';

/** The path of a page's URL (`/2024/05/episode-42/`), or `undefined` when it is not an http(s) URL. */
export function urlPath(link: string): string | undefined {
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

/** A file (or an option) an export format cannot work with: reported in one line, nothing imported. */
export class ExportFormatError extends Error {}

/**
 * The times Colloquy stores, in milliseconds: from 1970-01-01 to the end of 9999, UTC. Edit
 * tokens (6 bytes of milliseconds since 1970) and ISO 8601 dates hold every one of them.
 */
export const STORABLE_TIMES = { earliest: 0, latest: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

export function isStorableTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= STORABLE_TIMES.earliest && ms <= STORABLE_TIMES.latest;
}

/**
 * Refuses the whole file over a comment's date: one Colloquy cannot keep, or cannot read,
 * would otherwise be stored wrong or make the server fail on it later.
 */
export function badDate(line: number, what: string, field: string, text: string): never {
  const problem = text === '' ? `has no ${field}` : `has the ${field} ${JSON.stringify(text.slice(0, 40))}, which is not a date from 1970-01-01 to 9999-12-31`;
  throw new ExportFormatError(`line ${line}: ${what} ${problem}`);
}

/** "Anonymous" for a comment without a name, as WordPress shows it. */
export const ANONYMOUS = 'Anonymous';
