/**
 * `/api/notifications`: the pages behind the links in reply notifications, for a browser
 * without JavaScript, and the one-click unsubscribe a mailbox sends (RFC 8058).
 *
 * - `GET /confirm?token=` asks "Turn on notifications?"; its form's `POST /confirm` confirms
 *   (the link is single-use and expires). No GET changes anything: a mail scanner that opens
 *   every link confirms nothing.
 * - `GET /unsubscribe?token=` offers three choices: this comment, this episode, all email.
 * - `POST /unsubscribe?token=` with `List-Unsubscribe=One-Click` (what a mailbox's own
 *   Unsubscribe button sends) stops all email to the address; with `choice=comment|thread|all`
 *   (the page's buttons), what was chosen.
 *
 * Mounted before the public API's CORS: a mailbox provider's one-click POST comes from its own
 * servers, and the pages' forms post with `Origin: null` (`Referrer-Policy: no-referrer`). The
 * token is what authorizes each, never the origin.
 */
import { Hono, type Context } from 'hono';
import { readBody } from '../http/request-body.js';
import { html, htmlPage, postForm, sendPage, type Html } from '../integrations/mail/page.js';
import { mailLanguage, mailStrings, fill, type MailStrings } from '../integrations/mail/strings.js';
import {
  CONFIRM_PURPOSE,
  confirmOptIn,
  siteName,
  unsubscribe,
  unsubscribeTarget,
  type MailContext,
  type UnsubscribeChoice,
} from '../integrations/mail/notifications.js';
import type { CommentStore } from '../store/comment-store.js';

/** Largest form body accepted: a token and a choice. */
export const MAX_FORM_BYTES = 4 * 1024;

export interface NotificationRoutesOptions {
  store: CommentStore;
  mail: MailContext;
  clock: () => number;
}

const CHOICES: UnsubscribeChoice[] = ['comment', 'thread', 'all'];

export function notificationRoutes({ store, mail, clock }: NotificationRoutesOptions): Hono {
  const router = new Hono();
  const site = siteName(mail.settings, mail.publicUrl);

  const page = (c: Context, _s: MailStrings, locale: string | null, title: string, body: Html, status: 200 | 400 | 410 = 200) =>
    sendPage(c, htmlPage({ title, lang: mailLanguage(locale), body: html`<h1>${title}</h1>${body}` }), status);
  const invalid = (c: Context, s: MailStrings, locale: string | null, title: string) => page(c, s, locale, title, html`<p>${s.linkInvalid}</p>`, 410);

  /**
   * The form fields of a POST, when it is a small form: urlencoded (the pages' forms, most
   * mailboxes) or multipart (RFC 8058 allows both for the one-click POST); else `null`.
   */
  async function form(c: Context): Promise<URLSearchParams | null> {
    const header = c.req.header('Content-Type') ?? '';
    const type = header.split(';')[0]!.trim().toLowerCase();
    const bytes = await readBody(c, MAX_FORM_BYTES);
    if (type === '' && bytes.length === 0) return new URLSearchParams();
    try {
      if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      if (type !== 'multipart/form-data') return null;
      const fields = new URLSearchParams();
      for (const [name, value] of await new Response(new Uint8Array(bytes), { headers: { 'Content-Type': header } }).formData()) {
        if (typeof value === 'string') fields.append(name, value);
      }
      return fields;
    } catch {
      return null;
    }
  }

  /** The opt-in a confirmation token is for, while it waits for confirmation. */
  async function pendingOptIn(token: unknown) {
    const data = mail.links.verify(token, CONFIRM_PURPOSE, clock()) as { n?: unknown } | undefined;
    if (!data || typeof data.n !== 'string') return undefined;
    const address = await store.mailAddressByNonce(data.n);
    return address && address.state !== 'confirmed' ? address : undefined;
  }

  /** The language of the emails to `email`. */
  const localeOf = async (email: string, commentId: number) =>
    (await store.subscription(commentId))?.locale ?? (await store.mailAddress(email))?.locale ?? null;

  router.get('/confirm', async (c) => {
    const token = c.req.query('token');
    const address = await pendingOptIn(token);
    const locale = address?.locale ?? null;
    const s = mailStrings(locale);
    const title = fill(s.confirmPageTitle, { site });
    if (!address) return invalid(c, s, locale, title);
    return page(c, s, locale, title, html`<p>${s.confirmPageText}</p>${postForm('confirm', { token: token! }, s.confirmButton)}`);
  });

  router.post('/confirm', async (c) => {
    const fields = await form(c);
    const token = fields?.get('token');
    const address = await pendingOptIn(token);
    const locale = address?.locale ?? null;
    const s = mailStrings(locale);
    const title = fill(s.confirmPageTitle, { site });
    if (!fields) return page(c, s, locale, title, html`<p>${s.linkInvalid}</p>`, 400);
    // Checked again in the transaction: a second click that raced the first confirms nothing.
    if (!address || !(await confirmOptIn(store, mail, token, clock()))) return invalid(c, s, locale, title);
    return page(c, s, locale, title, html`<p>${s.confirmedText}</p>`);
  });

  router.get('/unsubscribe', async (c) => {
    const token = c.req.query('token');
    const comment = await unsubscribeTarget(store, mail, token, clock());
    const locale = comment ? await localeOf(comment.email, comment.id) : null;
    const s = mailStrings(locale);
    const title = fill(s.unsubscribePageTitle, { site });
    if (!comment) return invalid(c, s, locale, title);
    const action = `unsubscribe?token=${encodeURIComponent(token!)}`;
    return page(
      c,
      s,
      locale,
      title,
      html`<p>${s.unsubscribeChoose}</p>${postForm(action, { choice: 'comment' }, s.stopComment, true)}${postForm(
        action,
        { choice: 'thread' },
        s.stopThread,
        true,
      )}${postForm(action, { choice: 'all' }, s.stopAll)}`,
    );
  });

  router.post('/unsubscribe', async (c) => {
    const fields = await form(c);
    const comment = await unsubscribeTarget(store, mail, c.req.query('token'), clock());
    const locale = comment ? await localeOf(comment.email, comment.id) : null;
    const s = mailStrings(locale);
    const title = fill(s.unsubscribePageTitle, { site });
    if (!comment) return invalid(c, s, locale, title);
    const given = fields?.get('choice');
    // RFC 8058's body, as a mailbox sends it: stop everything.
    const choice: UnsubscribeChoice | undefined =
      fields?.get('List-Unsubscribe') === 'One-Click' ? 'all' : CHOICES.find((known) => known === given);
    if (!choice) return page(c, s, locale, title, html`<p>${s.unsubscribeChoose}</p>`, 400);
    await unsubscribe(store, comment, choice, clock());
    const done = choice === 'comment' ? s.stoppedComment : choice === 'thread' ? s.stoppedThread : s.stoppedAll;
    return page(c, s, locale, title, html`<p>${done}</p>`);
  });

  return router;
}
