/**
 * Schema changes, in order. Each runs once, recorded in `colloquy_migrations`; all
 * pending ones run in one transaction at start, so a failed start changes nothing.
 * Append new migrations; never edit one that has shipped.
 */
import { sql, type Kysely } from 'kysely';
import { importKey, isSourceKey } from '../security/import-key.js';
import { createMailTables } from './mail-queries.js';
import type { Engine } from './comment-store.js';
import type { Database } from './schema.js';

/** What a start knows besides the database. */
export interface MigrationContext {
  /** The server's secret (COLLOQUY_SECRET or the saved one); a store opened without it runs no keyed migration. */
  secret?: string;
}

interface Migration {
  name: string;
  /**
   * Needs `context.secret`. Without it the migration waits, unrecorded, for the next start that
   * has it (the server always does): it may then run after migrations listed below it, so a
   * keyed migration changes data only, never the schema.
   */
  keyed?: boolean;
  up(db: Kysely<any>, engine: Engine, context: MigrationContext): Promise<void>;
}

const MIGRATIONS: Migration[] = [
  {
    name: '001_comments',
    async up(db, engine) {
      await db.schema
        .createTable('comments')
        .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (col) =>
          // AUTOINCREMENT: ids are never reused, even after a comment is purged.
          engine === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('thread', 'text', (col) => col.notNull())
        .addColumn('parent_id', 'bigint', (col) => col.references('comments.id'))
        .addColumn('root_id', 'bigint', (col) => col.references('comments.id'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('email', 'text', (col) => col.notNull())
        .addColumn('url', 'text')
        .addColumn('body', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('approved', 'pending', 'spam', 'deleted')`))
        .addColumn('ip_hash', 'text')
        .addColumn('idempotency_key', 'text', (col) => col.unique())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      // A thread's listed top-level comments, in order: the keyset pages walk this.
      await db.schema
        .createIndex('comments_thread_roots')
        .on('comments')
        .columns(['thread', 'created_at', 'id'])
        .where(sql<boolean>`parent_id is null and status = 'approved'`)
        .execute();
      // All listed replies of a page's top-level comments, in one range scan per root.
      await db.schema
        .createIndex('comments_root_replies')
        .on('comments')
        .columns(['root_id', 'created_at', 'id'])
        .where(sql<boolean>`root_id is not null and status = 'approved'`)
        .execute();
      // Flood and first-time-author checks look an author's comments up by email;
      // the duplicate check by thread and email, so a prolific author does not slow it.
      await db.schema.createIndex('comments_email').on('comments').columns(['email', 'created_at']).execute();
      await db.schema.createIndex('comments_thread_email').on('comments').columns(['thread', 'email']).execute();
      await db.schema
        .createIndex('comments_ip_hash')
        .on('comments')
        .columns(['ip_hash', 'created_at'])
        .where(sql<boolean>`ip_hash is not null`)
        .execute();
      await db.schema
        .createTable('thread_stats')
        .addColumn('thread', 'text', (col) => col.primaryKey())
        .addColumn('approved_count', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('version', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
    },
  },
  {
    name: '002_author_deletion',
    async up(db) {
      await db.schema
        .alterTable('comments')
        .addColumn('author_deletion', 'text', (col) => col.check(sql`author_deletion in ('hidden', 'placeholder')`))
        .execute();
      // A placeholder keeps its place in the thread, so the listing indexes take it in as well.
      // The predicate must read exactly as the queries' (kysely-store.ts) for the planners to match it.
      await db.schema.dropIndex('comments_thread_roots').execute();
      await db.schema.dropIndex('comments_root_replies').execute();
      await db.schema
        .createIndex('comments_thread_listed_roots')
        .on('comments')
        .columns(['thread', 'created_at', 'id'])
        .where(sql<boolean>`parent_id is null and (status = 'approved' or author_deletion = 'placeholder')`)
        .execute();
      await db.schema
        .createIndex('comments_root_listed_replies')
        .on('comments')
        .columns(['root_id', 'created_at', 'id'])
        .where(sql<boolean>`root_id is not null and (status = 'approved' or author_deletion = 'placeholder')`)
        .execute();
      // The feed: a thread's newest approved comments, replies included.
      await db.schema
        .createIndex('comments_thread_approved')
        .on('comments')
        .columns(['thread', 'created_at', 'id'])
        .where(sql<boolean>`status = 'approved'`)
        .execute();
    },
  },
  {
    name: '003_moderation',
    async up(db) {
      await db.schema
        .alterTable('comments')
        .addColumn('hold_reason', 'text')
        .execute();
      // The admin list, newest first: all comments, or one status (the pending queue).
      await db.schema.createIndex('comments_created').on('comments').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('comments_status_created').on('comments').columns(['status', 'created_at', 'id']).execute();
      await db.schema
        .createTable('spam_checks')
        .addColumn('comment_id', 'bigint', (col) => col.primaryKey().references('comments.id'))
        .addColumn('verdict', 'text', (col) => col.notNull().check(sql`verdict in ('ham', 'spam', 'unknown')`))
        .addColumn('params', 'text', (col) => col.notNull())
        .addColumn('checked_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('spam_checks_checked_at').on('spam_checks').column('checked_at').execute();
    },
  },
  {
    name: '004_rate_limits',
    async up(db) {
      // Counters of events (a post's 409s, say) per kind and key (a keyed address hash) in fixed
      // windows, shared by every instance on the database. The key leads with the window, so
      // old windows of a kind are forgotten with one range delete.
      await db.schema
        .createTable('rate_limits')
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('window_start', 'bigint', (col) => col.notNull())
        .addColumn('key', 'text', (col) => col.notNull())
        .addColumn('hits', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('rate_limits_pkey', ['kind', 'window_start', 'key'])
        .execute();
      // First-time moderation trusts an approved name and email pair: one probe of this index,
      // where the status index alone made the planners walk every approved comment.
      await db.schema
        .createIndex('comments_approved_author')
        .on('comments')
        .columns(['email', 'name'])
        .where(sql<boolean>`status = 'approved'`)
        .execute();
    },
  },
  {
    name: '005_import_keys',
    keyed: true,
    async up(db, _engine, { secret }) {
      // Imported comments were keyed by their source's ids (`wxr:<guid>:<id>`, `disqus:<id>`, the
      // demo's `colloquy-demo-seed`), which anyone could guess: each becomes the HMAC an import
      // now stores (import-key.ts), so importing the same file again still finds them. Once only:
      // a key a visitor posts in the old form later is theirs, not an import's.
      const rows = await db
        .selectFrom('comments')
        .select(['id', 'idempotency_key as key'])
        .where(sql<boolean>`substr(idempotency_key, 1, 4) = 'wxr:' or substr(idempotency_key, 1, 7) = 'disqus:' or idempotency_key = 'colloquy-demo-seed'`)
        .execute();
      const renamed = rows.filter((row) => row.key !== null && isSourceKey(row.key)).map((row) => ({ id: Number(row.id), key: importKey(secret!, row.key) }));
      for (let i = 0; i < renamed.length; i += 500) {
        const part = renamed.slice(i, i + 500);
        await db
          .updateTable('comments')
          .set({ idempotency_key: sql`case id ${sql.join(part.map((row) => sql`when ${row.id} then ${row.key}`), sql` `)} end` })
          .where('id', 'in', part.map((row) => row.id))
          .execute();
      }
    },
  },
  {
    name: '006_comment_depth',
    async up(db) {
      // How deep a reply is, so a reply past MAX_REPLY_DEPTH can be refused with one key lookup.
      await db.schema
        .alterTable('comments')
        .addColumn('depth', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      // Worked out here rather than by a recursive query: a chain may be thousands deep, past
      // what a recursive query should be asked to climb, and this reads each reply once.
      const replies = await db.selectFrom('comments').select(['id', 'parent_id']).where('parent_id', 'is not', null).execute();
      const parentOf = new Map<number, number>(replies.map((row) => [Number(row.id), Number(row.parent_id)]));
      const depthOf = new Map<number, number>();
      for (const id of parentOf.keys()) {
        const path: number[] = [];
        let at = id;
        // Climbs to a top-level comment or a reply already placed; the bound stops any cycle.
        while (parentOf.has(at) && !depthOf.has(at) && path.length <= parentOf.size) {
          path.push(at);
          at = parentOf.get(at)!;
        }
        let depth = depthOf.get(at) ?? 0;
        for (let i = path.length - 1; i >= 0; i--) depthOf.set(path[i]!, ++depth);
      }
      const byDepth = new Map<number, number[]>();
      for (const [id, depth] of depthOf) {
        const ids = byDepth.get(depth);
        if (ids) ids.push(id);
        else byDepth.set(depth, [id]);
      }
      for (const [depth, ids] of byDepth) {
        for (let i = 0; i < ids.length; i += 500) {
          await db.updateTable('comments').set({ depth }).where('id', 'in', ids.slice(i, i + 500)).execute();
        }
      }
    },
  },
  {
    name: '007_outbox',
    async up(db, engine) {
      // Every outgoing message, written in the transaction of the change that causes it, so a
      // crash neither loses one nor sends one for a change that rolled back (src/server/outbox/).
      await db.schema
        .createTable('outbox')
        .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (col) =>
          engine === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed')`))
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('due_at', 'bigint', (col) => col.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('sent_at', 'bigint')
        .addColumn('dedupe_key', 'text')
        .execute();
      // The worker's claim: due pending rows in order, and sending rows whose lease lapsed.
      await db.schema.createIndex('outbox_status_due').on('outbox').columns(['status', 'due_at', 'id']).execute();
      await db.schema.createIndex('outbox_status_lease').on('outbox').columns(['status', 'lease_until']).execute();
      // The admin list, newest first, all or one status.
      await db.schema.createIndex('outbox_status_id').on('outbox').columns(['status', 'id']).execute();
      // A key names one message that has not gone out yet; once sent or failed, the key is free again.
      await db.schema
        .createIndex('outbox_dedupe_key')
        .on('outbox')
        .column('dedupe_key')
        .unique()
        .where(sql<boolean>`dedupe_key is not null and status in ('pending', 'sending')`)
        .execute();
    },
  },
  {
    name: '008_subscriptions',
    async up(db) {
      // Reply notifications: addresses (double opt-in, suppression) and subscribed comments (mail-queries.ts).
      await createMailTables(db);
    },
  },
  {
    name: '009_host_pins_closing',
    async up(db) {
      // The site's own comments (written through the admin API), and pins (when, so pins list oldest first).
      await db.schema.alterTable('comments').addColumn('role', 'text', (col) => col.check(sql`role in ('host')`)).execute();
      await db.schema.alterTable('comments').addColumn('pinned_at', 'bigint').execute();
      await db.schema
        .createIndex('comments_thread_pinned')
        .on('comments')
        .columns(['thread', 'pinned_at', 'id'])
        .where(sql<boolean>`pinned_at is not null`)
        .execute();
      // A moderator's decision on a thread: 'closed', or 'open' (reopened: age no longer closes it); null for none.
      await db.schema
        .alterTable('thread_stats')
        .addColumn('closed_state', 'text', (col) => col.check(sql`closed_state in ('closed', 'open')`))
        .execute();
      // Settings changed from the admin page (the host's name), winning over the environment once set.
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .execute();
    },
  },
  {
    name: '010_likes',
    async up(db, engine) {
      // Each like is a row stamped with the thread's version when it was given and when it was taken
      // back, so a `top` page can rank by the counts as they were at the version its first page was
      // read at (kysely-store.ts, topRoots): no comment skipped or listed twice while likes change.
      await db.schema
        .createTable('likes')
        .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (col) =>
          engine === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('comment_id', 'bigint', (col) => col.notNull().references('comments.id'))
        .addColumn('thread', 'text', (col) => col.notNull())
        // A keyed hash of the visitor's key and the comment: not the same for two comments, so one
        // visitor's likes cannot be linked, and nothing says who liked.
        .addColumn('visitor_hash', 'text', (col) => col.notNull())
        .addColumn('liked_version', 'bigint', (col) => col.notNull())
        .addColumn('unliked_version', 'bigint')
        .execute();
      // One standing like per visitor and comment, however many presses race.
      await db.schema
        .createIndex('likes_active')
        .on('likes')
        .columns(['comment_id', 'visitor_hash'])
        .unique()
        .where(sql<boolean>`unliked_version is null`)
        .execute();
      // What changed in a thread since a version: a later `top` page corrects the counts with these alone.
      await db.schema.createIndex('likes_thread_liked').on('likes').columns(['thread', 'liked_version']).execute();
      await db.schema
        .createIndex('likes_thread_unliked')
        .on('likes')
        .columns(['thread', 'unliked_version'])
        .where(sql<boolean>`unliked_version is not null`)
        .execute();
      // The standing count, kept in the like's transaction: what the list shows and `top` walks.
      await db.schema
        .alterTable('comments')
        .addColumn('like_count', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      // A thread's listed top-level comments, most liked first, ties oldest first: the `top` pages walk this.
      await sql`create index comments_thread_top on comments (thread, like_count desc, created_at, id) where parent_id is null and (status = 'approved' or author_deletion = 'placeholder')`.execute(
        db,
      );
    },
  },
  {
    name: '011_bans',
    async up(db, engine) {
      // A moderator's bans (src/server/spam/bans.ts): of an email (a keyed hash of it) or of a client
      // address (the keyed hash of its IPv4 address or IPv6 /64 that comments.ip_hash holds).
      await db.schema
        .createTable('bans')
        .addColumn('id', engine === 'sqlite' ? 'integer' : 'bigint', (col) =>
          engine === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('email', 'address')`))
        .addColumn('value_hash', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('spam', 'refuse')`))
        .addColumn('reason', 'text')
        // What the ban list shows: a masked email, or which comment's address; never the value itself.
        .addColumn('label', 'text', (col) => col.notNull())
        .addColumn('comment_id', 'bigint')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint')
        .execute();
      await db.schema.createIndex('bans_value').on('bans').columns(['value_hash', 'kind']).execute();
      await db.schema.createIndex('bans_created').on('bans').columns(['created_at', 'id']).execute();
    },
  },
  {
    name: '012_live_events',
    async up(db) {
      // Live updates' catch-up (src/server/live/): one row per change a reader of the thread sees,
      // under the thread's version at that change. No text of the comment: it is read when sent.
      await db.schema
        .createTable('live_events')
        .addColumn('thread', 'text', (col) => col.notNull())
        .addColumn('version', 'bigint', (col) => col.notNull())
        .addColumn('comment_id', 'bigint', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('comment', 'edit', 'delete')`))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('live_events_pkey', ['thread', 'version'])
        .execute();
      await db.schema.createIndex('live_events_created').on('live_events').column('created_at').execute();
    },
  },
  {
    name: '013_thread_page',
    async up(db) {
      // The page the widget reported when the thread was first used, from a trusted origin only
      // (security/trusted-page.ts): the admin page links the thread there. Set once, never repointed.
      await db.schema.alterTable('thread_stats').addColumn('page_url', 'text').execute();
    },
  },
];

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrate(db: Kysely<Database>, engine: Engine, context: MigrationContext = {}): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    // Instances starting together against one PostgreSQL take turns; the lock ends with the transaction.
    if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await trx.schema
      .createTable('colloquy_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('applied_at', 'bigint', (col) => col.notNull())
      .execute();
    const applied = new Set((await trx.selectFrom('colloquy_migrations').select('name').execute()).map((row) => row.name));
    const ran: string[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.name) || (migration.keyed && context.secret === undefined)) continue;
      await migration.up(trx, engine, context);
      await trx.insertInto('colloquy_migrations').values({ name: migration.name, applied_at: Date.now() }).execute();
      ran.push(migration.name);
    }
    return ran;
  });
}

// Any fixed number will do; this one is "colloq" in ASCII.
const MIGRATION_LOCK = sql.lit(0x636f6c6c6f71);

/** Every migration's name, in order: what `colloquy doctor` compares a database with. */
export const migrationNames = (): string[] => MIGRATIONS.map((migration) => migration.name);
/**
 * The migrations a store needs before this code can serve it: all but the keyed ones, which
 * change data only and wait for a start that has the secret (`/healthz` asks for these).
 */
export const requiredMigrationNames = (): string[] => MIGRATIONS.filter((migration) => !migration.keyed).map((migration) => migration.name);
