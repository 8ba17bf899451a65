/** `/comments`: list a thread, post a comment. */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { createHash } from 'node:crypto';
import type { CommentPage, PostedComment } from '../../api/contract.js';
import { toApiComment } from '../comment-json.js';
import { encodeCursor } from '../cursor.js';
import { invalidRequest, unsupportedMediaType } from '../errors.js';
import { parseListQuery, parseNewComment } from '../input.js';
import { sendJson, sendJsonText } from '../json.js';
import type { KeyedHashes } from '../keyed-hash.js';
import { PageCache } from '../page-cache.js';
import { postComment, type PostingPolicy } from '../posting.js';
import { readBody } from '../request-body.js';
import type { CommentStore } from '../store/comment-store.js';

/**
 * Largest request body accepted. The longest valid comment (65,525 characters of
 * 4-byte UTF-8 plus the other fields at their limits) needs about 260 KiB.
 */
export const MAX_BODY_BYTES = 320 * 1024;

// Shared caches may keep a page 10 s; browsers always revalidate (cheaply, by ETag).
const LIST_CACHE_CONTROL = 'public, max-age=0, s-maxage=10, must-revalidate';

export interface CommentRoutesOptions {
  store: CommentStore;
  hashes: KeyedHashes;
  policy: PostingPolicy;
  clock: () => number;
  /** The client's address as far as the configuration trusts proxies. */
  clientAddress: (c: Context) => string | undefined;
}

export function commentRoutes({ store, hashes, policy, clock, clientAddress }: CommentRoutesOptions): Hono {
  const router = new Hono();
  const pages = new PageCache();

  router.get('/', async (c) => {
    const query = parseListQuery(c.req.query());
    // The version is read before the page, so a cached page is never older than its version.
    const stats = await store.threadStats(query.thread);
    const key = `${query.limit} ${query.sort} ${query.after ? `${query.after.createdAt}.${query.after.id}` : '-'} ${query.thread}`;
    let page = pages.get(key, stats.version);
    if (!page) {
      const { comments, next } = await store.listThread(query);
      const body: CommentPage = {
        thread: query.thread,
        count: stats.count,
        comments: comments.map((comment) => toApiComment(comment, hashes.avatar)),
        nextCursor: next ? encodeCursor(next) : null,
      };
      const text = JSON.stringify(body);
      page = { version: stats.version, text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"` };
      pages.set(key, page);
    }
    c.header('ETag', page.etag);
    c.header('Cache-Control', LIST_CACHE_CONTROL);
    if (matchesEtag(c.req.header('If-None-Match'), page.etag)) return c.body(null, 304);
    return sendJsonText(c, page.text);
  });

  router.post('/', requireJson, async (c) => {
    const input = parseNewComment(parseJson(await readBody(c, MAX_BODY_BYTES)));
    const address = clientAddress(c);
    const { comment } = await postComment(store, input, policy, {
      addressHash: address ? hashes.address(address) : null,
      now: clock(),
    });
    const body: PostedComment = { comment: toApiComment(comment, hashes.avatar) };
    return sendJson(c, body, 201);
  });

  return router;
}

const requireJson: MiddlewareHandler = async (c, next) => {
  if (!isJsonMediaType(c.req.header('Content-Type'))) throw unsupportedMediaType();
  await next();
};

/** `application/json`, optionally with `charset=utf-8`: JSON has no other encoding on the web. */
function isJsonMediaType(header: string | undefined): boolean {
  if (!header) return false;
  const [essence, ...parameters] = header.split(';');
  if (essence!.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    return name !== 'charset' || value.replace(/^"|"$/g, '') === 'utf-8';
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
}

/** Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for this header). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
