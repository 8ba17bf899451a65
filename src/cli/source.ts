/** What an export format yields: comments in a common shape, and what it could not take. */
import type { StoredStatus } from '../server/store/comment-store.js';
import type { XmlElement } from './xml.js';

export interface SourceComment {
  /** Stable per source comment (`wxr:<post guid>:<comment id>`): stored as the idempotency key, so a second import skips it. */
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

/** "Anonymous" for a comment without a name, as WordPress shows it. */
export const ANONYMOUS = 'Anonymous';
