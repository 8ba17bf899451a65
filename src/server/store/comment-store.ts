/**
 * The storage interface the routes use. One implementation over Kysely serves both
 * SQLite and PostgreSQL (see kysely-store.ts); the engines differ only in how they
 * connect, lock, commit and report a taken idempotency key.
 */
import type { HoldReason } from '../../api/admin-contract.js';
import type { SortOrder } from '../../api/contract.js';
import type { MailAddress, NotifiedReply, Subscription, UnsubscribeScope } from './mail-queries.js';
import type { AuthorDeletion, BanAction, BanKind, OutboxStatus, SpamVerdict, StoredStatus } from './schema.js';

export type { AuthorDeletion, BanAction, BanKind, OutboxStatus, SpamVerdict, StoredStatus } from './schema.js';
export type { HoldReason } from '../../api/admin-contract.js';

import type { LiveEventKind } from './schema.js';
export type { LiveEventKind } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export type { MailAddress, NotifiedReply, Subscription, UnsubscribeScope } from './mail-queries.js';
export type { MailAddressState } from './schema.js';

/** Reply notifications' rows (migration 008; mail-queries.ts), inside a transaction or not. */
export interface MailRecords {
  mailAddress(email: string): Promise<MailAddress | undefined>;
  /** The address whose opt-in waits for the confirmation link with this nonce. */
  mailAddressByNonce(nonce: string): Promise<MailAddress | undefined>;
  saveMailAddress(address: MailAddress): Promise<void>;
  /** Stores a subscription to replies of a comment; one there already is kept as it is. */
  subscribe(subscription: Omit<Subscription, 'scheduledUntil' | 'notifiedThrough'>): Promise<void>;
  subscription(commentId: number): Promise<Subscription | undefined>;
  /** Every subscription of an address, by comment id. */
  subscriptionsOf(email: string): Promise<Subscription[]>;
  /** Records a notification queued (`scheduledUntil`) or sent (`notifiedThrough`, which only moves forward). */
  updateSubscription(commentId: number, change: { scheduledUntil?: number; notifiedThrough?: number }): Promise<void>;
  /** Ends the subscriptions in `scope`; returns how many. */
  unsubscribe(scope: UnsubscribeScope): Promise<number>;
  /** Forgets opt-ins made before `before` and never confirmed. */
  forgetUnconfirmed(before: number): Promise<void>;
  /** Approved direct replies to a comment after `afterId`, not by `parentEmail`: the first `limit`, how many in all, the last id. */
  newReplies(parentId: number, parentEmail: string, afterId: number, limit: number): Promise<{ replies: NotifiedReply[]; total: number; lastId: number }>;
  /** Per thread, the confirmed addresses subscribed to a comment of it (all threads when `null`). Counts only, never an address. */
  subscriberCounts(threads: string[] | null): Promise<Map<string, number>>;
}

/** A comment as stored, email included: for server code only, never for responses. */
export interface StoredComment {
  id: number;
  thread: string;
  parentId: number | null;
  rootId: number | null;
  name: string;
  email: string;
  url: string | null;
  body: string;
  status: StoredStatus;
  ipHash: string | null;
  idempotencyKey: string | null;
  /** Milliseconds since the epoch, UTC. */
  createdAt: number;
  updatedAt: number;
  /** `null` unless the author deleted the comment; see {@link AuthorDeletion}. */
  authorDeletion: AuthorDeletion | null;
  /** Why the server held it or called it spam when it arrived, or when its author last edited it. */
  holdReason: HoldReason | null;
  /** Levels below its top-level comment (0 for one); the store works it out from the parent. */
  depth: number;
  /** `'host'` when the site wrote it through the admin API (never from a public post); absent or `null` otherwise. */
  role?: 'host' | null;
  /** When a moderator pinned it (ms); absent or `null` when it is not pinned. */
  pinnedAt?: number | null;
  /** Its standing likes (migration 010); read with the comment, never written through it. */
  likeCount?: number;
}

