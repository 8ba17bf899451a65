/**
 * `/api/admin/…/ban` and `/api/admin/bans`: ban a comment's email, its client address or both;
 * list every ban; lift one (docs/admin-api.md, "Bans"). Mounted inside the admin router, behind
 * its token. No ban shows the email or the address it is of: only a masked email, or the comment.
 */
import type { Hono } from 'hono';
import { BAN_DAYS, MAX_BAN_REASON, type Ban, type BanList, type BanRequest } from '../../api/admin-contract.js';
import { charLength, hasUnstorableChars } from '../../api/validate.js';
import { commentNotFound, invalidRequest, notFound } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { isObject } from '../http/input.js';
import { isoTime } from '../http/iso-time.js';
import { sendJson } from '../http/json.js';
import { parseJson, readBody, requireJson } from '../http/request-body.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import { bansFor } from '../spam/bans.js';
import type { CommentStore, StoredBan } from '../store/comment-store.js';

// A ban request is a few booleans and a reason of at most 500 characters.
const MAX_BAN_BODY_BYTES = 8 * 1024;

export function toBan(ban: StoredBan, now: number): Ban {
  return {
    id: String(ban.id),
    kind: ban.kind,
    action: ban.action,
    reason: ban.reason,
    label: ban.label,
    commentId: ban.commentId === null ? null : String(ban.commentId),
    createdAt: isoTime(ban.createdAt),
    expiresAt: ban.expiresAt === null ? null : isoTime(ban.expiresAt),
    active: ban.expiresAt === null || ban.expiresAt > now,
  };
}

/** A ban request, checked; anything wrong is a 400. */
export function parseBanRequest(input: unknown): BanRequest {
  if (!isObject(input)) throw invalidRequest('The request body must be a JSON object.');
  const { email, address, action, reason, days } = input;
  if ((email !== undefined && typeof email !== 'boolean') || (address !== undefined && typeof address !== 'boolean')) {
    throw invalidRequest('email and address must be true or false.');
  }
  if (email !== true && address !== true) throw invalidRequest('Say what to ban: "email": true, "address": true, or both.');
  if (action !== 'spam' && action !== 'refuse') throw invalidRequest('action must be spam (their comments go to spam silently) or refuse.');
  let why: string | undefined;
  if (reason !== undefined && reason !== null) {
    if (typeof reason !== 'string' || charLength(reason) > MAX_BAN_REASON || hasUnstorableChars(reason)) {
      throw invalidRequest(`reason must be text of at most ${MAX_BAN_REASON} characters.`);
    }
    why = reason.trim() === '' ? undefined : reason.trim();
  }
  if (days !== undefined && days !== null && !(Number.isInteger(days) && (days as number) >= BAN_DAYS.min && (days as number) <= BAN_DAYS.max)) {
    throw invalidRequest(`days must be a whole number from ${BAN_DAYS.min} to ${BAN_DAYS.max}.`);
  }
  return {
    email: email === true,
    address: address === true,
    action,
    ...(why === undefined ? {} : { reason: why }),
    ...(typeof days === 'number' ? { days } : {}),
  };
}

export function mountBanRoutes(router: Hono, { store, hashes, clock }: { store: CommentStore; hashes: KeyedHashes; clock: () => number }): void {
  router.post('/comments/:id/ban', requireJson, async (c) => {
    const bytes = await readBody(c, MAX_BAN_BODY_BYTES);
    const id = parseId(c.req.param('id'));
    if (id === undefined) throw commentNotFound();
    const request = parseBanRequest(parseJson(bytes));
    const comment = await store.findById(id);
    if (!comment) throw commentNotFound();
    const now = clock();
    const bans = bansFor(comment, request, hashes, now);
    if (bans === 'no_email') throw invalidRequest('This comment holds no email any more (its author erased it): there is nothing to ban.');
    if (bans === 'no_address') throw invalidRequest('The address this comment was sent from is not known (an imported or erased comment): ban its email instead.');
    const stored = await store.write((tx) => tx.insertBans(bans));
    const body: BanList = { bans: stored.map((ban) => toBan(ban, now)) };
    return sendJson(c, body, 201);
  });

  router.get('/bans', async (c) => {
    const now = clock();
    const body: BanList = { bans: (await store.listBans()).map((ban) => toBan(ban, now)) };
    return sendJson(c, body);
  });

  router.delete('/bans/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    if (id === undefined || !(await store.deleteBan(id))) throw notFound('There is no such ban.');
    return c.body(null, 204);
  });
}
