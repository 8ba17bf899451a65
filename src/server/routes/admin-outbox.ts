/**
 * `/api/admin/outbox`: the outgoing messages (docs/admin-api.md, "The outbox"): list them by
 * status with their last error, and retry one that failed. Mounted inside the admin router,
 * behind its token. No payload is shown: an email's recipient and text are not the admin's to read here.
 */
import type { Hono } from 'hono';
import { OUTBOX_STATUSES, type AdminOutboxList, type AdminOutboxMessage, type AdminOutboxResult, type AdminOutboxStatus } from '../../api/admin-contract.js';
import { PAGE_SIZE } from '../../api/contract.js';
import { ApiError, invalidRequest, notFound } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { isoTime } from '../http/iso-time.js';
import { sendJson } from '../http/json.js';
import type { CommentStore, OutboxRow } from '../store/comment-store.js';

const isOutboxStatus = (value: string): value is AdminOutboxStatus => (OUTBOX_STATUSES as readonly string[]).includes(value);

const messageNotFound = () => notFound('There is no such message.');

export function toAdminOutboxMessage(row: OutboxRow): AdminOutboxMessage {
  const about = row.payload !== null && typeof row.payload === 'object' ? (row.payload as { commentId?: unknown }).commentId : undefined;
  return {
    id: String(row.id),
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    commentId: typeof about === 'string' || typeof about === 'number' ? String(about) : null,
    createdAt: isoTime(row.createdAt),
    dueAt: isoTime(row.dueAt),
    sentAt: row.sentAt === null ? null : isoTime(row.sentAt),
    lastError: row.lastError,
  };
}

export function mountOutboxRoutes(router: Hono, { store, clock }: { store: CommentStore; clock: () => number }): void {
  router.get('/outbox', async (c) => {
    const statuses = c.req.queries('status') ?? [];
    if (!statuses.every(isOutboxStatus)) {
      throw invalidRequest(`status must be one of ${OUTBOX_STATUSES.join(', ')}.`, { status: 'invalid' });
    }
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? PAGE_SIZE.default : /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= PAGE_SIZE.max)) throw invalidRequest(`limit must be a whole number from 1 to ${PAGE_SIZE.max}.`);
    const cursor = c.req.query('cursor');
    const beforeId = cursor === undefined || cursor === '' ? null : parseId(cursor);
    if (beforeId === undefined) throw invalidRequest('The cursor is not valid; start again from the first page.');
    const [page, counts] = await Promise.all([
      store.listOutbox({ statuses: statuses.length > 0 ? [...new Set(statuses)] : null, limit, beforeId }),
      store.outboxCounts(),
    ]);
    const body: AdminOutboxList = {
      messages: page.rows.map(toAdminOutboxMessage),
      counts,
      nextCursor: page.more ? String(page.rows.at(-1)!.id) : null,
    };
    return sendJson(c, body);
  });

  router.get('/outbox/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const row = id === undefined ? undefined : await store.findOutbox(id);
    if (!row) throw messageNotFound();
    const body: AdminOutboxResult = { message: toAdminOutboxMessage(row) };
    return sendJson(c, body);
  });

  router.post('/outbox/:id/retry', async (c) => {
    const id = parseId(c.req.param('id'));
    const result = id === undefined ? undefined : await store.retryOutbox(id, clock());
    if (result === undefined) throw messageNotFound();
    if (result === 'not_failed') throw invalidRequest('Only a failed message can be retried; this one is still on its way or was sent.');
    if (result === 'superseded') throw new ApiError(409, 'duplicate', 'A message for the same purpose is already waiting to be sent; this one is not needed.');
    const body: AdminOutboxResult = { message: toAdminOutboxMessage(result) };
    return sendJson(c, body);
  });
}