/** A comment to store; no comment is deleted by its author at birth. */
export type NewStoredComment = Omit<StoredComment, 'id' | 'authorDeletion' | 'holdReason' | 'depth'> & { holdReason?: HoldReason | null };

/** A comment as an import brings it: every stored field, its id when it should keep one, and its spam check. */
export type ImportedComment = Omit<StoredComment, 'id' | 'depth'> & { id?: number; spamCheck?: Omit<SpamCheck, 'commentId'> | null };

/** What was asked of Akismet about a comment, and what it said. */
export interface SpamCheck {
  commentId: number;
  verdict: SpamVerdict;
  /** The form parameters sent, without the API key. */
  params: Record<string, string>;
  checkedAt: number;
}

/** How long the data sent to Akismet (the client's address among it) is kept for reports. */
export const SPAM_CHECK_RETENTION_DAYS = 30;

/** The admin list's filters; each `null` filter is off. */
export interface AdminFilter {
  statuses: StoredStatus[] | null;
  /** Found, case-insensitively, in the name, email, website or body. */
  search: string | null;
  thread: string | null;
  /** Created at or after, in ms. */
  since: number | null;
  /** Created before, in ms. */
  before: number | null;
}

export interface AdminPageQuery extends AdminFilter {
  sort: SortOrder;
  limit: number;
  after: PageKey | null;
}

/** A comment with what a moderator sees of its parent. */
export interface AdminListedComment extends StoredComment {
  /** Its thread's page (`thread_stats.page_url`): the trusted page the widget reported when the thread was first used, or `null`. */
  pageUrl: string | null;
  parent: {
    id: number;
    name: string;
    /** The first characters of its body (more than an excerpt needs). */
    bodyStart: string;
    status: StoredStatus;
    authorDeletion: AuthorDeletion | null;
  } | null;
}

export interface AdminPage {
  comments: AdminListedComment[];
  next: PageKey | null;
}

/** A comment as an export writes it: everything stored about it. */
export interface ExportedRow extends StoredComment {
  spamCheck: Omit<SpamCheck, 'commentId'> | null;
}

/**
 * A comment as a page lists it: only what a response shows (and the email, for the
 * avatar). Listed comments are approved, or placeholders (`authorDeletion: 'placeholder'`).
 */
export type ListedComment = Pick<StoredComment, 'id' | 'parentId' | 'rootId' | 'name' | 'email' | 'url' | 'body' | 'createdAt' | 'authorDeletion' | 'role' | 'pinnedAt'> & {
  /** Its standing likes (migration 010). */
  likeCount: number;
};

/** An approved comment as the feed shows it. */
export type FeedComment = Pick<StoredComment, 'id' | 'name' | 'email' | 'url' | 'body' | 'createdAt' | 'updatedAt' | 'role' | 'pinnedAt'>;

/** Position of a top-level comment in a thread's order: the keyset a page continues after. */
export interface PageKey {
  createdAt: number;
  id: number;
  /**
   * Set when the key is a pinned comment's (they open a thread's first page, oldest pin first):
   * when it was pinned. The next page continues with the pins after it, then the sort's order.
   */
  pinnedAt?: number;
  /** In a `top` order: the comment's like count at the page's snapshot version (see {@link ThreadPageQuery.likesAt}). */
  likes?: number;
}

export interface ThreadPageQuery {
  thread: string;
  /** Top-level comments per page. */
  limit: number;
  sort: SortOrder;
  /** The last top-level comment of the previous page, or `null` for the first page. */
  after: PageKey | null;
  /**
   * In a `top` order: the thread version whose like counts rank the comments (the first page's,
   * carried by its cursor), so likes given or taken back meanwhile move nothing across pages.
   * Unset: the counts as they stand.
   */
  likesAt?: number;
}

