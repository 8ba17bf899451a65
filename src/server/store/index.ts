/** Opens the store the configuration names. */
import type { DatabaseConfig } from '../config.js';
import type { CommentStore } from './comment-store.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';

export * from './comment-store.js';
export { openPostgresStore, type PostgresOptions } from './postgres.js';
export { openSqliteDatabase, openSqliteStore } from './sqlite.js';

/** `secret`: the server's, so the keyed migrations run (see migrations.ts). */
export function openStore(database: DatabaseConfig, { secret }: { secret?: string } = {}): Promise<CommentStore> {
  return database.engine === 'sqlite' ? openSqliteStore(database.path, { secret }) : openPostgresStore(database.url, { secret });
}
