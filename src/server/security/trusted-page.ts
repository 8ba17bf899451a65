/**
 * Which page addresses a post may leave behind. The widget reports its page (`page`, the
 * address without its fragment) with every post, but any client can send any value there: the
 * server keeps one (for a reply notification's link, or as the thread's page on the admin page)
 * only when it is on an origin the site owner named. Anything else would let a visitor make the
 * server link a moderator or a subscriber to a page of the visitor's choosing.
 */

/** The origins a posted page may be on: COLLOQUY_ORIGINS, COLLOQUY_SITE_URL's, and the server's own. */
export function trustedOrigins(where: { origins: readonly string[]; publicUrl: string | null; siteUrl: string | null }): string[] {
  const own = where.publicUrl === null ? [] : [new URL(where.publicUrl).origin];
  const site = where.siteUrl === null ? [] : [new URL(where.siteUrl).origin];
  return [...new Set([...where.origins, ...own, ...site])];
}

/** `page` when it is an http(s) URL on one of `origins`, without its fragment; else `null`. */
export function trustedPage(page: string | null | undefined, origins: readonly string[]): string | null {
  if (page === undefined || page === null) return null;
  try {
    const url = new URL(page);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return origins.includes(url.origin) ? url.href.split('#')[0]! : null;
  } catch {
    return null;
  }
}