export interface ThreadPage {
  /**
   * Listed top-level comments in order, each followed by its first listed replies, oldest
   * first: at most REPLIES.perRoot each, and no more comments once the bodies would pass
   * REPLIES.maxChars (the first top-level comment always comes).
   */
  comments: ListedComment[];
  /** Where the next page starts, or `null` when this is the last. */
  next: PageKey | null;
  /** Replies held back, by the id of their top-level comment; roots with none are absent. */
  moreReplies: Map<number, HeldReplies>;
}

/** The listed replies of one top-level comment not in a response yet. */
export interface HeldReplies {
  /** Exactly how many. */
  count: number;
  /** The last reply listed so far, or `null` when none was: where the next replies page starts. */
  after: PageKey | null;
}

export interface RepliesQuery {
  thread: string;
  /** The top-level comment whose replies to list. */
  rootId: number;
  /** The last reply already listed, or `null` to start from the first. */
  after: PageKey | null;
}

export interface RepliesPage {
  /** The next listed replies, oldest first: at most REPLIES.perPage, and REPLIES.maxChars of bodies, but at least one. */
  comments: ListedComment[];
  /** What is still held back after these, or `null`. */
  more: HeldReplies | null;
}

export interface ThreadStats {
  /** Approved comments in the whole thread, replies included. */
  count: number;
  /** Changes whenever anything in the thread changes, so a page cached at one version is current while it holds. */
  version: number;
  /** A moderator's decision: `closed`, `open` (reopened: its age does not close it), or `null` for none (see domain/closing.ts). */
  closedState: 'closed' | 'open' | null;
}

/** A thread as the admin API lists it. */
export interface AdminThreadRow {
  thread: string;
  count: number;
  closedState: 'closed' | 'open' | null;
  /** When its first approved comment was posted (ms), or `null` when it has none. */
  firstAt: number | null;
  /** The trusted page the widget reported when the thread was first used, or `null`. */
  pageUrl: string | null;
}

/** What the posting rules need to know about a new comment, read at once. */
export interface PostingFacts {
  /** The comment that already holds the idempotency key. */
  originalId?: number;
  /**
   * A comment (not deleted) with the same email, thread, parent and body, posted from the same
   * address hash (or, both unknown, from no known address): the poster's own, never a
   * stranger's whose email was guessed.
   */
  duplicateId?: number;
  /** When this email last posted. */
  lastByEmail?: number;
  /** When this address hash last posted. */
  lastByAddress?: number;
  /** Whether this name and email, as a pair, have an approved comment anywhere. */
  knownAuthor: boolean;
  /** The hits counted in the post's `conflictWindow` so far. */
  conflictHits: number;
}

/** A ban to store (src/server/spam/bans.ts). */
export interface NewBan {
  kind: BanKind;
  valueHash: string;
  action: BanAction;
  reason: string | null;
  label: string;
  commentId: number | null;
  createdAt: number;
  expiresAt: number | null;
}

export interface StoredBan extends Omit<NewBan, 'valueHash'> {
  id: number;
}

/** One fixed window of a rate limit: what is counted, for whom (a keyed hash), from when. */
export interface RateWindow {
  kind: string;
  key: string;
  /** Milliseconds since the epoch; a multiple of the kind's window length. */
  windowStart: number;
}

/** An outgoing message to write in a transaction (see {@link CommentTransaction.enqueue}). */
export interface OutboxMessage {
  /** Which sender delivers it: a key of the worker's `senders` (src/server/outbox/worker.ts). */
  kind: string;
  /** What the sender needs, JSON-serialisable. */
  payload: unknown;
  /** When it may be sent first (ms since the epoch). */
  dueAt: number;
  /** Unique among messages not sent yet (`pending` or `sending`): a second enqueue with the same key is ignored. */
  dedupeKey?: string;
}

/** An outbox row as stored. Its `payload` may hold a recipient's email: server code only. */
export interface OutboxRow {
  id: number;
  kind: string;
  payload: unknown;
  status: OutboxStatus;
  /** Tries claimed so far, the one in flight included. */
  attempts: number;
  dueAt: number;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  dedupeKey: string | null;
}

