/** Table shapes as Kysely sees them; column names are the database's (snake_case). */
import type { Generated } from 'kysely';
import type { AdminStatus, HoldReason } from '../../api/admin-contract.js';

/** Every state a stored comment can be in; only `approved` is listed as a comment. */
export type StoredStatus = AdminStatus;

/**
 * How its author deleted a comment (its status is then `deleted` and its name, url and
 * body are erased): `hidden` is gone from the thread; `placeholder` had listed replies
 * and stays listed, empty, so they keep their place.
 */
export type AuthorDeletion = 'hidden' | 'placeholder';

export interface CommentsTable {
  id: Generated<number>;
  thread: string;
  /** The comment replied to; `null` for a top-level comment. */
  parent_id: number | null;
  /** The top-level comment of this reply's conversation; `null` for a top-level comment. */
  root_id: number | null;
  name: string;
  /** Trimmed and lower-cased. Never leaves the server. */
  email: string;
  url: string | null;
  body: string;
  status: StoredStatus;
  /** Keyed hash of the poster's address, for flood control only. */
  ip_hash: string | null;
  idempotency_key: string | null;
  /** Milliseconds since the epoch, UTC. */
  created_at: number;
  updated_at: number;
  /** `null` unless the author deleted the comment and no moderator has set its status since (migration 002). */
  author_deletion: AuthorDeletion | null;
  /** Why it was held or called spam when it arrived; `null` if published at once or imported (migration 003). */
  hold_reason: HoldReason | null;
  /** Levels below its top-level comment: 0 for a top-level comment, 1 for a reply to one (migration 006). */
  depth: number;
  /** `'host'` for a comment the site wrote through the admin API; `null` for anyone else's (migration 009). */
  role: 'host' | null;
  /** When a moderator pinned it (ms), or `null` (migration 009). */
  pinned_at: number | null;
  /** Standing likes, kept with the `likes` rows in the same transactions (migration 010). */
  like_count: Generated<number>;
}

/** Akismet's verdict on a comment when it arrived; `unknown` when Akismet could not be asked. */
export type SpamVerdict = 'ham' | 'spam' | 'unknown';

/**
 * What was sent to Akismet about a comment, kept so a moderator's correction can be
 * reported with the same data, as Akismet asks (migration 003). Holds the client's
 * address and user agent, so rows are deleted after SPAM_CHECK_RETENTION_DAYS.
 */
export interface SpamChecksTable {
  comment_id: number;
  verdict: SpamVerdict;
  /** The form parameters as JSON, without the API key. */
  params: string;
  checked_at: number;
}

/** Per thread, kept in step with `comments` in the same transactions. */
export interface ThreadStatsTable {
  thread: string;
  approved_count: number;
  /** Bumped by every change to the thread's comments. */
  version: number;
  /** A moderator's decision (migration 009): `closed`, `open` (reopened, whatever its age), or `null` for none. */
  closed_state: 'closed' | 'open' | null;
  /**
   * The page the widget reported when the thread was first used (migration 013), on a trusted
   * origin; `null` until a post brings one. Set only while `null`: a later post never changes it.
   */
  page_url: string | null;
}

/** Settings changed from the admin page (migration 009), by key: `hostName`. */
export interface SettingsTable {
  key: string;
  value: string;
}

/**
 * How often something happened per kind and key in a fixed window (migration 004): the brake on
 * a client's repeated 409s. `key` is a keyed hash, never an address.
 */
export interface RateLimitsTable {
  kind: string;
  /** Milliseconds since the epoch, a multiple of the kind's window. */
  window_start: number;
  key: string;
  hits: number;
}

/** Where an outgoing message is (migration 007): waiting, claimed by a worker, delivered, or given up on. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * Every outgoing message (a webhook delivery, an email), written in the transaction of the change
 * that causes it and sent by the outbox worker (src/server/outbox/worker.ts), migration 007.
 */
