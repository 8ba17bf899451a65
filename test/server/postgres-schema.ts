/**
 * Throw-away PostgreSQL schemas for the server tests: each suite gets its own, so runs
 * never see each other's rows, and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, type CommentStore } from '../../src/server/store/index.js';

export const newSchemaName = (label: string) => `colloquy_${label}_${randomBytes(6).toString('hex')}`;

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** A store in a fresh schema; `close` closes it and drops the schema. */
export async function openThrowawayStore(
  url: string,
  label: string,
): Promise<{ store: CommentStore; another(): Promise<CommentStore>; close(): Promise<void> }> {
  const schema = newSchemaName(label);
  const store = await openPostgresStore(url, { schema });
  const others: CommentStore[] = [];
  return {
    store,
    /** Another pool on the same schema: a second instance. */
    async another() {
      const other = await openPostgresStore(url, { schema });
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await store.close();
      await dropSchema(url, schema);
    },
  };
}
