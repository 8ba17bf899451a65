/**
 * Turns untrusted request input into checked values, using the contract's own field
 * rules (src/api/validate.ts). Anything wrong is a 400, never an exception that
 * would become a 5xx.
 */
import { LIMITS, PAGE_SIZE, POST_HINT_LIMITS, SORT_ORDERS, type FieldName, type SortOrder } from '../../api/contract.js';
import {
  checkCommentFields,
  fieldProblem,
  keyProblem,
  parseLimit,
  parseSort,
  hasCredentials,
  isHttpUrl,
  trimmedFields,
  websiteHref,
  type FieldProblems,
} from '../../api/validate.js';
import { decodeCursor } from './cursor.js';
import { invalidRequest, type ErrorFields } from './errors.js';
import type { PageKey } from '../store/comment-store.js';

/** A new comment that passed every field rule; text trimmed, email lower-cased. */
export interface CheckedComment {
  thread: string;
  /** As sent; whether it names an approved comment of the thread is the store's question. */
  parentId: string | null;
  name: string;
  email: string;
  /** Normalized (`websiteHref`), or `null` for none. */
  url: string | null;
  body: string;
  idempotencyKey: string;
  /** As sent, unchecked: the spam rules judge them, and never answer a bot with a 400. */
  honeypot: unknown;
  formToken: unknown;
  /** Whether the commenter asked for reply notifications: `notify: true`, and nothing else, says yes. */
  notify: boolean;
  /** The widget's language when it sent a well-formed tag, else `null` (ignored, never a 400). */
  locale: string | null;
  /** The page the thread is on, an http(s) URL without its fragment, else `null` (ignored, never a 400). Not yet checked against the trusted origins. */
  page: string | null;
}

export interface ListQuery {
  thread: string;
  /** The page size used: the `limit` asked for, at most PAGE_SIZE.max. */
  limit: number;
  /** True when `limit` was more than PAGE_SIZE.max and was clamped: the page then says what it used. */
  limitClamped: boolean;
  sort: SortOrder;
  after: PageKey | null;
  /** A `top` cursor's snapshot version (see ThreadPageQuery.likesAt); `null` on a first page and in other orders. */
  likesAt: number | null;
}

/** Most threads one counts request may ask about. */
export const MAX_COUNTED_THREADS = 100;

// Longer than any page address worth linking to; a longer `url` is ignored like a bad one.
const MAX_PAGE_URL_LENGTH = 2000;

/** What a 400 says when the website carries a user name or password. */
export const CREDENTIALS_MESSAGE = 'A website cannot include a user name or password; please leave them out.';

/** The message of a 400 about these field problems; `url` is the website as sent, when there is one. */
export function problemsMessage(problems: ErrorFields, url?: string): string {
  if (Object.values(problems).includes('required')) return 'Please fill in the required fields.';
  if (problems.url === 'invalid' && url !== undefined && hasCredentials(url)) return CREDENTIALS_MESSAGE;
  return 'Please check the highlighted fields.';
}

export function parseNewComment(input: unknown): CheckedComment {
  if (!isObject(input)) throw invalidRequest('The request body must be a JSON object.');
  const problems: FieldProblems = {};
  const thread = checkKey(problems, 'thread', input.thread, LIMITS.thread);
  const idempotencyKey = checkKey(problems, 'idempotencyKey', input.idempotencyKey, LIMITS.idempotencyKey);

  let parentId: string | null = null;
  if (typeof input.parentId === 'string' && input.parentId !== '') parentId = input.parentId;
  else if (input.parentId !== null && input.parentId !== undefined) problems.parentId = 'invalid';

  const author = input.author === undefined || input.author === null ? {} : input.author;
  if (!isObject(author)) {
    problems.name = 'invalid';
    problems.email = 'invalid';
  }
  const authorFields = isObject(author) ? author : {};
  const fields = trimmedFields({
    author: {
      name: text(problems, 'name', authorFields.name),
      email: text(problems, 'email', authorFields.email),
      url: text(problems, 'url', authorFields.url),
    },
    body: text(problems, 'body', input.body),
  });
  // A field of the wrong type keeps its `invalid`; the shared rules judge the rest.
  const all = { ...checkCommentFields(fields), ...problems };
  if (Object.keys(all).length > 0) throw invalidRequest(problemsMessage(all, fields.url), all);
  return {
    thread,
    parentId,
    name: fields.name,
    email: fields.email.toLowerCase(),
    // The length limit is on what was typed; percent-encoding may make the stored form longer.
    url: fields.url === '' ? null : websiteHref(fields.url)!,
    body: fields.body,
    idempotencyKey,
    honeypot: input.honeypot,
    formToken: input.formToken,
    notify: input.notify === true,
    locale: parseLocaleHint(input.locale),
    page: typeof input.page === 'string' && input.page.length <= POST_HINT_LIMITS.page ? parsePageUrl(input.page) : null,
  };
}

