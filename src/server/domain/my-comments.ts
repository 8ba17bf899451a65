/**
 * "My comments": a visitor sees, downloads and deletes what they wrote with one email address,
 * through a signed link sent to that address (GDPR articles 15, 17 and 20, without asking the
 * site owner). The link's token names the address only encrypted: tokens travel in mailboxes,
 * browser histories and proxies' logs, and a signed token's data is readable by anyone.
 *
 * Anyone can type any address into a comment form, so the page shows only what was typed
 * with the address (names, websites, bodies, times, states) and never what the server
 * learned about whoever posted (address hashes, Akismet's data): that could be a stranger's.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SignedLinks } from '../integrations/mail/links.js';
import { html as mailHtml } from '../integrations/mail/page.js';
import type { MailMessage } from '../integrations/mail/transport.js';
import type { CommentStore, CommentTransaction, PageKey, StoredComment } from '../store/comment-store.js';

/** How long a "my comments" link works: a week, then the page offers to send a fresh one. */
export const MY_COMMENTS_LINK_DAYS = 7;
/** Requests for a link per address (IPv4, or IPv6 /64) per hour; more are answered 429. */
export const LINK_REQUESTS_PER_CLIENT_HOUR = 10;
/** Link emails per email address per day; requests beyond are answered as usual and send nothing. */
export const LINK_EMAILS_PER_ADDRESS_DAY = 3;
/** Comments the page lists (newest first); all of them are in the download and in "delete all". */
export const PAGE_COMMENTS = 200;
/** Comments read, and erased, per query and per transaction. */
export const BATCH = 200;

const PURPOSE = 'my-comments';
const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface MyCommentLinks {
  /** The page's address for `email` (as stored: trimmed, lower-cased), working for {@link MY_COMMENTS_LINK_DAYS} from `now`. */
  url(email: string, now: number): string;
  /** The token alone, for the page's own forms. */
  token(email: string, now: number): string;
  /** The email a token was made for, when it is this server's, for this page, and unexpired at `now`. */
  open(token: unknown, now: number): string | undefined;
}

/**
 * Links to the "my comments" page under `publicUrl` (`COLLOQUY_PUBLIC_URL`), signed by `links`
 * and carrying the address encrypted (AES-256-GCM) under a key derived from `secret`.
 */
export function myCommentLinks(secret: string, links: SignedLinks, publicUrl: string | null): MyCommentLinks {
  const key = createHmac('sha256', secret).update('my-comments-address').digest();
  const seal = (email: string) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([iv, cipher.update(email, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return sealed.toString('base64url');
  };
  const unseal = (text: string): string | undefined => {
    const bytes = Buffer.from(text, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  };
  const token = (email: string, now: number) => links.sign(PURPOSE, { e: seal(email) }, now + MY_COMMENTS_LINK_DAYS * DAY_MS);
  return {
    token,
    url(email, now) {
      if (publicUrl === null) throw new Error('myCommentLinks: links need COLLOQUY_PUBLIC_URL.');
      return `${publicUrl}/api/me?token=${encodeURIComponent(token(email, now))}`;
    },
    open(given, now) {
      const data = links.verify(given, PURPOSE, now) as { e?: unknown } | undefined;
      return data && typeof data.e === 'string' ? unseal(data.e) : undefined;
    },
  };
}

/** The keyed stand-in for an email in the rate limits' table, which never holds an address. */
export function emailKey(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`my-comments-limit:${email}`).digest('base64url').slice(0, 22);
}

/** The hour window of a client's link requests. */
export function clientWindow(key: string, now: number) {
  return { kind: 'me-link-client', key, windowStart: Math.floor(now / HOUR_MS) * HOUR_MS, length: HOUR_MS };
}

/** The day window of the link emails sent to one address. */
export function emailWindow(key: string, now: number) {
  return { kind: 'me-link-email', key, windowStart: Math.floor(now / DAY_MS) * DAY_MS, length: DAY_MS };
}

/** Every comment written with `email`, oldest first, read {@link BATCH} at a time. */
export async function* commentsOf(store: Pick<CommentStore, 'commentsByEmail'>, email: string): AsyncGenerator<StoredComment> {
  let after: PageKey | null = null;
  for (;;) {
    const batch: StoredComment[] = await store.commentsByEmail(email, after, BATCH);
    yield* batch;
    if (batch.length < BATCH) return;
    const last = batch.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

/**
 * Erases every comment written with `email` and ends its reply notifications, {@link BATCH} per transaction (so a prolific
 * author does not hold the database for long); returns how many were erased. Run again after a
 * crash, it erases what is left: an erased comment holds no email.
 */
export async function eraseAll(store: CommentStore, email: string, now: number): Promise<number> {
  let erased = 0;
  for (;;) {
    const done = await store.write(async (tx: CommentTransaction) => {
      const batch = await tx.commentsByEmail(email, null, BATCH);
      for (const comment of batch) await tx.eraseByAuthor(comment, now);
      // Notifications of replies to comments that are gone: none are wanted.
      if (batch.length < BATCH) await tx.unsubscribe({ email });
      return batch.length;
    });
    erased += done;
    if (done < BATCH) return erased;
  }
}

/** A comment as the download gives it: what was typed with the address, its state and its times. */
export interface ExportedComment {
  id: string;
  thread: string;
  parentId: string | null;
  name: string;
  url: string | null;
  body: string;
  /** `approved` (published), `pending` (awaiting moderation), `spam` (not published), `deleted`. */
  status: StoredStatus;
  /** `true` when its author deleted it (its text is gone already). */
  deletedByAuthor: boolean;
  createdAt: string;
  updatedAt: string;
}

type StoredStatus = StoredComment['status'];

export function exportedComment(comment: StoredComment, iso: (ms: number) => string): ExportedComment {
  return {
    id: String(comment.id),
    thread: comment.thread,
    parentId: comment.parentId === null ? null : String(comment.parentId),
    name: comment.name,
    url: comment.url,
    body: comment.body,
    status: comment.status,
    deletedByAuthor: comment.authorDeletion !== null,
    createdAt: iso(comment.createdAt),
    updatedAt: iso(comment.updatedAt),
  };
}

/** The outbox kind of a rendered email (MAIL's sender delivers it as it is). */
export const EMAIL_KIND = 'email';

/**
 * The email with a "my comments" link, in plain text and escaped HTML: who asked cannot be
 * told, so it says what the link does and that doing nothing changes nothing.
 */
export function linkEmail(to: string, url: string, site: string): MailMessage {
  const subject = `Your comments on ${site}`;
  const lines = [
    `Someone, probably you, asked for a link to the comments written with this address on ${site}.`,
    `See them, download them or delete them here (the link works for ${MY_COMMENTS_LINK_DAYS} days):`,
  ];
  const ignore = 'If you did not ask for it, ignore this email: nothing changes.';
  const text = `${lines[0]}\n\n${lines[1]}\n${url}\n\n${ignore}\n`;
  const body = mailHtml`<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>${lines[0]}</p><p>${lines[1]}<br><a href="${url}">${url}</a></p><p style="color:#59636e">${ignore}</p>
</body></html>`;
  return { to, subject, text, html: body.text };
}

/** Enqueues {@link linkEmail} in `tx`; a second request before the first is sent is the same message. */
export function linkEmailSender(secret: string, site: string) {
  return async (tx: CommentTransaction, message: { to: string; url: string; now: number }) => {
    await tx.enqueue({
      kind: EMAIL_KIND,
      payload: linkEmail(message.to, message.url, site),
      dueAt: message.now,
      dedupeKey: `me-link:${emailKey(secret, message.to)}`,
    });
  };
}
