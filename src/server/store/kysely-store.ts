import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type {
  CommentStore,
  CommentTransaction,
  Engine,
  FeedComment,
  ListedComment,
  NewStoredComment,
  PostingFacts,
  StoredComment,
  ThreadPage,
  ThreadPageQuery,
  ThreadStats,
} from './comment-store.js';
import { IdempotencyKeyTaken } from './comment-store.js';
import { groupCommit } from './group-commit.js';
import type { AuthorDeletion, Database, StoredStatus } from './schema.js';

/** What differs between the engines; everything else is the same Kysely queries. */
export interface EngineHooks {
  engine: Engine;
  /** Let concurrent writes share a transaction (see group-commit.ts). */
  groupCommit: boolean;
  lockKeys(db: Kysely<Database>, keys: string[]): Promise<void>;
  isIdempotencyKeyConflict(error: unknown): boolean;
  close(): Promise<void>;
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
] as const;

// What a listed comment needs, and no more: building row objects is most of a page's cost.
// A top-level comment's parent and root are null by definition, so they are not read.
const ROOT_COLUMNS = ['id', 'name', 'email', 'url', 'body', 'created_at as createdAt', 'author_deletion as authorDeletion'] as const;
const REPLY_COLUMNS = [...ROOT_COLUMNS, 'parent_id as parentId', 'root_id as rootId'] as const;
const FEED_COLUMNS = ['id', 'name', 'email', 'url', 'body', 'created_at as createdAt', 'updated_at as updatedAt'] as const;

// Literals rather than parameters, so SQLite's planner can match the partial indexes.
const APPROVED = sql.lit<StoredStatus>('approved');
const PLACEHOLDER = sql.lit<AuthorDeletion>('placeholder');

/** Listed in a thread: approved, or an author's placeholder. The same predicate as the listing indexes'. */
const listed = (eb: ExpressionBuilder<Database, 'comments'>) =>
  eb.or([eb('status', '=', APPROVED), eb('author_deletion', '=', PLACEHOLDER)]);

/** The queries, runnable on the database or inside a transaction. */
class Queries implements CommentTransaction {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly hooks: EngineHooks,
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

