/**
 * `/me`: a visitor's own comments, behind a signed link emailed to the address they wrote with
 * (see my-comments.ts). `POST /me/link` asks for the link (from the widget, so CORS applies);
 * the rest are pages for a browser without JavaScript:
 *
 * - `GET /me?token=` lists the comments, with the download and "Delete all my comments…";
 * - `GET /me/export?token=` downloads everything as JSON;
 * - `GET /me/delete?token=` asks to confirm, and only its `POST /me/delete` (token and
 *   `confirm=yes`) deletes. No GET changes anything.
 *
 * The pages are mounted before the public API's CORS: with `Referrer-Policy: no-referrer` a
 * browser sends their form posts with `Origin: null`, and the token in the form is what
 * authorizes them, not the origin.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { ManageLinkRequest } from '../../api/contract.js';
import { fieldProblem } from '../../api/validate.js';
import { rateLimitKey } from '../http/client-address.js';
import { invalidRequest, tooFast } from '../http/errors.js';
import { isoTime } from '../http/iso-time.js';
import { sendJson } from '../http/json.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import { html, htmlPage, postForm, raw, sendPage, type Html } from '../integrations/mail/page.js';
import {
  LINK_EMAILS_PER_ADDRESS_DAY,
  LINK_REQUESTS_PER_CLIENT_HOUR,
  MY_COMMENTS_LINK_DAYS,
  PAGE_COMMENTS,
  clientWindow,
  commentsOf,
  emailKey,
  emailWindow,
  eraseAll,
  exportedComment,
  type MyCommentLinks,
} from '../domain/my-comments.js';
import { parseJson, readBody, requireJson } from '../http/request-body.js';
import type { CommentStore, CommentTransaction, StoredComment } from '../store/comment-store.js';

/** Largest body of a link request or of a page's form: an address, a locale and a token. */
export const MAX_ME_BODY_BYTES = 4 * 1024;
const LOCALE = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,4}$/;
const UNKNOWN_CLIENT = 'unknown';

/** What a link email says, and where it goes: enqueued in the request's transaction. */
export type SendLink = (tx: CommentTransaction, message: { to: string; url: string; locale: string; now: number }) => Promise<void>;

export interface MeRoutesOptions {
  store: CommentStore;
  hashes: KeyedHashes;
  secret: string;
  links: MyCommentLinks;
  /** Enqueues the link email; `null` when the server sends no email (then `POST /me/link` is a 404). */
  sendLink: SendLink | null;
  /** The public API's CORS, for `POST /me/link`. */
  cors: MiddlewareHandler;
  clock: () => number;
  clientAddress: (c: Context) => string | undefined;
}

