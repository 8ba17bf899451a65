import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { REPLIES } from '../../api/contract.js';
import { charLength } from '../../api/validate.js';
import type {
  HoldReason,
  OutboxClaim,
  OutboxListQuery,
  OutboxMessage,
  OutboxOutcome,
  OutboxRow,
  OutboxStatus,
  AdminFilter,
  AdminListedComment,
  AdminPage,
  AdminPageQuery,
  CommentStore,
  CommentTransaction,
  Engine,
  ExportedRow,
  FeedComment,
  HeldReplies,
  ImportedComment,
  ListedComment,
  NewBan,
  NewStoredComment,
  PageKey,
  PostingFacts,
  RateWindow,
  RepliesPage,
  RepliesQuery,
  SpamCheck,
  StoredBan,
  StoredComment,
  ThreadPage,
  ThreadPageQuery,
  ThreadStats,
  WriteOptions,
} from './comment-store.js';
import { IdempotencyKeyTaken, SPAM_CHECK_RETENTION_DAYS } from './comment-store.js';
import { LIVE_RETENTION_MS, type LiveEvent, type LiveEventKind, type LiveHandlers, type LiveWatch } from './comment-store.js';
import { groupCommit } from './group-commit.js';
import * as mail from './mail-queries.js';
import * as outbox from './outbox-queries.js';
import type { AuthorDeletion, BanAction, Database, StoredStatus } from './schema.js';

/** What differs between the engines; everything else is the same Kysely queries. */
export interface EngineHooks {
  engine: Engine;
  /** Let concurrent writes share a transaction (see group-commit.ts). */
  groupCommit: boolean;
  lockKeys(db: Kysely<Database>, keys: string[]): Promise<void>;
  /**
   * PostgreSQL: the text that opens a transaction already holding the locks on `keys` (one
   * round trip for `begin` and lockKeys); without it, write's `lockKeys` are taken by lockKeys.
   */
  beginLocked?(keys: string[]): string;
  isIdempotencyKeyConflict(error: unknown): boolean;
  /** Moves the id generator past the largest id, after rows were stored with explicit ids. */
  syncIds(db: Kysely<Database>): Promise<void>;
  close(): Promise<void>;
  /** PostgreSQL: the channel a live event's transaction notifies, and the listener on it (see pg-listener.ts). */
  live?: { channel: string; watch(handlers: LiveHandlers): Promise<LiveWatch> };
}

/** What the live updates need across one store's transactions (SQLite announces its own commits). */
interface LiveState {
  /** Who is told of commits: on SQLite, this store's watchers. */
  readonly watchers: Set<LiveHandlers>;
  /** Threads that got a live event in a transaction not yet announced (SQLite only). */
  readonly pending: Set<string>;
  lastPrune: number;
}

/** Live events are forgotten this often, at most, once their retention is over. */
const LIVE_PRUNE_EVERY_MS = 10 * 60 * 1000;

const isListed = (comment: { status: StoredStatus; authorDeletion: AuthorDeletion | null }) =>
  comment.status === 'approved' || comment.authorDeletion === 'placeholder';

/** What a reader of the thread sees happen to a comment listed before (`was`) and after (`now`). */
function liveKind(was: boolean, now: boolean): LiveEventKind | null {
  return was ? (now ? 'edit' : 'delete') : now ? 'comment' : null;
}

// Selected under the interface's names, so rows need no copying into another shape.
const COLUMNS = [
  'id',
  'thread',
  'parent_id as parentId',
  'root_id as rootId',
  'name',
  'email',
  'url',
  'body',
  'status',
  'ip_hash as ipHash',
  'idempotency_key as idempotencyKey',
  'created_at as createdAt',
  'updated_at as updatedAt',
  'author_deletion as authorDeletion',
  'hold_reason as holdReason',
  'depth',
  'role',
  'pinned_at as pinnedAt',
  'like_count as likeCount',
] as const;

// What a listed comment needs, and no more: building row objects is most of a page's cost.
// A top-level comment's parent and root are null by definition, so they are not read.
const ROOT_COLUMNS = ['id', 'name', 'email', 'url', 'body', 'created_at as createdAt', 'author_deletion as authorDeletion', 'role', 'pinned_at as pinnedAt', 'like_count as likeCount'] as const;
const REPLY_COLUMNS = [...ROOT_COLUMNS, 'parent_id as parentId', 'root_id as rootId'] as const;
const FEED_COLUMNS = ['id', 'name', 'email', 'url', 'body', 'created_at as createdAt', 'updated_at as updatedAt', 'role', 'pinned_at as pinnedAt'] as const;

/**
 * A comment's thread page, read beside it in the same query (the thread_stats primary key, once
 * per row): the admin list stays one query.
 */
const threadPageUrl = (eb: ExpressionBuilder<Database, 'comments'>) =>
  eb.selectFrom('thread_stats').select('thread_stats.page_url').whereRef('thread_stats.thread', '=', 'comments.thread').as('pageUrl');

// Literals rather than parameters, so SQLite's planner can match the partial indexes.
const APPROVED = sql.lit<StoredStatus>('approved');
const PLACEHOLDER = sql.lit<AuthorDeletion>('placeholder');

/** Listed in a thread: approved, or an author's placeholder. The same predicate as the listing indexes'. */
const listed = (eb: ExpressionBuilder<Database, 'comments'>) =>
  eb.or([eb('status', '=', APPROVED), eb('author_deletion', '=', PLACEHOLDER)]);

/** Listed among a thread's pins: pinned and approved (a pinned comment held or deleted since is not). */
const pinnedListed = (eb: ExpressionBuilder<Database, 'comments'>) => eb.and([eb('pinned_at', 'is not', null), eb('status', '=', APPROVED)]);

/** Listed in the sort's order, after the pins: listed, and not among them. */
const unpinnedListed = (eb: ExpressionBuilder<Database, 'comments'>) =>
  eb.and([listed(eb), eb.or([eb('pinned_at', 'is', null), eb('status', '!=', APPROVED)])]);

const STATUSES: StoredStatus[] = ['pending', 'approved', 'spam', 'deleted'];
const DAY_MS = 24 * 60 * 60 * 1000;
// Enough for any excerpt, without reading a whole long body to show its first words.
const PARENT_BODY_CHARS = 200;
// Well under SQLite's and PostgreSQL's limits on bound parameters.
const IDS_PER_QUERY = 500;

/** `text` as a LIKE pattern that matches it anywhere, its own `%`, `_` and `\` taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * The admin filters as conditions. Text is compared lower-cased on both sides: SQLite's
 * `lower()` is replaced by JavaScript's (sqlite.ts), so both engines fold the same letters.
 */
