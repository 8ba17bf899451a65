/**
 * Field rules shared by the widget (which checks before sending) and the server
 * (which trusts nothing and checks again). Pure functions, no DOM, no Node.
 */
import { LIMITS, type FieldName, type FieldProblem, type NewComment } from './contract.js';

/** Length in Unicode code points, so an emoji counts as one character as people count it. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

// Close to WordPress's is_email(): dot-separated runs of the usual atom characters, an @,
// and a domain of at least two labels that neither start nor end with a hyphen.
const EMAIL = /^[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*@([a-z\d]([a-z\d-]*[a-z\d])?\.)+[a-z\d]([a-z\d-]*[a-z\d])?$/i;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** The URL `value` names when it is an absolute `http:`/`https:` URL with a host, else `undefined`. */
function parseHttpUrl(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The URL, if `value` is an {@link isHttpUrl} one. */
function websiteUrl(value: string): URL | undefined {
  const url = parseHttpUrl(value);
  return url && !url.username && !url.password ? url : undefined;
}

/** True when `value` is an `http(s):` URL that carries a user name or password (`user:pass@host`). */
export function hasCredentials(value: string): boolean {
  const url = parseHttpUrl(value);
  return !!url && !websiteUrl(value);
}

/** True only for absolute `http:`/`https:` URLs with a host and no user name or password. */
export function isHttpUrl(value: string): boolean {
  return !!websiteUrl(value);
}

/**
 * A website as it is stored and shown: the WHATWG-normalized `URL.href`, with `'`, `"`
 * and `` ` `` percent-encoded too (the URL standard leaves them as typed in a host or path),
 * so it can never close a quoted attribute. `undefined` for anything {@link isHttpUrl}
 * refuses. Normalizing a normalized website gives it back unchanged.
 */
export function websiteHref(value: string): string | undefined {
  return websiteUrl(value)?.href.replace(/['"`]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type FieldProblems = Partial<Record<FieldName, FieldProblem>>;

// NUL and unpaired surrogates cannot be stored faithfully (PostgreSQL rejects NUL,
// UTF-8 has no unpaired surrogates), so they are refused rather than altered.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when text holds characters no store can keep exactly. */
export function hasUnstorableChars(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** A visitor-typed field of a comment: what the form asks for and every API checks. */
export type CommentField = 'name' | 'email' | 'url' | 'body';

/**
 * The one rule for a comment's field, as typed and trimmed: what is wrong with it, or
 * `undefined`. The widget, the writer, the public API and the admin API all judge by it.
 */
export function fieldProblem(field: CommentField, value: string): FieldProblem | undefined {
  if (value === '') return field === 'url' ? undefined : 'required';
  if (charLength(value) > LIMITS[field]) return 'too_long';
  if (hasUnstorableChars(value)) return 'invalid';
  if (field === 'email' ? !isEmail(value) : field === 'url' && !isHttpUrl(value)) return 'invalid';
  return undefined;
}

/** The rule for a key sent as is (a thread key, an idempotency key): a non-blank string of at most `max` characters. */
export function keyProblem(value: unknown, max: number): FieldProblem | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 'required';
  if (typeof value !== 'string' || hasUnstorableChars(value)) return 'invalid';
  return charLength(value) > max ? 'too_long' : undefined;
}

/**
 * Checks a comment's visitor-typed fields after trimming. Returns the problems found
 * (an empty object when all is well).
 */
export function checkCommentFields(fields: Record<CommentField, string>): FieldProblems {
  const problems: FieldProblems = {};
  for (const field of ['name', 'email', 'url', 'body'] as const) {
    const problem = fieldProblem(field, fields[field]);
    if (problem) problems[field] = problem;
  }
  return problems;
}

/** The trimmed, normalized form of a post's visitor-typed fields. */
export function trimmedFields(post: Pick<NewComment, 'author' | 'body'>) {
  return {
    name: post.author.name.trim(),
    email: post.author.email.trim(),
    url: (post.author.url ?? '').trim(),
    body: post.body.trim(),
  };
}

/** A page size as a query string carries it: a whole number, 1 or more; else `undefined`. */
export function parseLimit(text: string): number | undefined {
  const limit = /^\d+$/.test(text) ? Number(text) : 0;
  return limit >= 1 ? limit : undefined;
}

/** An order named in a query string, one of `orders`; `fallback` when none is named; else `undefined`. */
export function parseSort<T extends string>(text: string | undefined, orders: readonly T[], fallback: T): T | undefined {
  if (text === undefined) return fallback;
  return (orders as readonly string[]).includes(text) ? (text as T) : undefined;
}
