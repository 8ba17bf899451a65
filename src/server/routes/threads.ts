/** `/threads`: a thread as documents for those who run no script: HTML for crawlers and `<noscript>`, Atom for feed readers. */
import { Hono } from 'hono';
import { REPLIES } from '../../api/contract.js';
import { charLength } from '../../api/validate.js';
import { toApiComment } from '../http/comment-json.js';
import { sendCacheable } from '../http/http-cache.js';
import { parseListQuery, parsePageUrl, parseThreadKey } from '../http/input.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import { pageKey, type PageCache } from '../http/page-cache.js';
import type { CommentStore } from '../store/comment-store.js';
import { renderThreadAtom } from '../render/thread-atom.js';
import { renderThreadHtml } from '../render/thread-html.js';

export const HTML_TYPE = 'text/html; charset=utf-8';
export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';

/**
 * Entries in a feed: the newest comments, replies included; fewer (but always one) when
 * their bodies would pass REPLIES.maxChars characters, as a page of the thread.
 */
export const FEED_SIZE = 50;

// Opened on its own, the fragment is a page of this origin: it may load and run nothing.
const HTML_POLICY = "default-src 'none'";

export function threadRoutes({ store, hashes, pages, likes = true }: { store: CommentStore; hashes: KeyedHashes; pages: PageCache; likes?: boolean }): Hono {
  const router = new Hono();

  router.get('/html', async (c) => {
    const query = parseListQuery(c.req.query(), { likes });
    const stats = await store.threadStats(query.thread);
    const page = await pages.getOrRender(`html ${pageKey(query)}`, stats.version, async () => {
      // The same bounded page as the JSON list; held-back replies are counted, not shown.
      const { comments, moreReplies } = await store.listThread({ ...query, likesAt: query.sort === 'top' ? (query.likesAt ?? stats.version) : undefined });
      return renderThreadHtml(
        stats.count,
        comments.map((comment) => toApiComment(comment, hashes.avatar)),
        new Map([...moreReplies].map(([rootId, held]) => [String(rootId), held.count])),
      );
    });
    c.header('Content-Security-Policy', HTML_POLICY);
    return sendCacheable(c, page.text, page.etag, HTML_TYPE);
  });

  router.get('/atom', async (c) => {
    const thread = parseThreadKey(c.req.query('thread'));
    const pageUrl = parsePageUrl(c.req.query('url'));
    const stats = await store.threadStats(thread);
    const page = await pages.getOrRender(`atom ${pageUrl ?? '-'} ${thread}`, stats.version, async () =>
      renderThreadAtom({
        thread,
        pageUrl,
        comments: withinBudget(await store.recentComments(thread, FEED_SIZE)),
        ids: { feed: (key) => hashes.urn('feed', key), entry: (id) => hashes.urn('comment', String(id)) },
      }),
    );
    return sendCacheable(c, page.text, page.etag, ATOM_TYPE);
  });

  return router;
}

/** The first of `comments` whose bodies fit in REPLIES.maxChars characters, and always the first. */
function withinBudget<T extends { body: string }>(comments: T[]): T[] {
  let chars = 0;
  for (const [index, comment] of comments.entries()) {
    chars += charLength(comment.body);
    if (index > 0 && chars > REPLIES.maxChars) return comments.slice(0, index);
  }
  return comments;
}
