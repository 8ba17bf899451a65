/**
 * The `colloquy` command: WordPress and Disqus imports from the sample exports in
 * test/fixtures, idempotency, malformed files, and the JSON backup's exact round trip, on
 * SQLite and (with COLLOQUY_TEST_DATABASE_URL) PostgreSQL. One test runs the real `bin`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { AdminCommentList } from '../../src/api/admin-contract.js';
import type { CommentPage } from '../../src/api/contract.js';
import { runCli } from '../../src/cli/main.js';
import { importKey } from '../../src/server/security/import-key.js';
import { openPostgresStore, openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { dropSchema, newSchemaName } from './postgres-schema.js';
import { derivedWebhookSecret } from '../../src/server/integrations/webhook.js';
import { SECRET, TestServer } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WXR = join(ROOT, 'test/fixtures/wordpress-podcast.xml');
const DISQUS = join(ROOT, 'test/fixtures/disqus-export.xml');
const EPISODE = '/2024/05/episode-42-p2p-governance/';

const scratch = mkdtempSync(join(tmpdir(), 'colloquy-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
function scratchFile(name: string, text: string): string {
  const path = join(scratch, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

/** Collects what is written to it; `isTTY` false, as in CI logs. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Database {
  /** A new handle on the same database, as each command opens its own; with `secret`, the keyed migrations run. */
  open(options?: { secret?: string }): Promise<CommentStore>;
  drop(): Promise<void>;
}

type Engine = { name: string; create(): Promise<Database> };

