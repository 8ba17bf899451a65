/**
 * Reply notifications and the owner's emails: what a new comment, an approval or a
 * confirmation writes to the outbox, and what the outbox worker sends.
 *
 * - Double opt-in. A comment posted with `notify: true` (never spam) subscribes its comment. An
 *   address not yet confirmed is sent one confirmation email (at most one a day) with a signed,
 *   single-use link that works for CONFIRM_TTL_DAYS; until it is followed nothing else is sent
 *   to it, and an opt-in never confirmed is forgotten after that time. A confirmed address stays
 *   confirmed for later comments. A suppressed one ("stop all email") gets nothing until it opts
 *   in and confirms afresh.
 * - Replies. When a reply to a subscribed comment is approved (at once, or later by a moderator),
 *   its author is emailed: at once for the first reply, and replies within GATHER_MS of the last
 *   email are gathered into one follow-up sent when that time is up. Never for a pending or spam
 *   reply, never to the replier themselves, never with anyone's email. What an email holds is
 *   read when it is sent, so a reply held or deleted meanwhile is left out.
 * - At most `dailyCap` notifications per address per day; replies past the cap wait for the next day.
 * - The owner (`COLLOQUY_NOTIFY_EMAIL`) gets one email per new comment, or per held one, with a
 *   link to the admin page (where the moderator acts; no link in an email changes anything);
 *   none for the host's own comments (written through the admin API).
 *
 * All of it runs in the transaction of the change (see ../outbox/events.ts), so a change that
 * rolls back sends nothing.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { MailSettings } from '../../config.js';
import type { EventListener } from '../../outbox/events.js';
import { PermanentFailure, type Sender } from '../../outbox/worker.js';
import type { CommentStore, CommentTransaction, MailAddress, RateWindow, StoredComment } from '../../store/comment-store.js';
import { trustedPage } from '../../security/trusted-page.js';
import type { SignedLinks } from './links.js';
import { confirmationEmail, ownerEmail, replyEmail, REPLIES_PER_EMAIL } from './templates.js';
import { isPermanentMailError, type MailMessage, type MailTransport } from './transport.js';

/** How long a confirmation link works, and an opt-in waits for it before it is forgotten. */
export const CONFIRM_TTL_DAYS = 3;
/** At most one confirmation email per address in this long. */
export const CONFIRM_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** Replies within this long of the last notification of a comment are gathered into one email. */
export const GATHER_MS = 5 * 60 * 1000;
/** The outbox kinds: a message rendered when it was written, and a comment's replies, read when sent. */
export const EMAIL_KIND = 'email';
export const REPLIES_KIND = 'reply-digest';

export const CONFIRM_PURPOSE = 'notify-confirm';
export const UNSUBSCRIBE_PURPOSE = 'notify-unsubscribe';
const DAY_MS = 24 * 60 * 60 * 1000;
const CAP_KIND = 'notify-mail';

export interface MailContext {
  settings: MailSettings;
  /** The server's secret: keys the rate limits' stand-ins for addresses. */
  secret: string;
  links: SignedLinks;
  /** The origin every link is built from (`COLLOQUY_PUBLIC_URL`, or the demo's own). */
  publicUrl: string;
  /** Where a moderator opens a comment. */
  adminLink: (id: number) => string;
  /** Origins a posted `page` may be on: COLLOQUY_ORIGINS, COLLOQUY_SITE_URL's and the server's own (security/trusted-page.ts). */
  trustedOrigins: string[];
  /** The "my comments" page for an address, when there is one. */
  manageUrl?: (email: string, now: number) => string;
  clock: () => number;
}

/** The site's name in emails: COLLOQUY_SITE_URL's host, else the server's. */
export function siteName(settings: MailSettings, publicUrl: string): string {
  return new URL(settings.siteUrl ?? publicUrl).host;
}

const addressKey = (secret: string, email: string) => createHmac('sha256', secret).update(`notify-cap:${email}`).digest('base64url').slice(0, 22);

export const confirmUrl = (context: Pick<MailContext, 'links' | 'publicUrl'>, nonce: string, expiresAt: number) =>
  `${context.publicUrl}/api/notifications/confirm?token=${context.links.sign(CONFIRM_PURPOSE, { n: nonce }, expiresAt)}`;

/** The unsubscribe URL of a comment's notifications: the one-click POST target and, for a GET, the page with the three choices. */
export const unsubscribeUrl = (context: Pick<MailContext, 'links' | 'publicUrl'>, commentId: number) =>
  `${context.publicUrl}/api/notifications/unsubscribe?token=${context.links.sign(UNSUBSCRIBE_PURPOSE, { c: commentId }, null)}`;

/** Where a comment is shown: on its page when one is known, else on the server's own thread page. */
export function permalink(context: Pick<MailContext, 'publicUrl'>, thread: string, page: string | null, id: number): string {
  const base = page ?? `${context.publicUrl}/api/threads/html?thread=${encodeURIComponent(thread)}`;
  return `${base}#comment-${id}`;
}