/** A worker's hold on a message it claimed: finishing or renewing it is refused once another claim replaced this one. */
export interface OutboxClaim {
  id: number;
  /** The row's `attempts` when it was claimed. */
  attempt: number;
}

/** How a claimed try ended. */
export type OutboxOutcome =
  | { status: 'sent'; at: number }
  | { status: 'pending'; dueAt: number; error: string }
  | { status: 'failed'; error: string };

export interface OutboxListQuery {
  /** `null` for every status. */
  statuses: OutboxStatus[] | null;
  limit: number;
  /** The last id of the previous page (the list runs newest first), or `null`. */
  beforeId: number | null;
}

/** Thrown by {@link CommentTransaction.insert} when another comment already holds the idempotency key. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('The idempotency key is already used.');
    this.name = 'IdempotencyKeyTaken';
  }
}

/** How {@link CommentStore.write} opens its transaction. */
export interface WriteOptions {
  /**
   * Taken before `work` runs, as {@link CommentTransaction.lockKeys} would take them; on
   * PostgreSQL in the same round trip as `begin`.
   */
  lockKeys?: string[];
}

/**
 * What can be done inside one transaction. Everything commits together or not at all.
 * Every method that changes a thread's comments also moves its count and version (see
 * {@link ThreadStats}); a new writing method (edit, import) must do the same.
 */
