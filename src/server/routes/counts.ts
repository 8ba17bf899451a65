/** `/counts`: approved comments per thread, for listing pages that show many threads at once. */
import { Hono } from 'hono';
import type { ThreadCounts } from '../../api/contract.js';
import { etagOf, sendCacheable } from '../http/http-cache.js';
import { parseCountQuery } from '../http/input.js';
import { JSON_TYPE } from '../http/json.js';
import type { CommentStore } from '../store/comment-store.js';

export function countRoutes({ store }: { store: CommentStore }): Hono {
  const router = new Hono();

  router.get('/', async (c) => {
    const threads = parseCountQuery(c.req.queries('thread'));
    const counts = await store.threadCounts(threads);
    // fromEntries defines own properties, so a thread called "__proto__" is counted like any other.
    const body: ThreadCounts = { counts: Object.fromEntries(threads.map((thread) => [thread, counts.get(thread) ?? 0])) };
    const text = JSON.stringify(body);
    return sendCacheable(c, text, etagOf(text), JSON_TYPE);
  });

  return router;
}