/** The listener that writes the emails a comment event causes into the outbox. */
export function mailListener(context: MailContext): EventListener {
  const { settings } = context;
  const site = siteName(settings, context.publicUrl);

  async function optIn(tx: CommentTransaction, comment: StoredComment, locale: string | null, page: string | null, now: number) {
    await tx.subscribe({ commentId: comment.id, email: comment.email, thread: comment.thread, locale, page, createdAt: now });
    const address = await tx.mailAddress(comment.email);
    if (address?.state === 'confirmed') {
      if (locale !== null && address.locale !== locale) await tx.saveMailAddress({ ...address, locale });
      return;
    }
    const sendNow = !address?.confirmSentAt || now - address.confirmSentAt >= CONFIRM_INTERVAL_MS;
    const next: MailAddress = {
      email: comment.email,
      // A suppressed address stays suppressed until the link is followed.
      state: address?.state ?? 'unconfirmed',
      locale: locale ?? address?.locale ?? null,
      confirmNonce: address?.confirmNonce ?? randomBytes(18).toString('base64url'),
      requestedAt: now,
      confirmSentAt: sendNow ? now : (address?.confirmSentAt ?? null),
      confirmedAt: address?.confirmedAt ?? null,
      suppressedAt: address?.suppressedAt ?? null,
    };
    await tx.saveMailAddress(next);
    if (!sendNow) return;
    const message = confirmationEmail({
      to: comment.email,
      locale: next.locale,
      site,
      confirmUrl: confirmUrl(context, next.confirmNonce!, now + CONFIRM_TTL_DAYS * DAY_MS),
      days: CONFIRM_TTL_DAYS,
    });
    await tx.enqueue({ kind: EMAIL_KIND, payload: message, dueAt: now, dedupeKey: `confirm:${addressKey(context.secret, comment.email)}` });
  }

  async function scheduleReplies(tx: CommentTransaction, reply: StoredComment, now: number) {
    if (reply.parentId === null) return;
    const subscription = await tx.subscription(reply.parentId);
    if (!subscription || subscription.email === reply.email) return;
    const last = subscription.scheduledUntil;
    let dueAt: number;
    if (last === null || now >= last + GATHER_MS) dueAt = now;
    // One is due later already, and reads every reply when it is sent.
    else if (last > now) return;
    else dueAt = last + GATHER_MS;
    await tx.updateSubscription(subscription.commentId, { scheduledUntil: dueAt });
    await tx.enqueue({ kind: REPLIES_KIND, payload: { commentId: subscription.commentId }, dueAt, dedupeKey: `replies:${subscription.commentId}:${dueAt}` });
  }

  async function tellOwner(tx: CommentTransaction, comment: StoredComment, now: number) {
    const to = settings.ownerEmail;
    // The host's own comments (the admin API's) were written by the owner: nothing to tell them.
    if (to === null || settings.ownerMode === 'none' || comment.email === to || comment.role === 'host') return;
    const held = comment.status === 'pending';
    if (settings.ownerMode === 'held' && !held) return;
    const message = ownerEmail({ to, site, thread: comment.thread, name: comment.name, body: comment.body, held, adminUrl: context.adminLink(comment.id) });
    await tx.enqueue({ kind: EMAIL_KIND, payload: message, dueAt: now, dedupeKey: `owner:${comment.id}` });
  }

  return async (tx, event) => {
    const { comment } = event;
    const now = context.clock();
    // Opt-ins never confirmed are forgotten with the next comment after their time is up (one indexed range).
    if (event.type === 'created') await tx.forgetUnconfirmed(now - CONFIRM_TTL_DAYS * DAY_MS);
    if (event.type === 'created' && (comment.status === 'approved' || comment.status === 'pending')) {
      if (event.notify === true) await optIn(tx, comment, event.locale ?? null, trustedPage(event.page, context.trustedOrigins), now);
      await tellOwner(tx, comment, now);
    }
    if (comment.status === 'approved' && (event.type === 'created' || event.type === 'approved')) await scheduleReplies(tx, comment, now);
  };
}

/** Confirms the opt-in whose link carries `token`; `false` when the link is not (or no longer) good. */
export async function confirmOptIn(store: CommentStore, context: Pick<MailContext, 'links'>, token: unknown, now: number): Promise<boolean> {
  const data = context.links.verify(token, CONFIRM_PURPOSE, now) as { n?: unknown } | undefined;
  if (!data || typeof data.n !== 'string') return false;
  const nonce = data.n;
  return store.write(async (tx) => {
    const address = await tx.mailAddressByNonce(nonce);
    if (!address || address.state === 'confirmed') return false;
    await tx.saveMailAddress({ ...address, state: 'confirmed', confirmNonce: null, requestedAt: null, confirmedAt: now });
    return true;
  });
}

/** The comment an unsubscribe link is for, when the link is good. */
export async function unsubscribeTarget(store: CommentStore, context: Pick<MailContext, 'links'>, token: unknown, now: number): Promise<StoredComment | undefined> {
  const data = context.links.verify(token, UNSUBSCRIBE_PURPOSE, now) as { c?: unknown } | undefined;
  if (!data || typeof data.c !== 'number' || !Number.isSafeInteger(data.c)) return undefined;
  return store.findById(data.c);
}

