/**
 * Likes and the `top` order (docs/api.md, "Likes"): toggling, idempotence, one like per visitor
 * key however many presses race, counts in the list, no like of an unpublished comment, the brake
 * per client address, nothing said of who liked, `top`'s order and its cursor staying exact while
 * likes change between pages, and likes off. Part of the contract suite: run against each engine
 * from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Comment, CommentPage } from '../../src/api/contract.js';
import { LIKE_LIMIT } from '../../src/server/domain/likes.js';
import type { SuiteContext } from './contract-suite.js';
import { assertError, uniqueAddress, uniqueThread, type Reply, type TestServer } from './helpers.js';

const visitorKey = () => randomBytes(24).toString('base64url');

function like(s: TestServer, id: string, visitor: string, liked = true, address: string | null = uniqueAddress()): Promise<Reply> {
  return s.request(
    `/api/comments/${id}/like`,
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ visitor, liked }) },
    address,
  );
}

function ok(reply: Reply): any {
  assert.equal(reply.status, 200, reply.text);
  return reply.json;
}

async function posted(s: TestServer, thread: string, body: string, parentId: string | null = null): Promise<Comment> {
  const reply = await s.post({ thread, body, parentId });
  assert.equal(reply.status, 201, reply.text);
  s.advance(1);
  return reply.json.comment;
}

/** Every page of a thread in `sort`'s order, `limit` at a time; `between` runs before each page after the first. */
async function readAll(s: TestServer, thread: string, sort: string, limit: number, between: (page: number) => Promise<void> = async () => {}) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    if (page > 0) await between(page);
    const reply = await s.list(thread, { sort, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const body = ok(reply) as CommentPage;
    ids.push(...body.comments.filter((comment) => comment.parentId === null).map((comment) => comment.id));
    cursor = body.nextCursor;
    if (cursor === null) return ids;
  }
  throw new Error('no last page');
}

