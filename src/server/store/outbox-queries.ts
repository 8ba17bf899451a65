/**
 * The outbox's queries (migration 007), the same on both engines but for the claim: PostgreSQL
 * skips rows another instance's claim has locked (`FOR UPDATE SKIP LOCKED`); SQLite runs one
 * write at a time, so its claim statement is atomic as it stands.
 */
import type { Kysely } from 'kysely';
import type { Engine, OutboxClaim, OutboxListQuery, OutboxMessage, OutboxOutcome, OutboxRow, OutboxStatus } from './comment-store.js';
import type { Database } from './schema.js';

const COLUMNS = [
  'id',
  'kind',
  'payload',
  'status',
  'attempts',
  'due_at as dueAt',
  'lease_until as leaseUntil',
  'last_error as lastError',
  'created_at as createdAt',
  'sent_at as sentAt',
  'dedupe_key as dedupeKey',
] as const;

const STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

type Row = Omit<OutboxRow, 'payload'> & { payload: string };

const toRow = (row: Row): OutboxRow => ({
  ...row,
  attempts: Number(row.attempts),
  payload: JSON.parse(row.payload) as unknown,
});

export async function enqueue(db: Kysely<Database>, message: OutboxMessage, now: number): Promise<void> {
  const payload = JSON.stringify(message.payload);
  if (typeof payload !== 'string') throw new TypeError('An outbox payload must be JSON-serialisable.');
  if (!Number.isFinite(message.dueAt)) throw new TypeError('An outbox message needs a dueAt in milliseconds.');
  await db
    .insertInto('outbox')
    .values({
      kind: message.kind,
      payload,
      status: 'pending',
      attempts: 0,
      due_at: Math.round(message.dueAt),
      lease_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
      dedupe_key: message.dedupeKey ?? null,
    })
    // The only unique index besides the key is the id's: a conflict is a taken dedupe key.
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function claim(db: Kysely<Database>, engine: Engine, kinds: string[], now: number, leaseUntil: number, limit: number): Promise<OutboxRow[]> {
  if (kinds.length === 0 || limit < 1) return [];
  const due = db
    .selectFrom('outbox')
    .select('id')
    .where('kind', 'in', kinds)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('due_at', '<=', now)]),
        // A worker that claimed it and then died (or hung past its lease): taken over.
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]),
    )
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .$if(engine === 'postgres', (qb) => qb.forUpdate().skipLocked());
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), lease_until: leaseUntil }))
    .where('id', 'in', due)
    .returning(COLUMNS)
    .execute();
  return rows.map((row) => toRow(row as Row)).sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
}

export async function renew(db: Kysely<Database>, claims: OutboxClaim[], leaseUntil: number): Promise<number[]> {
  const held: number[] = [];
  for (const { id, attempt } of claims) {
    const result = await db
      .updateTable('outbox')
      .set({ lease_until: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('attempts', '=', attempt)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) held.push(id);
  }
  return held;
}

export async function finish(db: Kysely<Database>, { id, attempt }: OutboxClaim, outcome: OutboxOutcome): Promise<boolean> {
  const values =
    outcome.status === 'sent'
      ? { status: 'sent' as const, sent_at: outcome.at, lease_until: null }
      : outcome.status === 'pending'
        ? { status: 'pending' as const, due_at: outcome.dueAt, last_error: outcome.error, lease_until: null }
        : { status: 'failed' as const, last_error: outcome.error, lease_until: null };
  const result = await db
    .updateTable('outbox')
    .set(values)
    .where('id', '=', id)
    .where('status', '=', 'sending')
    // Taken over by another worker after this one's lease lapsed: that claim decides now.
    .where('attempts', '=', attempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function prune(db: Kysely<Database>, sentBefore: number, failedBefore: number): Promise<void> {
  await db.deleteFrom('outbox').where('status', '=', 'sent').where('sent_at', '<', sentBefore).execute();
  // A failed message's due_at is when its last try was due.
  await db.deleteFrom('outbox').where('status', '=', 'failed').where('due_at', '<', failedBefore).execute();
}

export async function list(db: Kysely<Database>, { statuses, limit, beforeId }: OutboxListQuery): Promise<{ rows: OutboxRow[]; more: boolean }> {
  const rows = await db
    .selectFrom('outbox')
    .select(COLUMNS)
    .$if(statuses !== null, (qb) => qb.where('status', 'in', statuses!))
    .$if(beforeId !== null, (qb) => qb.where('id', '<', beforeId!))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit).map((row) => toRow(row as Row)), more: rows.length > limit };
}

export async function counts(db: Kysely<Database>): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const out = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<OutboxStatus, number>;
  for (const row of rows) out[row.status] = Number(row.count);
  return out;
}

export async function find(db: Kysely<Database>, id: number): Promise<OutboxRow | undefined> {
  const row = await db.selectFrom('outbox').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toRow(row as Row);
}

/** One statement, so no transaction is needed: the key's check and the update stand together. */
export async function retry(db: Kysely<Database>, id: number, now: number): Promise<OutboxRow | undefined | 'not_failed' | 'superseded'> {
  const row = await find(db, id);
  if (!row) return undefined;
  if (row.status !== 'failed') return 'not_failed';
  const liveKey = async () =>
    row.dedupeKey !== null &&
    (await db
      .selectFrom('outbox')
      .select('id')
      .where('dedupe_key', '=', row.dedupeKey)
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirst()) !== undefined;
  let result;
  try {
    // Attempts keep counting, so a claim from before can never be mistaken for a new one.
    result = await db
      .updateTable('outbox')
      .set({ status: 'pending', due_at: now, lease_until: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .where((eb) =>
        eb.or([
          eb('dedupe_key', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('outbox as live')
                .select('live.id')
                .whereRef('live.dedupe_key', '=', 'outbox.dedupe_key')
                .where('live.status', 'in', ['pending', 'sending']),
            ),
          ),
        ]),
      )
      .executeTakeFirst();
  } catch (error) {
    // A message with the key was written between the check and the update: the unique index refused.
    if (await liveKey()) return 'superseded';
    throw error;
  }
  if (result.numUpdatedRows === 0n) return (await liveKey()) ? 'superseded' : 'not_failed';
  return { ...row, status: 'pending', dueAt: now, leaseUntil: null };
}
