/** `/comments`: list a thread and the rest of a conversation's replies, post a comment, and its author's edit and deletion. */
import { Hono, type Context } from 'hono';
import {
  EDIT_WINDOW_SECONDS,
  type CommentPage,
  type EditedComment,
  type MoreReplies,
  type PostedComment,
  type ReplyPage,
} from '../../api/contract.js';
import { permalinkFor, type Akismet } from '../integrations/akismet.js';
import { rateLimitKey } from '../http/client-address.js';
import { toApiComment, toAuthorComment } from '../http/comment-json.js';
import { decodeRepliesCursor, encodeCursor, encodeRepliesCursor } from '../http/cursor.js';
import type { EditTokens } from '../security/edit-token.js';
import { authorizeEdit, deleteComment, editComment } from '../domain/editing.js';
import { invalidRequest, notFound } from '../http/errors.js';
import { withFormToken, type FormTokens } from '../security/form-token.js';
import { sendCacheable, weak } from '../http/http-cache.js';
import { parseCommentEdit, parseListQuery, parseNewComment, parseThreadKey, type CheckedComment } from '../http/input.js';
import { JSON_TYPE, sendJson } from '../http/json.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import { pageKey, type PageCache } from '../http/page-cache.js';
import { admitPost, postComment, type PostingPolicy, type PostResult } from '../domain/posting.js';
import { parseJson, readBody, requireJson } from '../http/request-body.js';
import { screen, type SpamRules } from '../spam/spam-rules.js';
import type { CommentStore, HeldReplies, StoredComment } from '../store/comment-store.js';
import type { EventListener } from '../outbox/events.js';
import { isoTime } from '../http/iso-time.js';
import { assertOpen, threadClosing } from '../domain/closing.js';

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
  spamRules: SpamRules;
  /** Issues and reads form tokens; `null` when the form-age check is off. */
  forms: FormTokens | null;
  akismet: Akismet | null;
  /** Told of each new comment and author's edit inside its transaction (the outbox's messages). */
  listeners: readonly EventListener[];
  /** `COLLOQUY_CLOSE_AFTER_DAYS`: threads older than this are closed; `null` or absent: never by age. */
  closeAfterDays?: number | null;
  /** COLLOQUY_LIKES: listed comments carry their `likes`, and `top` ranks by them; off, neither (and `top` is `oldest`). Default on. */
  likes?: boolean;
  /** Live updates are on: each page says where the stream goes on from (`liveId`). */
  live?: boolean;
}