export interface CommentTransaction extends MailRecords {
  /**
   * Serializes this transaction with others locking any of the same keys, until it
   * ends. SQLite already runs one write transaction at a time; PostgreSQL takes
   * advisory locks, so checks-then-insert (flood, duplicate) hold across instances.
   */
  lockKeys(keys: string[]): Promise<void>;
  findById(id: number): Promise<StoredComment | undefined>;
  findByIdempotencyKey(key: string): Promise<StoredComment | undefined>;
  /** Everything the posting rules check about a new comment, in one query. */
  postingFacts(post: {
    idempotencyKey: string;
    name: string;
    email: string;
    thread: string;
    parentId: number | null;
    body: string;
    ipHash: string | null;
    /** The window of the brake on 409s to read the hits of (see {@link rateHits}), in the same statement. */
    conflictWindow: RateWindow;
  }): Promise<PostingFacts>;
  /** Whether no comment has ever been stored. */
  isEmpty(): Promise<boolean>;
  /**
   * Sets whether the visitor `visitorHash` likes comment `commentId` of `thread`: a new like row,
   * or the standing one taken back, stamped with the thread's next version (which moves, as any
   * write's does), and the comment's `like_count` moved with it. Setting the state already held
   * changes nothing. At most one standing like per visitor and comment, however many race.
   */
  setLike(commentId: number, thread: string, visitorHash: string, liked: boolean): Promise<{ likes: number; changed: boolean }>;
  /** Stores bans; returns them with their ids, in order. */
  insertBans(bans: NewBan[]): Promise<StoredBan[]>;
  /** The strictest ban in force at `now` on any of these value hashes (`refuse` over `spam`), or `null`. */
  activeBan(valueHashes: { email: string | null; address: string | null }, now: number): Promise<BanAction | null>;
  /** Hits counted in `window` so far. */
  rateHits(window: RateWindow): Promise<number>;
  /**
   * The windows of `kind` for `key` that started after `since`, oldest first: what a sliding
   * brake reads (the admin sign-in brake keeps one window per event). Reads only the kind's
   * windows after `since` (the primary key's range), never older ones.
   */
  rateWindowsSince(kind: string, key: string, since: number): Promise<{ windowStart: number; hits: number }[]>;
  /**
   * Counts one more hit in `window` and returns the count including it, atomically (so
   * concurrent hits are each counted), and forgets its kind's windows started before `forgetBefore`.
   */
  rateHit(window: RateWindow, forgetBefore: number): Promise<number>;
  /**
   * Takes the next comment id and stores nothing under it: the id a discarded post is
   * answered with, so it is told apart from a held post by nothing, its place in the sequence included.
   */
  reserveId(): Promise<number>;
  /**
   * Stores a comment. Throws {@link IdempotencyKeyTaken} when its key is used already.
   * `threadPage`, a page the caller trusts (security/trusted-page.ts), becomes its thread's page
   * when the thread has none yet, in the same statement as the thread's counter; one it has stays.
   */
  insert(comment: NewStoredComment, threadPage?: string | null): Promise<StoredComment>;
  /**
   * Moves a comment to `status`; `undefined` when there is no such comment. A moderator's
   * decision replaces its author's deletion: a placeholder set to `deleted` leaves the thread.
   */
  setStatus(id: number, status: StoredStatus, now: number): Promise<StoredComment | undefined>;
  /**
   * Replaces a comment's body (its author's edit). Its status stays as it is, unless `held`
   * says the new text is to wait for a moderator (or is spam), and why.
   */
  updateBody(comment: StoredComment, body: string, now: number, held?: { status: 'pending' | 'spam'; reason: HoldReason }): Promise<StoredComment>;
  /** A moderator's edit of the name, website or body; its status stays as it is. */
  updateFields(comment: StoredComment, fields: { name?: string; url?: string | null; body?: string }, now: number): Promise<StoredComment>;
  /**
   * Records what Akismet was asked and said (replacing what it was asked before about the
   * same comment: an edit is checked again), and forgets checks older than the retention period.
   */
  saveSpamCheck(check: SpamCheck): Promise<void>;
  findSpamCheck(commentId: number): Promise<SpamCheck | undefined>;
  /**
   * Stores an imported comment exactly as given (its id too, when it has one) and returns its
   * id. Unlike every other writing method it leaves `thread_stats` alone: an import calls
   * {@link recountThreads} for the threads it wrote to before it commits.
   */
  insertImported(comment: ImportedComment): Promise<number>;
  /** Whether a comment has this id. */
  idTaken(id: number): Promise<boolean>;
  /** Sets each thread's count from its comments and bumps its version. */
  recountThreads(threads: string[]): Promise<void>;
  /** After comments were stored with explicit ids: new comments get ids above them all. */
  syncIds(): Promise<void>;
  /**
   * Its author's deletion: erases the name, url and body and sets the status to `deleted`.
   * An approved comment with listed replies stays listed as a placeholder, for good;
   * anything else leaves the thread.
   */
  deleteByAuthor(comment: StoredComment, now: number): Promise<StoredComment>;
  /**
   * Up to `limit` comments stored with `email` (as stored: trimmed, lower-cased), oldest first,
   * continuing after `after`: what a visitor's "my comments" page lists and exports. Comments
   * already erased by {@link eraseByAuthor} hold no email and are not among them.
   */
  commentsByEmail(email: string, after: PageKey | null, limit: number): Promise<StoredComment[]>;
  /**
   * Its author's erasure from the "my comments" page: {@link deleteByAuthor} (a placeholder
   * stays for listed replies), and the email, address hash and spam check go too, so nothing
   * of the author is left on the row.
   */
  eraseByAuthor(comment: StoredComment, now: number): Promise<StoredComment>;
  /**
   * Writes an outgoing message, to be sent by the outbox worker once this transaction commits
   * (and never if it rolls back). With a `dedupeKey` another message not yet sent already holds,
   * nothing is written.
   */
  enqueue(message: OutboxMessage): Promise<void>;
  /** How many comments of `thread` are pinned, whatever their status (migration 009). */
  pinnedCount(thread: string): Promise<number>;
  /** Pins (`at`: when) or unpins (`null`) a comment of `thread`, and bumps the thread's version. */
  setPinned(id: number, thread: string, at: number | null): Promise<void>;
  /** Records a moderator's decision on a thread (`null` forgets it) and bumps its version. */
  setThreadClosed(thread: string, state: 'closed' | 'open' | null): Promise<void>;
}

