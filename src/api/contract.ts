/**
 * The Colloquy HTTP contract, typed once. The widget's client and the reference
 * server both import these types; docs/api.md describes the same contract in prose
 * for anyone writing their own endpoint.
 */

/**
 * A comment's state as a visitor may see it. `deleted` appears only as a placeholder
 * for a comment its author deleted while it had visible replies: its author name, url,
 * avatar and body are empty, so the replies keep their place.
 */
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Every {@link CommentStatus}: the list each side checks against, written once. */
export const COMMENT_STATUSES = ['approved', 'pending', 'deleted'] as const;

/**
 * Order of top-level comments in a thread. Replies are always oldest first. `top`: most liked
 * first, ties oldest first; an endpoint with likes off (or none) answers `top` as `oldest`.
 */
export type SortOrder = 'oldest' | 'newest' | 'top';

/** Every {@link SortOrder}, in the order a sort control offers them. */
export const SORT_ORDERS: readonly SortOrder[] = ['oldest', 'newest', 'top'];

export interface CommentAuthor {
  /** Display name, as the commenter typed it (trimmed). */
  name: string;
  /** The commenter's website, always an `http:`/`https:` URL, or `null`. */
  url: string | null;
  /** An opaque, stable, non-reversible seed for drawing an avatar. Never the email. */
  avatar: string;
}

/** A comment as any response carries it. There is no email field, ever. */
export interface Comment {
  id: string;
  /** The comment this one replies to, or `null` for a top-level comment. */
  parentId: string | null;
  author: CommentAuthor;
  /** Plain text as typed; the widget decides how to display it. Never HTML. */
  body: string;
  /** ISO 8601 timestamp in UTC. */
  createdAt: string;
  status: CommentStatus;
  /**
   * Optional: `'host'` on a comment the site itself wrote (the reference server: through its
   * admin API, under the host's name). No visitor's post can set it. Absent otherwise.
   */
  role?: 'host';
  /**
   * Optional: `true` on a top-level comment a moderator pinned. Pinned comments open the first
   * page (oldest pin first), whatever the sort, and are not repeated on later pages. Absent otherwise.
   */
  pinned?: true;
  /**
   * Optional: how many visitors like this approved comment. Absent when the endpoint has likes
   * off (`COLLOQUY_LIKES=off`), and on anything but an approved comment of a list or replies
   * page; the widget shows a like button only for comments that carry it. Who liked is never said.
   */
  likes?: number;
}

/** `GET {endpoint}/comments?thread=&limit=&cursor=&sort=` */
export interface ListCommentsQuery {
  thread: string;
  /** Top-level comments per page (fewer when their bodies are long; see {@link REPLIES}); each comes with its first replies. */
  limit?: number;
  cursor?: string | null;
  sort?: SortOrder;
}