const engines: Engine[] = [
  {
    name: 'SQLite',
    async create() {
      const dir = mkdtempSync(join(scratch, 'db-'));
      return { open: (options) => openSqliteStore(join(dir, 'colloquy.db'), options), drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
const url = process.env.COLLOQUY_TEST_DATABASE_URL;
if (url) {
  engines.push({
    name: 'PostgreSQL',
    async create() {
      const schema = newSchemaName('cli');
      return {
        open: (options) => openPostgresStore(url, { schema, poolSize: 2, ...options }),
        drop: () => dropSchema(url, schema),
      };
    },
  });
}

async function cli(db: Database, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { env: {}, stdout, stderr, openStore: (options) => db.open(options), secret: SECRET, progressMs: 0 });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Looks at the database the way the server shows it: the public thread and the admin list. */
async function inspect<T>(db: Database, look: (s: TestServer) => Promise<T>): Promise<T> {
  const store = await db.open({ secret: SECRET });
  try {
    return await look(new TestServer(store));
  } finally {
    await store.close();
  }
}

const adminList = (s: TestServer, params: Record<string, string> = {}) =>
  s.admin('GET', `/comments?${new URLSearchParams({ limit: '100', ...params })}`).then((reply) => reply.json as AdminCommentList);

const total = (list: AdminCommentList) => Object.values(list.counts).reduce((sum, n) => sum + n, 0);

for (const engine of engines) {
  describe(`colloquy import and export on ${engine.name}`, () => {
    const dbs: Database[] = [];
    const fresh = async () => {
      const db = await engine.create();
      dbs.push(db);
      return db;
    };
    after(async () => {
      for (const db of dbs) await db.drop();
    });

    describe('import wordpress', () => {
      it('imports the comments of every post, nested, with their status, dates and authors', async () => {
        const db = await fresh();
        const result = await cli(db, 'import', 'wordpress', WXR);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.stdout.trim().split('\n'), [
          `[colloquy] Imported 8 comments into 2 threads from ${WXR}.`,
          '[colloquy] Skipped 1: a pingback or trackback (1).',
          '[colloquy] Failed 1: the comment is empty (1).',
          '[colloquy]   line 183, comment 14 on "Episode 42: P2P governance & the food co-op": the comment is empty',
          '[colloquy] 1 reply became top-level: its parent is neither in the file nor in the database.',
          '[colloquy]   line 228, comment 5 on "About the show"',
        ]);

        await inspect(db, async (s) => {
          const page = (await s.list(EPISODE)).json as CommentPage;
          assert.equal(page.count, 3);
          assert.deepEqual(
            page.comments.map((c) => [c.author.name, c.body.split('\n')[0], c.parentId === null ? 'top' : 'reply']),
            [
              ['Grace Hopper', 'Loved the part at 17:45 about "rough consensus & running code".', 'top'],
              ['Marta Ruiz', 'Thanks Grace! We’re recording that follow-up next month – stay tuned.', 'reply'],
              ['Grace Hopper', "Can't wait.", 'reply'],
            ],
          );
          const [grace, marta, again] = page.comments;
          assert.equal(marta!.parentId, grace!.id);
          assert.equal(again!.parentId, marta!.id);
          assert.equal(grace!.createdAt, '2024-05-01T09:15:00.000Z', 'wp:comment_date_gmt');
          assert.equal(grace!.author.url, 'https://grace.example/');
          assert.equal(grace!.author.avatar, again!.author.avatar, 'emails are lower-cased, so one author keeps one avatar');
          assert.equal(
            grace!.body,
            'Loved the part at 17:45 about "rough consensus & running code".\nOur co-op could use that.\n\nWould love a follow-up on how they handle disagreements (https://example.org/disagreements)!',
          );

          const all = await adminList(s, { thread: EPISODE });
          const byName = (name: string) => all.comments.find((c) => c.author.name === name)!;
          assert.deepEqual(all.counts, { pending: 1, approved: 3, spam: 1, deleted: 1 });
          assert.equal(byName('Lin').status, 'pending');
          assert.equal(byName('Lin').author.email, 'lin@mail.example');
          assert.equal(byName('Best Pills Online').status, 'spam');
          assert.equal(byName('Ada').status, 'deleted');
          assert.equal(byName('Grace Hopper').author.email, 'grace@navy.example');
          assert.ok(all.comments.every((c) => c.heldFor === null));

          const about = await adminList(s, { thread: '/about/' });
          const coward = about.comments.find((c) => c.author.name === 'Anonymous coward')!;
          assert.equal(coward.author.url, null, 'only http(s) websites are kept');
          assert.equal(coward.body, 'Is there an RSS feed? <script> tags should stay text.');
          assert.equal(coward.createdAt, '2024-01-02T09:00:00.000Z', 'wp:comment_date when the GMT date is empty');
          const orphan = about.comments.find((c) => c.author.name === 'Marta Ruiz')!;
          assert.equal(orphan.parentId, null);
          assert.equal((await s.list('/about/')).json.count, 2);
        });
      });

      it('adds nothing when the same file is imported again', async () => {
        const db = await fresh();
        assert.equal((await cli(db, 'import', 'wordpress', WXR)).code, 0);
        const before = await inspect(db, (s) => adminList(s));
        const again = await cli(db, 'import', 'wordpress', WXR);
        assert.equal(again.code, 0);
        assert.match(again.stdout, /^\[colloquy\] Imported 0 comments into 0 threads from .*\n\[colloquy\] Skipped 9: a pingback or trackback \(1\); already imported \(8\)\.\n/);
        const afterwards = await inspect(db, (s) => adminList(s));
        assert.deepEqual(afterwards, before);
      });

      it('stores each comment under a key only the server can make, so a post naming its WordPress id is a comment of its own', async () => {
        const db = await fresh();
        assert.equal((await cli(db, 'import', 'wordpress', WXR)).code, 0);
        const keys = JSON.parse((await cli(db, 'export')).stdout).comments.map((c: { idempotencyKey: string }) => c.idempotencyKey);
        assert.equal(keys.length, 8);
        for (const key of keys) assert.match(key, /^import:[A-Za-z0-9_-]{32}$/);
        assert.ok(keys.includes(importKey(SECRET, 'wxr:https://podcast.example/?p=142:7')), 'an HMAC of the source’s id');
        await inspect(db, async (s) => {
          const grace = (await s.list(EPISODE)).json.comments[0];
          const reply = await s.post({ thread: EPISODE, idempotencyKey: 'wxr:https://podcast.example/?p=142:7', body: 'Naming an imported comment.' });
          assert.equal(reply.status, 201, reply.text);
          assert.notEqual(reply.json.comment.id, grace.id);
          assert.equal(reply.json.comment.body, 'Naming an imported comment.');
        });
      });

      it('refuses a comment dated before 1970, or on no real day, with its line, and writes nothing', async () => {
        const db = await fresh();
        const good = readFileSync(WXR, 'utf8');
        const lines = good.split('\n');
        const at = lines.findIndex((line) => line.includes('2024-05-01 10:02:31'));
        for (const [date, field] of [
          ['1969-07-20 20:17:40', 'wp:comment_date_gmt'],
          ['0000-00-00 00:00:00', 'wp:comment_date'],
          ['2024-02-31 10:00:00', 'wp:comment_date_gmt'],
          ['', 'wp:comment_date'],
        ]) {
          const broken = [...lines];
          broken[at] = broken[at]!.replace('2024-05-01 10:02:31', date!);
          if (field === 'wp:comment_date') broken[at - 1] = broken[at - 1]!.replace('2024-05-01 12:02:31', date!);
          const file = scratchFile('dated.xml', broken.join('\n'));
          const result = await cli(db, 'import', 'wordpress', file);
          assert.equal(result.code, 1, date);
          assert.equal(result.stdout, '');
          const line = field === 'wp:comment_date' ? at : at + 1;
          const problem = date === '' ? `has no ${field}` : `has the ${field} "${date}", which is not a date from 1970-01-01 to 9999-12-31`;
          assert.equal(result.stderr, `[colloquy] Cannot import ${file}: line ${line}: comment 9 on "Episode 42: P2P governance & the food co-op" ${problem}. Nothing was imported.\n`);
        }
        const disqus = scratchFile('dated-disqus.xml', readFileSync(DISQUS, 'utf8').replace(/(<post dsq:id="5839920101">[\s\S]*?<createdAt>)[^<]*/, '$11969-12-31T23:59:59Z'));
        const refused = await cli(db, 'import', 'disqus', disqus);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /: line \d+: post 5839920101 has the createdAt "1969-12-31T23:59:59Z", which is not a date from 1970-01-01 to 9999-12-31\. Nothing was imported\.\n$/);
        assert.equal(total(await inspect(db, (s) => adminList(s))), 0);
      });

      it('reads 40,000 levels of nesting and 40,000 entities in one comment, and reports a malformed copy in one line', async () => {
        const db = await fresh();
        const good = readFileSync(WXR, 'utf8');
        const depth = 40_000;
        const content = `<wp:comment_content>${'<x>'.repeat(depth)}deep ${'&amp;#38;'.repeat(depth)}${'</x>'.repeat(depth)}</wp:comment_content>`;
        const deep = good.replace("<wp:comment_content><![CDATA[Can't wait.]]></wp:comment_content>", content);
        let started = performance.now();
        const result = await cli(db, 'import', 'wordpress', scratchFile('deep.xml', deep));
        assert.equal(result.code, 0, result.stderr);
        const bodies = JSON.parse((await cli(db, 'export')).stdout).comments.map((c: { body: string }) => c.body);
        assert.ok(bodies.includes(`deep ${'&'.repeat(depth)}`));
        console.log(`[colloquy] import of a comment nested 40,000 deep with 40,000 entities: ${Math.round(performance.now() - started)} ms`);

        const target = await fresh();
        started = performance.now();
        const broken = scratchFile('deep-broken.xml', deep.replace(`${'</x>'.repeat(depth)}</wp:comment_content>`, `${'</x>'.repeat(depth - 1)}</wp:comment_content>`));
        const refused = await cli(target, 'import', 'wordpress', broken);
        assert.equal(refused.code, 1);
        const said = refused.stderr.split('\n').filter((line) => !/^\[colloquy\] Reading .*%$/.test(line));
        assert.deepEqual(said, [`[colloquy] Cannot import ${broken}: line 117: </wp:comment_content> does not close <x> (opened on line 117). Nothing was imported.`, '']);
        assert.equal(total(await inspect(target, (s) => adminList(s))), 0);
        console.log(`[colloquy] refusal of the same, one </x> short: ${Math.round(performance.now() - started)} ms`);
      });

      it('keys threads by the post’s link or GUID when told to', async () => {
        for (const [key, thread] of [
          ['link', 'https://podcast.example/2024/05/episode-42-p2p-governance/'],
          ['guid', 'https://podcast.example/?p=142'],
        ]) {
          const db = await fresh();
          const result = await cli(db, 'import', 'wordpress', WXR, `--thread-key=${key}`);
          assert.equal(result.code, 0, result.stderr);
          assert.equal(await inspect(db, async (s) => (await s.list(thread!)).json.count), 3, key);
        }
        const db = await fresh();
        const bad = await cli(db, 'import', 'wordpress', WXR, '--thread-key', 'id');
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /--thread-key must be path, link or guid/);
      });

      it('reports a malformed file with the line at fault and writes nothing, even after valid comments', async () => {
        const db = await fresh();
        const good = readFileSync(WXR, 'utf8');
        const lines = good.split('\n');
        // Break the about page's second comment, far past the episode's comments.
        const at = lines.findIndex((line) => line.includes('Replying to a comment that was deleted'));
        lines[at] = lines[at]!.replace(']]></wp:comment_content>', ']]></wp:comment_contents>');
        const broken = scratchFile('broken.xml', lines.join('\n'));
        const result = await cli(db, 'import', 'wordpress', broken);
        assert.equal(result.code, 1);
        assert.equal(result.stdout, '');
        assert.equal(
          result.stderr,
          `[colloquy] Cannot import ${broken}: line ${at + 1}: </wp:comment_contents> does not close <wp:comment_content> (opened on line ${at + 1}). Nothing was imported.\n`,
        );
        assert.equal(total(await inspect(db, (s) => adminList(s))), 0);

        const entity = scratchFile('entity.xml', good.replace('<title><![CDATA[About the show]]></title>', '<title>About &nbsp; the show</title>'));
        assert.match((await cli(db, 'import', 'wordpress', entity)).stderr, /line \d+: unknown entity &nbsp;/);
        const truncated = scratchFile('truncated.xml', good.slice(0, good.indexOf('<item>', good.indexOf('<item>') + 1)));
        assert.match((await cli(db, 'import', 'wordpress', truncated)).stderr, /<channel> \(opened on line 17\) is never closed\. Nothing was imported\.\n$/);
        assert.match((await cli(db, 'import', 'wordpress', DISQUS)).stderr, /this is not a WordPress export: its root element is <disqus>, not <rss>/);
        const latin1 = scratchFile('latin1.xml', '');
        writeFileSync(latin1, Buffer.from('<rss><channel><title>Caf\xe9</title></channel></rss>', 'latin1'));
        assert.match((await cli(db, 'import', 'wordpress', latin1)).stderr, /not UTF-8/);
        assert.match((await cli(db, 'import', 'wordpress', join(scratch, 'missing.xml'))).stderr, /there is no such file/);
        assert.equal(total(await inspect(db, (s) => adminList(s))), 0);
      });

      it('says what it would do with --dry-run, and does nothing', async () => {
        const db = await fresh();
        const result = await cli(db, 'import', 'wordpress', WXR, '--dry-run');
        assert.equal(result.code, 0);
        assert.match(result.stdout, /^\[colloquy\] Would import 8 comments into 2 threads/);
        assert.match(result.stdout, /\[colloquy\] Dry run: nothing was written\.\n$/);
        assert.equal(total(await inspect(db, (s) => adminList(s))), 0);
        assert.equal(await inspect(db, async (s) => (await s.counts([EPISODE])).json.counts[EPISODE]), 0);
      });

      it('shows progress on stderr', async () => {
        const result = await cli(await fresh(), 'import', 'wordpress', WXR);
        assert.match(result.stderr, /^\[colloquy\] Reading .*wordpress-podcast\.xml: 100%$/m);
        assert.match(result.stderr, /^\[colloquy\] Importing: 8 of 8 comments$/m);
      });
    });

    describe('import disqus', () => {
      it('imports threads and posts, with deleted and spam posts, replies, and messages as text', async () => {
        const db = await fresh();
        const result = await cli(db, 'import', 'disqus', DISQUS);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.stdout.trim().split('\n'), [
          `[colloquy] Imported 5 comments into 2 threads from ${DISQUS}.`,
          '[colloquy] Failed 1: its thread 9999999999 is not in the file (1).',
          '[colloquy]   line 114, post 5839920106: its thread 9999999999 is not in the file',
        ]);
        await inspect(db, async (s) => {
          const page = (await s.list('/episodes/41/')).json as CommentPage;
          assert.equal(page.count, 2);
          assert.deepEqual(
            page.comments.map((c) => c.body),
            [
              'The tool library in our town started exactly like this.\n\nTen drills, one spreadsheet & a lot of goodwill.\nNow we have 400 members!',
              'Do you lend out ladders too? Insurance was the problem for us: https://insurance.example/guide',
            ],
          );
          assert.equal(page.comments[1]!.parentId, page.comments[0]!.id);
          const all = await adminList(s, { thread: '/episodes/41/' });
          assert.deepEqual(all.counts, { pending: 0, approved: 2, spam: 1, deleted: 1 });
          const deleted = all.comments.find((c) => c.status === 'deleted')!;
          assert.equal(deleted.parent!.name, 'Pat', 'a deleted reply keeps its place in the conversation');
          assert.equal(all.comments.find((c) => c.status === 'spam')!.author.name, 'Lucky Winner');
          assert.equal(all.comments.find((c) => c.author.name === 'Juno')!.author.email, 'juno@mail.example');
          const guest = (await adminList(s, { thread: '/episodes/42/' })).comments[0]!;
          assert.deepEqual([guest.author.name, guest.author.email, guest.body], ['Guest Listener', '', 'Guest comment without an account — “curly quotes” & an emoji 🎙️']);
          assert.equal(guest.createdAt, '2024-05-01T08:00:00.000Z');
        });
        const again = await cli(db, 'import', 'disqus', DISQUS);
        assert.match(again.stdout, /Imported 0 comments into 0 threads[^\n]*\n\[colloquy\] Skipped 5: already imported \(5\)\./);
      });

      it('keys threads by the Disqus identifier with --thread-key=id, falling back to the link’s path', async () => {
        const db = await fresh();
        assert.equal((await cli(db, 'import', 'disqus', DISQUS, '--thread-key=id')).code, 0);
        assert.deepEqual(await inspect(db, async (s) => (await s.counts(['episode-41', '/episodes/42/'])).json.counts), { 'episode-41': 2, '/episodes/42/': 1 });
      });
    });

    describe('export and import json', () => {
      it('exports every stored field; a fresh database restored from it exports the same bytes', async () => {
        const db = await fresh();
        await cli(db, 'import', 'wordpress', WXR);
        await cli(db, 'import', 'disqus', DISQUS);
        // Comments as the server makes them: held, edited, deleted by their author, with a spam check.
        const store = await db.open();
        try {
          const s = new TestServer(store, { moderation: 'first-time' });
          const first = await s.post({ thread: EPISODE, body: 'Posted through the API.' });
          await s.admin('PATCH', `/comments/${first.json.comment.id}`, { body: { status: 'approved', body: 'Edited by a moderator.' } });
          const reply = await s.post({ thread: EPISODE, parentId: first.json.comment.id });
          const gone = await s.post({ thread: '/about/', body: 'Will be deleted by its author.' });
          await s.remove(gone.json.comment.id, gone.json.editToken);
          await store.write((tx) =>
            tx.saveSpamCheck({ commentId: Number(reply.json.comment.id), verdict: 'unknown', params: { blog: 'https://podcast.example/', user_ip: '192.0.2.1' }, checkedAt: s.now }),
          );
          // The host's own comment, pinned: its role and its pin are stored fields too.
          const host = await s.admin('POST', '/comments', { body: { thread: EPISODE, parentId: null, body: 'Written by the host.' } });
          assert.equal(host.status, 201, host.text);
          assert.equal((await s.admin('POST', `/comments/${host.json.comment.id}/pin`, { body: { pinned: true } })).status, 200);
        } finally {
          await store.close();
        }

        const exported = await cli(db, 'export');
        assert.equal(exported.code, 0);
        assert.match(exported.stderr, /\[colloquy\] Exported 17 comments\.\n$/);
        const backup = JSON.parse(exported.stdout);
        assert.equal(backup.format, 'colloquy-comments');
        assert.equal(backup.comments.length, 17);
        assert.equal(exported.stdout.split('\n').length, 17 + 3, 'one comment per line');
        const held = backup.comments.find((c: { body: string }) => c.body === 'A thoughtful comment.');
        assert.deepEqual(Object.keys(held), [
          'id', 'thread', 'parentId', 'rootId', 'name', 'email', 'url', 'body', 'status', 'authorDeletion', 'holdReason', 'ipHash', 'idempotencyKey', 'createdAt', 'updatedAt', 'spamCheck', 'role', 'pinnedAt',
        ]);
        assert.equal(held.holdReason, 'moderation');
        assert.deepEqual(held.spamCheck, { verdict: 'unknown', params: { blog: 'https://podcast.example/', user_ip: '192.0.2.1' }, checkedAt: '2026-03-01T09:00:00.000Z' });
        assert.ok(backup.comments.some((c: { authorDeletion: string | null }) => c.authorDeletion === 'hidden'));
        const file = scratchFile('backup.json', exported.stdout);

        const target = await fresh();
        const restored = await cli(target, 'import', 'json', file);
        assert.equal(restored.code, 0, restored.stderr);
        assert.equal(restored.stdout, `[colloquy] Restored 17 comments from ${file}; skipped 0 already there.\n`);
        const again = await cli(target, 'export');
        assert.equal(again.stdout, exported.stdout, 'byte for byte');
        const hostShown = await inspect(target, async (s) => ((await s.list(EPISODE)).json as CommentPage).comments[0]!);
        assert.deepEqual([hostShown.body, hostShown.role, hostShown.pinned], ['Written by the host.', 'host', true], 'still the host’s, still pinned');

        const threads = [EPISODE, '/about/', '/episodes/41/', '/episodes/42/'];
        const counts = async (d: Database) => inspect(d, async (s) => (await s.counts(threads)).json.counts);
        assert.deepEqual(await counts(target), await counts(db), 'counts recomputed to the same');
        const next = await inspect(target, async (s) => (await s.post({ thread: EPISODE, body: 'After the restore.' })).json.comment.id);
        assert.ok(Number(next) > Math.max(...backup.comments.map((c: { id: number }) => c.id)), 'new comments get new ids');

        const twice = await cli(target, 'import', 'json', file);
        assert.equal(twice.stdout, `[colloquy] Restored 0 comments from ${file}; skipped 17 already there.\n`);
      });

      it('restores into a database with comments of its own, giving taken ids new ones and keeping replies with parents', async () => {
        const source = await fresh();
        await cli(source, 'import', 'disqus', DISQUS);
        const file = scratchFile('disqus-backup.json', (await cli(source, 'export')).stdout);
        const target = await fresh();
        await cli(target, 'import', 'wordpress', WXR);
        const result = await cli(target, 'import', 'json', file);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /Restored 5 comments .*; skipped 0 already there\.\n\[colloquy\] 5 comments got a new id/);
        await inspect(target, async (s) => {
          const page = (await s.list('/episodes/41/')).json as CommentPage;
          assert.equal(page.comments[1]!.parentId, page.comments[0]!.id);
          assert.equal((await s.list(EPISODE)).json.count, 3, 'what was there is untouched');
        });
      });

      it('restores a backup made before import keys were hashed once, under the keys an import makes now', async () => {
        const db = await fresh();
        await cli(db, 'import', 'wordpress', WXR);
        await cli(db, 'import', 'disqus', DISQUS);
        const exported = (await cli(db, 'export')).stdout;
        // As Colloquy wrote it before: each key the source's own id.
        const plain = new Map<string, string>();
        for (const guid of ['https://podcast.example/?p=142', 'https://podcast.example/?page_id=2']) {
          for (let id = 1; id <= 20; id++) plain.set(importKey(SECRET, `wxr:${guid}:${id}`), `wxr:${guid}:${id}`);
        }
        for (const id of [...exported.matchAll(/"dsq:id="?(\d+)/g)].map((m) => m[1])) plain.set(importKey(SECRET, `disqus:${id}`), `disqus:${id}`);
        for (const id of readFileSync(DISQUS, 'utf8').matchAll(/<post dsq:id="(\d+)"/g)) plain.set(importKey(SECRET, `disqus:${id[1]}`), `disqus:${id[1]}`);
        const old = exported.replace(/"idempotencyKey":"(import:[^"]+)"/g, (match, key: string) => (plain.has(key) ? `"idempotencyKey":${JSON.stringify(plain.get(key))}` : match));
        assert.doesNotMatch(old, /"idempotencyKey":"import:/);
        const file = scratchFile('old-backup.json', old);

        assert.match((await cli(db, 'import', 'json', file)).stdout, /Restored 0 comments .*; skipped 13 already there\./, 'the same comments, already there');
        const target = await fresh();
        assert.match((await cli(target, 'import', 'json', file)).stdout, /Restored 13 comments/);
        assert.equal((await cli(target, 'export')).stdout, exported, 'stored as an import stores them');
        assert.match((await cli(target, 'import', 'json', file)).stdout, /Restored 0 comments .*; skipped 13 already there\./);
        assert.match((await cli(target, 'import', 'wordpress', WXR)).stdout, /Imported 0 comments/);
      });

      it('refuses a backup with a time before 1970', async () => {
        const db = await fresh();
        await cli(db, 'import', 'disqus', DISQUS);
        const text = (await cli(db, 'export')).stdout.replace(/"createdAt":"2024-04-24T10:05:12\.000Z"/, '"createdAt":"1969-04-24T10:05:12.000Z"');
        const target = await fresh();
        const result = await cli(target, 'import', 'json', scratchFile('old-times.json', text));
        assert.equal(result.code, 1);
        assert.match(result.stderr, /comments\[1\] \(id 2\): createdAt must be an ISO 8601 time from 1970 to 9999 .*Nothing was imported\.\n$/);
        assert.equal(total(await inspect(target, (s) => adminList(s))), 0);
      });

      it('reports a malformed backup with where it is wrong and writes nothing', async () => {
        const db = await fresh();
        await cli(db, 'import', 'disqus', DISQUS);
        const text = (await cli(db, 'export')).stdout;
        const target = await fresh();
        const cases: [string, RegExp][] = [
          [text.replace('"thread":"/episodes/41/"', '"thread":"/episodes/41/",,'), /: line 2, column \d+: it is not valid JSON/],
          [text.replace(/"createdAt":"2024-04-24T10:05:12\.000Z"/, '"createdAt":"yesterday"'), /: comments\[1\] \(id 2\): createdAt must be an ISO 8601 time/],
          [text.replace('"status":"spam"', '"status":"junk"'), /comments\[3\] \(id 4\): status must be one of pending, approved, spam, deleted/],
          [text.replace('"parentId":2', '"parentId":99'), /comments\[2\] \(id 3\): its parentId 99 is not in the file/],
          [text.replace('"format":"colloquy-comments"', '"format":"other"'), /it is not a Colloquy export/],
          ['[]', /it is not a Colloquy export/],
        ];
        for (const [broken, message] of cases) {
          const result = await cli(target, 'import', 'json', scratchFile('broken.json', broken));
          assert.equal(result.code, 1);
          assert.match(result.stderr, message);
          assert.match(result.stderr, /Nothing was imported\.\n$/);
        }
        assert.equal(total(await inspect(target, (s) => adminList(s))), 0);
      });

      if (engine.name === 'SQLite' && url) {
        it('moves a database from SQLite to PostgreSQL unchanged', async () => {
          const sqlite = await fresh();
          await cli(sqlite, 'import', 'wordpress', WXR);
          await cli(sqlite, 'import', 'disqus', DISQUS);
          const exported = (await cli(sqlite, 'export')).stdout;
          const postgres = await engines[1]!.create();
          dbs.push(postgres);
          assert.equal((await cli(postgres, 'import', 'json', scratchFile('move.json', exported))).code, 0);
          assert.equal((await cli(postgres, 'export')).stdout, exported);
        });
      }
    });

    it('refuses unknown commands and options with the usage', async () => {
      const db = await fresh();
      for (const argv of [['import', 'blogger', WXR], ['import', 'wordpress'], ['export', 'extra'], ['import', 'json', WXR, '--thread-key=path'], ['frobnicate']]) {
        const result = await cli(db, ...argv);
        assert.equal(result.code, 1, argv.join(' '));
        assert.match(result.stderr, /Usage:/);
      }
      const help = await cli(db, '--help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, /colloquy import wordpress <file>/);
    });
  });
}

