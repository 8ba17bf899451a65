/**
 * Announces each new comment (published or waiting, never spam) to `COLLOQUY_WEBHOOK_URL`:
 * a JSON POST signed with an HMAC of its raw body. The notice is an outbox message written in
 * the comment's own transaction (src/server/outbox/), and the outbox worker sends it with its
 * retries, so a receiver that is down or slow never holds up or loses a comment, and a restart
 * or a crash loses no notice either.
 *
 * Bodies carry what the public API shows and no email: a webhook often ends in a chat
 * channel (Slack, Discord) that more people read than the admin page.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Comment } from '../../api/contract.js';
import { toAuthorComment } from '../http/comment-json.js';
import type { WebhookConfig } from '../config.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import type { EventListener } from '../outbox/events.js';
import { PermanentFailure, RetryLater, type Sender } from '../outbox/worker.js';

/** The outbox kind of a webhook delivery. */
export const WEBHOOK_KIND = 'webhook';

/** What the outbox keeps for one delivery; rendered in the configured format at each try. */
export interface NewCommentNotice {
  /** The comment's id, for the admin page's outbox list. */
  commentId: string;
  thread: string;
  /** As its author was answered with: the public fields, no email. */
  comment: Comment;
  /** Where a moderator opens this comment. */
  adminUrl: string;
  /** The same for every try, across restarts, so a receiver can drop repeats. */
  deliveryId: string;
}

/** The JSON body (`COLLOQUY_WEBHOOK_FORMAT=json`), documented in docs/server.md. */
export interface WebhookPayload {
  event: 'comment.created';
  /** The same for every try of one delivery, so a receiver can drop repeats. */
  deliveryId: string;
  /** Unix seconds when this try was sent; also in `X-Colloquy-Timestamp`, and signed with the body. */
  timestamp: number;
  thread: string;
  status: Comment['status'];
  adminUrl: string;
  comment: Comment;
}

export const SIGNATURE_HEADER = 'X-Colloquy-Signature';
export const TIMESTAMP_HEADER = 'X-Colloquy-Timestamp';
const USER_AGENT = 'Colloquy-Webhook/1';
// Chat messages show a glimpse; the admin page has the rest.
const EXCERPT_CHARS = 300;
const NAME_CHARS = 80;
const THREAD_CHARS = 150;
const DISCORD_MAX_CHARS = 2000;

