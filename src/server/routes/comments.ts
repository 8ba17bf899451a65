/** `/comments`: list a thread, post a comment, and its author's edit and deletion. */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { CommentPage, EditedComment, PostedComment } from '../../api/contract.js';
import { toApiComment } from '../comment-json.js';
import { encodeCursor } from '../cursor.js';
import type { EditTokens } from '../edit-token.js';
import { authorizeEdit, deleteComment, editComment } from '../editing.js';
import { invalidRequest, unsupportedMediaType } from '../errors.js';
import { sendCacheable } from '../http-cache.js';
import { parseCommentEdit, parseListQuery, parseNewComment } from '../input.js';
import { JSON_TYPE, sendJson } from '../json.js';
import type { KeyedHashes } from '../keyed-hash.js';
import { pageKey, type PageCache } from '../page-cache.js';
import { postComment, type PostingPolicy } from '../posting.js';
import { readBody } from '../request-body.js';
import type { CommentStore } from '../store/comment-store.js';

/**
 * Largest request body accepted. The longest valid comment (65,525 characters of
 * 4-byte UTF-8 plus the other fields at their limits) needs about 260 KiB.
 */
export const MAX_BODY_BYTES = 320 * 1024;

export interface CommentRoutesOptions {
  store: CommentStore;
  hashes: KeyedHashes;
  tokens: EditTokens;
  pages: PageCache;
  policy: PostingPolicy;
  clock: () => number;
  /** The client's address as far as the configuration trusts proxies. */
  clientAddress: (c: Context) => string | undefined;
}

export function commentRoutes({ store, hashes, tokens, pages, policy, clock, clientAddress }: CommentRoutesOptions): Hono {
  const router = new Hono();

  router.get('/', async (c) => {
    const query = parseListQuery(c.req.query());
    // The version is read before the page, so a cached page is never older than its version.
    const stats = await store.threadStats(query.thread);
    const page = await pages.getOrRender(pageKey(query), stats.version, async () => {
      const { comments, next } = await store.listThread(query);
      const body: CommentPage = {
        thread: query.thread,
        count: stats.count,
        comments: comments.map((comment) => toApiComment(comment, hashes.avatar)),
        nextCursor: next ? encodeCursor(next, query.sort) : null,
      };
      return JSON.stringify(body);
    });
    return sendCacheable(c, page.text, page.etag, JSON_TYPE);
  });

  router.post('/', requireJson, async (c) => {
    const input = parseNewComment(parseJson(await readBody(c, MAX_BODY_BYTES)));
    const address = clientAddress(c);
    const { comment } = await postComment(store, input, policy, {
      addressHash: address ? hashes.address(address) : null,
      now: clock(),
    });
    const grant = tokens.issue(comment);
    const body: PostedComment = {
      comment: toApiComment(comment, hashes.avatar),
      editToken: grant.token,
      editableUntil: new Date(grant.expiresAt).toISOString(),
    };
    return sendJson(c, body, 201);
  });

  router.patch('/:id', requireJson, async (c) => {
    const bytes = await readBody(c, MAX_BODY_BYTES);
    const now = clock();
    const { id } = await authorizeEdit(store, tokens, c.req.param('id'), c.req.header('Authorization'), now);
    const edited = await editComment(store, id, parseCommentEdit(parseJson(bytes)), now);
    const body: EditedComment = { comment: toApiComment(edited, hashes.avatar) };
    return sendJson(c, body);
  });

  router.delete('/:id', async (c) => {
    const now = clock();
    const { id } = await authorizeEdit(store, tokens, c.req.param('id'), c.req.header('Authorization'), now);
    await deleteComment(store, id, now);
    return c.body(null, 204);
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
