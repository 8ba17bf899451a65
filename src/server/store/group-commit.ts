/**
 * Group commit for SQLite. Each commit waits for one fsync of the WAL, and SQLite runs one
 * write transaction at a time, so durable writes one by one top out at the disk's fsync
 * rate. Writes that arrive while one is committing wait together and then share a single
 * transaction (and fsync); each runs inside its own savepoint, so one failing (a duplicate,
 * a flood) leaves the others intact. Every caller still hears back only after the commit.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

interface Job<Tx> {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Bounds how long one batch holds the database (reads wait for it) under a burst.
const MAX_BATCH = 64;

export function groupCommit<Tx>(
  db: Kysely<Database>,
  wrap: (trx: Transaction<Database>) => Tx,
): <T>(work: (tx: Tx) => Promise<T>) => Promise<T> {
  const queue: Job<Tx>[] = [];
  let draining = false;

  async function commit(batch: Job<Tx>[]): Promise<void> {
    if (batch.length === 1) {
      const [job] = batch;
      await db.transaction().execute((trx) => job!.work(wrap(trx))).then(job!.resolve, job!.reject);
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        const tx = wrap(trx);
        for (const job of batch) {
          await sql`savepoint colloquy_write`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await job.work(tx) });
          } catch (error) {
            await sql`rollback to savepoint colloquy_write`.execute(trx);
            outcomes.push({ ok: false, error });
          }
          await sql`release savepoint colloquy_write`.execute(trx);
        }
      });
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) await commit(queue.splice(0, MAX_BATCH));
    draining = false;
  }

  return <T>(work: (tx: Tx) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!draining) {
        draining = true;
        // Let requests already read from their sockets join this first batch.
        setImmediate(() => void drain());
      }
    });
}
