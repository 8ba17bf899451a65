/**
 * The admin API (docs/admin-api.md): the token and its brake on guessing, same-origin
 * CORS, the list and its filters, and every change showing in the public thread at once,
 * as part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminComment, AdminCommentList } from '../../src/api/admin-contract.js';
import type { Comment, CommentPage } from '../../src/api/contract.js';
import type { SuiteContext } from './contract-suite.js';
import { ADMIN_TOKEN, ALLOWED_ORIGIN, FOREIGN_ORIGIN, OWN_ORIGIN, TestServer, assertError, listed, uniqueAddress, uniqueEmail, uniqueNetwork, uniqueThread, type Reply } from './helpers.js';

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

function ok(reply: Reply): any {
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('Cache-Control'), 'no-store');
  return reply.json;
}

const list = async (s: TestServer, params: Record<string, string | string[]>): Promise<AdminCommentList> => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const item of [value].flat()) query.append(name, item);
  return ok(await s.admin('GET', `/comments?${query}`));
};

const publicPage = async (s: TestServer, thread: string) => (await s.list(thread, { limit: '100' })).json as CommentPage;

export function adminContract({ server }: SuiteContext): void {
  describe('the admin API: access', () => {
    it('answers 401 unauthorized without the right bearer token, and 200 with it', async () => {
      const s = server();
      for (const headers of [{} as Record<string, string>, { Authorization: `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}` }, { Authorization: ADMIN_TOKEN }]) {
        const reply = await s.admin('GET', '/comments', { token: null, headers });
        assertError(reply, 401);
        assert.equal(reply.json.error.code, 'unauthorized');
        assert.equal(reply.headers.get('WWW-Authenticate'), 'Bearer realm="colloquy-admin"');
      }
      for (const token of [ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase(), '']) {
        assertError(await s.admin('GET', '/comments', { token }), 401);
      }
      ok(await s.admin('GET', '/comments'));
      ok(await s.admin('GET', '/comments', { headers: { Authorization: `bearer   ${ADMIN_TOKEN}` } }));
      assertError(await s.admin('GET', '/nope', { token: 'wrong' }), 401, undefined);
      assertError(await s.admin('GET', '/nope'), 404);
    });

    it('refuses every request when no admin token is configured', async () => {
      const s = server({ adminToken: undefined });
      assertError(await s.admin('GET', '/comments'), 401);
    });

    it('slows guessing down: after 5 wrong tokens an address is answered 429, longer each time', async () => {
      const s = server();
      const address = uniqueAddress();
      for (let i = 0; i < 5; i++) assertError(await s.admin('GET', '/comments', { token: `guess-${i}`, address }), 401);
      const blocked = await s.admin('GET', '/comments', { token: 'guess-5', address });
      assertError(blocked, 429);
      assert.equal(blocked.headers.get('Retry-After'), '60');
      assertError(await s.admin('GET', '/comments', { token: null, address }), 429);
      assertError(await s.admin('GET', '/comments', { token: 'guess-6', address: uniqueAddress() }), 401, undefined);
      s.advance(30);
      assert.equal((await s.admin('GET', '/comments', { token: 'guess-7', address })).headers.get('Retry-After'), '30');
      s.advance(30);
      assertError(await s.admin('GET', '/comments', { token: 'guess-8', address }), 401);
      assert.equal((await s.admin('GET', '/comments', { token: 'guess-9', address })).headers.get('Retry-After'), '120', 'twice as long');
    });

    it('always lets the right token in, even from an address that is being braked', async () => {
      const s = server();
      // Everyone behind one proxy (COLLOQUY_TRUST_PROXY off) shares the admin's address.
      const shared = uniqueAddress();
      for (let i = 0; i < 20; i++) await s.admin('GET', '/comments', { token: `guess-${i}`, address: shared });
      assertError(await s.admin('GET', '/comments', { token: 'guess', address: shared }), 429);
      ok(await s.admin('GET', '/comments', { address: shared }));
      ok(await s.admin('GET', '/comments', { address: shared }));
      assertError(await s.admin('GET', '/comments', { token: 'guess', address: shared }), 429, undefined);
      s.advance(60 * 60);
      ok(await s.admin('GET', '/comments', { address: shared }));
    });

    it('brakes an IPv6 client by its /64, however the address is written', async () => {
      const s = server();
      const network = uniqueNetwork();
      const spellings = [`${network}::1`, `${network}:0:0:0:2`, `${network.toUpperCase()}::3`, `${network}:ffff:1:2:3`, `${network}::4`];
      for (const address of spellings) assertError(await s.admin('GET', '/comments', { token: 'guess', address }), 401);
      assertError(await s.admin('GET', '/comments', { token: 'guess', address: `${network}:abcd::5` }), 429);
      const ipv4 = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      for (let i = 0; i < 5; i++) assertError(await s.admin('GET', '/comments', { token: 'guess', address: i % 2 ? ipv4 : `::ffff:${ipv4}` }), 401);
      assertError(await s.admin('GET', '/comments', { token: 'guess', address: ipv4 }), 429, undefined);
    });

    it('forgets failures older than 15 minutes', async () => {
      const s = server();
      const address = uniqueAddress();
      for (let i = 0; i < 4; i++) assertError(await s.admin('GET', '/comments', { token: 'nope', address }), 401);
      s.advance(15 * 60 + 1);
      for (let i = 0; i < 5; i++) assertError(await s.admin('GET', '/comments', { token: 'nope', address }), 401);
      assertError(await s.admin('GET', '/comments', { token: 'nope', address }), 429, undefined);
    });

    it('is same-origin only: no Access-Control-Allow-Origin for other sites, even those the public API allows', async () => {
      const s = server();
      for (const origin of [ALLOWED_ORIGIN, FOREIGN_ORIGIN]) {
        const read = await s.admin('GET', '/comments', { headers: { Origin: origin } });
        assert.equal(read.headers.get('Access-Control-Allow-Origin'), null, origin);
        const preflight = await s.admin('OPTIONS', '/comments/1', {
          token: null,
          headers: { Origin: origin, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'authorization, content-type' },
        });
        assertError(preflight, 403);
        assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), null);
        assertError(await s.admin('POST', '/comments/bulk', { body: { ids: ['1'], status: 'spam' }, headers: { Origin: origin } }), 403);
      }
      ok(await s.admin('GET', '/comments', { headers: { Origin: OWN_ORIGIN } }));
    });
  });

  describe('the admin API: listing', () => {
    it('lists comments of every status across threads, with email, thread and the parent’s excerpt', async () => {
      const s = server();
      const held = server({ moderation: 'all' });
      const thread = uniqueThread('admin-list');
      const email = uniqueEmail();
      const long = `${'word '.repeat(40)}end`;
      const root = created(await s.post({ thread, author: { name: 'Root Author', email, url: 'https://root.example/' }, body: long }));
      s.advance(1);
      const reply = created(await s.post({ thread, parentId: root.id, body: 'A reply.' }));
      s.advance(1);
      held.now = s.now;
      const pending = created(await held.post({ thread, body: 'Waiting.' }));
      const page = await list(s, { thread });
      assert.deepEqual(page.comments.map((c) => c.id), [pending.id, reply.id, root.id], 'newest first');
      assert.deepEqual(page.counts, { pending: 1, approved: 2, spam: 0, deleted: 0 });
      assert.equal(page.nextCursor, null);
      const rootItem = page.comments[2]!;
      assert.deepEqual(rootItem, {
        id: root.id,
        thread,
        parentId: null,
        parent: null,
        author: { name: 'Root Author', email, url: 'https://root.example/', avatar: root.author.avatar },
        body: long,
        status: 'approved',
        deletedByAuthor: false,
        heldFor: null,
        createdAt: root.createdAt,
        updatedAt: root.createdAt,
        pinned: false,
        role: null,
        likes: 0,
        // Its posts reported no page.
        pageUrl: null,
      });
      const replyItem = page.comments[1]!;
      assert.equal(replyItem.parentId, root.id);
      assert.equal(replyItem.parent!.id, root.id);
      assert.equal(replyItem.parent!.name, 'Root Author');
      assert.equal(replyItem.parent!.status, 'approved');
      assert.ok(replyItem.parent!.excerpt.endsWith('…'));
      assert.ok([...replyItem.parent!.excerpt].length <= 100);
      assert.ok(long.startsWith(replyItem.parent!.excerpt.slice(0, -1)));
      assert.equal(page.comments[0]!.status, 'pending');
      assert.equal(page.comments[0]!.heldFor, 'moderation');
    });

    it('filters by status (one or several), thread, text and dates, and counts per status under the other filters', async () => {
      const s = server();
      const thread = uniqueThread('admin-filter');
      const other = uniqueThread('admin-filter-other');
      const marker = `mk${Date.now().toString(36)}`;
      const a = created(await s.post({ thread, author: { name: `Élodie ${marker}` }, body: 'Bonjour.' }));
      s.advance(3600);
      const b = created(await s.post({ thread, body: `Contains 100%_${marker} literally.` }));
      s.advance(3600);
      const c = created(await s.post({ thread, author: { url: `https://${marker}.example/` } }));
      const d = created(await s.post({ thread: other, author: { email: `${marker}@mail.example` } }));
      ok(await s.admin('PATCH', `/comments/${b.id}`, { body: { status: 'spam' } }));
      ok(await s.admin('PATCH', `/comments/${c.id}`, { body: { status: 'pending' } }));

      const ids = (page: AdminCommentList) => page.comments.map((comment) => comment.id).sort();
      assert.deepEqual(ids(await list(s, { thread })), [a.id, b.id, c.id].sort());
      assert.deepEqual(ids(await list(s, { thread, status: 'spam' })), [b.id]);
      assert.deepEqual(ids(await list(s, { thread, status: ['spam', 'pending'] })), [b.id, c.id].sort());
      const spamOnly = await list(s, { thread, status: 'spam' });
      assert.deepEqual(spamOnly.counts, { pending: 1, approved: 1, spam: 1, deleted: 0 }, 'the tabs keep their numbers');

      assert.deepEqual(ids(await list(s, { q: marker })), [a.id, b.id, c.id, d.id].sort(), 'name, body, website and email');
      assert.deepEqual(ids(await list(s, { q: `ÉLODIE ${marker.toUpperCase()}` })), [a.id], 'case-insensitive beyond ASCII');
      assert.deepEqual(ids(await list(s, { q: `élodie ${marker}` })), [a.id]);
      assert.deepEqual(ids(await list(s, { q: `100%_${marker}` })), [b.id], '% and _ are plain characters');
      assert.deepEqual(ids(await list(s, { q: `100%x${marker}` })), []);
      assert.deepEqual((await list(s, { q: marker, status: 'approved' })).counts, { pending: 1, approved: 2, spam: 1, deleted: 0 });

      const day = a.createdAt.slice(0, 10);
      assert.deepEqual(ids(await list(s, { thread, since: b.createdAt })), [b.id, c.id].sort());
      assert.deepEqual(ids(await list(s, { thread, before: b.createdAt })), [a.id]);
      assert.deepEqual(ids(await list(s, { thread, since: day, before: `${day}T10:30:00Z` })), [a.id, b.id].sort());
      assert.deepEqual(ids(await list(s, { thread, since: `${day}T11:00:00.000+01:00`, before: `${day}T12:00:00+01:00` })), [b.id]);
    });

    it('pages with a cursor, newest or oldest first, without repeats or gaps as comments arrive', async () => {
      const s = server();
      const thread = uniqueThread('admin-pages');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push(created(await s.post({ thread, body: `Comment ${i}` })).id);
        if (i % 2) s.advance(1);
      }
      // Oldest first before any arrive; newest first while they do (they land above the walk).
      for (const [sort, expected] of [['oldest', ids], ['newest', [...ids].reverse()]] as const) {
        const walked: string[] = [];
        let cursor: string | null = null;
        do {
          const page: AdminCommentList = await list(s, { thread, sort, limit: '3', ...(cursor ? { cursor } : {}) });
          walked.push(...page.comments.map((comment) => comment.id));
          cursor = page.nextCursor;
          if (sort === 'newest' && cursor) created(await s.post({ thread, body: `Arrived while paging ${walked.length}` }));
        } while (cursor);
        assert.deepEqual(walked, expected, sort);
      }
    });

    it('refuses bad filters with 400 naming them', async () => {
      const s = server();
      const bad: [Record<string, string>, Record<string, string> | undefined][] = [
        [{ status: 'trash' }, { status: 'invalid' }],
        [{ since: 'yesterday' }, { since: 'invalid' }],
        [{ before: '2026-13-01' }, { before: 'invalid' }],
        [{ since: '2026-03-01T10:00:00' }, { since: 'invalid' }],
        [{ q: 'x'.repeat(201) }, { q: 'too_long' }],
        [{ thread: 'x'.repeat(201) }, { thread: 'too_long' }],
        [{ limit: '0' }, undefined],
        [{ limit: '101' }, undefined],
        [{ sort: 'random' }, undefined],
        [{ cursor: 'garbage' }, undefined],
      ];
      for (const [params, fields] of bad) assertError(await s.admin('GET', `/comments?${new URLSearchParams(params)}`), 400, fields);
      const thread = uniqueThread();
      created(await s.post({ thread }));
      created(await s.post({ thread }));
      const newest = (await list(s, { thread, limit: '1' })).nextCursor!;
      assertError(await s.admin('GET', `/comments?${new URLSearchParams({ thread, sort: 'oldest', cursor: newest })}`), 400);
    });

    it('shows one comment by id, and 404 for none', async () => {
      const s = server();
      const comment = created(await s.post({ thread: uniqueThread() }));
      assert.equal(ok(await s.admin('GET', `/comments/${comment.id}`)).comment.id, comment.id);
      assertError(await s.admin('GET', '/comments/999999999'), 404);
      assertError(await s.admin('GET', '/comments/abc'), 404);
    });
  });

  describe('the admin API: changes', () => {
    it('approves, marks as spam and as not spam, deletes: each shows in the public thread at once', async () => {
      const s = server();
      const thread = uniqueThread('admin-changes');
      const held = created(await server({ moderation: 'all' }).post({ thread }));
      const first = await s.list(thread);
      assert.equal(first.json.count, 0);
      const approve = ok(await s.admin('PATCH', `/comments/${held.id}`, { body: { status: 'approved' } })).comment as AdminComment;
      assert.equal(approve.status, 'approved');
      assert.equal(approve.updatedAt, new Date(s.now).toISOString());
      const afterApprove = await s.list(thread, {}, { headers: { 'If-None-Match': first.headers.get('ETag')! } });
      assert.equal(afterApprove.status, 200, 'the old ETag is stale');
      assert.equal(afterApprove.json.count, 1);
      assert.deepEqual(afterApprove.json.comments.map((c: Comment) => c.id), [held.id]);
      assert.equal((await s.counts([thread])).json.counts[thread], 1);

      ok(await s.admin('PATCH', `/comments/${held.id}`, { body: { status: 'spam' } }));
      assert.deepEqual(await publicPage(s, thread), { thread, count: 0, comments: [], nextCursor: null });
      ok(await s.admin('PATCH', `/comments/${held.id}`, { body: { status: 'approved' } }));
      assert.equal((await publicPage(s, thread)).count, 1);
      const deleted = ok(await s.admin('DELETE', `/comments/${held.id}`)).comment as AdminComment;
      assert.equal(deleted.status, 'deleted');
      assert.equal(deleted.deletedByAuthor, false);
      assert.equal((await publicPage(s, thread)).count, 0);
      assert.equal((await s.document('html', thread)).text.includes(held.body), false);
      ok(await s.admin('PATCH', `/comments/${held.id}`, { body: { status: 'approved' } }));
      assert.equal((await publicPage(s, thread)).count, 1, 'a moderator’s deletion can be undone');
    });

    it('edits the name, website and text, keeping the status; the public thread, HTML and feed show the edit', async () => {
      const s = server();
      const thread = uniqueThread('admin-edit');
      const comment = created(await s.post({ thread, author: { name: 'Spammy Name', url: 'https://spam.example/' }, body: 'Visit my site!' }));
      const before = await s.list(thread);
      s.advance(60);
      const edited = ok(await s.admin('PATCH', `/comments/${comment.id}`, { body: { name: ' Reader ', url: null, body: ' Nice episode. ' } })).comment as AdminComment;
      assert.deepEqual([edited.author.name, edited.author.url, edited.body, edited.status], ['Reader', null, 'Nice episode.', 'approved']);
      const after = await s.list(thread, {}, { headers: { 'If-None-Match': before.headers.get('ETag')! } });
      assert.equal(after.status, 200);
      assert.deepEqual(after.json.comments, [listed({ ...comment, author: { ...comment.author, name: 'Reader', url: null }, body: 'Nice episode.' })]);
      assert.match((await s.document('html', thread)).text, /Nice episode\./);
      assert.match((await s.document('atom', thread)).text, /Nice episode\./);
      const withUrl = ok(await s.admin('PATCH', `/comments/${comment.id}`, { body: { url: 'https://reader.example/', status: 'pending' } })).comment;
      assert.equal(withUrl.author.url, 'https://reader.example/');
      assert.equal(withUrl.status, 'pending');
      assert.equal((await publicPage(s, thread)).count, 0);
    });

    it('stores a website a moderator types normalized, and refuses one with a user name or password', async () => {
      const s = server();
      const thread = uniqueThread('admin-url');
      const comment = created(await s.post({ thread, author: { url: 'https://reader.example/' } }));
      const edited = ok(await s.admin('PATCH', `/comments/${comment.id}`, { body: { url: " HTTP://X'onmouseover=alert(1) " } })).comment as AdminComment;
      assert.equal(edited.author.url, 'http://x%27onmouseover=alert(1)/');
      assert.equal((await publicPage(s, thread)).comments[0]!.author.url, 'http://x%27onmouseover=alert(1)/');
      for (const url of ['http://user:pass@host.example/', 'https://admin@host.example/']) {
        const refused = await s.admin('PATCH', `/comments/${comment.id}`, { body: { url } });
        assertError(refused, 400, { url: 'invalid' });
        assert.match(refused.json.error.message, /user name or password/);
      }
      assert.equal((await publicPage(s, thread)).comments[0]!.author.url, 'http://x%27onmouseover=alert(1)/', 'unchanged');
    });

    it('refuses bad changes with 400, unknown comments with 404, and edits of what its author erased', async () => {
      const s = server();
      const thread = uniqueThread();
      const posted = await s.post({ thread });
      const comment = created(posted);
      const bad: [unknown, Record<string, string> | undefined][] = [
        [{}, undefined],
        [{ status: 'trash' }, { status: 'invalid' }],
        [{ name: '' }, { name: 'required' }],
        [{ name: 5 }, { name: 'invalid' }],
        [{ body: '   ' }, { body: 'required' }],
        [{ body: 'x'.repeat(65526) }, { body: 'too_long' }],
        [{ url: 'javascript:alert(1)' }, { url: 'invalid' }],
        [{ url: 'ftp://x.example' }, { url: 'invalid' }],
        [{ body: 'a\u0000b' }, { body: 'invalid' }],
        ['[1]', undefined],
        ['{', undefined],
      ];
      for (const [body, fields] of bad) assertError(await s.admin('PATCH', `/comments/${comment.id}`, { body }), 400, fields);
      assertError(await s.admin('PATCH', `/comments/${comment.id}`, { body: '{"status":"spam"}', headers: { 'Content-Type': 'text/plain' } }), 415);
      assertError(await s.admin('PATCH', '/comments/987654321', { body: { status: 'spam' } }), 404);
      assertError(await s.admin('DELETE', '/comments/987654321'), 404);
      await s.remove(comment.id, posted.json.editToken);
      assertError(await s.admin('PATCH', `/comments/${comment.id}`, { body: { body: 'Put words back' } }), 400);
      const approved = ok(await s.admin('PATCH', `/comments/${comment.id}`, { body: { status: 'approved' } })).comment as AdminComment;
      assert.equal(approved.body, '', 'its words are gone for good');
    });

    it('changes many comments in one request, reports unknown ids, and keeps every count right', async () => {
      const s = server();
      const threads = [uniqueThread('bulk-a'), uniqueThread('bulk-b')];
      const held = server({ moderation: 'all' });
      const ids: string[] = [];
      for (const thread of threads) for (let i = 0; i < 3; i++) ids.push(created(await held.post({ thread, body: `Held ${i}` })).id);
      const approved = ok(await s.admin('POST', '/comments/bulk', { body: { ids: [...ids, '987654321', ids[0]], status: 'approved' } }));
      assert.deepEqual(approved.comments.map((c: AdminComment) => c.id), ids, 'in the order asked, each once');
      assert.ok(approved.comments.every((c: AdminComment) => c.status === 'approved'));
      assert.deepEqual(approved.notFound, ['987654321']);
      assert.deepEqual((await s.counts(threads)).json.counts, { [threads[0]!]: 3, [threads[1]!]: 3 });
      ok(await s.admin('POST', '/comments/bulk', { body: { ids: [ids[0], ids[3]], status: 'spam' } }));
      ok(await s.admin('POST', '/comments/bulk', { body: { ids: [ids[1], ids[3]], status: 'deleted' } }));
      assert.deepEqual((await s.counts(threads)).json.counts, { [threads[0]!]: 1, [threads[1]!]: 2 });
      assert.equal((await publicPage(s, threads[0]!)).comments.length, 1);

      for (const [body, fields] of [
        [{ ids: [], status: 'spam' }, { ids: 'required' }],
        [{ ids: ['x'], status: 'spam' }, { ids: 'invalid' }],
        [{ ids: [1], status: 'spam' }, { ids: 'invalid' }],
        [{ ids: Array.from({ length: 501 }, (_, i) => String(i + 1)), status: 'spam' }, { ids: 'too_long' }],
        [{ ids: ['1'] }, { status: 'required' }],
        [{ ids: ['1'], status: 'gone' }, { status: 'invalid' }],
      ] as const) {
        assertError(await s.admin('POST', '/comments/bulk', { body }), 400, fields);
      }
    });

    it('keeps the counts right, without deadlocks, when moderators and authors act on the same comments at once', async () => {
      const s = server();
      for (let round = 0; round < 3; round++) {
        const thread = uniqueThread('admin-race');
        const posts = [];
        for (let i = 0; i < 10; i++) posts.push((await s.post({ thread, body: `Racing ${i}` })).json);
        const ids: string[] = posts.map((p) => p.comment.id);
        const replies = await Promise.all([
          s.admin('POST', '/comments/bulk', { body: { ids, status: 'spam' } }),
          ...posts.filter((_, i) => i % 2).map((p) => s.remove(p.comment.id, p.editToken)),
          s.admin('POST', '/comments/bulk', { body: { ids: [...ids].reverse().slice(0, 6), status: 'approved' } }),
          ...posts.filter((_, i) => i % 3 === 0).map((p) => s.edit(p.comment.id, 'Edited in the race.', p.editToken)),
          s.admin('POST', '/comments/bulk', { body: { ids: ids.slice(2, 8), status: 'pending' } }),
        ]);
        for (const reply of replies) assert.ok(reply.status === 200 || reply.status === 204 || reply.status === 403, reply.text);
        const all = await list(s, { thread });
        const approvedNow = all.comments.filter((c) => c.status === 'approved').length;
        assert.equal((await publicPage(s, thread)).count, approvedNow);
        assert.equal(all.counts.approved, approvedNow);
      }
    });
  });
}
