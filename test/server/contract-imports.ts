/**
 * What imports and older versions left in the database, as part of the contract suite: run
 * against each engine from contract-suite.ts. Imported comments' keys cannot be guessed (and an
 * older database's are rewritten at start, migration 005); no stored time makes a 5xx.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EDIT_WINDOW_SECONDS } from '../../src/api/contract.js';
import { importComments } from '../../src/cli/importer.js';
import { seedDemo } from '../../src/server/demo/demo.js';
import { editTokens } from '../../src/server/security/edit-token.js';
import { importKey } from '../../src/server/security/import-key.js';
import { openPostgresStore, openSqliteStore, type CommentStore, type ImportedComment } from '../../src/server/store/index.js';
import type { SuiteContext } from './contract-suite.js';
import { SECRET, TestServer, uniqueKey, uniqueThread } from './helpers.js';
import { dropSchema, newSchemaName } from './postgres-schema.js';

const MOON_LANDING = Date.UTC(1969, 6, 20, 20, 17, 40);

function imported(fields: Partial<ImportedComment> & Pick<ImportedComment, 'thread'>): ImportedComment {
  return {
    parentId: null,
    rootId: null,
    name: 'Imported',
    email: 'imported@mail.example',
    url: null,
    body: 'An imported comment.',
    status: 'approved',
    ipHash: null,
    idempotencyKey: uniqueKey(),
    createdAt: Date.UTC(2024, 4, 1),
    updatedAt: Date.UTC(2024, 4, 1),
    authorDeletion: null,
    holdReason: null,
    ...fields,
  };
}

/** A database of its own on the suite's engine, to open as often as a test needs, with or without the secret. */
function freshDatabase(engine: CommentStore['engine']): { open(secret?: string): Promise<CommentStore>; drop(): Promise<void> } {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-imports-'));
    return { open: (secret) => openSqliteStore(join(dir, 'colloquy.db'), { secret }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = process.env.COLLOQUY_TEST_DATABASE_URL!;
  const schema = newSchemaName('imports');
  return { open: (secret) => openPostgresStore(url, { schema, poolSize: 2, secret }), drop: () => dropSchema(url, schema) };
}

export function importsContract({ server, store }: SuiteContext): void {
  describe('imported and older data', () => {
    const drops: (() => Promise<void>)[] = [];
    after(async () => {
      for (const drop of drops) await drop();
    });
    const fresh = () => {
      const db = freshDatabase(store().engine);
      drops.push(db.drop);
      return db;
    };

    it('answers about a comment dated before 1970 without a 5xx, and its edit token opens nothing', async () => {
      const s = server();
      const thread = uniqueThread();
      const key = uniqueKey();
      const id = await store().write((tx) => tx.insertImported(imported({ thread, idempotencyKey: key, createdAt: MOON_LANDING, updatedAt: MOON_LANDING })));
      const listed = await s.list(thread);
      assert.equal(listed.status, 200);
      assert.equal(listed.json.comments[0].createdAt, '1969-07-20T20:17:40.000Z');
      const tokens = editTokens(SECRET);
      // Signed by this server, so the check reaches the comment's own window: once, a throw there was a 500.
      for (const createdAt of [MOON_LANDING, s.now, -8.64e15, 2 ** 60]) {
        const { token } = tokens.issue({ id, createdAt });
        assert.equal((await s.edit(String(id), { body: 'Edited.' }, token)).status, 403, String(createdAt));
        assert.equal((await s.remove(String(id), token)).status, 403, String(createdAt));
        assert.equal(tokens.verify(`Bearer ${token}`, { id, createdAt }, s.now), createdAt + EDIT_WINDOW_SECONDS * 1000 > s.now, 'a window not over is open, one long over is not');
      }
      const replay = await s.post({ thread, idempotencyKey: key, body: 'An imported comment.', author: { name: 'Imported', email: 'imported@mail.example' } });
      assert.ok(replay.status < 500, replay.text);
      const admin = await s.admin('GET', `/comments?${new URLSearchParams({ thread })}`);
      assert.equal(admin.status, 200);
    });

    it('answers about a comment dated beyond what a Date can hold without a 5xx, in every view', async () => {
      const s = server();
      const thread = uniqueThread();
      // Only a hand-edited or foreign database holds such a time: Date#toISOString throws on it.
      const farFuture = 2 ** 60;
      await store().write(async (tx) => {
        await tx.insertImported(imported({ thread, createdAt: farFuture, updatedAt: farFuture }));
        await tx.recountThreads([thread]);
      });
      const listed = await s.list(thread);
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.json.comments[0].createdAt, '+275760-09-13T00:00:00.000Z');
      for (const path of [`/api/threads/html?${new URLSearchParams({ thread })}`, `/api/threads/atom?${new URLSearchParams({ thread })}`]) {
        const answer = await s.request(path);
        assert.equal(answer.status, 200, path);
      }
      const admin = await s.admin('GET', `/comments?${new URLSearchParams({ thread })}`);
      assert.equal(admin.status, 200, admin.text);
    });

    it('rewrites an older database’s guessable import keys at start, once; a post naming one is a comment of its own', async () => {
      const db = fresh();
      const thread = uniqueThread();
      const guid = 'https://podcast.example/?p=142';
      // As an older Colloquy left it: opened without the secret, migration 005 waits.
      let old = await db.open();
      const ids = await old.write(async (tx) => {
        const root = await tx.insertImported(imported({ thread, idempotencyKey: `wxr:${guid}:7`, status: 'pending', body: 'Held: for moderators only.' }));
        const reply = await tx.insertImported(imported({ thread, idempotencyKey: `wxr:${guid}:9`, parentId: root, rootId: root }));
        const disqus = await tx.insertImported(imported({ thread, idempotencyKey: 'disqus:5839920101' }));
        const posted = await tx.insertImported(imported({ thread, idempotencyKey: 'wxr-like but posted' }));
        await tx.recountThreads([thread]);
        return { root, reply, disqus, posted };
      });
      await old.close();

      const store = await db.open(SECRET);
      try {
        const keyOf = async (id: number) => (await store.findById(id))!.idempotencyKey;
        assert.equal(await keyOf(ids.root), importKey(SECRET, `wxr:${guid}:7`));
        assert.equal(await keyOf(ids.reply), importKey(SECRET, `wxr:${guid}:9`));
        assert.equal(await keyOf(ids.disqus), importKey(SECRET, 'disqus:5839920101'));
        assert.equal(await keyOf(ids.posted), 'wxr-like but posted');

        const s = new TestServer(store);
        for (const key of [`wxr:${guid}:7`, 'disqus:5839920101']) {
          const reply = await s.post({ thread, idempotencyKey: key, body: `Naming ${key}.` });
          assert.equal(reply.status, 201, reply.text);
          assert.ok(![ids.root, ids.disqus].map(String).includes(reply.json.comment.id), 'a new comment, not the imported one');
          assert.doesNotMatch(reply.text, /Held: for moderators only/);
        }

        // Importing the same source again finds the rewritten comments.
        const source = (key: string, parentKey: string | null) => ({
          key, parentKey, thread, name: 'Imported', email: 'imported@mail.example', url: null, body: 'An imported comment.', status: 'approved' as const, createdAt: Date.UTC(2024, 4, 1), where: key,
        });
        const report = await importComments(store, { comments: [source(`wxr:${guid}:7`, null), source(`wxr:${guid}:9`, `wxr:${guid}:7`)], skipped: [], failed: [] }, { secret: SECRET });
        assert.equal(report.imported, 0);
        assert.deepEqual(report.skipped.map((outcome) => outcome.reason), ['already imported', 'already imported']);
      } finally {
        await store.close();
      }

      // A key posted in the old form after the migration is the poster's: no later start rewrites it.
      const again = await db.open(SECRET);
      const late = await new TestServer(again).post({ thread, idempotencyKey: `wxr:${guid}:11`, body: 'Posted later.' }).finally(() => again.close());
      assert.equal(late.status, 201, late.text);
      const reopened = await db.open(SECRET);
      try {
        assert.equal((await reopened.findById(Number(late.json.comment.id)))!.idempotencyKey, `wxr:${guid}:11`);
      } finally {
        await reopened.close();
      }
    });

    it('seeds the demo thread with a comment no post can name', async () => {
      const db = fresh();
      const store = await db.open(SECRET);
      try {
        assert.equal(await seedDemo(store), true);
        const [seed] = (await store.adminList({ statuses: null, search: null, thread: null, since: null, before: null, sort: 'newest', limit: 10, after: null })).comments;
        assert.equal(seed!.idempotencyKey, null);
      } finally {
        await store.close();
      }
    });
  });
}