function adminConditions(eb: ExpressionBuilder<Database, 'comments'>, filter: AdminFilter, withStatuses: boolean) {
  const conditions = [];
  if (withStatuses && filter.statuses) conditions.push(eb('status', 'in', filter.statuses));
  if (filter.thread !== null) conditions.push(eb('thread', '=', filter.thread));
  if (filter.since !== null) conditions.push(eb('created_at', '>=', filter.since));
  if (filter.before !== null) conditions.push(eb('created_at', '<', filter.before));
  if (filter.search !== null) {
    const pattern = containsPattern(filter.search);
    conditions.push(
      eb.or([
        sql<boolean>`lower(name) like ${pattern} escape '\\'`,
        sql<boolean>`email like ${pattern} escape '\\'`,
        sql<boolean>`lower(url) like ${pattern} escape '\\'`,
        sql<boolean>`lower(body) like ${pattern} escape '\\'`,
      ]),
    );
  }
  return eb.and(conditions);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The queries, runnable on the database or inside a transaction. */
class Queries implements CommentTransaction {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly hooks: EngineHooks,
    protected readonly live: LiveState = { watchers: new Set(), pending: new Set(), lastPrune: 0 },
  ) {}

  lockKeys(keys: string[]): Promise<void> {
    return this.hooks.lockKeys(this.db, keys);
  }

  findById(id: number): Promise<StoredComment | undefined> {
    return this.db.selectFrom('comments').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  findByIdempotencyKey(key: string): Promise<StoredComment | undefined> {
    return this.db.selectFrom('comments').select(COLUMNS).where('idempotency_key', '=', key).executeTakeFirst();
  }

  // One statement of independent subqueries, each on its own index: one round trip, not six.
  async postingFacts(post: Parameters<CommentTransaction['postingFacts']>[0]): Promise<PostingFacts> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('comments').select('id').where('idempotency_key', '=', post.idempotencyKey).as('originalId'),
        eb
          .selectFrom('comments')
          .select('id')
          .where('thread', '=', post.thread)
          .where('email', '=', post.email)
          .where((eb) => (post.parentId === null ? eb('parent_id', 'is', null) : eb('parent_id', '=', post.parentId)))
          .where('body', '=', post.body)
          .where('status', '!=', 'deleted')
          // The poster's own: a stranger copying the words under a guessed email learns nothing.
          .where((eb) => (post.ipHash === null ? eb('ip_hash', 'is', null) : eb('ip_hash', '=', post.ipHash)))
          .limit(1)
          .as('duplicateId'),
        eb
          .selectFrom('comments')
          .select((eb) => eb.fn.max('created_at').as('at'))
          .where('email', '=', post.email)
          .as('lastByEmail'),
        eb
          .selectFrom('comments')
          .select((eb) => eb.fn.max('created_at').as('at'))
          .where('ip_hash', '=', post.ipHash ?? '')
          .as('lastByAddress'),
        // The pair, not the email alone (which anyone may type); comments_approved_author serves it.
        eb
          .exists(
            eb.selectFrom('comments').select('id').where('email', '=', post.email).where('name', '=', post.name).where('status', '=', APPROVED),
          )
          .as('knownAuthor'),
        // The brake on 409s, read here rather than on its own: one statement fewer on every post.
        eb
          .selectFrom('rate_limits')
          .select('hits')
          .where('kind', '=', post.conflictWindow.kind)
          .where('window_start', '=', post.conflictWindow.windowStart)
          .where('key', '=', post.conflictWindow.key)
          .as('conflictHits'),
      ])
      .executeTakeFirstOrThrow();
    return {
      originalId: row.originalId ?? undefined,
      duplicateId: row.duplicateId ?? undefined,
      lastByEmail: row.lastByEmail ?? undefined,
      lastByAddress: post.ipHash === null ? undefined : (row.lastByAddress ?? undefined),
      // SQLite answers EXISTS with 1 or 0, PostgreSQL with a boolean.
      knownAuthor: Boolean(row.knownAuthor),
      conflictHits: Number(row.conflictHits ?? 0),
    };
  }

  async rateHits(window: RateWindow): Promise<number> {
    const row = await this.db
      .selectFrom('rate_limits')
      .select('hits')
      .where('kind', '=', window.kind)
      .where('window_start', '=', window.windowStart)
      .where('key', '=', window.key)
      .executeTakeFirst();
    return Number(row?.hits ?? 0);
  }

  async rateWindowsSince(kind: string, key: string, since: number): Promise<{ windowStart: number; hits: number }[]> {
    const rows = await this.db
      .selectFrom('rate_limits')
      .select(['window_start', 'hits'])
      .where('kind', '=', kind)
      .where('window_start', '>', since)
      .where('key', '=', key)
      .orderBy('window_start')
      .execute();
    return rows.map((row) => ({ windowStart: Number(row.window_start), hits: Number(row.hits) }));
  }

  async rateHit(window: RateWindow, forgetBefore: number): Promise<number> {
    const { hits } = await this.db
      .insertInto('rate_limits')
      .values({ kind: window.kind, window_start: window.windowStart, key: window.key, hits: 1 })
      .onConflict((oc) => oc.columns(['kind', 'window_start', 'key']).doUpdateSet((eb) => ({ hits: eb('rate_limits.hits', '+', 1) })))
      .returning('hits')
      .executeTakeFirstOrThrow();
    await this.db.deleteFrom('rate_limits').where('kind', '=', window.kind).where('window_start', '<', forgetBefore).execute();
    return Number(hits);
  }

  async reserveId(): Promise<number> {
    if (this.hooks.engine === 'postgres') {
      // nextval is never rolled back, as the identity column's own use of it is not.
      const { rows } = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('comments', 'id')) as id`.execute(this.db);
      return Number(rows[0]!.id);
    }
    // AUTOINCREMENT gives the next row max(seq, largest id) + 1, so moving seq past both takes the id.
    await sql`insert into sqlite_sequence (name, seq) select 'comments', 0 where not exists (select 1 from sqlite_sequence where name = 'comments')`.execute(
      this.db,
    );
    const { rows } = await sql<{ seq: number }>`
      update sqlite_sequence set seq = max(seq, coalesce((select max(id) from comments), 0)) + 1
      where name = 'comments' returning seq`.execute(this.db);
    return Number(rows[0]!.seq);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.selectFrom('comments').select('id').limit(1).executeTakeFirst()) === undefined;
  }

  /**
   * Inserts a comment's row and returns its id and depth; a taken idempotency key becomes
   * IdempotencyKeyTaken. The depth is worked out from the parent's in the same statement,
   * so every insert (posting, the importers, a backup's restore) stores it right.
   */
  private async insertRow(values: ReturnType<typeof commentRow> & { id?: number }): Promise<{ id: number; depth: number }> {
    const depth =
      values.parent_id === null ? 0 : sql<number>`coalesce((select parent.depth + 1 from comments parent where parent.id = ${values.parent_id}), 1)`;
    try {
      const row = await this.db.insertInto('comments').values({ ...values, depth }).returning(['id', 'depth']).executeTakeFirstOrThrow();
      return { id: row.id, depth: Number(row.depth) };
    } catch (error) {
      if (this.hooks.isIdempotencyKeyConflict(error)) throw new IdempotencyKeyTaken();
      throw error;
    }
  }

  async insert(comment: NewStoredComment, threadPage: string | null = null): Promise<StoredComment> {
    const row = commentRow({ ...comment, authorDeletion: null, holdReason: comment.holdReason ?? null });
    const delta = comment.status === 'approved' ? 1 : 0;
    const live = liveKind(false, comment.status === 'approved');
    const { id, depth } = this.hooks.live
      ? await this.insertTouchingThread(row, delta, live, threadPage)
      : await this.insertRow(row).then(async (stored) => (await this.touchThread(comment.thread, delta, stored.id, live, threadPage), stored));
    return { ...comment, id, depth, authorDeletion: null, holdReason: comment.holdReason ?? null };
  }

  /**
   * PostgreSQL: insertRow and touchThread in one statement (one round trip, not two), as a
   * data-modifying CTE. Its parts see one snapshot and none sees another's rows, which none
   * needs: the counter and the live event take the new id and version from RETURNING, and the
   * live event's foreign key to the comment is checked at the statement's end, once it is stored.
   */
  private async insertTouchingThread(
    values: ReturnType<typeof commentRow>,
    delta: number,
    live: LiveEventKind | null,
    page: string | null,
  ): Promise<{ id: number; depth: number }> {
    const depth =
      values.parent_id === null ? 0 : sql<number>`coalesce((select parent.depth + 1 from comments parent where parent.id = ${values.parent_id}), 1)`;
    const insert = this.db.insertInto('comments').values({ ...values, depth }).returning(['id', 'depth']);
    const thread = values.thread;
    const event = live
      ? sql`, event as (
            insert into live_events (thread, version, comment_id, kind, created_at)
            select ${thread}::text, stats.version, c.id, ${live}::text, ${Date.now()}::bigint from stats, c
            returning version
          )
          select c.id, c.depth, pg_notify(${this.hooks.live!.channel}::text, ${thread}::text) from c, event`
      : sql`select c.id, c.depth from c, stats`;
    try {
      const { rows } = await sql<{ id: number; depth: number }>`
        with c as (${insert}), stats as (
          insert into thread_stats (thread, approved_count, version, page_url) select ${thread}::text, ${delta}::bigint, 1, ${page}::text from c
          on conflict (thread) do update set approved_count = thread_stats.approved_count + ${delta}::bigint, version = thread_stats.version + 1,
            page_url = coalesce(thread_stats.page_url, excluded.page_url)
          returning version
        )${event}`.execute(this.db);
      return { id: Number(rows[0]!.id), depth: Number(rows[0]!.depth) };
    } catch (error) {
      if (this.hooks.isIdempotencyKeyConflict(error)) throw new IdempotencyKeyTaken();
      throw error;
    }
  }

  async insertImported(comment: ImportedComment): Promise<number> {
    const { id } = await this.insertRow({ ...(comment.id !== undefined ? { id: comment.id } : {}), ...commentRow(comment) });
    if (comment.spamCheck) {
      const { verdict, params, checkedAt } = comment.spamCheck;
      await this.db.insertInto('spam_checks').values({ comment_id: id, verdict, params: JSON.stringify(params), checked_at: checkedAt }).execute();
    }
    return id;
  }

  async idTaken(id: number): Promise<boolean> {
    return (await this.db.selectFrom('comments').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async recountThreads(threads: string[]): Promise<void> {
    for (const thread of new Set(threads)) {
      const { count } = await this.db
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('thread', '=', thread)
        .where('status', '=', APPROVED)
        .executeTakeFirstOrThrow();
      await this.db
        .insertInto('thread_stats')
        .values({ thread, approved_count: Number(count), version: 1 })
        .onConflict((oc) =>
          oc.column('thread').doUpdateSet((eb) => ({
            approved_count: Number(count),
            version: eb('thread_stats.version', '+', 1),
          })),
        )
        .execute();
    }
  }

  syncIds(): Promise<void> {
    return this.hooks.syncIds(this.db);
  }

  async saveSpamCheck(check: SpamCheck): Promise<void> {
    const values = { verdict: check.verdict, params: JSON.stringify(check.params), checked_at: check.checkedAt };
    await this.db
      .insertInto('spam_checks')
      .values({ comment_id: check.commentId, ...values })
      .onConflict((oc) => oc.column('comment_id').doUpdateSet(values))
      .execute();
    await this.db
      .deleteFrom('spam_checks')
      .where('checked_at', '<', check.checkedAt - SPAM_CHECK_RETENTION_DAYS * DAY_MS)
      .execute();
  }

  async findSpamCheck(commentId: number): Promise<SpamCheck | undefined> {
    const row = await this.db.selectFrom('spam_checks').selectAll().where('comment_id', '=', commentId).executeTakeFirst();
    return row && { commentId, verdict: row.verdict, params: JSON.parse(row.params), checkedAt: row.checked_at };
  }

  async setStatus(id: number, status: StoredStatus, now: number): Promise<StoredComment | undefined> {
    // Serialized with the author's edit and deletion of the same comment (see editing.ts).
    await this.lockKeys([`comment:${id}`]);
    for (;;) {
      const current = await this.findById(id);
      if (!current || (current.status === status && current.authorDeletion === null)) return current;
      // Conditional on the status read, so two moderators racing count a change once.
      const changed = await this.db
        .updateTable('comments')
        .set({ status, updated_at: now, author_deletion: null })
        .where('id', '=', id)
        .where('status', '=', current.status)
        .executeTakeFirst();
      if (changed.numUpdatedRows === 0n) continue;
      await this.touchThread(
        current.thread,
        (status === 'approved' ? 1 : 0) - (current.status === 'approved' ? 1 : 0),
        id,
        liveKind(isListed(current), status === 'approved'),
      );
      return { ...current, status, updatedAt: now, authorDeletion: null };
    }
  }

  async updateBody(comment: StoredComment, body: string, now: number, held?: { status: 'pending' | 'spam'; reason: HoldReason }): Promise<StoredComment> {
    const status = held?.status ?? comment.status;
    const holdReason = held ? held.reason : comment.holdReason;
    await this.db
      .updateTable('comments')
      .set({ body, updated_at: now, ...(held ? { status, hold_reason: holdReason } : {}) })
      .where('id', '=', comment.id)
      .execute();
    // The version moves, so no cache serves the old text; the count drops if it is no longer listed.
    await this.touchThread(
      comment.thread,
      (status === 'approved' ? 1 : 0) - (comment.status === 'approved' ? 1 : 0),
      comment.id,
      liveKind(isListed(comment), isListed({ status, authorDeletion: comment.authorDeletion })),
    );
    return { ...comment, body, status, holdReason, updatedAt: now };
  }

  async updateFields(comment: StoredComment, fields: { name?: string; url?: string | null; body?: string }, now: number): Promise<StoredComment> {
    const changed = {
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.url !== undefined ? { url: fields.url } : {}),
      ...(fields.body !== undefined ? { body: fields.body } : {}),
    };
    await this.db
      .updateTable('comments')
      .set({ ...changed, updated_at: now })
      .where('id', '=', comment.id)
      .execute();
    await this.touchThread(comment.thread, 0, comment.id, liveKind(isListed(comment), isListed(comment)));
    return { ...comment, ...changed, updatedAt: now };
  }

  async deleteByAuthor(comment: StoredComment, now: number): Promise<StoredComment> {
    // Only a listed comment can hold listed replies: a held one's replies are not shown either.
    const authorDeletion: AuthorDeletion = comment.status === 'approved' && (await this.hasListedReplies(comment)) ? 'placeholder' : 'hidden';
    await this.db
      .updateTable('comments')
      .set({ status: 'deleted', name: '', url: null, body: '', author_deletion: authorDeletion, updated_at: now })
      .where('id', '=', comment.id)
      .execute();
    await this.touchThread(comment.thread, comment.status === 'approved' ? -1 : 0, comment.id, liveKind(isListed(comment), authorDeletion === 'placeholder'));
    return { ...comment, status: 'deleted', name: '', url: null, body: '', authorDeletion, updatedAt: now };
  }

  async commentsByEmail(email: string, after: PageKey | null, limit: number): Promise<StoredComment[]> {
    // Keyset on comments_email (email, created_at), the id breaking ties.
    let query = this.db.selectFrom('comments').select(COLUMNS).where('email', '=', email);
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]),
      );
    }
    return query.orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  async eraseByAuthor(comment: StoredComment, now: number): Promise<StoredComment> {
    const deleted = comment.authorDeletion === null ? await this.deleteByAuthor(comment, now) : comment;
    await this.db.updateTable('comments').set({ email: '', ip_hash: null, updated_at: now }).where('id', '=', comment.id).execute();
    // The parameters sent to Akismet hold the email and the client's address.
    await this.db.deleteFrom('spam_checks').where('comment_id', '=', comment.id).execute();
    if (comment.authorDeletion !== null) await this.touchThread(comment.thread, 0);
    return { ...deleted, email: '', ipHash: null, updatedAt: now };
  }

  /** Whether a direct reply is listed (approved, or itself a placeholder for listed replies). */
  private async hasListedReplies(comment: StoredComment): Promise<boolean> {
    // Looked up through the conversation's root, so the listed-replies index serves it.
    const reply = await this.db
      .selectFrom('comments')
      .select('id')
      .where('root_id', '=', comment.rootId ?? comment.id)
      .where(listed)
      .where('parent_id', '=', comment.id)
      .limit(1)
      .executeTakeFirst();
    return reply !== undefined;
  }

  enqueue(message: OutboxMessage): Promise<void> {
    return outbox.enqueue(this.db, message, Date.now());
  }

  // Reply notifications (migration 008): mail-queries.ts.
  mailAddress(email: string) {
    return mail.mailAddress(this.db, email);
  }
  mailAddressByNonce(nonce: string) {
    return mail.mailAddressByNonce(this.db, nonce);
  }
  saveMailAddress(address: mail.MailAddress) {
    return mail.saveMailAddress(this.db, address);
  }
  subscribe(subscription: Parameters<typeof mail.subscribe>[1]) {
    return mail.subscribe(this.db, subscription);
  }
  subscription(commentId: number) {
    return mail.subscription(this.db, commentId);
  }
  subscriptionsOf(email: string) {
    return mail.subscriptionsOf(this.db, email);
  }
  updateSubscription(commentId: number, change: { scheduledUntil?: number; notifiedThrough?: number }) {
    return mail.updateSubscription(this.db, commentId, change);
  }
  unsubscribe(scope: mail.UnsubscribeScope) {
    return mail.unsubscribe(this.db, scope);
  }
  forgetUnconfirmed(before: number) {
    return mail.forgetUnconfirmed(this.db, before);
  }
  newReplies(parentId: number, parentEmail: string, afterId: number, limit: number) {
    return mail.newReplies(this.db, parentId, parentEmail, afterId, limit);
  }
  subscriberCounts(threads: string[] | null) {
    return mail.subscriberCounts(this.db, threads);
  }

  async pinnedCount(thread: string): Promise<number> {
    const { count } = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('thread', '=', thread)
      .where('pinned_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async setPinned(id: number, thread: string, at: number | null): Promise<void> {
    await this.db.updateTable('comments').set({ pinned_at: at }).where('id', '=', id).execute();
    // Live readers get the comment as it is now (pinned or not); one no longer listed reads as its deletion.
    await this.touchThread(thread, 0, id, 'edit');
  }

  async setThreadClosed(thread: string, state: 'closed' | 'open' | null): Promise<void> {
    await this.db
      .insertInto('thread_stats')
      .values({ thread, approved_count: 0, version: 1, closed_state: state })
      .onConflict((oc) => oc.column('thread').doUpdateSet((eb) => ({ closed_state: state, version: eb('thread_stats.version', '+', 1) })))
      .execute();
  }

  async setLike(commentId: number, thread: string, visitorHash: string, liked: boolean): Promise<{ likes: number; changed: boolean }> {
    // Serializes presses of one visitor on one comment across PostgreSQL instances; SQLite writes one at a time.
    await this.lockKeys([`like:${commentId}:${visitorHash}`]);
    const standing = await this.db
      .selectFrom('likes')
      .select('id')
      .where('comment_id', '=', commentId)
      .where('visitor_hash', '=', visitorHash)
      .where('unliked_version', 'is', null)
      .executeTakeFirst();
    const unchanged = async () => ({ likes: await this.likeCount(commentId), changed: false });
    if ((standing !== undefined) === liked) return unchanged();
    // Only approved comments are liked (domain/likes.ts): live readers get its new count as an edit.
    const version = await this.touchThread(thread, 0, commentId, 'edit');
    if (liked) {
      // The partial unique index settles any race the lock did not: a second standing like is never stored.
      const inserted = await this.db
        .insertInto('likes')
        .values({ comment_id: commentId, thread, visitor_hash: visitorHash, liked_version: version, unliked_version: null })
        .onConflict((oc) => oc.columns(['comment_id', 'visitor_hash']).where('unliked_version', 'is', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return unchanged();
    } else {
      const taken = await this.db
        .updateTable('likes')
        .set({ unliked_version: version })
        .where('id', '=', standing!.id)
        .where('unliked_version', 'is', null)
        .executeTakeFirst();
      if (taken.numUpdatedRows === 0n) return unchanged();
    }
    const row = await this.db
      .updateTable('comments')
      .set((eb) => ({ like_count: eb('like_count', liked ? '+' : '-', 1) }))
      .where('id', '=', commentId)
      .returning('like_count')
      .executeTakeFirstOrThrow();
    return { likes: Number(row.like_count), changed: true };
  }

  private async likeCount(commentId: number): Promise<number> {
    const row = await this.db.selectFrom('comments').select('like_count').where('id', '=', commentId).executeTakeFirst();
    return Number(row?.like_count ?? 0);
  }

  async insertBans(bans: NewBan[]): Promise<StoredBan[]> {
    const stored: StoredBan[] = [];
    for (const ban of bans) {
      const { id } = await this.db
        .insertInto('bans')
        .values({
          kind: ban.kind,
          value_hash: ban.valueHash,
          action: ban.action,
          reason: ban.reason,
          label: ban.label,
          comment_id: ban.commentId,
          created_at: ban.createdAt,
          expires_at: ban.expiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { valueHash: _hidden, ...shown } = ban;
      stored.push({ id: Number(id), ...shown });
    }
    return stored;
  }

  async activeBan(valueHashes: { email: string | null; address: string | null }, now: number): Promise<BanAction | null> {
    const wanted = [
      ...(valueHashes.email === null ? [] : [{ kind: 'email' as const, hash: valueHashes.email }]),
      ...(valueHashes.address === null ? [] : [{ kind: 'address' as const, hash: valueHashes.address }]),
    ];
    if (wanted.length === 0) return null;
    const rows = await this.db
      .selectFrom('bans')
      .select('action')
      .where((eb) => eb.or(wanted.map(({ kind, hash }) => eb.and([eb('value_hash', '=', hash), eb('kind', '=', kind)]))))
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute();
    if (rows.some((row) => row.action === 'refuse')) return 'refuse';
    return rows.length > 0 ? 'spam' : null;
  }

  /**
   * Every write to a thread comes through here: it moves the approved count by
   * `delta` and bumps the version that cached pages are checked against. The
   * increment is atomic, so it stays right however many writes run at once.
   * A change a reader of the thread sees (`live`: what happened to comment `commentId`) is
   * written to live_events under the new version, in the same transaction; on PostgreSQL the
   * same statement notifies the instances, which hear it only if the transaction commits.
   * Returns the thread's new version (what like rows are stamped with).
   */
  private async touchThread(thread: string, delta: number, commentId?: number, live?: LiveEventKind | null, page: string | null = null): Promise<number> {
    if (commentId !== undefined && live) {
      const now = Date.now();
      if (this.hooks.live) {
        // One round trip, as the plain bump.
        const { rows } = await sql<{ version: string | number }>`
          with stats as (
            insert into thread_stats (thread, approved_count, version, page_url) values (${thread}, ${delta}, 1, ${page}::text)
            on conflict (thread) do update set approved_count = thread_stats.approved_count + ${delta}, version = thread_stats.version + 1,
              page_url = coalesce(thread_stats.page_url, excluded.page_url)
            returning version
          ), event as (
            insert into live_events (thread, version, comment_id, kind, created_at)
            select ${thread}::text, version, ${commentId}::bigint, ${live}::text, ${now}::bigint from stats
            returning version
          )
          select version, pg_notify(${this.hooks.live.channel}::text, ${thread}::text) from event`.execute(this.db);
        return Number(rows[0]!.version);
      }
      const version = await this.bumpThread(thread, delta, page);
      await this.db.insertInto('live_events').values({ thread, version, comment_id: commentId, kind: live, created_at: now }).execute();
      // Announced once the write settles (KyselyCommentStore.write); nobody watching, nobody to tell.
      if (this.live.watchers.size > 0) this.live.pending.add(thread);
      return Number(version);
    }
    return this.bumpThread(thread, delta, page);
  }

  /**
   * The approved count moved by `delta` and the version bumped, atomically; the new version.
   * `page` becomes the thread's page only while it has none (the first trusted one stays).
   */
  private async bumpThread(thread: string, delta: number, page: string | null = null): Promise<number> {
    const { version } = await this.db
      .insertInto('thread_stats')
      .values({ thread, approved_count: delta, version: 1, page_url: page })
      .onConflict((oc) =>
        oc.column('thread').doUpdateSet((eb) => ({
          approved_count: eb('thread_stats.approved_count', '+', delta),
          version: eb('thread_stats.version', '+', 1),
          ...(page === null ? {} : { page_url: eb.fn.coalesce('thread_stats.page_url', 'excluded.page_url') }),
        })),
      )
      .returning('version')
      .executeTakeFirstOrThrow();
    return Number(version);
  }
}

/** The ban list's length: the newest bans, far more than a site's moderators make. */
const MAX_BANS_LISTED = 1000;

/** The {@link CommentStore} for both engines. */
export class KyselyCommentStore extends Queries implements CommentStore {
  readonly engine: Engine;
  private readonly runWrite: <T>(work: (tx: CommentTransaction) => Promise<T>, options?: WriteOptions) => Promise<T>;
  /** The forgetting of old live events under way, if any: close() waits for it. */
  private pruning: Promise<unknown> | null = null;
  private closing = false;

  constructor(db: Kysely<Database>, hooks: EngineHooks) {
    super(db, hooks);
    this.engine = hooks.engine;
    const live = this.live;
    const queries = (trx: Kysely<Database>) => new Queries(trx, hooks, live);
    const locked = <T>(work: (tx: CommentTransaction) => Promise<T>, options?: WriteOptions) =>
      async (tx: CommentTransaction): Promise<T> => {
        if (options?.lockKeys?.length) await tx.lockKeys(options.lockKeys);
        return work(tx);
      };
    const { beginLocked } = hooks;
    this.runWrite = hooks.groupCommit
      ? (() => {
          const run = groupCommit(db, queries);
          return <T>(work: (tx: CommentTransaction) => Promise<T>, options?: WriteOptions) => run(locked(work, options));
        })()
      : beginLocked
        ? (work, options) =>
            options?.lockKeys?.length
              ? lockedTransaction(db, beginLocked(options.lockKeys), (trx) => work(queries(trx)))
              : db.transaction().execute((trx) => work(queries(trx)))
        : (work, options) => db.transaction().execute((trx) => locked(work, options)(queries(trx)));
  }

  async liveEvents(thread: string, afterVersion: number, limit: number): Promise<LiveEvent[]> {
    const events = await this.db
      .selectFrom('live_events')
      .select(['version', 'kind', 'created_at as createdAt', 'comment_id as commentId'])
      .where('thread', '=', thread)
      .where('version', '>', afterVersion)
      .orderBy('version')
      .limit(limit)
      .execute();
    if (events.length === 0) return [];
    const ids = [...new Set(events.map((event) => Number(event.commentId)))];
    const comments = new Map<number, ListedComment>();
    for (const part of chunks(ids, IDS_PER_QUERY)) {
      const rows = await this.db.selectFrom('comments').select(REPLY_COLUMNS).where('id', 'in', part).where('thread', '=', thread).where(listed).execute();
      for (const row of rows) comments.set(row.id, row as ListedComment);
    }
    return events.map((event) => ({
      version: Number(event.version),
      kind: event.kind,
      createdAt: Number(event.createdAt),
      commentId: Number(event.commentId),
      comment: comments.get(Number(event.commentId)) ?? null,
    }));
  }

  async watchLive(handlers: LiveHandlers): Promise<LiveWatch> {
    if (this.hooks.live) return this.hooks.live.watch(handlers);
    this.live.watchers.add(handlers);
    return { close: async () => void this.live.watchers.delete(handlers) };
  }

  /** After a write commits or fails: SQLite's watchers hear of the threads it (or its batch) changed. */
  private readonly afterWrite = () => {
    const { pending, watchers } = this.live;
    if (pending.size > 0) {
      // Re-read by the watchers, so a batch's rolled-back savepoint announces nothing that is not stored.
      const threads = [...pending];
      pending.clear();
      for (const watcher of watchers) for (const thread of threads) watcher.changed(thread);
    }
    const now = Date.now();
    if (!this.closing && this.pruning === null && now - this.live.lastPrune >= LIVE_PRUNE_EVERY_MS) {
      this.live.lastPrune = now;
      // Outside the write's transaction, so no write waits for it; close() does, so it never runs on a closed database.
      this.pruning = this.db
        .deleteFrom('live_events')
        .where('created_at', '<', now - LIVE_RETENTION_MS)
        .execute()
        .catch((error: unknown) => console.error(`[colloquy] Could not forget old live events: ${(error as Error).message}`))
        .finally(() => {
          this.pruning = null;
        });
    }
  };

  async listThread({ thread, limit, sort, after, likesAt }: ThreadPageQuery): Promise<ThreadPage> {
    // Pins open the first page, oldest pin first, whatever the sort; a cursor among them goes on with them.
    const inPins = after === null || after.pinnedAt !== undefined;
    const pins = inPins ? await this.pinnedRoots(thread, after, limit + 1) : [];
    const pinnedIds = new Set(pins.map((root) => root.id));
    // One row more than asked says whether there is a next page.
    const roots =
      pins.length > limit ? pins : [...pins, ...(await this.orderedRoots(thread, sort, inPins ? null : after, limit + 1 - pins.length, likesAt))];
    // Top-level comments come first and always at least one; long ones may end the page early.
    let budget: number = REPLIES.maxChars;
    let kept = 0;
    for (const root of roots.slice(0, limit)) {
      const chars = charLength(root.body);
      if (kept > 0 && chars > budget) break;
      budget -= chars;
      kept++;
    }
    const pageRoots = roots.slice(0, kept) as ListedComment[];
    // Assigned, not spread: copying the driver's row objects costs more than the query.
    for (const root of pageRoots) root.parentId = root.rootId = null;
    const trees = await this.visibleReplies(pageRoots.map((root) => root.id));
    const replies = await this.withBodies(
      pageRoots.flatMap((root) => trees.get(root.id)!.slice(0, REPLIES.perRoot)),
      budget,
      false,
    );
    const byRoot = new Map<number, ListedComment[]>(pageRoots.map((root) => [root.id, []]));
    for (const reply of replies) byRoot.get(reply.rootId!)!.push(reply);
    const comments: ListedComment[] = [];
    const moreReplies = new Map<number, HeldReplies>();
    for (const root of pageRoots) {
      const shown = byRoot.get(root.id)!;
      comments.push(root, ...shown);
      const held = trees.get(root.id)!.length - shown.length;
      if (held > 0) moreReplies.set(root.id, { count: held, after: shown.length > 0 ? keyOf(shown.at(-1)!) : null });
    }
    const last = pageRoots.at(-1);
    return {
      comments,
      // A root read but not kept (the one past `limit`, or one cut by the budget) starts the next page.
      next:
        roots.length > kept && last
          ? pinnedIds.has(last.id)
            ? { ...keyOf(last), pinnedAt: last.pinnedAt! }
            : { ...keyOf(last), ...(sort === 'top' ? { likes: (last as Partial<RankedRoot>).rankLikes ?? last.likeCount } : {}) }
          : null,
      moreReplies,
    };
  }

  /** Up to `limit` of the thread's listed pins after `after` (a pin's key, or `null`), oldest pin first. */
  private pinnedRoots(thread: string, after: PageKey | null, limit: number) {
    return this.db
      .selectFrom('comments')
      .select(ROOT_COLUMNS)
      .where('thread', '=', thread)
      .where('parent_id', 'is', null)
      .where(pinnedListed)
      .$if(after !== null, (qb) => qb.where((eb) => eb(eb.refTuple('pinned_at', 'id'), '>', eb.tuple(after!.pinnedAt!, after!.id))))
      .orderBy('pinned_at')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** Up to `limit` of the thread's listed top-level comments but its pins, in `sort`'s order, after `after` (or from the start). */
  private orderedRoots(thread: string, sort: ThreadPageQuery['sort'], after: PageKey | null, limit: number, likesAt?: number) {
    if (sort === 'top') return this.topRoots(thread, after, limit, likesAt);
    const direction = sort === 'newest' ? 'desc' : 'asc';
    return this.db
      .selectFrom('comments')
      .select(ROOT_COLUMNS)
      .where('thread', '=', thread)
      .where('parent_id', 'is', null)
      .where(unpinnedListed)
      .$if(after !== null, (qb) =>
        qb.where((eb) => eb(eb.refTuple('created_at', 'id'), direction === 'asc' ? '>' : '<', eb.tuple(after!.createdAt, after!.id))),
      )
      .orderBy('created_at', direction)
      .orderBy('id', direction)
      .limit(limit)
      .execute();
  }

  /**
   * Up to `limit` of the thread's listed top-level comments but its pins, most liked first (ties
   * oldest first), ranked by their counts at version `likesAt`, after `after`. A comment whose likes
   * changed since then is ranked by the count it had then, worked out from the like rows changed
   * since (their versions say so); every other comment's standing count is that count, and the
   * comments_thread_top index walks them in order. So the cost is the page plus the likes changed
   * since `likesAt`, never the thread or the database. Read in one snapshot (a read transaction),
   * so no like lands between the counts and the rows that correct them.
   */
  private topRoots(thread: string, after: PageKey | null, limit: number, likesAt?: number): Promise<RankedRoot[]> {
    const read = this.hooks.engine === 'postgres' ? this.db.transaction().setIsolationLevel('repeatable read') : this.db.transaction();
    return read.execute(async (trx) => {
      const roots = () =>
        trx.selectFrom('comments').select(ROOT_COLUMNS).where('thread', '=', thread).where('parent_id', 'is', null).where(unpinnedListed);
      // Per comment: standing likes now minus standing likes at the snapshot.
      const moved = new Map<number, number>();
      if (likesAt !== undefined) {
        const changed = await trx
          .selectFrom('likes')
          .select(['id', 'comment_id', 'liked_version', 'unliked_version'])
          .where('thread', '=', thread)
          .where('liked_version', '>', likesAt)
          .execute();
        changed.push(
          ...(await trx
            .selectFrom('likes')
            .select(['id', 'comment_id', 'liked_version', 'unliked_version'])
            .where('thread', '=', thread)
            .where('unliked_version', 'is not', null)
            .where('unliked_version', '>', likesAt)
            .where('liked_version', '<=', likesAt)
            .execute()),
        );
        for (const like of changed) {
          const now = like.unliked_version === null ? 1 : 0;
          const then = Number(like.liked_version) <= likesAt && (like.unliked_version === null || Number(like.unliked_version) > likesAt) ? 1 : 0;
          if (now !== then) moved.set(Number(like.comment_id), (moved.get(Number(like.comment_id)) ?? 0) + now - then);
        }
        for (const [id, delta] of moved) if (delta === 0) moved.delete(id);
      }
      const ranked = (row: ListedComment): RankedRoot => Object.assign(row, { rankLikes: row.likeCount - (moved.get(row.id) ?? 0) });
      const isAfter = (row: { rankLikes: number; createdAt: number; id: number }) => after === null || compareTop(row, { likes: after.likes ?? 0, createdAt: after.createdAt, id: after.id }) > 0;

      // Those ranked by their standing count, in index order, skipping the moved ones (listed below).
      const steady: RankedRoot[] = [];
      const take = async (query: ReturnType<typeof roots>) => {
        let skip = 0;
        for (;;) {
          const want = limit - steady.length;
          if (want <= 0) return;
          // Only as many as still wanted: a moved comment met on the way costs one more row next time.
          const rows = (await query.limit(want).offset(skip).execute()) as ListedComment[];
          skip += rows.length;
          for (const row of rows) if (!moved.has(row.id)) steady.push(ranked(row));
          if (rows.length < want) return;
        }
      };
      if (after === null) {
        await take(roots().orderBy('like_count', 'desc').orderBy('created_at').orderBy('id'));
      } else {
        const likes = after.likes ?? 0;
        // Two ranges of the index: the rest of the cursor's count, then every smaller count.
        await take(
          roots()
            .where('like_count', '=', likes)
            .where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)))
            .orderBy('created_at')
            .orderBy('id'),
        );
        await take(roots().where('like_count', '<', likes).orderBy('like_count', 'desc').orderBy('created_at').orderBy('id'));
      }
      // The moved ones: ranked by their position alone, and read whole only if they make the page.
      const placed: { id: number; createdAt: number; rankLikes: number }[] = [];
      for (const part of chunks([...moved.keys()], IDS_PER_QUERY)) {
        const rows = await trx
          .selectFrom('comments')
          .select(['id', 'created_at as createdAt', 'like_count as likeCount'])
          .where('thread', '=', thread)
          .where('parent_id', 'is', null)
          .where(unpinnedListed)
          .where('id', 'in', part)
          .execute();
        for (const row of rows) {
          const place = { id: row.id, createdAt: row.createdAt, rankLikes: row.likeCount - moved.get(row.id)! };
          if (isAfter(place)) placed.push(place);
        }
      }
      const page = [...steady, ...placed].sort(compareTop).slice(0, limit);
      const wanted = page.filter((root) => !('body' in root)).map((root) => root.id);
      const whole = new Map<number, RankedRoot>();
      for (const part of chunks(wanted, IDS_PER_QUERY)) {
        for (const row of (await roots().where('id', 'in', part).execute()) as ListedComment[]) whole.set(row.id, ranked(row));
      }
      // A moved comment gone from the thread between the two reads cannot be: one snapshot holds both.
      return page.map((root) => ('body' in root ? (root as RankedRoot) : whole.get(root.id)!)).filter((root) => root !== undefined);
    });
  }

  async listReplies({ thread, rootId, after }: RepliesQuery): Promise<RepliesPage | undefined> {
    const root = await this.db
      .selectFrom('comments')
      .select('id')
      .where('id', '=', rootId)
      .where('thread', '=', thread)
      .where('parent_id', 'is', null)
      .where(listed)
      .executeTakeFirst();
    if (!root) return undefined;
    const tree = (await this.visibleReplies([rootId])).get(rootId)!;
    const start = after === null ? 0 : firstAfter(tree, after);
    const comments = await this.withBodies(tree.slice(start, start + REPLIES.perPage), REPLIES.maxChars, true);
    const held = tree.length - start - comments.length;
    return { comments, more: held > 0 ? { count: held, after: comments.length > 0 ? keyOf(comments.at(-1)!) : after } : null };
  }

  /**
   * The shown replies of each root, oldest first, without their text: listed, under a listed
   * parent all the way up. A reply whose parent is not listed (held or deleted after the
   * reply was written) is left out with its own replies, so every shown reply follows its
   * parent. One range of the listed-replies index per root; the tree is walked here, as
   * visibility depends on every ancestor.
   */
  private async visibleReplies(rootIds: number[]): Promise<Map<number, ReplyStub[]>> {
    const trees = new Map<number, ReplyStub[]>(rootIds.map((id) => [id, []]));
    if (rootIds.length === 0) return trees;
    const shown = new Set<number>(rootIds);
    for (const part of chunks(rootIds, IDS_PER_QUERY)) {
      const rows = (await this.db
        .selectFrom('comments')
        .select(['id', 'parent_id as parentId', 'root_id as rootId', 'created_at as createdAt'])
        .where('root_id', 'in', part)
        .where(listed)
        .orderBy('created_at')
        .orderBy('id')
        .execute()) as ReplyStub[];
      for (const row of rows) {
        if (!shown.has(row.parentId)) continue;
        shown.add(row.id);
        trees.get(row.rootId)!.push(row);
      }
    }
    return trees;
  }

  /**
   * The replies of `stubs`, in their order, for as long as their bodies fit in `budget`
   * characters (the first always, when `atLeastOne`). Read in batches sized to what the
   * budget is likely to hold, so long bodies past the budget are mostly never read.
   */
  private async withBodies(stubs: ReplyStub[], budget: number, atLeastOne: boolean): Promise<ListedComment[]> {
    const out: ListedComment[] = [];
    let chars = 0;
    let size: number = REPLIES.perRoot;
    for (let i = 0; i < stubs.length; ) {
      const batch = stubs.slice(i, i + size);
      i += batch.length;
      const rows = await this.db
        .selectFrom('comments')
        .select(REPLY_COLUMNS)
        .where(
          'id',
          'in',
          batch.map((stub) => stub.id),
        )
        .where(listed)
        .execute();
      const byId = new Map(rows.map((row) => [row.id, row as ListedComment]));
      for (const stub of batch) {
        const row = byId.get(stub.id);
        // Changed since the tree was read: what follows may hang under it, so the page ends here.
        if (!row) return out;
        const length = charLength(row.body);
        if (length > budget - chars && !(atLeastOne && out.length === 0)) return out;
        chars += length;
        out.push(row);
      }
      const average = Math.max(1, chars / out.length);
      size = Math.min(IDS_PER_QUERY, Math.max(REPLIES.perRoot, Math.ceil((budget - chars) / average)));
    }
    return out;
  }

  async threadStats(thread: string): Promise<ThreadStats> {
    const row = await this.db
      .selectFrom('thread_stats')
      .select(['approved_count', 'version', 'closed_state'])
      .where('thread', '=', thread)
      .executeTakeFirst();
    return { count: row?.approved_count ?? 0, version: row?.version ?? 0, closedState: row?.closed_state ?? null };
  }

  // One statement of independent subqueries, each a key or index lookup: one round trip, not two or three.
  async postingGate(
    { thread, firstAt, bans }: Parameters<CommentStore['postingGate']>[0],
    now: number,
  ): ReturnType<CommentStore['postingGate']> {
    const wanted = [
      ...(bans?.email == null ? [] : [{ kind: 'email' as const, hash: bans.email }]),
      ...(bans?.address == null ? [] : [{ kind: 'address' as const, hash: bans.address }]),
    ];
    const ban = (eb: ExpressionBuilder<Database, never>, action: BanAction | null) =>
      eb.exists(
        eb
          .selectFrom('bans')
          .select('id')
          .where((eb) => eb.or(wanted.map(({ kind, hash }) => eb.and([eb('value_hash', '=', hash), eb('kind', '=', kind)]))))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .$if(action !== null, (qb) => qb.where('action', '=', action!)),
      );
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('thread_stats').select('closed_state').where('thread', '=', thread).as('closedState'),
        // comments_thread_approved serves the minimum, as in firstCommentTimes.
        (firstAt
          ? eb.selectFrom('comments').select((eb) => eb.fn.min('created_at').as('first')).where('thread', '=', thread).where('status', '=', APPROVED)
          : sql<number | null>`null`
        ).as('firstAt'),
        wanted.length === 0 ? sql<boolean>`0 = 1`.as('refused') : ban(eb, 'refuse').as('refused'),
        wanted.length === 0 ? sql<boolean>`0 = 1`.as('banned') : ban(eb, null).as('banned'),
      ])
      .executeTakeFirstOrThrow();
    return {
      closedState: (row.closedState ?? null) as ThreadStats['closedState'],
      firstAt: row.firstAt === null || row.firstAt === undefined ? null : Number(row.firstAt),
      // SQLite answers EXISTS with 1 or 0, PostgreSQL with a boolean.
      ban: Boolean(row.refused) ? 'refuse' : Boolean(row.banned) ? 'spam' : null,
    };
  }

  async firstCommentTimes(threads: string[]): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    for (const part of chunks([...new Set(threads)], IDS_PER_QUERY)) {
      // comments_thread_approved serves each thread's minimum.
      const rows = await this.db
        .selectFrom('comments')
        .select((eb) => ['thread', eb.fn.min('created_at').as('first')])
        .where('thread', 'in', part)
        .where('status', '=', APPROVED)
        .groupBy('thread')
        .execute();
      for (const row of rows) if (row.first !== null) times.set(row.thread, Number(row.first));
    }
    return times;
  }

  async adminThreads({ threads, after, limit }: { threads: string[] | null; after: string | null; limit: number }) {
    const rows = await this.db
      .selectFrom('thread_stats')
      .select(['thread', 'approved_count', 'closed_state', 'page_url'])
      .$if(threads !== null, (qb) => qb.where('thread', 'in', threads!))
      .$if(after !== null, (qb) => qb.where('thread', '>', after!))
      .orderBy('thread')
      .limit(limit)
      .execute();
    const firsts = await this.firstCommentTimes(rows.map((row) => row.thread));
    return rows.map((row) => ({
      thread: row.thread,
      count: Number(row.approved_count),
      closedState: row.closed_state ?? null,
      firstAt: firsts.get(row.thread) ?? null,
      pageUrl: row.page_url ?? null,
    }));
  }

  async setting(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async saveSetting(key: string, value: string | null): Promise<void> {
    if (value === null) {
      await this.db.deleteFrom('settings').where('key', '=', key).execute();
      return;
    }
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async threadCounts(threads: string[]): Promise<Map<string, number>> {
    if (threads.length === 0) return new Map();
    const rows = await this.db.selectFrom('thread_stats').select(['thread', 'approved_count']).where('thread', 'in', threads).execute();
    return new Map(rows.map((row) => [row.thread, row.approved_count]));
  }

  recentComments(thread: string, limit: number): Promise<FeedComment[]> {
    return this.db
      .selectFrom('comments')
      .select(FEED_COLUMNS)
      .where('thread', '=', thread)
      .where('status', '=', APPROVED)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async adminList(query: AdminPageQuery): Promise<AdminPage> {
    const direction = query.sort === 'newest' ? 'desc' : 'asc';
    const after = query.after;
    const rows = await this.db
      .selectFrom('comments')
      .select(COLUMNS)
      .select(threadPageUrl)
      .where((eb) => adminConditions(eb, query, true))
      .$if(after !== null, (qb) =>
        qb.where((eb) => eb(eb.refTuple('created_at', 'id'), direction === 'asc' ? '>' : '<', eb.tuple(after!.createdAt, after!.id))),
      )
      .orderBy('created_at', direction)
      .orderBy('id', direction)
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      comments: await this.withParents(page),
      next: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
    };
  }

  async statusCounts(filter: AdminFilter): Promise<Record<StoredStatus, number>> {
    const rows = await this.db
      .selectFrom('comments')
      .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
      .where((eb) => adminConditions(eb, filter, false))
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<StoredStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.count);
    return counts;
  }

  async adminComments(ids: number[]): Promise<AdminListedComment[]> {
    const rows: (StoredComment & { pageUrl: string | null })[] = [];
    for (const part of chunks([...new Set(ids)], IDS_PER_QUERY)) {
      rows.push(...(await this.db.selectFrom('comments').select(COLUMNS).select(threadPageUrl).where('id', 'in', part).execute()));
    }
    return this.withParents(rows);
  }

  /** Adds each comment's parent, read in one query by id. */
  private async withParents(rows: (StoredComment & { pageUrl: string | null })[]): Promise<AdminListedComment[]> {
    const parentIds = [...new Set(rows.map((row) => row.parentId).filter((id) => id !== null))];
    const parents = new Map<number, NonNullable<AdminListedComment['parent']>>();
    for (const part of chunks(parentIds, IDS_PER_QUERY)) {
      const found = await this.db
        .selectFrom('comments')
        .select((eb) => [
          'id',
          'name',
          'status',
          'author_deletion as authorDeletion',
          eb.fn<string>('substr', ['body', eb.val(1), eb.val(PARENT_BODY_CHARS)]).as('bodyStart'),
        ])
        .where('id', 'in', part)
        .execute();
      for (const parent of found) parents.set(parent.id, parent);
    }
    return rows.map((row) => ({ ...row, parent: row.parentId === null ? null : (parents.get(row.parentId) ?? null) }));
  }

  async exportRows(afterId: number, limit: number): Promise<ExportedRow[]> {
    const rows = await this.db.selectFrom('comments').select(COLUMNS).where('id', '>', afterId).orderBy('id').limit(limit).execute();
    const checks = new Map<number, ExportedRow['spamCheck']>();
    if (rows.length > 0) {
      const found = await this.db
        .selectFrom('spam_checks')
        .selectAll()
        .where('comment_id', '>', afterId)
        .where('comment_id', '<=', rows.at(-1)!.id)
        .execute();
      for (const check of found) checks.set(check.comment_id, { verdict: check.verdict, params: JSON.parse(check.params), checkedAt: check.checked_at });
    }
    return rows.map((row) => ({ ...row, spamCheck: checks.get(row.id) ?? null }));
  }

  write<T>(work: (tx: CommentTransaction) => Promise<T>, options?: WriteOptions): Promise<T> {
    const done = this.runWrite(work, options);
    done.then(this.afterWrite, this.afterWrite);
    return done;
  }

  async listBans(): Promise<StoredBan[]> {
    const rows = await this.db.selectFrom('bans').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(MAX_BANS_LISTED).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      action: row.action,
      reason: row.reason,
      label: row.label,
      commentId: row.comment_id === null ? null : Number(row.comment_id),
      createdAt: Number(row.created_at),
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    }));
  }

  async deleteBan(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('bans').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  override setStatus(id: number, status: StoredStatus, now: number = Date.now()): Promise<StoredComment | undefined> {
    return this.write((tx) => tx.setStatus(id, status, now));
  }

  async idIssued(id: number): Promise<boolean> {
    const last =
      this.hooks.engine === 'postgres'
        ? sql<number | null>`pg_sequence_last_value(pg_get_serial_sequence('comments', 'id')::regclass)`
        : sql<number | null>`(select seq from sqlite_sequence where name = 'comments')`;
    // The stored ids too: after an import's explicit ids, the sequence may not have moved yet.
    const { rows } = await sql<{ issued: unknown }>`
      select (coalesce(${last}, 0) >= ${id} or exists (select 1 from comments where id >= ${id})) as issued`.execute(this.db);
    return Boolean(rows[0]?.issued);
  }

  claimOutbox(kinds: string[], now: number, leaseUntil: number, limit: number): Promise<OutboxRow[]> {
    return outbox.claim(this.db, this.hooks.engine, kinds, now, leaseUntil, limit);
  }

  renewOutboxLeases(claims: OutboxClaim[], leaseUntil: number): Promise<number[]> {
    return outbox.renew(this.db, claims, leaseUntil);
  }

  finishOutbox(claim: OutboxClaim, outcome: OutboxOutcome): Promise<boolean> {
    return outbox.finish(this.db, claim, outcome);
  }

  pruneOutbox(sentBefore: number, failedBefore: number): Promise<void> {
    return outbox.prune(this.db, sentBefore, failedBefore);
  }

  listOutbox(query: OutboxListQuery): Promise<{ rows: OutboxRow[]; more: boolean }> {
    return outbox.list(this.db, query);
  }

  outboxCounts(): Promise<Record<OutboxStatus, number>> {
    return outbox.counts(this.db);
  }

  findOutbox(id: number): Promise<OutboxRow | undefined> {
    return outbox.find(this.db, id);
  }

  retryOutbox(id: number, now: number): Promise<OutboxRow | undefined | 'not_failed' | 'superseded'> {
    return outbox.retry(this.db, id, now);
  }

  async appliedMigrations(): Promise<string[]> {
    return (await this.db.selectFrom('colloquy_migrations').select('name').execute()).map((row) => row.name);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.pruning;
    return this.hooks.close();
  }
}

/** A top-level comment of a `top` page, with the count it is ranked by (its count at the page's snapshot). */
type RankedRoot = ListedComment & { rankLikes: number };

/** The `top` order: most liked first, then oldest, then lowest id. */
function compareTop(a: { rankLikes?: number; likes?: number; createdAt: number; id: number }, b: { rankLikes?: number; likes?: number; createdAt: number; id: number }): number {
  const likesA = a.rankLikes ?? a.likes ?? 0;
  const likesB = b.rankLikes ?? b.likes ?? 0;
  return likesB - likesA || a.createdAt - b.createdAt || a.id - b.id;
}

/** A shown reply as the tree walk sees it. */
interface ReplyStub {
  id: number;
  parentId: number;
  rootId: number;
  createdAt: number;
}

const keyOf = (comment: { createdAt: number; id: number }): PageKey => ({ createdAt: comment.createdAt, id: comment.id });

/** The index of the first reply of `tree` (in time order) after `key`. */
function firstAfter(tree: ReplyStub[], key: PageKey): number {
  let low = 0;
  let high = tree.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const reply = tree[mid]!;
    if (reply.createdAt < key.createdAt || (reply.createdAt === key.createdAt && reply.id <= key.id)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A comment's columns as both inserts (posting and importing) write them. */
/**
 * A transaction opened by `begin`, the text that starts it (beginLocked: `begin` and the locks,
 * one round trip), on one connection of the pool; committed if `work` resolves, else rolled back.
 */
async function lockedTransaction<T>(db: Kysely<Database>, begin: string, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    let value: T;
    try {
      // Inside the try: a lock that fails after `begin` succeeded must not leave the connection in a transaction.
      await sql.raw(begin).execute(conn);
      value = await work(conn);
    } catch (error) {
      await sql.raw('rollback').execute(conn);
      throw error;
    }
    // PostgreSQL answers COMMIT with ROLLBACK when a statement failed in the transaction (an error `work` caught).
    const { rows } = await sql.raw<{ command?: string }>('commit').execute(conn);
    if (rows[0]?.command === 'ROLLBACK') throw new Error('The transaction was rolled back: one of its statements failed.');
    return value;
  });
}

function commentRow(comment: Omit<StoredComment, 'id' | 'depth'>) {
  return {
    thread: comment.thread,
    parent_id: comment.parentId,
    root_id: comment.rootId,
    name: comment.name,
    email: comment.email,
    url: comment.url,
    body: comment.body,
    status: comment.status,
    ip_hash: comment.ipHash,
    idempotency_key: comment.idempotencyKey,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_deletion: comment.authorDeletion,
    hold_reason: comment.holdReason,
    role: comment.role ?? null,
    pinned_at: comment.pinnedAt ?? null,
  };
}