export function likesContract({ server }: SuiteContext): void {
  describe('likes', () => {
    it('likes and unlikes a comment, idempotently, and the list carries the counts at once', async () => {
      const s = server();
      const thread = uniqueThread('likes');
      const root = await posted(s, thread, 'Liked root');
      const reply = await posted(s, thread, 'Liked reply', root.id);
      const [ada, bea] = [visitorKey(), visitorKey()];
      const listed = async () => {
        const page = ok(await s.list(thread)) as CommentPage;
        return Object.fromEntries(page.comments.map((comment) => [comment.id, comment.likes]));
      };
      assert.deepEqual(await listed(), { [root.id]: 0, [reply.id]: 0 }, 'every approved comment carries its count');

      assert.deepEqual(ok(await like(s, root.id, ada)), { likes: 1, liked: true });
      assert.deepEqual(ok(await like(s, root.id, ada)), { likes: 1, liked: true }, 'liking again changes nothing');
      assert.deepEqual(ok(await like(s, root.id, bea)), { likes: 2, liked: true });
      assert.deepEqual(ok(await like(s, reply.id, bea)), { likes: 1, liked: true });
      assert.deepEqual(await listed(), { [root.id]: 2, [reply.id]: 1 }, 'the cached page moved with the likes');

      assert.deepEqual(ok(await like(s, root.id, ada, false)), { likes: 1, liked: false });
      assert.deepEqual(ok(await like(s, root.id, ada, false)), { likes: 1, liked: false }, 'unliking again changes nothing');
      assert.deepEqual(ok(await like(s, root.id, visitorKey(), false)), { likes: 1, liked: false }, 'a visitor who never liked unlikes nothing');
      assert.deepEqual(ok(await like(s, root.id, ada)), { likes: 2, liked: true }, 'liked again after unliking');
      assert.deepEqual(await listed(), { [root.id]: 2, [reply.id]: 1 });
    });

    it('keeps one like per visitor key when 20 presses race, and counts 20 visitors racing', async () => {
      const s = server();
      const thread = uniqueThread('likes-race');
      const comment = await posted(s, thread, 'Pressed hard');
      const key = visitorKey();
      const presses = await Promise.all(Array.from({ length: 20 }, () => like(s, comment.id, key)));
      for (const press of presses) assert.deepEqual(ok(press), { likes: 1, liked: true });
      const others = await Promise.all(Array.from({ length: 20 }, () => like(s, comment.id, visitorKey())));
      const counts = others.map((reply) => ok(reply).likes as number).sort((a, b) => a - b);
      assert.deepEqual(counts, Array.from({ length: 20 }, (_, i) => i + 2), 'each like counted once, in some order');
      const unlikes = await Promise.all(Array.from({ length: 20 }, () => like(s, comment.id, key, false)));
      for (const press of unlikes) assert.deepEqual(ok(press), { likes: 20, liked: false });
      assert.equal((ok(await s.list(thread)) as CommentPage).comments[0]!.likes, 20);
    });

    it('answers 404 for a comment that is not published, and 400 or 415 for a bad request', async () => {
      const s = server({ moderation: 'all' });
      const thread = uniqueThread('likes-hidden');
      const pending = await posted(s, thread, 'Waiting');
      assertError(await like(s, pending.id, visitorKey()), 404);
      const approved = await posted(s, thread, 'Soon spam');
      assert.equal((await s.admin('PATCH', `/comments/${approved.id}`, { body: { status: 'approved' } })).status, 200);
      ok(await like(s, approved.id, visitorKey()));
      assert.equal((await s.admin('PATCH', `/comments/${approved.id}`, { body: { status: 'spam' } })).status, 200);
      assertError(await like(s, approved.id, visitorKey()), 404);
      assert.equal((await s.admin('PATCH', `/comments/${approved.id}`, { body: { status: 'deleted' } })).status, 200);
      assertError(await like(s, approved.id, visitorKey()), 404);
      for (const id of ['987654321', 'abc', '0', '-1', '1e3']) assertError(await like(s, id, visitorKey()), 404);

      assert.equal((await s.admin('PATCH', `/comments/${pending.id}`, { body: { status: 'approved' } })).status, 200);
      for (const body of [
        { visitor: 'short', liked: true },
        { visitor: 'x'.repeat(65), liked: true },
        { visitor: `${'x'.repeat(20)}<script>`, liked: true },
        { visitor: visitorKey(), liked: 'yes' },
        { visitor: visitorKey() },
        { liked: true },
        [],
        'like',
        null,
      ]) {
        const reply = await s.request(`/api/comments/${pending.id}/like`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        assertError(reply, 400);
      }
      assertError(await s.request(`/api/comments/${pending.id}/like`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"visitor":' }), 400);
      assertError(await s.request(`/api/comments/${pending.id}/like`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' }), 415);
      const huge = JSON.stringify({ visitor: visitorKey(), liked: true, pad: 'x'.repeat(5000) });
      assertError(await s.request(`/api/comments/${pending.id}/like`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: huge }), 413);
    });

    it(`refuses more than ${LIKE_LIMIT} like requests per client address in a window with 429, and no other address`, async () => {
      const s = server();
      const thread = uniqueThread('likes-brake');
      const comment = await posted(s, thread, 'Popular');
      const address = uniqueAddress();
      for (let i = 0; i < LIKE_LIMIT; i++) ok(await like(s, comment.id, visitorKey(), i % 2 === 0, address));
      const braked = await like(s, comment.id, visitorKey(), true, address);
      assertError(braked, 429);
      assert.match(braked.headers.get('Retry-After') ?? '', /^[1-9]\d*$/);
      ok(await like(s, comment.id, visitorKey(), true, uniqueAddress()));
      s.advance(10 * 60);
      ok(await like(s, comment.id, visitorKey(), true, address));
    });

    it('never says who liked: the answers carry counts alone, never a visitor key', async () => {
      const s = server();
      const thread = uniqueThread('likes-private');
      const comment = await posted(s, thread, 'Whose like?');
      const key = visitorKey();
      const answer = ok(await like(s, comment.id, key));
      assert.deepEqual(Object.keys(answer).sort(), ['liked', 'likes']);
      const page = await s.list(thread);
      assert.ok(!page.text.includes(key));
      assert.deepEqual(Object.keys((page.json as CommentPage).comments[0]!).sort(), ['author', 'body', 'createdAt', 'id', 'likes', 'parentId', 'status']);
      const admin = await s.admin('GET', `/comments/${comment.id}`);
      assert.ok(!admin.text.includes(key));
    });

    it('orders top most liked first, ties oldest first, replies still oldest first', async () => {
      const s = server();
      const thread = uniqueThread('top');
      const [a, b, c, d] = [await posted(s, thread, 'A'), await posted(s, thread, 'B'), await posted(s, thread, 'C'), await posted(s, thread, 'D')];
      await posted(s, thread, 'reply to C, later', c.id);
      const early = await posted(s, thread, 'another reply to C', c.id);
      for (let i = 0; i < 3; i++) ok(await like(s, d.id, visitorKey()));
      for (let i = 0; i < 2; i++) ok(await like(s, b.id, visitorKey()));
      ok(await like(s, c.id, visitorKey()));
      ok(await like(s, a.id, visitorKey()));
      for (let i = 0; i < 5; i++) ok(await like(s, early.id, visitorKey()));
      const page = ok(await s.list(thread, { sort: 'top' })) as CommentPage;
      assert.deepEqual(
        page.comments.map((comment) => comment.body),
        ['D', 'B', 'A', 'C', 'reply to C, later', 'another reply to C'],
        'A and C tie: the older first; replies by time, whatever their likes',
      );
      assert.deepEqual(await readAll(s, thread, 'top', 1), [d.id, b.id, a.id, c.id]);
      assert.deepEqual(await readAll(s, thread, 'oldest', 3), [a.id, b.id, c.id, d.id], 'the other orders as before');
      const first = ok(await s.list(thread, { sort: 'top', limit: '1' })) as CommentPage;
      assertError(await s.list(thread, { sort: 'oldest', cursor: first.nextCursor! }), 400);
      const oldest = ok(await s.list(thread, { sort: 'oldest', limit: '1' })) as CommentPage;
      assertError(await s.list(thread, { sort: 'top', cursor: oldest.nextCursor! }), 400);
      const forged = Buffer.from(JSON.stringify({ t: new Date(s.now).toISOString(), i: '1', s: 'top', l: -1, v: 1 })).toString('base64url');
      assertError(await s.list(thread, { sort: 'top', cursor: forged }), 400);
    });

    it('pages top exactly while likes change between pages: nothing skipped, nothing twice', async () => {
      const s = server();
      const thread = uniqueThread('top-cursor');
      const roots: Comment[] = [];
      for (let i = 0; i < 12; i++) roots.push(await posted(s, thread, `Root ${i}`));
      // Each root's likers, so likes can be taken back later.
      const likers = new Map<string, string[]>(roots.map((root) => [root.id, []]));
      const give = async (id: string, times: number) => {
        for (let i = 0; i < times; i++) {
          const key = visitorKey();
          if (!likers.has(id)) likers.set(id, []);
          likers.get(id)!.push(key);
          ok(await like(s, id, key));
        }
      };
      const take = async (id: string, times: number) => {
        for (let i = 0; i < times; i++) {
          const key = likers.get(id)?.pop();
          if (key) ok(await like(s, id, key, false));
        }
      };
      for (const [index, root] of roots.entries()) await give(root.id, index % 4);

      const snapshot = await readAll(s, thread, 'top', 100);
      assert.equal(snapshot.length, 12);
      // Between pages: the last of the first pages jumps to the top, the first sink to nothing,
      // and a comment posted meanwhile arrives: the pages must still hold each root once.
      let posts = 0;
      const seen = await readAll(s, thread, 'top', 3, async (page) => {
        const order = await readAll(s, thread, 'top', 100);
        await give(order[page * 3]!, 6);
        await give(order[page * 3 - 1]!, 3);
        await take(order[0]!, 10);
        await take(order[page * 3 + 1] ?? order[0]!, 10);
        if (posts++ < 2) roots.push(await posted(s, thread, `Late ${posts}`));
      });
      const expected = new Set([...snapshot]);
      assert.equal(new Set(seen).size, seen.length, `no comment twice: ${seen}`);
      for (const id of expected) assert.ok(seen.includes(id), `comment ${id} was skipped`);
      assert.deepEqual(seen.slice(0, snapshot.length).filter((id) => expected.has(id)), snapshot, 'in the first page’s order');
    });

    it('with likes off: no likes field, POST is 403 likes_off, and top answers as oldest', async () => {
      const s = server({ likes: false });
      const thread = uniqueThread('likes-off');
      const a = await posted(s, thread, 'First');
      const b = await posted(s, thread, 'Second');
      const on = server();
      ok(await like(on, b.id, visitorKey()));
      const refused = await like(s, a.id, visitorKey());
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.error.code, 'likes_off');
      const page = ok(await s.list(thread, { sort: 'top' })) as CommentPage;
      assert.deepEqual(page.comments.map((comment) => comment.id), [a.id, b.id]);
      for (const comment of page.comments) assert.equal('likes' in comment, false);
      assert.deepEqual(await readAll(s, thread, 'top', 1), [a.id, b.id]);
    });
  });
}