// BCP 47's shape (language, then subtags), loosely: the mail templates take the language part.
const LOCALE_TAG = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;

/** A post's `locale` when it is a well-formed language tag, else `null`. */
export function parseLocaleHint(value: unknown): string | null {
  return typeof value === 'string' && value.length <= POST_HINT_LIMITS.locale && LOCALE_TAG.test(value) ? value.replace('_', '-') : null;
}

/**
 * A list request's parameters. With `likes` off, `top` is answered as `oldest` (its cursors are
 * `oldest` cursors): there is no count to rank by.
 */
export function parseListQuery(query: Record<string, string | undefined>, options: { likes?: boolean } = {}): ListQuery {
  const thread = parseThreadKey(query.thread);

  let limit: number = PAGE_SIZE.default;
  let limitClamped = false;
  if (query.limit !== undefined) {
    limit = parseLimit(query.limit) ?? NaN;
    if (Number.isNaN(limit)) throw invalidRequest(`limit must be a whole number, 1 or more (a page holds at most ${PAGE_SIZE.max}).`);
    // A widget built for another endpoint may ask for more; it gets the largest page, told so.
    if (limit > PAGE_SIZE.max) [limit, limitClamped] = [PAGE_SIZE.max, true];
  }

  const asked = parseSort(query.sort, SORT_ORDERS, 'oldest');
  if (!asked) throw invalidRequest(`sort must be ${SORT_ORDERS.join(', ').replace(/, (?=\w+$)/, ' or ')}.`);
  const sort: SortOrder = asked === 'top' && options.likes === false ? 'oldest' : asked;

  let after: PageKey | null = null;
  let likesAt: number | null = null;
  if (query.cursor !== undefined && query.cursor !== '') {
    const cursor = decodeCursor(query.cursor);
    if (!cursor) throw invalidRequest('The cursor is not valid; start again from the first page.');
    // Another order's position would start a page in the middle of nowhere.
    if (cursor.sort !== undefined && cursor.sort !== sort) {
      throw invalidRequest(`The cursor continues the ${cursor.sort} first order, not ${sort}; start again from the first page.`);
    }
    // A cursor from before `top` has no snapshot to rank the rest by.
    if (sort === 'top' && cursor.sort !== 'top') throw invalidRequest('The cursor does not continue the top order; start again from the first page.');
    after = cursor.after;
    likesAt = cursor.likesAt ?? null;
  }
  return { thread, limit, limitClamped, sort, after, likesAt };
}

/** The `thread` of a request about one thread. */
export function parseThreadKey(value: string | undefined): string {
  const problems: FieldProblems = {};
  const thread = checkKey(problems, 'thread', value, LIMITS.thread);
  if (problems.thread) {
    const message = problems.thread === 'required' ? 'Say which thread: ?thread=<key>.' : 'The thread key is not valid.';
    throw invalidRequest(message, problems);
  }
  return thread;
}

/** The new body of an edit, checked as a new comment's body is; trimmed. */
export function parseCommentEdit(input: unknown): string {
  if (!isObject(input)) throw invalidRequest('The request body must be a JSON object.');
  const problems: FieldProblems = {};
  const body = text(problems, 'body', input.body).trim();
  problems.body ??= fieldProblem('body', body);
  if (problems.body) {
    throw invalidRequest(problems.body === 'required' ? 'Please fill in the required fields.' : 'Please check the highlighted fields.', problems);
  }
  return body;
}

/** The distinct thread keys of a counts request, in the order first asked for. */
export function parseCountQuery(threads: string[] | undefined): string[] {
  if (!threads || threads.length === 0) {
    throw invalidRequest('Say which threads to count: ?thread=<key>&thread=<key>.', { thread: 'required' });
  }
  const distinct = [...new Set(threads)];
  if (distinct.length > MAX_COUNTED_THREADS) throw invalidRequest(`Ask for at most ${MAX_COUNTED_THREADS} threads at once.`);
  const problems: FieldProblems = {};
  for (const thread of distinct) {
    checkKey(problems, 'thread', thread, LIMITS.thread);
    if (problems.thread) throw invalidRequest('A thread key is not valid.', problems);
  }
  return distinct;
}

/** A page address to link comments to: an http(s) URL without its fragment, or `null`. */
export function parsePageUrl(url: string | undefined): string | null {
  if (url === undefined || url.length > MAX_PAGE_URL_LENGTH || !isHttpUrl(url)) return null;
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or '' (then judged as missing) with `invalid` noted for any other type. */
function text(problems: FieldProblems, field: FieldName, value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== undefined && value !== null) problems[field] = 'invalid';
  return '';
}

/** A required key (thread, idempotency key), kept exactly as sent. */
function checkKey(problems: FieldProblems, field: FieldName, value: unknown, max: number): string {
  const problem = keyProblem(value, max);
  if (problem) problems[field] = problem;
  return typeof value === 'string' ? value : '';
}