/** `200` answer to a list request. */
export interface CommentPage {
  thread: string;
  /** Approved comments in the whole thread, replies included. */
  count: number;
  /** This page's top-level comments, each followed by its replies (parents before children). */
  comments: Comment[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  nextCursor: string | null;
  /**
   * Optional: a token the endpoint signs with the time it was issued. A client sends it
   * back as `NewComment.formToken`, so the endpoint can hold comments posted faster
   * than a person types (a spam defense).
   */
  formToken?: string;
  /**
   * Optional: where live updates go on from this page. A client that opens
   * `GET {endpoint}/comments/stream` after reading the page passes it as `lastEventId`, so a
   * comment written in between is not missed. Present when the endpoint has live updates.
   */
  liveId?: string;
  /**
   * Optional: the page size the endpoint used, when it is not the `limit` asked for (the
   * reference server clamps `limit` to {@link PAGE_SIZE}`.max`).
   */
  limit?: number;
  /**
   * Optional: replies held back from this page, keyed by the id of their top-level
   * comment: how many, and the cursor to fetch them with
   * `GET {endpoint}/comments/replies?thread=&cursor=`. A page carries at most
   * {@link REPLIES}`.perRoot` replies of each top-level comment (the oldest) and stops
   * adding replies once its bodies would pass {@link REPLIES}`.maxChars` characters.
   * Absent (or empty) when every reply is in the page.
   */
  moreReplies?: Record<string, MoreReplies>;
  /**
   * Optional: `true` when the thread is closed (by a moderator, or by its age): its comments are
   * still listed and counted, but a post or reply to it is refused (`403`, `thread_closed`).
   */
  closed?: true;
}

/** Replies of one top-level comment not yet listed. */
export interface MoreReplies {
  /** How many replies of that comment are not listed yet. */
  count: number;
  /** Pass as `cursor` to `GET {endpoint}/comments/replies`. */
  cursor: string;
}

/** `GET {endpoint}/comments/replies?thread=&cursor=` */
export interface ListRepliesQuery {
  thread: string;
  /** A {@link MoreReplies} cursor from a page, or the `more` cursor of a previous reply page. */
  cursor: string;
}

/** `200` answer to a replies request. */
export interface ReplyPage {
  thread: string;
  /** The top-level comment these replies belong to. */
  rootId: string;
  /** The next replies of that comment, oldest first (so parents come before children). */
  comments: Comment[];
  /** What is still held back after these, or `null` when every reply has been listed. */
  more: MoreReplies | null;
}

/** Body of `POST {endpoint}/comments` (`Content-Type: application/json`). */
export interface NewComment {
  thread: string;
  parentId: string | null;
  author: {
    name: string;
    email: string;
    url?: string;
  };
  body: string;
  /** Chosen by the client per draft; a retry of the same draft reuses it. */
  idempotencyKey: string;
  /** The `formToken` of the page the form was shown with, when the endpoint gave one. */
  formToken?: string;
  /**
   * The value of a field hidden from people and assistive technology. People leave it
   * empty; a bot that fills every field does not. A non-empty value marks the comment
   * as spam, and the poster is answered as anyone held for moderation is.
   */
  honeypot?: string;
  /**
   * Optional: `true` when the commenter ticked "Notify me of replies to my comment by email".
   * The reference server then asks the address to confirm (double opt-in) before it ever sends
   * a notification; anything but `true` stores nothing. An endpoint of your own may ignore it.
   */
  notify?: boolean;
  /**
   * Optional: the widget's language (a BCP 47 tag such as `de` or `pt-BR`), which the emails
   * about this comment are written in; English where the endpoint has no such language.
   */
  locale?: string;
  /**
   * Optional: the address of the page the thread is shown on (`location.href` without its
   * fragment), which links in emails about this comment lead to. The reference server keeps it
   * only when its origin is one it trusts (`COLLOQUY_ORIGINS`, `COLLOQUY_SITE_URL` or its own).
   */
  page?: string;
}

/** `201` answer to a post. */
export interface PostedComment {
  comment: Comment;
  /**
   * Lets the author edit or delete this comment until `editableUntil`, sent as
   * `Authorization: Bearer <editToken>`. Signed by the server and bound to this comment.
   */
  editToken: string;
  /** ISO 8601: the end of the edit window (15 minutes after posting). */
  editableUntil: string;
}

/** Body of `PATCH {endpoint}/comments/{id}`: the new text, checked as a new comment's is. */
export interface CommentEdit {
  body: string;
}

/** `200` answer to an edit. (`DELETE {endpoint}/comments/{id}` answers `204`.) */
export interface EditedComment {
  comment: Comment;
}

/**
 * Body of `POST {endpoint}/me/link` ("Manage my comments by email"): the endpoint emails
 * `email` a signed link to a page of the comments written with it. Answered `202` whether or
 * not the address wrote any; an endpoint of one's own may answer `404` (the widget says so).
 */
export interface ManageLinkRequest {
  email: string;
  /** The language of the email, as {@link NewComment.locale}. */
  locale?: string;
}

/**
 * Body of `POST {endpoint}/comments/{id}/like` (`Content-Type: application/json`): this
 * visitor likes the comment (`liked: true`) or no longer does (`false`). Setting the state the
 * visitor already has changes nothing. There are no cookies and no login: `visitor` is a random
 * key the widget makes once per site (kept in `localStorage` after the first like), and the
 * endpoint stores only a keyed hash of it per comment.
 */
export interface LikeRequest {
  /** {@link VISITOR_KEY}: 16–64 characters of `A-Z a-z 0-9 _ -`. */
  visitor: string;
  liked: boolean;
}

/** `200` answer to a like: the comment's count now, and this visitor's state. */
export interface LikeAnswer {
  likes: number;
  liked: boolean;
}

/** What a {@link LikeRequest.visitor} key looks like. */
export const VISITOR_KEY = /^[A-Za-z0-9_-]{16,64}$/;

/** `GET {endpoint}/counts?thread=a&thread=b` (at most 100 threads): approved comments per thread. */
export interface ThreadCounts {
  counts: Record<string, number>;
}

/** Names used in an error's `fields` map. */
export type FieldName = 'thread' | 'parentId' | 'name' | 'email' | 'url' | 'body' | 'idempotencyKey';

/** What is wrong with one field. */
export type FieldProblem = 'required' | 'invalid' | 'too_long';

export type ErrorCode =
  | 'invalid_request' // 400
  | 'forbidden_origin' // 403
  | 'forbidden' // 403: edit token missing, expired, for another comment, or tampered with
  | 'banned' // 403: the poster is under a ban that refuses their comments
  | 'likes_off' // 403: the endpoint has likes off
  | 'thread_closed' // 403: a post or reply to a closed thread
  | 'not_found' // 404
  | 'duplicate' // 409
  | 'too_large' // 413
  | 'unsupported_media_type' // 415
  | 'too_fast' // 429
  | 'server_error'; // 5xx

/** Every non-2xx answer carries this body. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    /** A sentence for people. */
    message: string;
    fields?: Partial<Record<FieldName, FieldProblem>>;
  };
}

/** Most pinned comments a thread can have. */
export const MAX_PINNED = 3;

/** Maximum lengths in characters (Unicode code points), as WordPress. */
export const LIMITS = {
  name: 245,
  email: 100,
  url: 200,
  body: 65525,
  thread: 200,
  idempotencyKey: 100,
} as const;

/** The longest {@link NewComment.locale} and {@link NewComment.page} kept; longer ones are ignored, not refused. */
export const POST_HINT_LIMITS = { locale: 35, page: 2000 } as const;

/** How long an author may edit or delete a comment, in seconds (Isso's window). */
export const EDIT_WINDOW_SECONDS = 15 * 60;

/** Page size limits for `limit`. */
export const PAGE_SIZE = { default: 50, max: 100 } as const;

/**
 * How many replies a response carries: at most `perRoot` of each top-level comment in a
 * page of the thread, at most `perPage` in one replies page, and no more comments once the
 * bodies in a response would pass `maxChars` characters (counted as {@link LIMITS} count).
 * The bodies of a page's top-level comments count first: a page of long top-level comments
 * may hold fewer than `limit` (but always one), and its `nextCursor` continues after the
 * last one it holds. A replies page always has at least one reply.
 */
export const REPLIES = { perRoot: 20, perPage: 50, maxChars: 250_000 } as const;

/**
 * How deep replies go: a top-level comment is at depth 0, a reply to it at 1. The reference
 * server refuses a reply to a comment already at this depth (`400`, `fields.parentId`:
 * `invalid`); the widget draws every depth past its own `max-depth` flat.
 */
export const MAX_REPLY_DEPTH = 500;
