/**
 * Issue 14, parts 1, 2 and 5 (docs/api.md, docs/admin-api.md): comments written as the site
 * (`role: 'host'`, only through the admin API), pinned comments (first on the first page
 * whatever the sort, through every cursor page, at most 3), and closed threads (by hand and by
 * age: posts and replies refused with 403 `thread_closed`, the thread still listed and counted).
 * Part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AdminComment, AdminThreadList } from '../../src/api/admin-contract.js';
import type { Comment, CommentPage, SortOrder } from '../../src/api/contract.js';
import type { SuiteContext } from './contract-suite.js';
import { assertError, uniqueThread, type Reply, type TestServer } from './helpers.js';

const DAY_SECONDS = 24 * 60 * 60;

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

function ok(reply: Reply): any {
  assert.equal(reply.status, 200, reply.text);
  return reply.json;
}

const hostPost = (s: TestServer, body: Record<string, unknown>) => s.admin('POST', '/comments', { body });
const pin = (s: TestServer, id: string, pinned: unknown = true) => s.admin('POST', `/comments/${id}/pin`, { body: { pinned } });
const close = (s: TestServer, thread: string, closed: unknown) => s.admin('POST', `/threads/${encodeURIComponent(thread)}/close`, { body: { closed } });

/** The 403 a post to a closed thread gets. */
function assertClosed(reply: Reply): void {
  assert.equal(reply.status, 403, reply.text);
  assert.deepEqual(reply.json, { error: { code: 'thread_closed', message: 'Comments are closed on this page.' } });
}

/** Every top-level id of a thread, page after page, in `sort` with pages of `limit`; and each page's pinned ids. */
async function walk(s: TestServer, thread: string, sort: SortOrder, limit: number): Promise<{ ids: string[]; pinned: string[] }> {
  const ids: string[] = [];
  const pinned: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const params: Record<string, string> = { sort, limit: String(limit) };
    if (cursor) params.cursor = cursor;
    const page = ok(await s.list(thread, params)) as CommentPage;
    const roots = page.comments.filter((comment) => comment.parentId === null);
    assert.ok(roots.length <= limit);
    ids.push(...roots.map((comment) => comment.id));
    pinned.push(...roots.filter((comment) => comment.pinned === true).map((comment) => comment.id));
    for (const comment of page.comments) if (comment.pinned !== undefined) assert.equal(comment.pinned, true);
    cursor = page.nextCursor;
    if (!cursor) return { ids, pinned };
  }
  assert.fail('the pages never end');
}