export interface OutboxTable {
  id: Generated<number>;
  /** Which sender delivers it (`webhook`, `email`, …). */
  kind: string;
  /** JSON. May hold a recipient's email: never sent in a response. */
  payload: string;
  status: OutboxStatus;
  /** Tries claimed so far, the one in flight included; also what a worker's claim is checked against. */
  attempts: number;
  /** When it may be sent (ms). */
  due_at: number;
  /** While `sending`: when the claim lapses and another worker may take the message over (ms). */
  lease_until: number | null;
  /** Why the last try failed, emails blanked out. */
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** Unique among `pending` and `sending` rows: a second message with the same key is not stored. */
  dedupe_key: string | null;
}

/**
 * One visitor's like of one comment (migration 010): given at thread version `liked_version`,
 * taken back at `unliked_version` (`null` while it stands; a like given again is a new row).
 */
export interface LikesTable {
  id: Generated<number>;
  comment_id: number;
  thread: string;
  /** A keyed hash of the visitor's key and the comment (keyed-hash.ts): never the key, never shown. */
  visitor_hash: string;
  liked_version: number;
  unliked_version: number | null;
}

export type BanKind = 'email' | 'address';
export type BanAction = 'spam' | 'refuse';

/** A moderator's ban (migration 011; src/server/spam/bans.ts). */
export interface BansTable {
  id: Generated<number>;
  kind: BanKind;
  /** A keyed hash of the normalized email, or the keyed address hash comments.ip_hash holds. */
  value_hash: string;
  action: BanAction;
  reason: string | null;
  /** What the ban list shows instead of the value: a masked email, or the comment whose address it is. */
  label: string;
  comment_id: number | null;
  created_at: number;
  /** `null`: never. */
  expires_at: number | null;
}

/** A change readers of a thread see live (migration 012; src/server/live/), kept for catch-up a few hours. */
export interface LiveEventsTable {
  thread: string;
  /** The thread's version (thread_stats) the change moved it to: per thread, in commit order. */
  version: number;
  comment_id: number;
  kind: LiveEventKind;
  created_at: number;
}

/** `comment`: now listed (new, or approved by a moderator); `edit`: listed, and changed; `delete`: no longer listed. */
export type LiveEventKind = 'comment' | 'edit' | 'delete';

export interface MigrationsTable {
  name: string;
  applied_at: number;
}

export interface Database {
  comments: CommentsTable;
  thread_stats: ThreadStatsTable;
  spam_checks: SpamChecksTable;
  colloquy_migrations: MigrationsTable;
  rate_limits: RateLimitsTable;
  /** Migration 008 (mail-queries.ts). */
  mail_addresses: MailAddressesTable;
  subscriptions: SubscriptionsTable;
  outbox: OutboxTable;
  settings: SettingsTable;
  likes: LikesTable;
  bans: BansTable;
  live_events: LiveEventsTable;
}

/**
 * Where an address stands: `unconfirmed` asked and was sent a confirmation link; `confirmed`
 * followed it (and may get notifications); `suppressed` asked for no more email from this site,
 * and gets none until it opts in and confirms afresh.
 */
export type MailAddressState = 'unconfirmed' | 'confirmed' | 'suppressed';

export interface MailAddressesTable {
  /** Trimmed and lower-cased, as comments store it. Never leaves the server. */
  email: string;
  state: MailAddressState;
  /** The language of its latest opt-in: the confirmation and later emails are written in it. */
  locale: string | null;
  /** The single-use confirmation link's nonce while an opt-in waits for it; `null` otherwise. */
  confirm_nonce: string | null;
  /** When the opt-in waiting for confirmation was made; it is forgotten after CONFIRM_TTL. */
  requested_at: number | null;
  /** When the last confirmation email was queued: at most one a day. */
  confirm_sent_at: number | null;
  confirmed_at: number | null;
  suppressed_at: number | null;
}

export interface SubscriptionsTable {
  /** The comment whose replies its author wants to hear of. */
  comment_id: number;
  email: string;
  thread: string;
  locale: string | null;
  /** The page the thread is on (a trusted origin's), for the reply's permalink; `null` for the server's own thread page. */
  page: string | null;
  created_at: number;
  /** When the latest notification of replies to it was queued to go out (ms), or `null` before the first. */
  scheduled_until: number | null;
  /** The largest reply id a sent notification included: the next one starts after it. */
  notified_through: number;
}
