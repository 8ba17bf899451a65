import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { CommentStore } from './comment-store.js';
import { KyselyCommentStore } from './kysely-store.js';
import { migrate } from './migrations.js';
import { liveChannel, pgListener } from './pg-listener.js';
import type { Database } from './schema.js';

const INT8_OID = 20;

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
      // Sorted, so two transactions wanting overlapping keys cannot deadlock.
      const sorted = [...new Set(keys)].sort();
      if (sorted.length === 0) return;
      // unnest yields the array in order, so the locks are taken in that order.
      await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${sorted}::text[]) as k`.execute(trx);
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