export function hostPinsContract({ server, store }: SuiteContext): void {
  describe('host comments (role: host)', () => {
    after(async () => {
      // The name saved from the admin page applies to every server on this database: forget it.
      await store().saveSetting('hostName', null);
    });

    it('writes a comment as the site through the admin API: approved at once, role host, the host name, no email', async () => {
      const s = server({ hostName: 'The Show', siteUrl: 'https://show.example/' });
      const thread = uniqueThread('host');
      const visitor = created(await s.post({ thread, body: 'When is the next episode?' }));
      const reply = await hostPost(s, { thread, parentId: visitor.id, body: '  Next Tuesday!  ' });
      assert.equal(reply.status, 201, reply.text);
      const comment = reply.json.comment as AdminComment;
      assert.equal(comment.role, 'host');
      assert.equal(comment.status, 'approved');
      assert.equal(comment.parentId, visitor.id);
      assert.equal(comment.body, 'Next Tuesday!');
      assert.equal(comment.author.name, 'The Show');
      assert.equal(comment.author.email, '');
      assert.equal(comment.author.url, 'https://show.example/');
      assert.equal(comment.pinned, false);
      const top = created(await hostPost(s, { thread, parentId: null, body: 'Show notes are up.' }));
      const page = ok(await s.list(thread)) as CommentPage;
      assert.equal(page.count, 3);
      assert.deepEqual(
        page.comments.map((c) => [c.id, c.role ?? null]),
        [
          [visitor.id, null],
          [comment.id, 'host'],
          [top.id, 'host'],
        ],
      );
      assert.equal(page.comments[1]!.author.name, 'The Show');
      assert.ok(!('email' in page.comments[1]!.author));
      // The crawler page marks it, escaped as every name is.
      const html = (await s.document('html', thread)).text;
      assert.match(html, /The Show(?:<\/a>)?<\/strong> <small>\(host\)<\/small>/);
      const atom = (await s.document('atom', thread)).text;
      assert.ok(atom.includes('<title>Reply from the host by The Show</title>'));
    });

    it('gives no role to a public post, whatever fields it carries', async () => {
      const s = server();
      const thread = uniqueThread('forged');
      const draft = { thread, parentId: null, author: { name: 'Host', email: 'forger@mail.example', role: 'host' }, body: 'I am the host.', idempotencyKey: crypto.randomUUID() };
      const forged = created(await s.postRaw(JSON.stringify({ ...draft, role: 'host', host: true, pinned: true, status: 'approved' })));
      assert.equal(forged.role, undefined);
      assert.equal(forged.pinned, undefined);
      const page = ok(await s.list(thread)) as CommentPage;
      assert.equal(page.comments.length, 1);
      assert.ok(!('role' in page.comments[0]!), 'listed without a role');
      assert.ok(!('pinned' in page.comments[0]!));
      const admin = ok(await s.admin('GET', `/comments/${forged.id}`)).comment as AdminComment;
      assert.equal(admin.role, null);
      // Only with the admin token.
      assertError(await s.admin('POST', '/comments', { body: { thread, parentId: null, body: 'x' }, token: 'wrong' }), 401);
    });

    it('checks a host comment as any other: the thread, the parent, the body', async () => {
      const s = server();
      const thread = uniqueThread('host-check');
      const held = created(await server({ moderation: 'all' }).post({ thread }));
      assertError(await hostPost(s, { thread, parentId: held.id, body: 'Hi' }), 404);
      assertError(await hostPost(s, { thread: uniqueThread(), parentId: '987654321', body: 'Hi' }), 404);
      assertError(await hostPost(s, { thread, parentId: null, body: '  ' }), 400, { body: 'required' });
      assertError(await hostPost(s, { thread, parentId: 7, body: 'Hi' }), 400, { parentId: 'invalid' });
      assertError(await hostPost(s, { parentId: null, body: 'Hi' }), 400, { thread: 'required' });
      assertError(await hostPost(s, { thread, parentId: null, body: 'x'.repeat(65526) }), 400, { body: 'too_long' });
      assertError(await s.admin('POST', '/comments', { body: '[]' }), 400);
      assertError(await s.admin('POST', '/comments', { body: '{"thread":' }), 400);
    });

    it('takes the host name from COLLOQUY_HOST_NAME, then from the settings API, which wins once set', async () => {
      const fromEnv = server({ hostName: 'Env Name' });
      const plain = server();
      assert.deepEqual(ok(await fromEnv.admin('GET', '/settings')), { hostName: 'Env Name' });
      assert.deepEqual(ok(await plain.admin('GET', '/settings')), { hostName: 'Host' }, 'the default');
      const thread = uniqueThread('host-name');
      assert.equal(created(await hostPost(plain, { thread, parentId: null, body: 'One' })).author.name, 'Host');
      for (const [hostName, fields] of [
        ['  ', { name: 'required' }],
        ['x'.repeat(81), { name: 'too_long' }],
        [42, { name: 'invalid' }],
        ['two\nlines', { name: 'invalid' }],
      ] as const) {
        assertError(await fromEnv.admin('PATCH', '/settings', { body: { hostName } }), 400, fields);
      }
      assertError(await fromEnv.admin('PATCH', '/settings', { body: {} }), 400);
      assert.deepEqual(ok(await fromEnv.admin('PATCH', '/settings', { body: { hostName: '  Ada & <Co>  ' } })), { hostName: 'Ada & <Co>' });
      assert.deepEqual(ok(await fromEnv.admin('GET', '/settings')), { hostName: 'Ada & <Co>' });
      assert.deepEqual(ok(await plain.admin('GET', '/settings')), { hostName: 'Ada & <Co>' }, 'stored in the database: every instance');
      const second = created(await hostPost(fromEnv, { thread, parentId: null, body: 'Two' }));
      assert.equal(second.author.name, 'Ada & <Co>');
      const html = (await plain.document('html', thread)).text;
      assert.ok(html.includes('Ada &amp; &lt;Co&gt;'));
      assert.ok(!html.includes('<Co>'));
    });
  });

  describe('pinned comments', () => {
    it('lists pinned comments first, oldest pin first, with every sort and through every cursor page', async () => {
      const s = server();
      const thread = uniqueThread('pins');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push(created(await s.post({ thread, body: `Comment ${i}` })).id);
        s.advance(60);
      }
      // A reply under a pinned comment stays with it.
      const reply = created(await s.post({ thread, parentId: ids[5]!, body: 'A reply.' }));
      const pins = [ids[5]!, ids[1]!, ids[3]!];
      for (const id of pins) {
        const answer = ok(await pin(s, id));
        assert.equal(answer.comment.pinned, true);
        s.advance(1);
      }
      const unpinned = ids.filter((id) => !pins.includes(id));
      const sorts: SortOrder[] = ['oldest', 'newest'];
      if ((await s.list(thread, { sort: 'top' })).status === 200) sorts.push('top');
      for (const sort of sorts) {
        const rest = sort === 'newest' ? [...unpinned].reverse() : unpinned;
        for (const limit of [1, 2, 3, 4, 5, 100]) {
          const { ids: walked, pinned } = await walk(s, thread, sort, limit);
          assert.deepEqual(walked, [...pins, ...rest], `${sort}, ${limit} a page`);
          assert.deepEqual(pinned, pins, `${sort}, ${limit} a page: pinned marked`);
        }
      }
      const first = ok(await s.list(thread, { limit: '4' })) as CommentPage;
      assert.deepEqual(
        first.comments.map((c) => c.id),
        [pins[0], reply.id, pins[1], pins[2], ids[0]],
      );
      assert.equal(first.comments[1]!.pinned, undefined, 'a reply is never pinned');
      // The crawler page and the admin API show the same.
      const html = (await s.document('html', thread, { limit: '4' })).text;
      const order = [...html.matchAll(/id="comment-(\d+)"/g)].map((match) => match[1]);
      assert.deepEqual(order, [pins[0], reply.id, pins[1], pins[2], ids[0]]);
      assert.match(html, /<em>Pinned<\/em>/);
      assert.equal(ok(await s.admin('GET', `/comments/${pins[0]}`)).comment.pinned, true);
      // Unpinned, a comment goes back to its place.
      ok(await pin(s, pins[1]!, false));
      assert.deepEqual((await walk(s, thread, 'oldest', 2)).ids, [pins[0], pins[2], ...ids.filter((id) => id !== pins[0] && id !== pins[2])]);
    });

    it('pins at most 3 comments per thread, only approved top-level ones', async () => {
      const s = server();
      const thread = uniqueThread('pin-limit');
      const roots: string[] = [];
      for (let i = 0; i < 4; i++) roots.push(created(await s.post({ thread, body: `Root ${i}` })).id);
      for (const id of roots.slice(0, 3)) ok(await pin(s, id));
      assert.equal(ok(await pin(s, roots[0]!)).comment.pinned, true, 'pinning a pinned comment changes nothing');
      const fourth = await pin(s, roots[3]!);
      assertError(fourth, 400);
      assert.equal(fourth.json.error.message, 'A thread can have at most 3 pinned comments; unpin one first.');
      assert.equal(ok(await s.admin('GET', `/comments/${roots[3]}`)).comment.pinned, false);
      ok(await pin(s, roots[0]!, false));
      ok(await pin(s, roots[3]!));
      // Another thread has pins of its own.
      const other = uniqueThread('pin-other');
      const otherRoot = created(await s.post({ thread: other })).id;
      ok(await pin(s, otherRoot));

      const reply = created(await s.post({ thread: other, parentId: otherRoot, body: 'x' }));
      assertError(await pin(s, reply.id), 400);
      const held = created(await server({ moderation: 'all' }).post({ thread: other }));
      assertError(await pin(s, held.id), 400);
      assertError(await pin(s, '987654321'), 404);
      assertError(await pin(s, 'abc'), 404);
      assertError(await pin(s, roots[1]!, 'yes'), 400);
      assertError(await s.admin('POST', `/comments/${roots[1]}/pin`, { body: '[]' }), 400);

      // A pinned comment held later leaves the list, keeps its pin, and comes back first once approved.
      ok(await s.admin('PATCH', `/comments/${roots[1]}`, { body: { status: 'pending' } }));
      let page = ok(await s.list(thread)) as CommentPage;
      assert.deepEqual(
        page.comments.map((c) => c.id),
        [roots[2], roots[3], roots[0]],
      );
      ok(await s.admin('PATCH', `/comments/${roots[1]}`, { body: { status: 'approved' } }));
      page = ok(await s.list(thread)) as CommentPage;
      assert.deepEqual(
        page.comments.map((c) => c.id),
        [roots[1], roots[2], roots[3], roots[0]],
      );
    });
  });

  describe('closed threads', () => {
    it('a moderator closes a thread: posts and replies get 403 thread_closed; it still lists and counts; the host may answer; reopened, it takes posts', async () => {
      const s = server();
      const thread = uniqueThread('closed');
      const root = created(await s.post({ thread }));
      const posted = await s.post({ thread, body: 'Posted before closing.' });
      const token = posted.json.editToken as string;
      assert.deepEqual(ok(await close(s, thread, true)), { thread, closed: true, closedBy: 'moderator' });
      assertClosed(await s.post({ thread, body: 'Too late.' }));
      assertClosed(await s.post({ thread, parentId: root.id, body: 'A late reply.' }));
      // Refused before the spam rules: a post the honeypot would call spam is refused all the same.
      assertClosed(await s.postRaw(JSON.stringify({ thread, parentId: null, author: { name: 'Bot', email: 'bot@mail.example' }, body: 'x', idempotencyKey: crypto.randomUUID(), honeypot: 'filled' })));
      const page = ok(await s.list(thread)) as CommentPage;
      assert.equal(page.closed, true);
      assert.equal(page.count, 2);
      assert.equal(page.comments.length, 2);
      assert.deepEqual(ok(await s.counts([thread])).counts, { [thread]: 2 });
      // The author's edit inside its window still works.
      assert.equal(ok(await s.edit(posted.json.comment.id, 'Edited while closed.', token)).comment.body, 'Edited while closed.');
      const answer = created(await hostPost(s, { thread, parentId: root.id, body: 'The host may still answer.' }));
      assert.equal(answer.role, 'host');
      const listed = ok(await s.admin('GET', `/threads?thread=${encodeURIComponent(thread)}`)) as AdminThreadList;
      assert.deepEqual(
        listed.threads.map(({ thread, closed, closedBy, count }) => ({ thread, closed, closedBy, count })),
        [{ thread, closed: true, closedBy: 'moderator', count: 3 }],
      );
      assert.deepEqual(ok(await close(s, thread, false)), { thread, closed: false, closedBy: null });
      const open = ok(await s.list(thread)) as CommentPage;
      assert.equal(open.closed, undefined);
      created(await s.post({ thread, body: 'Open again.' }));
      assertError(await close(s, thread, 'yes'), 400);
      assertError(await s.admin('POST', `/threads/${encodeURIComponent(thread)}/close`, { body: '{}' }), 400);
      assertError(await s.admin('POST', `/threads/${encodeURIComponent(thread)}/close`, { body: { closed: true }, token: 'wrong' }), 401);
    });

    it('COLLOQUY_CLOSE_AFTER_DAYS closes a thread whose first comment is older; a moderator reopens it, and can close it again', async () => {
      const s = server({ closeAfterDays: 30 });
      const thread = uniqueThread('aged');
      // A comment stored 31 days before the server's clock, as an import would keep it.
      const old = s.now - 31 * DAY_SECONDS * 1000;
      const stored = await store().write((tx) =>
        tx.insert({ thread, parentId: null, rootId: null, name: 'Old', email: 'old@mail.example', url: null, body: 'From last month.', status: 'approved', ipHash: null, idempotencyKey: null, createdAt: old, updatedAt: old }),
      );
      const page = ok(await s.list(thread)) as CommentPage;
      assert.equal(page.closed, true);
      assert.equal(page.count, 1);
      assertClosed(await s.post({ thread }));
      assertClosed(await s.post({ thread, parentId: String(stored.id) }));
      const listed = ok(await s.admin('GET', `/threads?thread=${encodeURIComponent(thread)}`)) as AdminThreadList;
      assert.deepEqual(listed.threads[0], { thread, closed: true, closedBy: 'age', count: 1, firstCommentAt: new Date(old).toISOString(), pageUrl: null });
      // The same thread under a server without the setting is open.
      assert.equal((ok(await server().list(thread)) as CommentPage).closed, undefined);
      // A manual reopen wins over age.
      assert.deepEqual(ok(await close(s, thread, false)), { thread, closed: false, closedBy: null });
      created(await s.post({ thread, body: 'Reopened.' }));
      assert.equal((ok(await s.list(thread)) as CommentPage).closed, undefined);
      assert.deepEqual(ok(await close(s, thread, true)), { thread, closed: true, closedBy: 'moderator' });
      assertClosed(await s.post({ thread }));

      // A thread whose first comment is recent is open, and closes on its own once it is old: no write needed.
      const young = uniqueThread('young');
      created(await s.post({ thread: young }));
      s.advance(29 * DAY_SECONDS);
      assert.equal((ok(await s.list(young)) as CommentPage).closed, undefined);
      created(await s.post({ thread: young, body: 'Still open.' }));
      s.advance(2 * DAY_SECONDS);
      assert.equal((ok(await s.list(young)) as CommentPage).closed, true, 'a cached open page does not hide the closing');
      assertClosed(await s.post({ thread: young, body: 'Closed by now.' }));
    });
  });
}
