/**
 * Akismet (https://akismet.com/developers/), when `AKISMET_KEY` is set: `comment-check` for
 * each new comment, and each author's edit of one (with `recheck_reason=edit`), that the
 * local rules did not already call spam, and `submit-spam` /
 * `submit-ham` when a moderator corrects it. A check never throws: no answer in time, an
 * error or an answer other than `true`/`false` is `unknown`, and the comment waits for a
 * person. Reports are sent one at a time in the background and only logged if they fail.
 */
import { isHttpUrl } from '../../api/validate.js';
import type { AkismetConfig } from '../config.js';
import { isoTime } from '../http/iso-time.js';

export type AkismetVerdict = 'ham' | 'spam' | 'discard' | 'unknown';

/** The form parameters describing one comment, as sent with the check and again with a report. */
export type AkismetParams = Record<string, string>;

export interface CommentFacts {
  /** The client's address, unhashed: Akismet needs it. */
  ip: string;
  userAgent: string;
  referrer: string;
  permalink: string;
  name: string;
  email: string;
  url: string | null;
  body: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Why a comment is checked again (`edit`: its author changed the text); absent for a new comment. */
  recheckReason?: 'edit';
}

export interface Akismet {
  /** `COLLOQUY_SITE_URL`, Akismet's `blog`. */
  readonly siteUrl: string;
  /** The parameters Akismet asks for, for this comment; the API key is added when sending. */
  params(comment: CommentFacts): AkismetParams;
  check(params: AkismetParams): Promise<AkismetVerdict>;
  /** Queues a moderator's correction; returns at once. */
  report(kind: 'spam' | 'ham', params: AkismetParams, commentId: number): void;
  /** Resolves once every queued report has been sent or has failed. */
  settled(): Promise<void>;
}

const USER_AGENT = 'Colloquy/0.1 | Colloquy-Akismet/1';
const MAX_LOGGED_CHARS = 120;

type Log = (message: string) => void;

export function akismet(config: AkismetConfig, log: Log = (message) => console.error(message)): Akismet {
  let queue: Promise<void> = Promise.resolve();

  async function call(method: string, params: AkismetParams): Promise<{ status: number; text: string; headers: Headers }> {
    const form = new URLSearchParams({ api_key: config.key, ...params, ...(config.test ? { is_test: '1' } : {}) });
    const response = await fetch(new URL(method, config.endpoint), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'User-Agent': USER_AGENT },
      body: form.toString(),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    return { status: response.status, text: (await response.text()).trim(), headers: response.headers };
  }

  const problem = (error: unknown) =>
    error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      ? `no answer within ${config.timeoutMs / 1000} s`
      : error instanceof Error
        ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
        : String(error);

  return {
    siteUrl: config.siteUrl,

    params(comment) {
      return {
        blog: config.siteUrl,
        user_ip: comment.ip,
        user_agent: comment.userAgent,
        referrer: comment.referrer,
        permalink: comment.permalink,
        comment_type: 'comment',
        comment_author: comment.name,
        comment_author_email: comment.email,
        comment_author_url: comment.url ?? '',
        comment_content: comment.body,
        comment_date_gmt: isoTime(comment.createdAt),
        blog_lang: config.lang,
        blog_charset: 'UTF-8',
        ...(comment.recheckReason ? { recheck_reason: comment.recheckReason } : {}),
      };
    },

    async check(params) {
      try {
        const { status, text, headers } = await call('comment-check', params);
        if (status === 200 && text === 'true') {
          return config.discard && headers.get('X-akismet-pro-tip') === 'discard' ? 'discard' : 'spam';
        }
        if (status === 200 && text === 'false') return 'ham';
        const help = headers.get('X-akismet-debug-help');
        const answer = `HTTP ${status}: "${text.slice(0, MAX_LOGGED_CHARS)}"${help ? `; ${help}` : ''}`;
        log(`[colloquy] Akismet gave no verdict (${answer}); the comment waits for moderation.`);
      } catch (error) {
        log(`[colloquy] Akismet could not be asked (${problem(error)}); the comment waits for moderation.`);
      }
      return 'unknown';
    },

    report(kind, params, commentId) {
      queue = queue.then(async () => {
        try {
          const { status, text } = await call(`submit-${kind}`, params);
          if (status !== 200) {
            log(`[colloquy] Akismet refused the ${kind} report on comment ${commentId} (HTTP ${status}: "${text.slice(0, MAX_LOGGED_CHARS)}").`);
          }
        } catch (error) {
          log(`[colloquy] Could not report comment ${commentId} to Akismet as ${kind} (${problem(error)}).`);
        }
      });
    },

    settled() {
      return queue;
    },
  };
}

/**
 * The page the comment was written on, for Akismet's `permalink`: the `Referer` the browser
 * sent, or else the thread key when it is a URL or a path on the site.
 */
export function permalinkFor(thread: string, referrer: string | undefined, siteUrl: string): string {
  if (referrer && isHttpUrl(referrer)) return referrer;
  if (isHttpUrl(thread)) return thread;
  if (thread.startsWith('/') && !thread.startsWith('//')) return new URL(thread, siteUrl).href;
  return '';
}
