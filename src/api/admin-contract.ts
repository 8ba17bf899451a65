/**
 * The admin API of the reference server, typed once: `/api/admin/…`, for the site owner's
 * moderation page. docs/admin-api.md describes it in prose. Unlike the public contract
 * (./contract.ts), these answers carry commenters' email addresses, so they are only ever
 * sent to a holder of the admin token, same-origin, and never cached.
 */
import type { CommentStatus, ErrorCode, FieldProblem } from './contract.js';

/** Every state a stored comment can be in: the public ones and `spam`, in the admin page's order. */
export const ADMIN_STATUSES = ['pending', 'approved', 'spam', 'deleted'] as const satisfies readonly (CommentStatus | 'spam')[];

export type AdminStatus = (typeof ADMIN_STATUSES)[number];

/**
 * Why the server held a comment (`pending`) or called it spam when it arrived; `null` when
 * it was published at once, or came in through an import.
 *
 * - `moderation`: `COLLOQUY_MODERATION` held it (a first-time author, or `all`)
 * - `links`: more links than `COLLOQUY_MAX_LINKS`
 * - `moderation_word` / `blocked_word`: a word of the moderation or blocked list
 * - `form_too_fast`: posted sooner after the form was shown than a person types
 * - `form_token_invalid`: the form token was altered or garbled
 * - `honeypot`: the hidden field was filled in
 * - `akismet`: Akismet said spam
 * - `akismet_unavailable`: Akismet gave no usable answer in time, so it waits for a person
 * - `banned`: its email or client address is under a moderator's ban whose action is `spam`
 */
export type HoldReason =
  | 'moderation'
  | 'links'
  | 'moderation_word'
  | 'blocked_word'
  | 'form_too_fast'
  | 'form_token_invalid'
  | 'honeypot'
  | 'akismet'
  | 'akismet_unavailable'
  | 'banned';

/** A comment as the admin API shows it: everything a moderator needs, the email included. */
export interface AdminComment {
  id: string;
  thread: string;
  /** The comment this one replies to, or `null` for a top-level comment. */
  parentId: string | null;
  /** What it replies to, for context; `null` for a top-level comment. */
  parent: AdminParent | null;
  author: {
    name: string;
    /** Trimmed and lower-cased as stored. */
    email: string;
    url: string | null;
    /** The same seed the public API shows. */
    avatar: string;
  };
  body: string;
  status: AdminStatus;
  /** True when its author deleted it: the name, url and body are erased for good. */
  deletedByAuthor: boolean;
  heldFor: HoldReason | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC: the last edit or moderation change. */
  updatedAt: string;
  /** Pinned by a moderator (`POST /api/admin/comments/{id}/pin`); a pinned comment is listed only while approved. */
  pinned: boolean;
  /** `'host'` for a comment written as the site (`POST /api/admin/comments`); `null` for a visitor's. */
  role: 'host' | null;
  /**
   * How many visitors like it (counted whatever its status; the public API shows it only on approved
   * comments, with likes on). The reference server always sends it; optional for older servers.
   */
  likes?: number;
  /**
   * Its thread's page: the page the widget reported (`page`, on an origin the server trusts) when
   * the thread was first used; `null` when none did (a thread from an import, or whose posts came
   * from elsewhere). Set once, never repointed by a later post. The admin page links the thread
   * key there, else to its `thread-url` pattern.
   */
  pageUrl: string | null;
}

export interface AdminParent {
  id: string;
  name: string;
  /** The start of its text, at most about 100 characters, ending in `…` when cut. */
  excerpt: string;
  status: AdminStatus;
}

/** The orders of the moderation list, newest first by default. */
export const ADMIN_SORTS = ['newest', 'oldest'] as const;

/** `GET /api/admin/comments?status=&q=&thread=&since=&before=&sort=&limit=&cursor=` */
export interface AdminCommentQuery {
  /** One or more (`status=pending&status=spam`); every status when absent. */
  status?: AdminStatus | AdminStatus[];
  /** Case-insensitive text found in the name, email, website or body. */
  q?: string;
  /** Exactly this thread key. */
  thread?: string;
  /** ISO 8601 date or time: comments created at or after it. */
  since?: string;
  /** ISO 8601 date or time: comments created before it. */
  before?: string;
  /** `newest` (default) or `oldest` first. */
  sort?: (typeof ADMIN_SORTS)[number];
  /** 1–100, default 50. */
  limit?: number;
  cursor?: string;
}

