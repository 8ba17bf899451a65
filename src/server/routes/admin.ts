/**
 * `/api/admin`: the moderation API (docs/admin-api.md). Same-origin only, behind the admin
 * token, never cached; the one place commenters' emails are sent.
 */
import { Hono, type Context } from 'hono';
import type { AdminBulkResult, AdminCommentList, AdminCommentResult } from '../../api/admin-contract.js';
import { adminGuard } from '../security/admin-auth.js';
import { parseAdminChange, parseAdminQuery, parseBulkChange, type AdminChange } from '../http/admin-input.js';
import { toAdminComment } from '../http/admin-json.js';
import type { Akismet } from '../integrations/akismet.js';
import type { TrustProxy } from '../config.js';
import { cors } from '../http/cors.js';
import { encodeCursor } from '../http/cursor.js';
import { commentNotFound, notFound } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { sendJson } from '../http/json.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import { moderate, reportCorrections } from '../domain/moderation.js';
import type { EventListener } from '../outbox/events.js';
import { parseJson, readBody, requireJson } from '../http/request-body.js';
import type { CommentStore } from '../store/comment-store.js';
import { mountBanRoutes } from './admin-bans.js';
import { mountOutboxRoutes } from './admin-outbox.js';
import { mountSubscriberRoutes } from './admin-subscribers.js';
import { mountThreadRoutes } from './admin-threads.js';
import { DEFAULT_HOST_NAME } from '../config.js';

// A bulk change of 500 ids is about 10 KiB; anything much larger is not a moderator's request.
const MAX_ADMIN_BODY_BYTES = 320 * 1024;

export interface AdminRoutesOptions {
  store: CommentStore;
  hashes: KeyedHashes;
  /** `null`: no token is configured, and every request is refused. */
  token: string | null;
  trustProxy: TrustProxy;
  /** `COLLOQUY_PUBLIC_URL`: when set, the only origin the admin API answers a browser from. */
  publicUrl?: string | null;
  clock: () => number;
  clientAddress: (c: Context) => string | undefined;
  akismet: Akismet | null;
  log: (message: string) => void;
  /** Told, in the moderation's transaction, of each comment it approved (the outbox's messages). */
  listeners?: readonly EventListener[];
  /** `COLLOQUY_HOST_NAME` (default "Host"): the host's name until the admin page sets one. */
  hostName?: string;
  /** `COLLOQUY_SITE_URL`: host comments' website. */
  siteUrl?: string | null;
  /** `COLLOQUY_CLOSE_AFTER_DAYS`, or `null` (the default) when threads never close by age. */
  closeAfterDays?: number | null;
}

export function adminRoutes(options: AdminRoutesOptions): Hono {
  const { store, hashes, token, trustProxy, publicUrl, clock, clientAddress, akismet, log, listeners = [] } = options;
  const router = new Hono();
  // No other origin, not even one allowed to use the public API: the admin page is served from here.
  router.use(cors({ origins: [], trustProxy, publicUrl }));
  router.use(async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });
  router.use(adminGuard({ token, store, hashes, clock, clientAddress }));

  const present = async (ids: number[]) => {
    const byId = new Map((await store.adminComments(ids)).map((comment) => [comment.id, toAdminComment(comment, hashes.avatar)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  };

  const change = async (ids: number[], request: AdminChange) => {
    const result = await moderate(store, ids, request, clock(), listeners);
    if (akismet) await reportCorrections(store, akismet, result.changed, log);
    return result;
  };

  const oneId = (c: Context) => {
    const id = parseId(c.req.param('id') ?? '');
    if (id === undefined) throw commentNotFound();
    return id;
  };

  router.get('/comments', async (c) => {
    const query = parseAdminQuery(c.req.query(), c.req.queries('status'));
    const [page, counts] = await Promise.all([store.adminList(query), store.statusCounts(query)]);
    const body: AdminCommentList = {
      comments: page.comments.map((comment) => toAdminComment(comment, hashes.avatar)),
      counts,
      nextCursor: page.next ? encodeCursor(page.next, query.sort) : null,
    };
    return sendJson(c, body);
  });

  router.post('/comments/bulk', requireJson, async (c) => {
    const { ids, status } = parseBulkChange(parseJson(await readBody(c, MAX_ADMIN_BODY_BYTES)));
    const { notFound: missing } = await change(ids, { status });
    const gone = new Set(missing);
    const body: AdminBulkResult = { comments: await present(ids.filter((id) => !gone.has(id))), notFound: missing.map(String) };
    return sendJson(c, body);
  });

  router.get('/comments/:id', async (c) => {
    const [comment] = await present([oneId(c)]);
    if (!comment) throw commentNotFound();
    const body: AdminCommentResult = { comment };
    return sendJson(c, body);
  });

  router.patch('/comments/:id', requireJson, async (c) => {
    const bytes = await readBody(c, MAX_ADMIN_BODY_BYTES);
    const id = oneId(c);
    const request = parseAdminChange(parseJson(bytes));
    if ((await change([id], request)).notFound.length > 0) throw commentNotFound();
    const body: AdminCommentResult = { comment: (await present([id]))[0]! };
    return sendJson(c, body);
  });

  router.delete('/comments/:id', async (c) => {
    const id = oneId(c);
    if ((await change([id], { status: 'deleted' })).notFound.length > 0) throw commentNotFound();
    const body: AdminCommentResult = { comment: (await present([id]))[0]! };
    return sendJson(c, body);
  });

  mountOutboxRoutes(router, { store, clock });
  mountBanRoutes(router, { store, hashes, clock });
  mountThreadRoutes(router, {
    store,
    clock,
    hostName: options.hostName ?? DEFAULT_HOST_NAME,
    siteUrl: options.siteUrl ?? null,
    closeAfterDays: options.closeAfterDays ?? null,
    listeners,
    present,
  });
  mountSubscriberRoutes(router, { store });

  router.all('*', () => {
    throw notFound();
  });
  return router;
}
