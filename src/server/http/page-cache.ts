/**
 * Serialized list pages, reused while their thread's version is unchanged. Every write
 * to a thread bumps its version in the database, so one key lookup tells whether a
 * cached page is still exact, on this instance or any other sharing the database.
 * Least recently used pages go first once the cache holds `maxChars` characters.
 */
import { etagOf } from './http-cache.js';
import type { ListQuery } from './input.js';

export interface CachedPage {
  version: number;
  text: string;
  etag: string;
}

export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  private chars = 0;

  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

  get(key: string, version: number): CachedPage | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    this.delete(key);
    if (page.version !== version) return undefined;
    // Re-inserted, so the Map's order stays least-recently-used first.
    this.pages.set(key, page);
    this.chars += page.text.length;
    return page;
  }

  /** The page cached under `key` at `version`, or the one `render` writes, cached from now on. */
  async getOrRender(key: string, version: number, render: () => Promise<string>): Promise<CachedPage> {
    let page = this.get(key, version);
    if (!page) {
      const text = await render();
      page = { version, text, etag: etagOf(text) };
      this.set(key, page);
    }
    return page;
  }

  set(key: string, page: CachedPage): void {
    this.delete(key);
    if (page.text.length > this.maxChars / 4) return;
    this.pages.set(key, page);
    this.chars += page.text.length;
    for (const [oldest, old] of this.pages) {
      if (this.chars <= this.maxChars) break;
      this.pages.delete(oldest);
      this.chars -= old.text.length;
    }
  }

  private delete(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.chars -= page.text.length;
  }
}

/** The part of a cache key that says which page of which thread, in which order. */
export function pageKey(query: ListQuery): string {
  // A clamped page says so (its `limit`), so it is not the page asked for with that limit.
  return `${query.limit}${query.limitClamped ? '!' : ''} ${query.sort} ${query.after ? `${query.after.pinnedAt === undefined ? '' : `p${query.after.pinnedAt}.`}${query.after.createdAt}.${query.after.id}${query.after.likes === undefined ? '' : `.l${query.after.likes}`}${query.likesAt === null ? '' : `.v${query.likesAt}`}` : '-'} ${query.thread}`;
}
