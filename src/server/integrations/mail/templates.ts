/**
 * The emails, each a plain-text and an HTML part built from the same words. The HTML is made
 * with page.ts's `html` tag, so every name and comment in it is escaped; it has inline styles
 * only, no image, no tracking pixel and nothing fetched from anywhere. Visitors' emails are in
 * their language (strings.ts); the site owner's are in English, as the admin page is.
 */
import type { MailMessage } from './transport.js';
import { html, raw, type Html } from './page.js';
import { fill, mailLanguage, mailStrings } from './strings.js';

/** Characters of a comment quoted in an email; the page has the rest. */
export const QUOTE_CHARS = 1000;
/** Replies shown in full in one notification; beyond these it says how many more there are. */
export const REPLIES_PER_EMAIL = 10;

const RTL = /^(ar|he)$/;

/** The first `max` characters (code points) of `text`, with `…` when cut. */
export function excerpt(text: string, max = QUOTE_CHARS): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** A comment's text as a plain-text quote: every line starts with `> `. */
const quoteText = (text: string) => excerpt(text).replace(/\r\n?/g, '\n').replace(/^/gm, '> ');

function document(lang: string, content: Html): string {
  return html`<!doctype html>
<html lang="${lang}" dir="${RTL.test(lang) ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0;padding:16px;background:#ffffff;color:#1f2328;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:16px;line-height:1.5">
<div style="max-width:36rem">
${content}
</div>
</body>
</html>
`.text;
}

const quoteHtml = (text: string) =>
  html`<blockquote style="margin:8px 0 16px;padding:4px 12px;border-inline-start:3px solid #d0d7de;color:#1f2328;white-space:pre-wrap">${excerpt(text)}</blockquote>`;
const button = (href: string, label: string) =>
  html`<p><a href="${href}" style="display:inline-block;padding:8px 16px;border-radius:6px;background:#1f6feb;color:#ffffff;text-decoration:none">${label}</a></p>`;
const small = (content: Html | string) => html`<p style="color:#59636e;font-size:14px">${content}</p>`;

export interface ConfirmationEmail {
  to: string;
  locale: string | null;
  site: string;
  confirmUrl: string;
  /** How long the link works. */
  days: number;
}

/** "Confirm that you want reply notifications from <site>": the double opt-in's one email. */
export function confirmationEmail({ to, locale, site, confirmUrl, days }: ConfirmationEmail): MailMessage {
  const s = mailStrings(locale);
  const intro = fill(s.confirmIntro, { site });
  const ignore = fill(s.confirmIgnore, { n: days });
  return {
    to,
    subject: fill(s.confirmSubject, { site }),
    text: `${intro}\n\n${s.confirmAction}:\n${confirmUrl}\n\n${ignore}\n`,
    html: document(mailLanguage(locale), html`<p>${intro}</p>${button(confirmUrl, s.confirmAction)}${small(ignore)}`),
  };
}

export interface NotifiedReplyView {
  name: string;
  body: string;
}

export interface ReplyEmail {
  to: string;
  locale: string | null;
  site: string;
  /** The subscriber's comment that was replied to. */
  parentBody: string;
  replies: NotifiedReplyView[];
  /** Replies not shown (beyond REPLIES_PER_EMAIL). */
  more: number;
  /** The (first) reply's permalink on the episode page. */
  permalink: string;
  /** The page with the three choices (this comment, this episode, everything). */
  preferencesUrl: string;
  /** The RFC 8058 one-click URL (`List-Unsubscribe`). */
  unsubscribeUrl: string;
  /** The "my comments" page, when there is one. */
  manageUrl?: string;
  messageId?: string;
}

/** A notification of one reply, or of several gathered into one email. Names only, never an email. */
export function replyEmail(email: ReplyEmail): MailMessage {
  const s = mailStrings(email.locale);
  const { site, replies } = email;
  const one = replies.length === 1 && email.more === 0;
  const subject = one ? fill(s.replySubject, { name: replies[0]!.name, site }) : fill(s.repliesSubject, { site });
  const more = email.more > 0 ? fill(s.moreReplies, { n: email.more }) : '';
  const why = fill(s.why, { site });

  const text = [
    `${s.yourComment}\n${quoteText(email.parentBody)}`,
    ...replies.map((reply) => `${fill(s.replyIntro, { name: reply.name })}\n${quoteText(reply.body)}`),
    ...(more ? [more] : []),
    `${s.readReply}:\n${email.permalink}`,
    `--\n${why}\n${s.stopLink}:\n${email.preferencesUrl}${email.manageUrl ? `\n${s.manageLink}:\n${email.manageUrl}` : ''}`,
  ].join('\n\n');

  const content = html`
${one ? '' : html`<p><strong>${s.repliesIntro}</strong></p>`}
${replies.map((reply) => html`<p style="margin-bottom:0">${fill(s.replyIntro, { name: reply.name })}</p>${quoteHtml(reply.body)}`)}
${more ? html`<p>${more}</p>` : ''}
${button(email.permalink, s.readReply)}
<p style="margin-bottom:0;color:#59636e">${s.yourComment}</p>${quoteHtml(email.parentBody)}
<hr style="border:0;border-top:1px solid #d0d7de">
${small(html`${why}<br><a href="${email.preferencesUrl}" style="color:#59636e">${s.stopLink}</a>${
    email.manageUrl ? html`<br><a href="${email.manageUrl}" style="color:#59636e">${s.manageLink}</a>` : raw('')
  }`)}`;
  return {
    to: email.to,
    subject,
    text: `${text}\n`,
    html: document(mailLanguage(email.locale), content),
    unsubscribeUrl: email.unsubscribeUrl,
    ...(email.messageId ? { messageId: email.messageId } : {}),
  };
}

export interface OwnerEmail {
  to: string;
  site: string;
  thread: string;
  name: string;
  body: string;
  /** Held for moderation (pending) rather than published. */
  held: boolean;
  /** The comment in the admin page, where a moderator approves it or marks it as spam. */
  adminUrl: string;
}

/**
 * The site owner's email about a new comment (`COLLOQUY_NOTIFY_EMAIL`). Its links lead to the
 * admin page, which acts only on the moderator's own click there: no link in an email changes anything.
 */
export function ownerEmail({ to, site, thread, name, body, held, adminUrl }: OwnerEmail): MailMessage {
  const headline = held ? `A comment by ${name} is waiting for moderation` : `New comment by ${name}`;
  const subject = `[${site}] ${held ? 'Please moderate: ' : 'New comment: '}${excerpt(name.replace(/\s+/g, ' '), 80)}`;
  const action = held ? 'Approve it or mark it as spam in the admin page' : 'Open it in the admin page (to hold, edit or mark it as spam)';
  const text = `${headline} on "${excerpt(thread, 150)}":\n\n${quoteText(body)}\n\n${action}:\n${adminUrl}\n`;
  const content = html`<p>${headline} on <strong>${excerpt(thread, 150)}</strong>:</p>${quoteHtml(body)}${button(adminUrl, action)}`;
  return { to, subject, text, html: document('en', content) };
}
