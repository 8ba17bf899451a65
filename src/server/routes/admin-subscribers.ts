/**
 * `/api/admin/subscribers`: reply-notification subscribers per thread (docs/admin-api.md,
 * "Subscribers"). Numbers only; never an address. Mounted inside the admin router, behind its token.
 */
import type { Hono } from 'hono';
import { MAX_SUBSCRIBER_THREADS, type AdminSubscriberCounts } from '../../api/admin-contract.js';
import { LIMITS } from '../../api/contract.js';
import { keyProblem } from '../../api/validate.js';
import { invalidRequest } from '../http/errors.js';
import { sendJson } from '../http/json.js';
import type { CommentStore } from '../store/comment-store.js';

export function mountSubscriberRoutes(router: Hono, { store }: { store: CommentStore }): void {
  router.get('/subscribers', async (c) => {
    const threads = [...new Set(c.req.queries('thread') ?? [])];
    if (threads.length > MAX_SUBSCRIBER_THREADS) {
      throw invalidRequest(`At most ${MAX_SUBSCRIBER_THREADS} threads at once.`, { thread: 'too_long' });
    }
    for (const thread of threads) {
      if (keyProblem(thread, LIMITS.thread)) {
        throw invalidRequest(`Each thread must be a thread key of 1 to ${LIMITS.thread} characters.`, { thread: 'invalid' });
      }
    }
    const counts = await store.subscriberCounts(threads.length > 0 ? threads : null);
    const body: AdminSubscriberCounts = {
      threads: [...counts]
        .filter(([, subscribers]) => subscribers > 0)
        .map(([thread, subscribers]) => ({ thread, subscribers }))
        .sort((a, b) => b.subscribers - a.subscribers || (a.thread < b.thread ? -1 : a.thread > b.thread ? 1 : 0))
        .slice(0, MAX_SUBSCRIBER_THREADS),
    };
    return sendJson(c, body);
  });
}