export type UnsubscribeChoice = 'comment' | 'thread' | 'all';

/** Stops what `choice` says for the author of `comment`; `all` suppresses the address until it opts in and confirms again. */
export async function unsubscribe(store: CommentStore, comment: StoredComment, choice: UnsubscribeChoice, now: number): Promise<void> {
  await store.write(async (tx) => {
    if (choice === 'comment') {
      await tx.unsubscribe({ commentId: comment.id });
      return;
    }
    if (choice === 'thread') {
      await tx.unsubscribe({ email: comment.email, thread: comment.thread });
      return;
    }
    await tx.unsubscribe({ email: comment.email });
    const address = await tx.mailAddress(comment.email);
    await tx.saveMailAddress({
      email: comment.email,
      state: 'suppressed',
      locale: address?.locale ?? null,
      confirmNonce: null,
      requestedAt: null,
      confirmSentAt: address?.confirmSentAt ?? null,
      confirmedAt: address?.confirmedAt ?? null,
      suppressedAt: now,
    });
  });
}

function isMailMessage(payload: unknown): payload is MailMessage {
  if (typeof payload !== 'object' || payload === null) return false;
  const { to, subject, text, html } = payload as Record<string, unknown>;
  return [to, subject, text, html].every((field) => typeof field === 'string');
}

async function deliver(transport: MailTransport, message: MailMessage): Promise<void> {
  try {
    await transport.send(message);
  } catch (error) {
    const problem = (error as Error).message ?? String(error);
    if (isPermanentMailError(error)) throw new PermanentFailure(`The mail server refused the message for good: ${problem}`);
    throw error;
  }
}

/** The outbox senders of the mail kinds. */
export function mailSenders(context: MailContext, transport: MailTransport): Record<string, Sender> {
  const { settings } = context;
  const site = siteName(settings, context.publicUrl);
  const host = new URL(context.publicUrl).hostname;

  const email: Sender = async (payload, { id }) => {
    if (!isMailMessage(payload)) throw new PermanentFailure('The message is not an email this server wrote.');
    await deliver(transport, { messageId: `<colloquy.${id}@${host}>`, ...payload });
  };

  const replies: Sender = async (payload, { id, store }) => {
    const commentId = (payload as { commentId?: unknown } | null)?.commentId;
    if (typeof commentId !== 'number' || !Number.isSafeInteger(commentId)) throw new PermanentFailure('The message names no comment.');
    const subscription = await store.subscription(commentId);
    // Unsubscribed since (or forgotten): nothing to say.
    if (!subscription) return;
    const parent = await store.findById(commentId);
    // A moderator called it spam or deleted it since: its author hears no more of it.
    if (!parent || parent.status === 'spam' || (parent.status === 'deleted' && parent.authorDeletion === null)) return;
    const found = await store.newReplies(commentId, subscription.email, subscription.notifiedThrough, REPLIES_PER_EMAIL);
    if (found.total === 0) return;
    const address = await store.mailAddress(subscription.email);
    if (address?.state !== 'confirmed') {
      // Replies while unconfirmed (or suppressed) are never mailed, now or later.
      await store.updateSubscription(commentId, { notifiedThrough: found.lastId });
      return;
    }
    const now = context.clock();
    const window: RateWindow = { kind: CAP_KIND, key: addressKey(context.secret, subscription.email), windowStart: Math.floor(now / DAY_MS) * DAY_MS };
    const allowed = await store.write(async (tx) => {
      // Several sends to one address run side by side (and on several instances): one counts at a time.
      await tx.lockKeys([`${CAP_KIND}:${window.key}`]);
      if ((await tx.rateHits(window)) >= settings.dailyCap) {
        const tomorrow = window.windowStart + DAY_MS;
        await tx.updateSubscription(commentId, { scheduledUntil: tomorrow });
        await tx.enqueue({ kind: REPLIES_KIND, payload: { commentId }, dueAt: tomorrow, dedupeKey: `replies:${commentId}:${tomorrow}` });
        return false;
      }
      await tx.rateHit(window, window.windowStart - DAY_MS);
      return true;
    });
    if (!allowed) return;
    const message = replyEmail({
      to: subscription.email,
      locale: subscription.locale ?? address.locale,
      site,
      parentBody: parent.body,
      replies: found.replies.map((reply) => ({ name: reply.name, body: reply.body })),
      more: found.total - found.replies.length,
      permalink: permalink(context, parent.thread, subscription.page, found.replies[0]!.id),
      preferencesUrl: unsubscribeUrl(context, commentId),
      unsubscribeUrl: unsubscribeUrl(context, commentId),
      ...(context.manageUrl ? { manageUrl: context.manageUrl(subscription.email, now) } : {}),
      messageId: `<colloquy.${id}.${found.lastId}@${host}>`,
    });
    await deliver(transport, message);
    await store.updateSubscription(commentId, { notifiedThrough: found.lastId });
  };

  return { [EMAIL_KIND]: email, [REPLIES_KIND]: replies };
}