/** `200` answer to a list request. */
export interface AdminCommentList {
  comments: AdminComment[];
  /** Comments per status matching every filter but `status` (and the cursor): the tabs' numbers. */
  counts: Record<AdminStatus, number>;
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/**
 * Body of `PATCH /api/admin/comments/{id}`: any of these. Fields are checked as a new
 * comment's are; `url` may be `null` or `""` to remove the website.
 */
export interface AdminCommentChange {
  status?: AdminStatus;
  name?: string;
  url?: string | null;
  body?: string;
}

/** `200` answer to `GET`, `PATCH` and `DELETE /api/admin/comments/{id}`. */
export interface AdminCommentResult {
  comment: AdminComment;
}

/** Body of `POST /api/admin/comments/bulk`: one status for many comments, in one transaction. */
export interface AdminBulkChange {
  /** 1–500 comment ids. */
  ids: string[];
  status: AdminStatus;
}

/** `200` answer to a bulk change. */
export interface AdminBulkResult {
  /** The comments as they are now, in the order asked for. */
  comments: AdminComment[];
  /** Ids that name no comment; the others were changed all the same. */
  notFound: string[];
}

/**
 * Body of `POST /api/admin/comments`: a comment written as the site, under the host's name
 * ({@link AdminSettings.hostName}). Published at once with `role: 'host'`, whatever the spam
 * rules, flood control or the thread's closing say.
 */
export interface AdminHostComment {
  thread: string;
  /** The comment answered (approved, of the same thread), or `null` for a top-level comment. */
  parentId: string | null;
  body: string;
}

/** `GET` and `PATCH /api/admin/settings`: what the admin page can change. */
export interface AdminSettings {
  /** The name host comments are written under: 1–80 characters, trimmed. `COLLOQUY_HOST_NAME` until changed here. */
  hostName: string;
}

/** Longest {@link AdminSettings.hostName}, in characters. */
export const MAX_HOST_NAME = 80;

/** Body of `POST /api/admin/comments/{id}/pin`. At most `MAX_PINNED` (3, ./contract.ts) per thread; only approved top-level comments. */
export interface AdminPinChange {
  pinned: boolean;
}

/** Body of `POST /api/admin/threads/{thread}/close` (the thread key URL-encoded in the path). */
export interface AdminCloseChange {
  closed: boolean;
}

/**
 * A thread's closing as the admin API shows it (the answer to a close, and each item of
 * `GET /api/admin/threads`). `closedBy`: `moderator` (closed by hand), `age` (older than
 * `COLLOQUY_CLOSE_AFTER_DAYS`, and not reopened by hand), or `null` when open.
 */
export interface AdminThreadState {
  thread: string;
  closed: boolean;
  closedBy: 'moderator' | 'age' | null;
}

/** One thread in `GET /api/admin/threads`. */
export interface AdminThread extends AdminThreadState {
  /** Approved comments, replies included. */
  count: number;
  /** ISO 8601, UTC: its first approved comment, or `null` when it has none. */
  firstCommentAt: string | null;
  /** The thread's page, as {@link AdminComment.pageUrl}. */
  pageUrl: string | null;
}

/** `GET /api/admin/threads?thread=&after=&limit=`: threads by key (or the `thread`s asked for, at most 100). */
export interface AdminThreadList {
  threads: AdminThread[];
  /** Pass as `after` for the next page; `null` on the last page. */
  nextAfter: string | null;
}

/** The public API's codes, and `unauthorized` (401): no admin token, or a wrong one. */
export type AdminErrorCode = ErrorCode | 'unauthorized';

export type AdminFieldName = 'status' | 'name' | 'url' | 'body' | 'ids' | 'q' | 'thread' | 'since' | 'before';

/** Every non-2xx answer of the admin API carries this body. */
export interface AdminErrorBody {
  error: {
    code: AdminErrorCode;
    message: string;
    fields?: Partial<Record<AdminFieldName, FieldProblem>>;
  };
}

/** Largest number of ids in one bulk change. */
export const MAX_BULK_IDS = 500;

/** Where an outgoing message is: waiting (first try or a retry), being sent, delivered, or given up on. */
export type AdminOutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export const OUTBOX_STATUSES: readonly AdminOutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

/** Tries a message gets, the first included, before it is `failed` (the server's schedule, docs/server.md "The outbox"). */
export const OUTBOX_MAX_ATTEMPTS = 8;

/**
 * An outgoing message (a webhook delivery, an email) as the admin API shows it. What it says,
 * and to whom, is not shown: only what it is about and how its delivery goes.
 */
export interface AdminOutboxMessage {
  id: string;
  /** Which sender delivers it: `webhook`, or one of the email kinds. */
  kind: string;
  status: AdminOutboxStatus;
  /** Tries so far, the one in flight included; 8 in all before `failed` (docs/server.md, "The outbox"). */
  attempts: number;
  /** The comment it is about, when it is about one. */
  commentId: string | null;
  /** ISO 8601, UTC: when it was written. */
  createdAt: string;
  /** ISO 8601, UTC: when it is (or was) due for its next (or last) try. */
  dueAt: string;
  /** ISO 8601, UTC; `null` until it is sent. */
  sentAt: string | null;
  /** Why the last try failed (email addresses blanked out), or `null`. */
  lastError: string | null;
}

/** `GET /api/admin/outbox?status=&limit=&cursor=`: newest first. */
export interface AdminOutboxList {
  messages: AdminOutboxMessage[];
  /** Messages per status, whatever the filter. */
  counts: Record<AdminOutboxStatus, number>;
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** `200` answer to `POST /api/admin/outbox/{id}/retry`. */
export interface AdminOutboxResult {
  message: AdminOutboxMessage;
}

/**
 * `GET /api/admin/subscribers?thread=…`: how many confirmed addresses get reply notifications
 * for a comment of each thread. Counts only: which addresses they are is not shown here (a
 * moderator sees a commenter's email with their comments, nothing more).
 */
export interface AdminSubscriberCounts {
  /** Most subscribers first, then by thread key; threads with none are left out. */
  threads: { thread: string; subscribers: number }[];
}

/** Most `thread` filters in one subscriber-count request; without one, the busiest threads, at most this many. */
export const MAX_SUBSCRIBER_THREADS = 100;

/** What a ban does to a banned poster's new comments: `spam` (silently; they see "awaiting moderation") or `refuse` (403 `banned`). */
export type BanAction = 'spam' | 'refuse';

/**
 * Body of `POST /api/admin/comments/{id}/ban`: ban the comment's email, its client address
 * (stored only as a keyed hash of its IPv4 address or IPv6 /64), or both.
 */
export interface BanRequest {
  email: boolean;
  address: boolean;
  action: BanAction;
  /** At most {@link MAX_BAN_REASON} characters; shown in the ban list. */
  reason?: string;
  /** {@link BAN_DAYS}`.min`–`.max` days; left out, an address ban lasts `addressDefault` days and an email ban never ends. */
  days?: number;
}

/** A ban as the admin API shows it. Neither the email nor the address is shown, only what `label` says. */
export interface Ban {
  id: string;
  kind: 'email' | 'address';
  action: BanAction;
  reason: string | null;
  /** For an email ban the email masked (`j•••@example.com`); for an address ban `address of comment #123`. */
  label: string;
  /** The comment the ban was made from, or `null`. */
  commentId: string | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC, or `null` for a ban that never ends. */
  expiresAt: string | null;
  /** Whether it is in force now (not expired). */
  active: boolean;
}

/** `201` answer to a ban request, and `200` answer to `GET /api/admin/bans` (newest first, in force or expired). */
export interface BanList {
  bans: Ban[];
}

/** Longest {@link BanRequest.reason}, in characters. */
export const MAX_BAN_REASON = 500;

/** A ban's length in days: allowed range and defaults (`null`: never ends). */
export const BAN_DAYS = { min: 1, max: 3650, addressDefault: 30, emailDefault: null } as const;
