/**
 * Issue 14, part 6 (docs/admin-api.md, AdminComment.pageUrl): each thread remembers the page the
 * widget reported when the thread was first used, from a trusted origin only (COLLOQUY_ORIGINS,
 * COLLOQUY_SITE_URL's, the server's own), and never lets a later post repoint it. The admin API
 * shows it on every comment of the thread and on its `GET /api/admin/threads` item.
 * Part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminComment, AdminCommentList, AdminThreadList } from '../../src/api/admin-contract.js';
import type { Comment } from '../../src/api/contract.js';
import type { SuiteContext } from './contract-suite.js';
import { ALLOWED_ORIGIN, FOREIGN_ORIGIN, uniqueThread, type Reply, type TestServer } from './helpers.js';

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

function ok(reply: Reply): any {
  assert.equal(reply.status, 200, reply.text);
  return reply.json;
}

/** Every comment of `thread` as the admin list shows it. */
async function adminComments(s: TestServer, thread: string): Promise<AdminComment[]> {
  const list = ok(await s.admin('GET', `/comments?${new URLSearchParams({ thread, limit: '100' })}`)) as AdminCommentList;
  return list.comments;
}

/** The page every comment of `thread` links to in the admin list (asserted to be one and the same), and the threads list's. */
async function pageOf(s: TestServer, thread: string): Promise<string | null> {
  const comments = await adminComments(s, thread);
  assert.ok(comments.length > 0, 'the thread has comments');
  const pages = new Set(comments.map((comment) => comment.pageUrl));
  assert.equal(pages.size, 1, `one page for the whole thread: ${[...pages].join(', ')}`);
  const [page] = pages;
  assert.ok(page === null || typeof page === 'string');
  const threads = ok(await s.admin('GET', `/threads?${new URLSearchParams({ thread })}`)) as AdminThreadList;
  assert.equal(threads.threads.length, 1);
  assert.equal(threads.threads[0]!.pageUrl, page, 'GET /api/admin/threads says the same');
  return page!;
}

export function threadPageContract({ server }: SuiteContext): void {
  describe('the thread page (AdminComment.pageUrl)', () => {
    it('keeps the first trusted page a post reports, and no later post changes it', async () => {
      const s = server();
      const thread = uniqueThread();
      const first = `${ALLOWED_ORIGIN}/episodes/42?utm=x`;
      created(await s.post({ thread, page: `${first}#comments` }));
      assert.equal(await pageOf(s, thread), first, 'kept without its fragment');
      // A later visitor (a reply too) reports another page of a trusted origin: the thread keeps its first.
      const [root] = await adminComments(s, thread);
      created(await s.post({ thread, page: `${ALLOWED_ORIGIN}/elsewhere` }));
      created(await s.post({ thread, parentId: root!.id, page: `${ALLOWED_ORIGIN}/other-episode` }));
      assert.equal(await pageOf(s, thread), first);
      // What a moderator's change answers carries it too.
      const changed = ok(await s.admin('PATCH', `/comments/${root!.id}`, { body: { status: 'pending' } }));
      assert.equal((changed.comment as AdminComment).pageUrl, first);
    });

    it('never keeps a page on an untrusted origin, nor anything that is not an http(s) URL', async () => {
      const s = server();
      const thread = uniqueThread();
      for (const page of [`${FOREIGN_ORIGIN}/phishing`, 'javascript:alert(1)', `${ALLOWED_ORIGIN.replace('https:', 'http:')}/downgraded`, 'not a url', 42, { href: ALLOWED_ORIGIN }]) {
        created(await s.post({ thread, page }));
      }
      assert.equal(await pageOf(s, thread), null);
      // Nor does an untrusted page keep the thread from taking the first trusted one.
      created(await s.post({ thread, page: `${ALLOWED_ORIGIN}/episodes/7` }));
      assert.equal(await pageOf(s, thread), `${ALLOWED_ORIGIN}/episodes/7`);
    });

    it('gives a thread whose first post had no page the first later trusted one', async () => {
      const s = server();
      const thread = uniqueThread();
      created(await s.post({ thread }));
      assert.equal(await pageOf(s, thread), null);
      created(await s.post({ thread, page: `${ALLOWED_ORIGIN}/episodes/8` }));
      created(await s.post({ thread, page: `${ALLOWED_ORIGIN}/episodes/9` }));
      assert.equal(await pageOf(s, thread), `${ALLOWED_ORIGIN}/episodes/8`);
    });

    it("trusts COLLOQUY_SITE_URL's origin and the server's own (COLLOQUY_PUBLIC_URL), not only COLLOQUY_ORIGINS", async () => {
      const s = server({ origins: [], siteUrl: 'https://www.site.example/podcast', publicUrl: 'https://comments.site.example' });
      const onSite = uniqueThread();
      created(await s.post({ thread: onSite, page: `${ALLOWED_ORIGIN}/not-trusted-here` }));
      created(await s.post({ thread: onSite, page: 'https://www.site.example/episodes/1' }));
      assert.equal(await pageOf(s, onSite), 'https://www.site.example/episodes/1');
      const onServer = uniqueThread();
      created(await s.post({ thread: onServer, page: 'https://comments.site.example/api/threads/html?thread=x' }));
      assert.equal(await pageOf(s, onServer), 'https://comments.site.example/api/threads/html?thread=x');
    });

    it('takes no page from a post the spam rules catch, nor from the host writing through the admin API', async () => {
      const s = server();
      const thread = uniqueThread();
      // A bot fills the honeypot: stored as spam, and its page is not the thread's.
      created(await s.postRaw(JSON.stringify({ thread, parentId: null, body: 'Buy now', idempotencyKey: crypto.randomUUID(), author: { name: 'Bot', email: 'bot@mail.example' }, honeypot: 'x', page: `${ALLOWED_ORIGIN}/spam-landing` })));
      const host = await s.admin('POST', '/comments', { body: { thread, body: 'Welcome!', page: `${ALLOWED_ORIGIN}/host` } });
      assert.equal(host.status, 201, host.text);
      assert.equal(await pageOf(s, thread), null);
      created(await s.post({ thread, page: `${ALLOWED_ORIGIN}/episodes/10` }));
      assert.equal(await pageOf(s, thread), `${ALLOWED_ORIGIN}/episodes/10`);
    });

    it('keeps the page of a held post (pending, as moderation holds it)', async () => {
      const s = server({ moderation: 'all' });
      const thread = uniqueThread();
      const comment = created(await s.post({ thread, page: `${ALLOWED_ORIGIN}/episodes/11` }));
      assert.equal(comment.status, 'pending');
      assert.equal(await pageOf(s, thread), `${ALLOWED_ORIGIN}/episodes/11`);
    });
  });
}