export function meRoutes(options: MeRoutesOptions): Hono {
  const { store, hashes, secret, links, sendLink, clock, clientAddress } = options;
  const router = new Hono();

  if (sendLink) {
    router.use('/link', options.cors);
    router.post('/link', requireJson, async (c) => {
      const input = parseJson(await readBody(c, MAX_ME_BODY_BYTES)) as Partial<ManageLinkRequest> | null;
      const { email, locale } = parseLinkRequest(input);
      await requestLink(c, email, locale);
      return sendJson(c, { accepted: true }, 202);
    });
    // The same from the expired-link page's form, for a browser without JavaScript.
    router.post('/link/form', async (c) => {
      const form = await readForm(c);
      const email = normalizedEmail(form.get('email'));
      if (email === undefined) return sendPage(c, linkFormPage('form', form.get('email') ?? ''), 400);
      await requestLink(c, email, 'en');
      return sendPage(c, page('A link is on its way', html`<h1>A link is on its way</h1><p>${SENT_NOTE}</p>`));
    });
  }

  /** The page for a link that does not work (any more); `base` leads from the page's address to `/me/`. */
  const expired = (base: string) => (sendLink ? linkFormPage(`${base}link/form`) : page(EXPIRED, html`<h1>${EXPIRED}</h1>`));

  async function requestLink(c: Context, email: string, locale: string) {
    const now = clock();
    const address = clientAddress(c);
    const client = clientWindow(address === undefined ? UNKNOWN_CLIENT : hashes.address(rateLimitKey(address)), now);
    const perEmail = emailWindow(emailKey(secret, email), now);
    // Counted in a transaction of its own, so a refusal still counts.
    const hits = await store.write(async (tx) => {
      const clientHits = await tx.rateHit(client, client.windowStart - client.length);
      if (clientHits > LINK_REQUESTS_PER_CLIENT_HOUR) return clientHits;
      // Beyond the address's daily emails, and for an address that wrote nothing here, the
      // answer is the same and nothing is sent: no one learns who comments, or bombs a mailbox.
      if ((await tx.rateHit(perEmail, perEmail.windowStart - perEmail.length)) > LINK_EMAILS_PER_ADDRESS_DAY) return clientHits;
      const [any] = await tx.commentsByEmail(email, null, 1);
      if (any) await sendLink!(tx, { to: email, url: links.url(email, now), locale, now });
      return clientHits;
    });
    if (hits > LINK_REQUESTS_PER_CLIENT_HOUR) throw tooFast(Math.max(1, Math.ceil((client.windowStart + client.length - now) / 1000)));
  }

  router.get('/', async (c) => {
    const token = c.req.query('token');
    const email = links.open(token, clock());
    if (email === undefined) return sendPage(c, expired('me/'), 403);
    const shown: StoredComment[] = [];
    let more = false;
    for await (const comment of commentsOf(store, email)) {
      if (shown.length === PAGE_COMMENTS) {
        more = true;
        break;
      }
      shown.push(comment);
    }
    const subscribed = new Set((await store.subscriptionsOf(email)).map((subscription) => subscription.commentId));
    return sendPage(c, listPage(email, token!, shown, more, subscribed));
  });

  router.get('/export', async (c) => {
    const token = c.req.query('token');
    const email = links.open(token, clock());
    if (email === undefined) return sendPage(c, expired(''), 403);
    const encoder = new TextEncoder();
    const comments = commentsOf(store, email);
    let first = true;
    // Streamed: an address may have written thousands of long comments.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const head = { address: maskEmail(email), exportedAt: isoTime(clock()), note: EXPORT_NOTE };
        controller.enqueue(encoder.encode(`${JSON.stringify(head).slice(0, -1)},"comments":[`));
      },
      async pull(controller) {
        const next = await comments.next();
        if (next.done) {
          const subscriptions = (await store.subscriptionsOf(email)).map((subscription) => ({
            commentId: String(subscription.commentId),
            thread: subscription.thread,
            since: isoTime(subscription.createdAt),
          }));
          controller.enqueue(encoder.encode(`\n],"replyNotifications":${JSON.stringify(subscriptions)}}\n`));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(`${first ? '' : ','}\n${JSON.stringify(exportedComment(next.value, isoTime))}`));
        first = false;
      },
    });
    return c.body(body, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="my-comments.json"',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
  });

  router.get('/delete', async (c) => {
    const token = c.req.query('token');
    const email = links.open(token, clock());
    if (email === undefined) return sendPage(c, expired(''), 403);
    return sendPage(c, confirmPage(email, token!));
  });

  router.post('/delete', async (c) => {
    const form = await readForm(c);
    const token = form.get('token');
    const email = links.open(token, clock());
    if (email === undefined) return sendPage(c, expired(''), 403);
    if (form.get('confirm') !== 'yes') return sendPage(c, confirmPage(email, token!));
    const erased = await eraseAll(store, email, clock());
    const what = erased === 1 ? '1 comment was' : `${erased} comments were`;
    return sendPage(
      c,
      page(
        'Your comments are deleted',
        html`<h1>Your comments are deleted</h1>
<p>${what} deleted, with the address they were written with. Replies by others stay; where your comment had replies, it shows as “This comment was deleted.”</p>`,
      ),
    );
  });

  return router;
}

function parseLinkRequest(input: Partial<ManageLinkRequest> | null): { email: string; locale: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidRequest('The body must be a JSON object.', { email: 'required' });
  const email = normalizedEmail(input.email);
  if (email === undefined) {
    const problem = typeof input.email === 'string' ? (fieldProblem('email', input.email.trim()) ?? 'invalid') : 'required';
    throw invalidRequest('Please enter a valid email address.', { email: problem });
  }
  // A malformed locale is ignored, as it is with a post: English it is.
  const locale = typeof input.locale === 'string' && LOCALE.test(input.locale) ? input.locale : 'en';
  return { email, locale };
}

