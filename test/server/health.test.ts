/**
 * `GET /healthz` and the migrations: an instance whose database misses one of this code's
 * migrations, or holds one this code does not know (a newer version migrated it), is not fit
 * to serve. On a real SQLite file, and on PostgreSQL when COLLOQUY_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore, openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { requiredMigrationNames } from '../../src/server/store/migrations.js';
import { SECRET, TestServer } from './helpers.js';
import { dropSchema, newSchemaName } from './postgres-schema.js';

interface Engine {
  name: string;
  open(): Promise<{ store: CommentStore; run(statement: string, ...params: string[]): Promise<void>; close(): Promise<void> }>;
}

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const engines: Engine[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'colloquy-health-'));
      dirs.push(dir);
      const path = join(dir, 'colloquy.db');
      const store = await openSqliteStore(path, { secret: SECRET });
      // Another connection to the same file, as a second process (or a person with sqlite3) would change it.
      const db = new BetterSqlite3(path);
      return {
        store,
        async run(statement, ...params) {
          db.prepare(statement.replace(/\$\d/g, '?')).run(...params);
        },
        async close() {
          db.close();
          await store.close();
        },
      };
    },
  },
];
const url = process.env.COLLOQUY_TEST_DATABASE_URL;
if (url) {
  engines.push({
    name: 'PostgreSQL',
    async open() {
      const schema = newSchemaName('health');
      const store = await openPostgresStore(url, { schema, secret: SECRET });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`set search_path to ${schema}`);
      return {
        store,
        async run(statement, ...params) {
          await client.query(statement, params);
        },
        async close() {
          await client.end();
          await store.close();
          await dropSchema(url, schema);
        },
      };
    },
  });
}

for (const engine of engines) {
  describe(`GET /healthz and the migrations on ${engine.name}`, () => {
    it('answers 200 with every migration applied, 503 migrations_pending with one missing, 503 migrations_unknown with one from a newer version', async () => {
      const db = await engine.open();
      try {
        const s = new TestServer(db.store);
        assert.deepEqual((await s.request('/healthz')).json, { ok: true });
        const last = requiredMigrationNames().at(-1)!;
        await db.run('delete from colloquy_migrations where name = $1', last);
        let reply = await s.request('/healthz');
        assert.equal(reply.status, 503);
        assert.deepEqual(reply.json, { ok: false, reason: 'migrations_pending' });
        assert.ok(s.logged.some((line) => line.includes(last)), 'the log names the missing migration');
        await db.run('insert into colloquy_migrations (name, applied_at) values ($1, 0)', last);
        assert.deepEqual((await s.request('/healthz')).json, { ok: true });
        await db.run('insert into colloquy_migrations (name, applied_at) values ($1, 0)', '999_from_the_future');
        reply = await s.request('/healthz');
        assert.equal(reply.status, 503);
        assert.deepEqual(reply.json, { ok: false, reason: 'migrations_unknown' });
      } finally {
        await db.close();
      }
    });
  });
}
