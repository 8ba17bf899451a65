/**
 * Reply notifications' queries, over migration 008's tables (typed in schema.ts): each address
 * that asked for email and where it stands (double opt-in, suppression), and each comment whose
 * author wants to hear of replies.
 * The same queries on both engines. src/server/integrations/mail/notifications.ts decides; this stores.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, MailAddressState } from './schema.js';

export interface MailAddress {
  email: string;
  state: MailAddressState;
  locale: string | null;
  confirmNonce: string | null;
  requestedAt: number | null;
  confirmSentAt: number | null;
  confirmedAt: number | null;
  suppressedAt: number | null;
}

export interface Subscription {
  commentId: number;
  email: string;
  thread: string;
  locale: string | null;
  page: string | null;
  createdAt: number;
  scheduledUntil: number | null;
  notifiedThrough: number;
}

/** A reply as a notification shows it: never its author's email (read only to leave out self-replies). */
export interface NotifiedReply {
  id: number;
  name: string;
  body: string;
  createdAt: number;
}

/** Which subscriptions an unsubscribe ends. */
export type UnsubscribeScope = { commentId: number } | { email: string; thread: string } | { email: string };

const ADDRESS_COLUMNS = [
  'email',
  'state',
  'locale',
  'confirm_nonce as confirmNonce',
  'requested_at as requestedAt',
  'confirm_sent_at as confirmSentAt',
  'confirmed_at as confirmedAt',
  'suppressed_at as suppressedAt',
] as const;

const SUBSCRIPTION_COLUMNS = [
  'comment_id as commentId',
  'email',
  'thread',
  'locale',
  'page',
  'created_at as createdAt',
  'scheduled_until as scheduledUntil',
  'notified_through as notifiedThrough',
] as const;

export async function mailAddress(db: Kysely<Database>, email: string): Promise<MailAddress | undefined> {
  return db.selectFrom('mail_addresses').select(ADDRESS_COLUMNS).where('email', '=', email).executeTakeFirst();
}

export async function mailAddressByNonce(db: Kysely<Database>, nonce: string): Promise<MailAddress | undefined> {
  return db.selectFrom('mail_addresses').select(ADDRESS_COLUMNS).where('confirm_nonce', '=', nonce).executeTakeFirst();
}

export async function saveMailAddress(db: Kysely<Database>, address: MailAddress): Promise<void> {
  const values = {
    state: address.state,
    locale: address.locale,
    confirm_nonce: address.confirmNonce,
    requested_at: address.requestedAt,
    confirm_sent_at: address.confirmSentAt,
    confirmed_at: address.confirmedAt,
    suppressed_at: address.suppressedAt,
  };
  await db
    .insertInto('mail_addresses')
    .values({ email: address.email, ...values })
    .onConflict((oc) => oc.column('email').doUpdateSet(values))
    .execute();
}

/** Stores a subscription; one that exists for the comment already is kept as it is. */
export async function subscribe(db: Kysely<Database>, subscription: Omit<Subscription, 'scheduledUntil' | 'notifiedThrough'>): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({
      comment_id: subscription.commentId,
      email: subscription.email,
      thread: subscription.thread,
      locale: subscription.locale,
      page: subscription.page,
      created_at: subscription.createdAt,
      scheduled_until: null,
      notified_through: 0,
    })
    .onConflict((oc) => oc.column('comment_id').doNothing())
    .execute();
}

export async function subscription(db: Kysely<Database>, commentId: number): Promise<Subscription | undefined> {
  return db.selectFrom('subscriptions').select(SUBSCRIPTION_COLUMNS).where('comment_id', '=', commentId).executeTakeFirst();
}

export async function subscriptionsOf(db: Kysely<Database>, email: string): Promise<Subscription[]> {
  return db.selectFrom('subscriptions').select(SUBSCRIPTION_COLUMNS).where('email', '=', email).orderBy('comment_id').execute();
}

export async function updateSubscription(
  db: Kysely<Database>,
  commentId: number,
  change: { scheduledUntil?: number; notifiedThrough?: number },
): Promise<void> {
  const set: { scheduled_until?: number; notified_through?: ReturnType<typeof sql<number>> } = {};
  if (change.scheduledUntil !== undefined) set.scheduled_until = change.scheduledUntil;
  // Only ever forward: two sends finishing out of order never step it back.
  if (change.notifiedThrough !== undefined) {
    set.notified_through = sql<number>`case when notified_through < ${change.notifiedThrough} then ${change.notifiedThrough} else notified_through end`;
  }
  if (Object.keys(set).length === 0) return;
  await db.updateTable('subscriptions').set(set).where('comment_id', '=', commentId).execute();
}