export function commentRoutes(options: CommentRoutesOptions): Hono {
  const { store, hashes, tokens, pages, policy, clock, clientAddress, forms } = options;
  const router = new Hono();

  router.get('/', async (c) => {
    const likes = options.likes ?? true;
    const query = parseListQuery(c.req.query(), { likes });
    // The version is read before the page, so a cached page is never older than its version.
    const stats = await store.threadStats(query.thread);
    // Age closes a thread with no write to it, so the closed state is part of the cache key, not of the version.
    const closed = (await threadClosing(store, query.thread, stats, clock(), options.closeAfterDays ?? null)) !== null;
    const page = await pages.getOrRender(`${closed ? 'closed ' : ''}${pageKey(query)}`, stats.version, async () => {
      // A top reading ranks every page by the like counts at its first page's version.
      const likesAt = query.sort === 'top' ? (query.likesAt ?? stats.version) : undefined;
      const { comments, next, moreReplies } = await store.listThread({ ...query, likesAt });
      const body: CommentPage = {
        thread: query.thread,
        count: stats.count,
        comments: comments.map((comment) => toApiComment(comment, hashes.avatar, likes)),
        nextCursor: next ? encodeCursor(next, query.sort, likesAt) : null,
        ...(query.limitClamped ? { limit: query.limit } : {}),
        ...(moreReplies.size > 0
          ? { moreReplies: Object.fromEntries([...moreReplies].map(([rootId, held]) => [String(rootId), moreOf(rootId, held)])) }
          : {}),
        ...(closed ? { closed: true as const } : {}),
        // The version read before the page: the stream catches up from it, so nothing after it is missed
        // (stamped in real time, as the stream stamps its ids).
        ...(options.live ? { liveId: `${stats.version}-${Date.now()}` } : {}),
      };
      return JSON.stringify(body);
    });
    if (!forms) return sendCacheable(c, page.text, page.etag, JSON_TYPE);
    // Answers differ in the token alone, so they share one weak ETag and a 304 keeps the
    // client's copy, whose older token only makes its form look older.
    return sendCacheable(c, withFormToken(page.text, forms.issue(clock())), weak(page.etag), JSON_TYPE);
  });

  router.get('/replies', async (c) => {
    const thread = parseThreadKey(c.req.query('thread'));
    const text = c.req.query('cursor');
    if (text === undefined || text === '') throw invalidRequest('Say which replies: ?cursor=<a moreReplies cursor from a page>.');
    const cursor = decodeRepliesCursor(text);
    if (!cursor) throw invalidRequest('The replies cursor is not valid; load the thread again.');
    const stats = await store.threadStats(thread);
    const position = cursor.after ? `${cursor.after.createdAt}.${cursor.after.id}` : '-';
    const page = await pages.getOrRender(`replies ${cursor.rootId} ${position} ${thread}`, stats.version, async () => {
      const replies = await store.listReplies({ thread, rootId: cursor.rootId, after: cursor.after });
      if (!replies) throw notFound('These replies belong to no published comment of this thread.');
      const body: ReplyPage = {
        thread,
        rootId: String(cursor.rootId),
        comments: replies.comments.map((comment) => toApiComment(comment, hashes.avatar, options.likes ?? true)),
        more: replies.more && moreOf(cursor.rootId, replies.more),
      };
      return JSON.stringify(body);
    });
    return sendCacheable(c, page.text, page.etag, JSON_TYPE);
  });

  router.post('/', requireJson, async (c) => {
    const input = parseNewComment(parseJson(await readBody(c, MAX_BODY_BYTES)));
    const stillOpen = () => assertOpen(store, input.thread, clock(), options.closeAfterDays ?? null);
    const address = clientAddress(c);
    // Before any spam rule: a closed thread refuses every post and reply alike. The same
    // statement reads the poster's bans, which postComment applies (docs/benchmarks.md).
    const poster = await admitPost(
      store,
      input.thread,
      // Keyed by the IPv6 /64, not the address: one subscriber holds a whole /64.
      { addressHash: address ? hashes.address(rateLimitKey(address)) : null, emailBanHash: hashes.bannedEmail(input.email), clock },
      options.closeAfterDays ?? null,
    );
    // The word lists read the client's address too (WordPress's disallowed keys).
    const verdict = screen({ ...input, address: address ?? null }, options.spamRules, forms, clock());
    const result = await postComment(
      store,
      input,
      policy,
      poster,
      {
        verdict,
        akismet: options.akismet && { client: options.akismet, facts: akismetFacts(c, address, input.thread, options.akismet) },
        stillOpen,
      },
      options.listeners,
    );
    const comment = 'discarded' in result ? discardedComment(input, result) : result.comment;
    const body = postedAnswer(comment, clock(), hashes, tokens);
    return sendJson(c, body, 201);
  });

  router.patch('/:id', requireJson, async (c) => {
    const bytes = await readBody(c, MAX_BODY_BYTES);
    const now = clock();
    const comment = await authorizeEdit(store, tokens, c.req.param('id'), c.req.header('Authorization'), now);
    const text = parseCommentEdit(parseJson(bytes));
    const address = clientAddress(c);
    const edited = await editComment(store, comment, text, clock, {
      rules: options.spamRules,
      akismet: options.akismet && { client: options.akismet, facts: akismetFacts(c, address, comment.thread, options.akismet) },
    }, options.listeners);
    // Held or called spam, it is answered as pending (the author is told it awaits moderation),
    // with the seed a held post is answered with, never its email's.
    const body: EditedComment = { comment: toAuthorComment(edited, hashes) };
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

function moreOf(rootId: number, held: HeldReplies): MoreReplies {
  return { count: held.count, cursor: encodeRepliesCursor({ rootId, after: held.after }) };
}

/**
 * The 201: the comment, and a token that lets its author edit it, only while they may, that is
 * while it is published or held and inside its window. A comment they may not edit (spam, a
 * moderator's deletion, a discarded post, a retry after the window) gets a decoy: the same
 * shape, naming the same id and window, that opens nothing. And a comment not published is
 * shown with a seed of its own, never its email's.
 */
function postedAnswer(comment: StoredComment, now: number, hashes: KeyedHashes, tokens: EditTokens): PostedComment {
  const editable =
    (comment.status === 'approved' || comment.status === 'pending') &&
    comment.authorDeletion === null &&
    now < comment.createdAt + EDIT_WINDOW_SECONDS * 1000;
  const grant = editable ? tokens.issue(comment) : tokens.decoy(comment);
  return {
    comment: toAuthorComment(comment, hashes),
    editToken: grant.token,
    editableUntil: isoTime(grant.expiresAt),
  };
}

/**
 * A discarded post as if it had been stored as spam under the id it was given, so its answer
 * is built exactly as a held post's: nothing but that id was kept.
 */
function discardedComment(input: CheckedComment, result: Extract<PostResult, { discarded: true }>): StoredComment {
  return {
    id: result.id,
    thread: input.thread,
    parentId: input.parentId === null ? null : Number(input.parentId),
    rootId: null,
    name: input.name,
    email: input.email,
    url: input.url,
    body: input.body,
    status: 'spam',
    ipHash: null,
    idempotencyKey: null,
    createdAt: result.at,
    updatedAt: result.at,
    authorDeletion: null,
    holdReason: 'akismet',
    depth: 0,
  };
}

/** What Akismet is told about the visitor behind a post or an edit. */
function akismetFacts(c: Context, address: string | undefined, thread: string, akismet: Akismet) {
  const referrer = c.req.header('Referer');
  return { ip: address ?? '', userAgent: c.req.header('User-Agent') ?? '', referrer: referrer ?? '', permalink: permalinkFor(thread, referrer, akismet.siteUrl) };
}