/** The secret a webhook is signed with when `COLLOQUY_WEBHOOK_SECRET` is unset: derived from the server's. */
export function derivedWebhookSecret(serverSecret: string): string {
  return createHmac('sha256', serverSecret).update('webhook-secret').digest('base64url');
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Writes a delivery into the outbox for each new comment that is not spam, in the comment's
 * transaction. Retries, repeated posts and discarded posts create no comment, so no notice.
 */
export function webhookListener(options: {
  hashes: Pick<KeyedHashes, 'avatar' | 'unlistedAvatar'>;
  adminLink: (id: number) => string;
  clock: () => number;
}): EventListener {
  return async (tx, event) => {
    if (event.type !== 'created' || event.comment.status === 'spam') return;
    const notice: NewCommentNotice = {
      commentId: String(event.comment.id),
      thread: event.comment.thread,
      comment: toAuthorComment(event.comment, options.hashes),
      adminUrl: options.adminLink(event.comment.id),
      deliveryId: randomUUID(),
    };
    await tx.enqueue({ kind: WEBHOOK_KIND, payload: notice, dueAt: options.clock() });
  };
}

/**
 * Sends one delivery: a 2xx is done; a 5xx, 408, 425, 429, a timeout or a network error is
 * tried again by the outbox (after at least a `Retry-After` it names); any other answer says the
 * receiver will never take this body, and fails the message at once.
 */
export function webhookSender(config: Pick<WebhookConfig, 'url' | 'format' | 'timeoutMs'> & { secret: string }): Sender {
  return async (payload, { signal }) => {
    const notice = payload as NewCommentNotice;
    const body = render(config.format, notice, Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(config.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          [SIGNATURE_HEADER]: sign(config.secret, body.text),
          [TIMESTAMP_HEADER]: String(body.timestamp),
        },
        body: body.text,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new Error(timedOut ? `no answer within ${config.timeoutMs / 1000} s` : (error as Error).message);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    const status = response.status;
    const retry = status >= 500 || status === 408 || status === 425 || status === 429;
    if (!retry) throw new PermanentFailure(`HTTP ${status}`);
    const retryAfter = Number(response.headers.get('Retry-After')) * 1000;
    throw new RetryLater(`HTTP ${status}`, Number.isFinite(retryAfter) ? retryAfter : 0);
  };
}

function render(format: WebhookConfig['format'], notice: NewCommentNotice, timestamp: number): { text: string; timestamp: number } {
  const { comment, thread, adminUrl, deliveryId } = notice;
  const waiting = comment.status === 'pending';
  const what = waiting ? 'New comment awaiting moderation' : 'New comment';
  // Everything but the admin link is the visitor's: the name, the thread key (any page may
  // post under any key) and the body. Each is cut, kept to its line, and has the format's
  // markup escaped, so none can add a link, a mention or a line of its own.
  const name = oneLine(cut(comment.author.name, NAME_CHARS));
  const where = oneLine(cut(thread, THREAD_CHARS));
  if (format === 'slack') {
    const headline = `${what} by *${escapeSlack(name)}* on ${escapeSlack(where)}`;
    const quote = quoted(escapeSlack(cut(comment.body, EXCERPT_CHARS)));
    return { text: JSON.stringify({ text: `${headline}\n${quote}\n<${slackLinkTarget(adminUrl)}|Open in the admin page>` }), timestamp };
  }
  if (format === 'discord') {
    const headline = `${what} by **${escapeDiscord(name)}** on ${escapeDiscord(where)}`;
    const link = `[Open in the admin page](<${adminUrl}>)`;
    let excerptChars = EXCERPT_CHARS;
    let content: string;
    do {
      content = `${headline}\n${quoted(escapeDiscord(cut(comment.body, excerptChars)))}\n${link}`;
      excerptChars = Math.floor(excerptChars / 2);
    } while ([...content].length > DISCORD_MAX_CHARS && excerptChars > 0);
    // allowed_mentions: nothing in the message may ping anyone, whatever it says.
    return { text: JSON.stringify({ content, allowed_mentions: { parse: [] } }), timestamp };
  }
  const payload: WebhookPayload = { event: 'comment.created', deliveryId, timestamp, thread, status: comment.status, adminUrl, comment };
  return { text: JSON.stringify(payload), timestamp };
}

/** Every line a quote (`> `), in both chat formats; the visitor's own `>` is escaped before. */
const quoted = (text: string) => text.replace(/^/gm, '> ');

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

/**
 * Slack's mrkdwn: `&`, `<` and `>` are its only markup that can link or mention (`<url|text>`,
 * `<!channel>`, `<@U123>`), and escaping them as entities is how Slack says to show them.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// `|` and `>` would end Slack's `<url|text>` early; a configured URL rarely holds them, but it can.
const slackLinkTarget = (url: string) => url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');

/**
 * Discord's markdown: a backslash before any of its markup characters shows the character
 * itself — masked links (`[text](url)`), `<…>` links, mentions and emoji, emphasis, spoilers,
 * code, quotes, headings and lists; `:` too, so a bare `https://…` is shown, not linked.
 * `@everyone` and `@here` get a zero-width space as well, so they read as text even where
 * `allowed_mentions` is ignored.
 */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_`~|>#\-\[\]()<:]/g, '\\$&').replace(/@(everyone|here)/gi, '@\u200b$1');
}

/** The first `max` characters (code points) of `text`, with `…` when cut. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