export interface CommentStore extends MailRecords {
  readonly engine: Engine;
  /** The posting rules' facts outside a transaction, to settle cheap refusals before a slow spam check. */
  postingFacts: CommentTransaction['postingFacts'];
  /** {@link CommentTransaction.rateHits} outside a transaction. */
  rateHits: CommentTransaction['rateHits'];
  /** {@link CommentTransaction.rateWindowsSince} outside a transaction. */
  rateWindowsSince: CommentTransaction['rateWindowsSince'];
  /** {@link CommentTransaction.activeBan} outside a transaction. */
  activeBan: CommentTransaction['activeBan'];
  /** Every ban, in force or expired, newest first. */
  listBans(): Promise<StoredBan[]>;
  /** Forgets a ban; `false` when there was none with this id. */
  deleteBan(id: number): Promise<boolean>;
  /** {@link CommentTransaction.commentsByEmail} outside a transaction. */
  commentsByEmail: CommentTransaction['commentsByEmail'];
  /** Whether `id` was ever handed out: stored, purged, or reserved for a discarded post. */
  idIssued(id: number): Promise<boolean>;
  /** One page of the admin list, across all threads; keyset paged like a thread. */
  adminList(query: AdminPageQuery): Promise<AdminPage>;
  /** Comments per status matching `filter` (whose `statuses` is ignored). */
  statusCounts(filter: AdminFilter): Promise<Record<StoredStatus, number>>;
  /** These comments as the admin list shows them, in no particular order. */
  adminComments(ids: number[]): Promise<AdminListedComment[]>;
  findSpamCheck(commentId: number): Promise<SpamCheck | undefined>;
  /** Up to `limit` comments with ids above `afterId`, in id order, for an export. */
  exportRows(afterId: number, limit: number): Promise<ExportedRow[]>;
  /**
   * One page of a thread's approved comments. Its cost does not grow with the thread; it reads
   * the id, parent and time of its top-level comments' listed replies (to count what it holds
   * back exactly), and the text only of what it shows.
   */
  listThread(query: ThreadPageQuery): Promise<ThreadPage>;
  /**
   * The next replies of one listed top-level comment of `thread`; `undefined` when `rootId`
   * is not one (another thread's, a reply, held or deleted).
   */
  listReplies(query: RepliesQuery): Promise<RepliesPage | undefined>;
  /** A thread's count and version: one key lookup. */
  threadStats(thread: string): Promise<ThreadStats>;
  /**
   * What a post is checked against before any rule, in one statement: its thread's closed
   * state, the time of the thread's first approved comment (only with `firstAt`, for closing by
   * age; otherwise `null`), and {@link CommentStore.activeBan}'s answer for the poster.
   */
  postingGate(query: {
    thread: string;
    firstAt: boolean;
    bans: { email: string | null; address: string | null } | null;
  }, now: number): Promise<{ closedState: ThreadStats['closedState']; firstAt: number | null; ban: BanAction | null }>;
  /** When the first approved comment of each of `threads` was posted (ms); threads with none are absent. */
  firstCommentTimes(threads: string[]): Promise<Map<string, number>>;
  /** Threads ever written to, by key, after `after` (or these `threads` only), at most `limit`. */
  adminThreads(query: { threads: string[] | null; after: string | null; limit: number }): Promise<AdminThreadRow[]>;
  /** A setting changed from the admin page, or `undefined` when it never was (migration 009). */
  setting(key: string): Promise<string | undefined>;
  /** Stores a setting; `null` forgets it (the environment's value applies again). */
  saveSetting(key: string, value: string | null): Promise<void>;
  /** Approved comments per thread for each of `threads` (none for a thread never written to): one query. */
  threadCounts(threads: string[]): Promise<Map<string, number>>;
  /** A thread's newest approved comments, replies included, newest first. */
  recentComments(thread: string, limit: number): Promise<FeedComment[]>;
  /**
   * Runs `work` in a transaction and resolves only after the commit is durable. If
   * `work` throws, none of its changes are kept. (SQLite may commit several concurrent
   * `work`s together, each in its own savepoint; see group-commit.ts.) `work` must use
   * only `tx`: calling the store from inside it would wait for its own transaction.
   */
  write<T>(work: (tx: CommentTransaction) => Promise<T>, options?: WriteOptions): Promise<T>;
  findById(id: number): Promise<StoredComment | undefined>;
  findByIdempotencyKey(key: string): Promise<StoredComment | undefined>;
  /** Moderation: approve, hold, mark as spam or delete a comment. */
  setStatus(id: number, status: StoredStatus, now?: number): Promise<StoredComment | undefined>;
  /**
   * Claims up to `limit` messages of `kinds` that are due at `now` (or were claimed by a worker
   * whose lease lapsed): each becomes `sending`, with one more attempt and a lease until
   * `leaseUntil`. Atomic across workers and instances: no message is claimed twice at once.
   */
  claimOutbox(kinds: string[], now: number, leaseUntil: number, limit: number): Promise<OutboxRow[]>;
  /** Extends the leases of claims still held; returns the ids whose claim is still this one. */
  renewOutboxLeases(claims: OutboxClaim[], leaseUntil: number): Promise<number[]>;
  /** Records how a claimed try ended; `false` (nothing changed) when the claim is no longer the row's. */
  finishOutbox(claim: OutboxClaim, outcome: OutboxOutcome): Promise<boolean>;
  /** Forgets messages sent before `sentBefore`, and failed ones whose last try was due before `failedBefore`. */
  pruneOutbox(sentBefore: number, failedBefore: number): Promise<void>;
  /** One page of messages, newest first, and whether more follow. */
  listOutbox(query: OutboxListQuery): Promise<{ rows: OutboxRow[]; more: boolean }>;
  outboxCounts(): Promise<Record<OutboxStatus, number>>;
  findOutbox(id: number): Promise<OutboxRow | undefined>;
  /**
   * Makes a failed message due again at `now`, for one more try: `undefined` when there is no
   * such message, `'not_failed'` when it is not failed, `'superseded'` when another message not
   * yet sent holds its dedupe key.
   */
  retryOutbox(id: number, now: number): Promise<OutboxRow | undefined | 'not_failed' | 'superseded'>;
  /** The names of the migrations this database has applied (in no particular order): one key-only read, what `/healthz` asks. */
  appliedMigrations(): Promise<string[]>;
  /**
   * Live updates (src/server/live/): the changes readers of `thread` see, after `afterVersion`, in
   * version order, at most `limit`; each with the comment as it is NOW (as lists carry it), or `null`
   * when it is no longer listed. Kept {@link LIVE_RETENTION_MS}; one range of the primary key.
   */
  liveEvents(thread: string, afterVersion: number, limit: number): Promise<LiveEvent[]>;
  /**
   * Calls `changed(thread)` after a commit that may have added live events to `thread`: on
   * PostgreSQL from any instance on the database (LISTEN/NOTIFY, the notification sent in the
   * writing transaction), on SQLite from this store's own writes. `missed()` after the listening
   * connection was lost and made again: anything may have changed meanwhile. Costs nothing until called.
   */
  watchLive(handlers: LiveHandlers): Promise<LiveWatch>;
  close(): Promise<void>;
}

/** How long live events are kept for a reconnecting reader's catch-up. */
export const LIVE_RETENTION_MS = 6 * 60 * 60 * 1000;

/** One change a live reader sees (see {@link CommentStore.liveEvents}). */
export interface LiveEvent {
  version: number;
  kind: LiveEventKind;
  /** When it was written (ms, the writing instance's clock). */
  createdAt: number;
  commentId: number;
  /** The comment as lists carry it now; `null` when it is no longer listed (or is gone). */
  comment: ListedComment | null;
}

export interface LiveHandlers {
  changed(thread: string): void;
  missed(): void;
}

export interface LiveWatch {
  close(): Promise<void>;
}
