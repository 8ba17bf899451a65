import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommentStore } from './comment-store.js';
import { KyselyCommentStore } from './kysely-store.js';
import { migrate, type MigrationContext } from './migrations.js';
import type { Database } from './schema.js';

/** How long a write waits for another process's lock before failing, in milliseconds. */
const BUSY_TIMEOUT_MS = 5000;
const STATEMENT_CACHE_SIZE = 200;
/** The database and its `-wal` and `-shm` hold emails and addresses: for their owner alone. */
const FILE_MODE = 0o600;
const COMPANIONS = ['', '-wal', '-shm', '-journal'];

/**
 * Opens (creating if needed) the SQLite file at `path` with the durability settings
 * the server relies on: a comment is acknowledged only once it is on disk. The file is
 * readable by its owner alone (0600), and so are the `-wal` and `-shm` beside it, which
 * SQLite creates with the database's own mode; files left more open by an older version
 * are tightened.
 */
export function openSqliteDatabase(path: string): BetterSqlite3.Database {
  mkdirSync(dirname(path), { recursive: true });
  // Created here, with its mode, before SQLite would create it with 0644 (less the umask).
  closeSync(openSync(path, 'a', FILE_MODE));
  tighten(path);
  const db = new BetterSqlite3(path);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`SQLite refused WAL mode for ${path} (got ${String(mode)}).`);
  // After journal_mode: better-sqlite3 is built to drop WAL databases to synchronous=NORMAL,
  // which can lose the last commits on power loss. FULL syncs the WAL on every commit.
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  // SQLite's own lower() folds ASCII only; PostgreSQL's folds every letter. JavaScript's
  // does too, so an admin search for "élodie" finds "Élodie" on either engine.
  db.function('lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
  // Again now that WAL made its files: another process may have made them before this one.
  tighten(path);
  return db;
}

/** Sets the database and each companion file that exists to {@link FILE_MODE}. */
function tighten(path: string): void {
  for (const file of COMPANIONS.map((suffix) => `${path}${suffix}`)) {
    if (!existsSync(file)) continue;
    try {
      chmodSync(file, FILE_MODE);
    } catch (error) {
      // A file this user may write but not chmod (another owner): say so, and carry on.
      console.error(`[colloquy] Could not make ${file} private to its owner (mode 0600): ${(error as Error).message}`);
    }
  }
}

/** A SQLite-backed {@link CommentStore}; runs the migrations before resolving. */
export async function openSqliteStore(path: string, context: MigrationContext = {}): Promise<CommentStore> {
  const sqlite = openSqliteDatabase(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrate(db, 'sqlite', context);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyCommentStore(db, {
    engine: 'sqlite',
    groupCommit: true,
    // One connection runs one transaction at a time, which already serializes writers.
    lockKeys: async () => {},
    isIdempotencyKeyConflict: (error) =>
      error instanceof BetterSqlite3.SqliteError &&
      error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      error.message.includes('comments.idempotency_key'),
    // AUTOINCREMENT already moves past any id stored explicitly.
    syncIds: async () => {},
    close: () => db.destroy(),
  });
}

// Kysely prepares every query afresh; the same few SQL texts come back on every
// request, so reusing their prepared statements saves the parse and plan.
function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
