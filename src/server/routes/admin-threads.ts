/**
 * The admin API's host, pin and closing routes (docs/admin-api.md): comments written as the
 * site, the host's name, pins, and closing threads. Mounted inside the admin router, behind its
 * token; thin: parse, call the domain (host.ts, pins.ts, closing.ts), answer.
 */
import type { Hono } from 'hono';
import type { AdminComment, AdminCommentResult, AdminSettings, AdminThreadList, AdminThreadState } from '../../api/admin-contract.js';
import { LIMITS } from '../../api/contract.js';
import { fieldProblem, keyProblem } from '../../api/validate.js';
import { closedBy, setThreadClosed } from '../domain/closing.js';
import { checkHostName, hostName, postAsHost, saveHostName } from '../domain/host.js';
import { setPinned } from '../domain/pins.js';
import { commentNotFound, invalidRequest, type ErrorFields } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { isObject, parseThreadKey } from '../http/input.js';
import { isoTime } from '../http/iso-time.js';
import { sendJson } from '../http/json.js';
import { parseJson, readBody, requireJson } from '../http/request-body.js';
import type { EventListener } from '../outbox/events.js';
import type { CommentStore } from '../store/comment-store.js';

// A host comment at its longest (65,525 four-byte characters) is about 260 KiB.
const MAX_BODY_BYTES = 320 * 1024;
const MAX_SMALL_BODY_BYTES = 4 * 1024;
/** Most threads one `GET /api/admin/threads` lists or asks about. */
export const MAX_ADMIN_THREADS = 100;

export interface ThreadRoutesOptions {
  store: CommentStore;
  clock: () => number;
  /** `COLLOQUY_HOST_NAME`: the host's name until the admin page sets one. */
  hostName: string;
  /** `COLLOQUY_SITE_URL`: host comments' website, or `null`. */
  siteUrl: string | null;
  closeAfterDays: number | null;
  listeners: readonly EventListener[];
  /** These comments as the admin API shows them, in the order asked for. */
  present: (ids: number[]) => Promise<AdminComment[]>;
}

export function mountThreadRoutes(router: Hono, options: ThreadRoutesOptions): void {
  const { store, clock, closeAfterDays } = options;

  router.post('/comments', requireJson, async (c) => {
    const post = parseHostPost(parseJson(await readBody(c, MAX_BODY_BYTES)));
    const name = await hostName(store, options.hostName);
    const comment = await postAsHost(store, post, { name, url: options.siteUrl }, clock(), options.listeners);
    const body: AdminCommentResult = { comment: (await options.present([comment.id]))[0]! };
    return sendJson(c, body, 201);
  });

  router.post('/comments/:id/pin', requireJson, async (c) => {
    const bytes = await readBody(c, MAX_SMALL_BODY_BYTES);
    const id = parseId(c.req.param('id'));
    if (id === undefined) throw commentNotFound();
    const input = parseJson(bytes);
    if (!isObject(input) || typeof input.pinned !== 'boolean') throw invalidRequest('Send {"pinned": true} or {"pinned": false}.');
    await setPinned(store, id, input.pinned, clock());
    const body: AdminCommentResult = { comment: (await options.present([id]))[0]! };
    return sendJson(c, body);
  });

  router.get('/settings', async (c) => {
    const body: AdminSettings = { hostName: await hostName(store, options.hostName) };
    return sendJson(c, body);
  });

  router.patch('/settings', requireJson, async (c) => {
    const input = parseJson(await readBody(c, MAX_SMALL_BODY_BYTES));
    if (!isObject(input) || input.hostName === undefined) throw invalidRequest('Say what to change: hostName.');
    const name = checkHostName(input.hostName);
    await saveHostName(store, name);
    const body: AdminSettings = { hostName: name };
    return sendJson(c, body);
  });

  router.get('/threads', async (c) => {
    const asked = c.req.queries('thread');
    const threads = asked && asked.length > 0 ? [...new Set(asked.map((key) => parseThreadKey(key)))] : null;
    if (threads && threads.length > MAX_ADMIN_THREADS) throw invalidRequest(`Ask for at most ${MAX_ADMIN_THREADS} threads at once.`);
    const afterText = c.req.query('after');
    const after = afterText === undefined || afterText === '' ? null : parseThreadKey(afterText);
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? MAX_ADMIN_THREADS : /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_ADMIN_THREADS)) throw invalidRequest(`limit must be a whole number from 1 to ${MAX_ADMIN_THREADS}.`);
    // One row more than asked says whether there is a next page.
    const rows = await store.adminThreads({ threads, after, limit: limit + 1 });
    const now = clock();
    const page = rows.slice(0, limit);
    const body: AdminThreadList = {
      threads: page.map((row) => {
        const by = closedBy(row.closedState, row.firstAt, now, closeAfterDays);
        return {
          thread: row.thread,
          closed: by !== null,
          closedBy: by,
          count: row.count,
          firstCommentAt: row.firstAt === null ? null : isoTime(row.firstAt),
          pageUrl: row.pageUrl,
        };
      }),
      nextAfter: rows.length > limit ? page.at(-1)!.thread : null,
    };
    return sendJson(c, body);
  });

  router.post('/threads/:thread/close', requireJson, async (c) => {
    const bytes = await readBody(c, MAX_SMALL_BODY_BYTES);
    const thread = parseThreadKey(c.req.param('thread'));
    const input = parseJson(bytes);
    if (!isObject(input) || typeof input.closed !== 'boolean') throw invalidRequest('Send {"closed": true} or {"closed": false}.');
    const body: AdminThreadState = await setThreadClosed(store, thread, input.closed, clock(), closeAfterDays);
    return sendJson(c, body);
  });
}

/** The body of `POST /api/admin/comments`; any other field (a role, an author) is ignored. */
function parseHostPost(input: unknown): { thread: string; parentId: number | null; body: string } {
  if (!isObject(input)) throw invalidRequest('The request body must be a JSON object.');
  const problems: ErrorFields = {};
  const threadProblem = keyProblem(input.thread, LIMITS.thread);
  if (threadProblem) problems.thread = threadProblem;
  const thread = threadProblem ? '' : (input.thread as string);
  let parentId: number | null = null;
  if (input.parentId !== null && input.parentId !== undefined) {
    const id = typeof input.parentId === 'string' ? parseId(input.parentId) : undefined;
    if (id === undefined) problems.parentId = 'invalid';
    else parentId = id;
  }
  const body = typeof input.body === 'string' ? input.body.trim() : undefined;
  if (body === undefined) problems.body = input.body === undefined || input.body === null ? 'required' : 'invalid';
  else if (fieldProblem('body', body)) problems.body = fieldProblem('body', body);
  if (Object.keys(problems).length > 0) {
    throw invalidRequest(Object.values(problems).includes('required') ? 'Please fill in the required fields.' : 'Please check the highlighted fields.', problems);
  }
  return { thread, parentId, body: body! };
}