  // One statement of independent subqueries, each on its own index: one round trip, not five.
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
        eb
          .exists(eb.selectFrom('comments').select('id').where('email', '=', post.email).where('status', '=', APPROVED))
          .as('knownAuthor'),
      ])
      .executeTakeFirstOrThrow();
    return {
      originalId: row.originalId ?? undefined,
      duplicateId: row.duplicateId ?? undefined,
      lastByEmail: row.lastByEmail ?? undefined,
      lastByAddress: post.ipHash === null ? undefined : (row.lastByAddress ?? undefined),
      // SQLite answers EXISTS with 1 or 0, PostgreSQL with a boolean.
      knownAuthor: Boolean(row.knownAuthor),
    };
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.selectFrom('comments').select('id').limit(1).executeTakeFirst()) === undefined;
  }

  async insert(comment: NewStoredComment): Promise<StoredComment> {
    let id: number;
    try {
      const row = await this.db
        .insertInto('comments')
        .values({
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
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    } catch (error) {
      if (this.hooks.isIdempotencyKeyConflict(error)) throw new IdempotencyKeyTaken();
      throw error;
    }
    await this.touchThread(comment.thread, comment.status === 'approved' ? 1 : 0);
    return { ...comment, id, authorDeletion: null };
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
      await this.touchThread(current.thread, (status === 'approved' ? 1 : 0) - (current.status === 'approved' ? 1 : 0));
      return { ...current, status, updatedAt: now, authorDeletion: null };
    }
  }

  async updateBody(comment: StoredComment, body: string, now: number): Promise<StoredComment> {
    await this.db.updateTable('comments').set({ body, updated_at: now }).where('id', '=', comment.id).execute();
    // The count stays; the version moves, so no cache serves the old text.
    await this.touchThread(comment.thread, 0);
    return { ...comment, body, updatedAt: now };
  }

  async deleteByAuthor(comment: StoredComment, now: number): Promise<StoredComment> {
    // Only a listed comment can hold listed replies: a held one's replies are not shown either.
    const authorDeletion: AuthorDeletion = comment.status === 'approved' && (await this.hasListedReplies(comment)) ? 'placeholder' : 'hidden';
    await this.db
      .updateTable('comments')
      .set({ status: 'deleted', name: '', url: null, body: '', author_deletion: authorDeletion, updated_at: now })
      .where('id', '=', comment.id)
      .execute();
    await this.touchThread(comment.thread, comment.status === 'approved' ? -1 : 0);
    return { ...comment, status: 'deleted', name: '', url: null, body: '', authorDeletion, updatedAt: now };
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

  /**
   * Every write to a thread comes through here: it moves the approved count by
   * `delta` and bumps the version that cached pages are checked against. The
   * increment is atomic, so it stays right however many writes run at once.
   */
  private async touchThread(thread: string, delta: number): Promise<void> {
    await this.db
      .insertInto('thread_stats')
      .values({ thread, approved_count: delta, version: 1 })
      .onConflict((oc) =>
        oc.column('thread').doUpdateSet((eb) => ({
          approved_count: eb('thread_stats.approved_count', '+', delta),
          version: eb('thread_stats.version', '+', 1),
        })),
      )
      .execute();
  }
}

/** The {@link CommentStore} for both engines. */
export class KyselyCommentStore extends Queries implements CommentStore {
  readonly engine: Engine;
  private readonly runWrite: <T>(work: (tx: CommentTransaction) => Promise<T>) => Promise<T>;

  constructor(db: Kysely<Database>, hooks: EngineHooks) {
    super(db, hooks);
    this.engine = hooks.engine;
    this.runWrite = hooks.groupCommit
      ? groupCommit(db, (trx) => new Queries(trx, hooks))
      : (work) => db.transaction().execute((trx) => work(new Queries(trx, hooks)));
  }

  async listThread({ thread, limit, sort, after }: ThreadPageQuery): Promise<ThreadPage> {
    const direction = sort === 'newest' ? 'desc' : 'asc';
    // One row more than asked says whether there is a next page.
    const roots = await this.db
      .selectFrom('comments')
      .select(ROOT_COLUMNS)
      .where('thread', '=', thread)
      .where('parent_id', 'is', null)
      .where(listed)
      .$if(after !== null, (qb) =>
        qb.where((eb) => eb(eb.refTuple('created_at', 'id'), direction === 'asc' ? '>' : '<', eb.tuple(after!.createdAt, after!.id))),
      )
      .orderBy('created_at', direction)
      .orderBy('id', direction)
      .limit(limit + 1)
      .execute();
    const pageRoots = roots.slice(0, limit) as ListedComment[];
    // Assigned, not spread: copying the driver's row objects costs more than the query.
    for (const root of pageRoots) root.parentId = root.rootId = null;
    const replies =
      pageRoots.length === 0
        ? []
        : await this.db
            .selectFrom('comments')
            .select(REPLY_COLUMNS)
            .where(
              'root_id',
              'in',
              pageRoots.map((root) => root.id),
            )
            .where(listed)
            .orderBy('created_at')
            .orderBy('id')
            .execute();
    const last = pageRoots.at(-1);
    return {
      comments: withReplies(pageRoots, replies),
      next: roots.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
    };
  }

  async threadStats(thread: string): Promise<ThreadStats> {
    const row = await this.db
      .selectFrom('thread_stats')
      .select(['approved_count', 'version'])
      .where('thread', '=', thread)
      .executeTakeFirst();
    return { count: row?.approved_count ?? 0, version: row?.version ?? 0 };
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

  write<T>(work: (tx: CommentTransaction) => Promise<T>): Promise<T> {
    return this.runWrite(work);
  }

  override setStatus(id: number, status: StoredStatus, now: number = Date.now()): Promise<StoredComment | undefined> {
    return this.write((tx) => tx.setStatus(id, status, now));
  }

  close(): Promise<void> {
    return this.hooks.close();
  }
}

/**
 * Puts each root's replies after it. A reply whose parent is not listed (held or
 * deleted after the reply was written) is left out with its own replies, so every
 * listed reply follows its parent.
 */
function withReplies(roots: ListedComment[], replies: ListedComment[]): ListedComment[] {
  const byRoot = new Map<number, ListedComment[]>();
  for (const reply of replies) {
    const group = byRoot.get(reply.rootId!);
    if (group) group.push(reply);
    else byRoot.set(reply.rootId!, [reply]);
  }
  const listed = new Set<number>();
  const page: ListedComment[] = [];
  for (const root of roots) {
    page.push(root);
    listed.add(root.id);
    for (const reply of byRoot.get(root.id) ?? []) {
      if (reply.parentId !== null && listed.has(reply.parentId)) {
        page.push(reply);
        listed.add(reply.id);
      }
    }
  }
  return page;
}
