import { Kysely, PostgresDialect, sql } from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { CommentStore } from './comment-store.js';
import { KyselyCommentStore } from './kysely-store.js';
import { migrate } from './migrations.js';
import { liveChannel, pgListener } from './pg-listener.js';
import type { Database } from './schema.js';

const INT8_OID = 20;

/**
 * Advisory lock ids for `keys`: each key's SHA-256, its first 8 bytes as a signed 64-bit
 * integer, the same on every instance. Sorted and without repeats, so two transactions
 * wanting overlapping keys take them in the same order and cannot deadlock.
 */
export function lockIds(keys: string[]): string[] {
  const ids = [...new Set(keys)].map((key) => createHash('sha256').update(key).digest().readBigInt64BE(0));
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((id) => id.toString());
}

export interface PostgresOptions {
  /** A schema to keep the tables in (created if missing); the connection's default otherwise. */
  schema?: string;
  /** Connections per instance. */
  poolSize?: number;
  /** The server's secret, for the keyed migrations (see migrations.ts). */
  secret?: string;
}

/** A PostgreSQL-backed {@link CommentStore}; runs the migrations before resolving. */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<CommentStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    // Ids, times and counts are bigint columns; all stay far below 2^53, so plain numbers are exact.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', (error) => console.error(`[colloquy] PostgreSQL connection error: ${error.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
    await migrate(db, 'postgres', { secret: options.secret });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // Live updates' own connection, made when the first reader connects (see pg-listener.ts).
  const channel = liveChannel(options.schema);
  const listener = pgListener({ connectionString: url }, channel);
  return new KyselyCommentStore(db, {
    engine: 'postgres',
    // Concurrent transactions on the pool already share WAL flushes in PostgreSQL.
    groupCommit: false,
    async lockKeys(trx, keys) {
      const ids = lockIds(keys);
      if (ids.length === 0) return;
      // unnest yields the array in order, so the locks are taken in that order.
      await sql`select pg_advisory_xact_lock(k) from unnest(${ids}::bigint[]) as k`.execute(trx);
    },
    beginLocked(keys) {
      const ids = lockIds(keys);
      // One message, two statements: `begin`, then the locks, in one round trip. A message of
      // several statements cannot carry parameters, so the lock ids are written in as numbers:
      // lockIds makes them decimal integers, nothing a client sent. The locks are their own
      // statement, before the checks: a statement reads the rows committed when it starts, so
      // the checks, sent next, see everything a transaction that held a lock before us wrote.
      const locks = ids.length === 0 ? '' : `; select pg_advisory_xact_lock(k) from unnest('{${ids.join(',')}}'::bigint[]) as k`;
      return `begin${locks}`;
    },
    isIdempotencyKeyConflict: (error) =>
      error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === 'comments_idempotency_key_key',
    async syncIds(trx) {
      // An identity column's sequence does not notice ids given explicitly.
      await sql`select setval(pg_get_serial_sequence('comments', 'id'), coalesce((select max(id) from comments), 0) + 1, false)`.execute(trx);
    },
    live: { channel, watch: (handlers) => listener.watch(handlers) },
    async close() {
      await listener.close();
      await db.destroy();
    },
  });
}