/** The address as comments store it (trimmed, lower-cased), or `undefined` when it is not one. */
function normalizedEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return fieldProblem('email', email) ? undefined : email;
}

async function readForm(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw invalidRequest('The form must be sent as application/x-www-form-urlencoded.');
  const bytes = await readBody(c, MAX_ME_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  return new URLSearchParams(text);
}

/** `jane@example.com` → `j•••@example.com`: the page says whose comments these are without spelling the address out. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? '•••' : `${Array.from(email)[0]}•••${email.slice(at)}`;
}

const SENT_NOTE =
  'If comments here were written with this address, a link to see, download or delete them is on its way to it. The link works for ' +
  `${MY_COMMENTS_LINK_DAYS} days.`;
const EXPORT_NOTE =
  'Everything this site keeps that was typed with your address: each comment’s thread, name, website, text, state and times. Your address itself is on file with each one.';

const page = (title: string, body: Html) => htmlPage({ title: `${title} · Colloquy`, body });

const STATUS_WORDS: Record<StoredComment['status'], string> = {
  approved: 'Published',
  pending: 'Awaiting moderation',
  spam: 'Not published',
  deleted: 'Deleted',
};

function when(ms: number): string {
  return `${isoTime(ms).slice(0, 16).replace('T', ' ')} UTC`;
}

function listPage(email: string, token: string, comments: StoredComment[], more: boolean, subscribed: Set<number>): Html {
  const query = `?token=${encodeURIComponent(token)}`;
  const items = comments.map(
    (comment) => html`<li id="comment-${comment.id}">
<p><strong>${comment.authorDeletion !== null ? 'Deleted by you' : STATUS_WORDS[comment.status]}</strong> · ${when(comment.createdAt)} · on <code>${comment.thread}</code>${comment.parentId === null ? '' : ' (a reply)'}${subscribed.has(comment.id) ? ' · you get an email when someone replies' : ''}</p>
${comment.authorDeletion !== null ? '' : html`<p>${comment.name}${comment.url ? html` · ${comment.url}` : ''}</p><blockquote>${comment.body}</blockquote>`}
</li>`,
  );
  return page(
    'Your comments',
    html`<h1>Your comments</h1>
<p>Written with <strong>${maskEmail(email)}</strong>: ${comments.length === 0 ? 'none are left.' : more ? `the first ${comments.length} (the download holds them all).` : comments.length === 1 ? '1 comment.' : `${comments.length} comments.`}</p>
${comments.length === 0 ? '' : html`<ol class="comments">${items}</ol>`}
<p><a href="me/export${query}" download="my-comments.json">Download everything (JSON)</a></p>
${comments.length === 0 ? '' : html`<form method="get" action="me/delete"><input type="hidden" name="token" value="${token}"><button type="submit" class="secondary">Delete all my comments…</button></form>`}
<p class="note">This page works for ${MY_COMMENTS_LINK_DAYS} days from when its link was sent. Anyone who has the link can see it, so do not pass it on.</p>`,
  );
}

function confirmPage(email: string, token: string): Html {
  return page(
    'Delete all your comments?',
    html`<h1>Delete all your comments?</h1>
<p>Every comment written with <strong>${maskEmail(email)}</strong> will be deleted: its name, website and text, and the address itself. This cannot be undone.</p>
<p>Replies by others stay. Where one of your comments has replies, it stays as “This comment was deleted.” so they keep their place.</p>
${postForm('delete', { token, confirm: 'yes' }, 'Delete all my comments')}
<p><a href="../me?token=${encodeURIComponent(token)}">Keep them</a></p>`,
  );
}

const EXPIRED = 'This link has expired or is not valid';

/** A form to have a fresh link sent, posting to `action`; with what was `typed` when it was not an address. */
function linkFormPage(action: string, typed?: string): Html {
  return page(
    'This link does not work',
    html`<h1>${typed === undefined ? EXPIRED : 'Please enter a valid email address'}</h1>
<p>Links to your comments work for ${MY_COMMENTS_LINK_DAYS} days. Enter the address you wrote with, and a fresh link will be sent to it.</p>
<form method="post" action="${action}"><label for="email">Email</label><input id="email" name="email" type="email" required value="${typed ?? ''}"${typed === undefined ? '' : raw(' aria-invalid="true"')}>
<button type="submit">Send me a link</button></form>`,
  );
}
