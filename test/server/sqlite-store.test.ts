/** The SQLite store's durability settings, migrations, and survival of a restart. */
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CommentPage } from '../../src/api/contract.js';
import { openSqliteDatabase, openSqliteStore } from '../../src/server/store/index.js';
import { migrationNames } from '../../src/server/store/migrations.js';
import { SECRET, TestServer, uniqueThread } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'colloquy-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite store', () => {
  const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

  it('creates the database, its -wal and its -shm readable by their owner alone (0600)', async () => {
    const previous = process.umask(0o022);
    try {
      const path = join(dir, 'private', 'modes.db');
      const store = await openSqliteStore(path);
      try {
        // The migrations have written: the -wal and -shm exist while the store is open.
        for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(mode(file), '600', file);
      } finally {
        await store.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a database and its -wal and -shm left world-readable by an older version', () => {
    const previous = process.umask(0o022);
    const path = join(dir, 'loose.db');
    // What the server made before: SQLite's 0644 less the umask, the WAL files held open by a writer.
    const old = new BetterSqlite3(path);
    try {
      old.pragma('journal_mode = WAL');
      old.exec('create table t (x); insert into t values (1)');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        chmodSync(file, 0o644);
        assert.equal(mode(file), '644');
      }
      const db = openSqliteDatabase(path);
      db.close();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(mode(file), '600', file);
    } finally {
      old.close();
      process.umask(previous);
    }
  });

  it('uses WAL with synchronous=FULL, a busy timeout and foreign keys', () => {
    const db = openSqliteDatabase(join(dir, 'nested', 'pragmas.db'));
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL');
      assert.ok((db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    } finally {
      db.close();
    }
  });

  it('runs each migration once, however often it is opened', async () => {
    const path = join(dir, 'migrations.db');
    await (await openSqliteStore(path)).close();
    await (await openSqliteStore(path)).close();
    const db = openSqliteDatabase(path);
    try {
      const rows = db.prepare('select name from colloquy_migrations').all() as { name: string }[];
      const names = rows.map((row) => row.name);
      assert.deepEqual(names, [...new Set(names)], 'each once');
      for (const name of ['001_comments', '002_author_deletion', '003_moderation', '006_comment_depth']) assert.ok(names.includes(name), name);
    } finally {
      db.close();
    }
  });

  it('runs the keyed migrations (005) once it is opened with the secret, and then only once', async () => {
    const path = join(dir, 'keyed-migrations.db');
    const applied = () => {
      const db = openSqliteDatabase(path);
      try {
        return (db.prepare('select name from colloquy_migrations order by name').all() as { name: string }[]).map((row) => row.name);
      } finally {
        db.close();
      }
    };
    const all = [...migrationNames()].sort();
    assert.ok(all.includes('005_import_keys'));
    await (await openSqliteStore(path)).close();
    assert.deepEqual(applied(), all.filter((name) => name !== '005_import_keys'), 'without the secret, 005 waits');
    await (await openSqliteStore(path, { secret: SECRET })).close();
    await (await openSqliteStore(path, { secret: SECRET })).close();
    assert.deepEqual(applied(), all);
  });

  it('works out the depth of every stored reply when migration 006 runs, however deep the chain', async () => {
    const path = join(dir, 'depth.db');
    const thread = uniqueThread('depth');
    const store = await openSqliteStore(path);
    const at = Date.parse('2026-02-01T00:00:00.000Z');
    const row = { thread, name: 'A', email: 'a@mail.example', url: null, body: 'x', status: 'approved' as const, ipHash: null, createdAt: at, updatedAt: at };
    const ids = await store.write(async (tx) => {
      const root = await tx.insert({ ...row, parentId: null, rootId: null, idempotencyKey: 'depth-root' });
      const chain = [root];
      for (let i = 1; i <= 3000; i++) {
        chain.push(await tx.insert({ ...row, parentId: chain.at(-1)!.id, rootId: root.id, idempotencyKey: `depth-${i}` }));
      }
      const branch = await tx.insert({ ...row, parentId: chain[10]!.id, rootId: root.id, idempotencyKey: 'depth-branch' });
      return { root: root.id, deepest: chain.at(-1)!.id, middle: chain[1500]!.id, branch: branch.id };
    });
    await store.close();
    // As before migration 006: no depth column, and the migration not yet run.
    const db = openSqliteDatabase(path);
    db.exec("alter table comments drop column depth; delete from colloquy_migrations where name = '006_comment_depth'");
    db.close();
    const migrated = await openSqliteStore(path);
    try {
      assert.equal((await migrated.findById(ids.root))?.depth, 0);
      assert.equal((await migrated.findById(ids.middle))?.depth, 1500);
      assert.equal((await migrated.findById(ids.deepest))?.depth, 3000);
      assert.equal((await migrated.findById(ids.branch))?.depth, 11);
    } finally {
      await migrated.close();
    }
  });

  it('keeps every acknowledged comment across a close and reopen', async () => {
    const path = join(dir, 'restart.db');
    const thread = uniqueThread();
    let store = await openSqliteStore(path);
    const server = new TestServer(store);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await server.post({ thread, body: `Comment ${i}` });
      assert.equal(reply.status, 201);
      ids.push(reply.json.comment.id);
    }
    await store.close();

    store = await openSqliteStore(path);
    try {
      const page = (await new TestServer(store).list(thread, { limit: '100' })).json as CommentPage;
      assert.equal(page.count, 20);
      assert.deepEqual(page.comments.map((comment) => comment.id), ids);
    } finally {
      await store.close();
    }
  });

  it('closes right after a write: the write\'s forgetting of old live events finishes first, and old ones are gone', async (t) => {
    const path = join(dir, 'close-after-write.db');
    const stale = Date.now() - 7 * 60 * 60 * 1000;
    let store = await openSqliteStore(path);
    await store.close();
    const old = new BetterSqlite3(path);
    old.prepare("insert into live_events (thread, version, comment_id, kind, created_at) values ('old', 1, 1, 'comment', ?)").run(stale);
    old.close();
    const errors = t.mock.method(console, 'error', () => {});
    store = await openSqliteStore(path);
    // As the importer does: its last write, then close at once.
    await store.write((tx) => tx.setThreadClosed(uniqueThread(), 'closed'));
    await store.close();
    assert.deepEqual(errors.mock.calls.map((call) => String(call.arguments[0])), [], 'nothing logged');
    const check = new BetterSqlite3(path, { readonly: true });
    try {
      assert.deepEqual(check.prepare("select count(*) as n from live_events where thread = 'old'").get(), { n: 0 });
    } finally {
      check.close();
    }
  });

  it('reads a top page, and a later one while likes changed, on indexes only: no table scan, no sort', async () => {
    const path = join(dir, 'top-plan.db');
    const store = await openSqliteStore(path);
    const statements = new Set<string>();
    const prepare = BetterSqlite3.prototype.prepare;
    try {
      const server = new TestServer(store);
      const thread = uniqueThread('top-plan');
      const like = (id: string, visitor: string) =>
        server.request(`/api/comments/${id}/like`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ visitor, liked: true }) });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        ids.push((await server.post({ thread, body: `Root ${i}` })).json.comment.id);
        server.advance(1);
      }
      for (const [i, id] of ids.entries()) for (let n = 0; n < i % 3; n++) assert.equal((await like(id, `visitor-${i}-${n}-of-the-plan`)).status, 200);
      // Every statement the store prepares from here on (better-sqlite3 compiles each once).
      BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, source: string) {
        statements.add(source);
        return prepare.call(this, source);
      } as typeof prepare;
      const first = (await server.list(thread, { sort: 'top', limit: '2' })).json as CommentPage;
      assert.equal((await like(ids[0]!, 'a-visitor-between-the-pages')).status, 200);
      const second = await server.list(thread, { sort: 'top', limit: '2', cursor: first.nextCursor! });
      assert.equal(second.status, 200, second.text);
    } finally {
      BetterSqlite3.prototype.prepare = prepare;
      await store.close();
    }
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      const reads = [...statements].filter((source) => /^select/i.test(source) && /like_count|from "likes"/.test(source));
      assert.ok(reads.some((source) => /"like_count" </.test(source)), 'the later page read the smaller counts');
      assert.ok(reads.some((source) => /from "likes"/.test(source)), 'the later page read the likes changed since its snapshot');
      for (const source of reads) {
        const count = (source.match(/\?/g) ?? []).length;
        const plan = (db.prepare(`explain query plan ${source}`).all(...Array.from({ length: count }, () => 1)) as { detail: string }[]).map((row) => row.detail);
        const text = plan.join(' | ');
        assert.ok(!/USE TEMP B-TREE/.test(text), `sorted without an index: ${source} -> ${text}`);
        assert.ok(plan.every((step) => !/^SCAN (comments|likes)\b/.test(step) || /USING (COVERING )?INDEX/.test(step)), `a table scan: ${source} -> ${text}`);
        if (/from "likes"/.test(source)) assert.match(text, /likes_thread_(liked|unliked)|likes_active/, source);
        else if (/order by "like_count" desc|"like_count" [=<]/.test(source)) assert.match(text, /comments_thread_top/, source);
      }
    } finally {
      db.close();
    }
  });
});