/** Ends the subscriptions in `scope`; returns how many there were. */
export async function unsubscribe(db: Kysely<Database>, scope: UnsubscribeScope): Promise<number> {
  let query = db.deleteFrom('subscriptions');
  if ('commentId' in scope) query = query.where('comment_id', '=', scope.commentId);
  else {
    query = query.where('email', '=', scope.email);
    if ('thread' in scope) query = query.where('thread', '=', scope.thread);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Forgets opt-ins never confirmed that were made before `before`: an unconfirmed address with its
 * subscriptions, and the subscriptions a suppressed address asked for afresh (it stays suppressed).
 */
export async function forgetUnconfirmed(db: Kysely<Database>, before: number): Promise<void> {
  const stale = db
    .selectFrom('mail_addresses')
    .select('email')
    .where('state', '!=', 'confirmed')
    .where('requested_at', '<', before);
  await db.deleteFrom('subscriptions').where('email', 'in', stale).execute();
  await db
    .updateTable('mail_addresses')
    .set({ requested_at: null, confirm_nonce: null })
    .where('state', '=', 'suppressed')
    .where('requested_at', '<', before)
    .execute();
  await db.deleteFrom('mail_addresses').where('state', '=', 'unconfirmed').where('requested_at', '<', before).execute();
}

/**
 * The approved direct replies to `parentId` after reply `afterId`, oldest first, at most
 * `limit`, leaving out those written with `parentEmail` (its author's own), and how many there are in all.
 */
export async function newReplies(
  db: Kysely<Database>,
  parentId: number,
  parentEmail: string,
  afterId: number,
  limit: number,
): Promise<{ replies: NotifiedReply[]; total: number; lastId: number }> {
  const base = db
    .selectFrom('comments')
    .where('parent_id', '=', parentId)
    .where('status', '=', sql.lit('approved'))
    .where('id', '>', afterId)
    .where('email', '!=', parentEmail);
  const replies = await base.select(['id', 'name', 'body', 'created_at as createdAt']).orderBy('id').limit(limit).execute();
  const { total, lastId } = await base
    .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.max('id').as('lastId')])
    .executeTakeFirstOrThrow();
  return { replies, total: Number(total), lastId: Number(lastId ?? afterId) };
}

/** Subscriptions per thread whose address is confirmed: the admin's subscriber counts (no address). */
export async function subscriberCounts(db: Kysely<Database>, threads: string[] | null): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('subscriptions')
    .innerJoin('mail_addresses', 'mail_addresses.email', 'subscriptions.email')
    .select((eb) => ['subscriptions.thread as thread', eb.fn.count<number>('subscriptions.email').distinct().as('count')])
    .where('mail_addresses.state', '=', 'confirmed')
    .$if(threads !== null, (qb) => qb.where('subscriptions.thread', 'in', threads!.length > 0 ? threads! : ['']))
    .groupBy('subscriptions.thread')
    .execute();
  return new Map(rows.map((row) => [row.thread, Number(row.count)]));
}

/** Migration 008's tables: shipped, so never changed (a later change is a new migration). */
export async function createMailTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_addresses')
    .addColumn('email', 'text', (col) => col.primaryKey())
    .addColumn('state', 'text', (col) => col.notNull().check(sql`state in ('unconfirmed', 'confirmed', 'suppressed')`))
    .addColumn('locale', 'text')
    .addColumn('confirm_nonce', 'text', (col) => col.unique())
    .addColumn('requested_at', 'bigint')
    .addColumn('confirm_sent_at', 'bigint')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('suppressed_at', 'bigint')
    .execute();
  // Expired opt-ins are forgotten by one range of this.
  await db.schema.createIndex('mail_addresses_requested').on('mail_addresses').columns(['requested_at']).where(sql<boolean>`requested_at is not null`).execute();
  await db.schema
    .createTable('subscriptions')
    .addColumn('comment_id', 'bigint', (col) => col.primaryKey())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('thread', 'text', (col) => col.notNull())
    .addColumn('locale', 'text')
    .addColumn('page', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('scheduled_until', 'bigint')
    .addColumn('notified_through', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  // "Stop for this episode" and "stop all": an address's subscriptions, by thread.
  await db.schema.createIndex('subscriptions_email_thread').on('subscriptions').columns(['email', 'thread']).execute();
  await db.schema.createIndex('subscriptions_thread').on('subscriptions').columns(['thread']).execute();
  // A notification reads a comment's direct replies.
  await db.schema.createIndex('comments_parent').on('comments').columns(['parent_id', 'id']).where(sql<boolean>`parent_id is not null`).execute();
}