describe('the colloquy bin', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(scratch, 'bin-'));
  });

  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'src/cli/colloquy.mjs'), ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('runs the TypeScript CLI through tsx, on the database DATABASE_URL names', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'colloquy.db')}`, COLLOQUY_SECRET: 's'.repeat(32) };
    const imported = await run(['import', 'wordpress', WXR], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^\[colloquy\] Imported 8 comments into 2 threads/);
    const exported = await run(['export'], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).comments.length, 8);
  });
});

describe('colloquy settings', () => {
  const run = async (argv: string[], env: Record<string, string>) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(argv, { env, stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  it('reads DATABASE_URL as the server does, and stops on a bad one', async () => {
    const bad = await run(['import', 'wordpress', WXR], { DATABASE_URL: 'mysql://nope' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^\[colloquy\] DATABASE_URL must start with/);
  });

  it('prints the webhook secret: COLLOQUY_WEBHOOK_SECRET, or the one derived from the server’s secret', async () => {
    const dir = mkdtempSync(join(scratch, 'secret-'));
    const database = `sqlite:${join(dir, 'colloquy.db')}`;
    const derived = await run(['webhook-secret'], { DATABASE_URL: database, COLLOQUY_SECRET: SECRET });
    assert.equal(derived.stdout, `${derivedWebhookSecret(SECRET)}\n`);
    const set = 'w'.repeat(40);
    assert.equal((await run(['webhook-secret'], { COLLOQUY_WEBHOOK_URL: 'https://h.example/', COLLOQUY_PUBLIC_URL: 'https://c.example', COLLOQUY_WEBHOOK_SECRET: set })).stdout, `${set}\n`);
    const none = await run(['webhook-secret'], { DATABASE_URL: database });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /There is no secret yet in .*colloquy\.secret: start the server once, or set COLLOQUY_SECRET\./);
    writeFileSync(join(dir, 'colloquy.secret'), `${SECRET}\n`);
    assert.equal((await run(['webhook-secret'], { DATABASE_URL: database })).stdout, `${derivedWebhookSecret(SECRET)}\n`, 'the saved one');
  });
});
