/**
 * Bounded pages and the replies endpoint (`GET /comments/replies`), and the depth limit on
 * replies (docs/api.md), as part of the contract suite: run against each engine from
 * contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REPLY_DEPTH, REPLIES, type Comment, type CommentPage, type ReplyPage } from '../../src/api/contract.js';
import type { NewStoredComment, StoredComment } from '../../src/server/store/index.js';
import type { SuiteContext } from './contract-suite.js';
import { assertError, uniqueEmail, uniqueKey, uniqueThread, type Reply, type TestServer } from './helpers.js';

const CACHE_CONTROL = 'public, max-age=0, s-maxage=10, must-revalidate';
const T0 = Date.parse('2026-02-01T00:00:00.000Z');

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

const chars = (comments: Comment[]) => comments.reduce((sum, comment) => sum + [...comment.body].length, 0);

function replies(s: TestServer, thread: string, cursor: string, init: RequestInit = {}): Promise<Reply> {
  return s.request(`/api/comments/replies?${new URLSearchParams({ thread, cursor })}`, init);
}

/**
 * Follows replies cursors from `cursor` to the end, checking every page against the bounds
 * and every `more` against what is left; returns the replies in the order listed.
 */
async function walk(s: TestServer, thread: string, rootId: string, cursor: string, count: number, seen: Set<string>): Promise<Comment[]> {
  const walked: Comment[] = [];
  let more: { count: number; cursor: string } | null = { count, cursor };
  while (more) {
    const reply = await replies(s, thread, more.cursor);
    assert.equal(reply.status, 200, reply.text);
    const page = reply.json as ReplyPage;
    assert.equal(page.thread, thread);
    assert.equal(page.rootId, rootId);
    assert.ok(page.comments.length >= 1, 'a replies page holds at least one reply');
    assert.ok(page.comments.length <= REPLIES.perPage);
    if (page.comments.length > 1) assert.ok(chars(page.comments) <= REPLIES.maxChars, `${chars(page.comments)} characters`);
    for (const comment of page.comments) {
      assert.ok(comment.parentId !== null && seen.has(comment.parentId), `reply ${comment.id} follows its parent`);
      seen.add(comment.id);
    }
    walked.push(...page.comments);
    const left: number = more.count - page.comments.length;
    if (left === 0) assert.equal(page.more, null);
    else assert.equal(page.more?.count, left, 'the count of what is left is exact');
    more = page.more;
  }
  return walked;
}

export function repliesContract({ server, store }: SuiteContext): void {
  const row = (fields: Partial<NewStoredComment> & { thread: string }): NewStoredComment => ({
    parentId: null,
    rootId: null,
    name: 'Imported',
    email: uniqueEmail(),
    url: null,
    body: 'A reply.',
    status: 'approved',
    ipHash: null,
    idempotencyKey: uniqueKey(),
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  });

  /** A top-level comment and `length` replies each to the one before, stored in one transaction. */
  const chain = (thread: string, length: number): Promise<StoredComment[]> =>
    store().write(async (tx) => {
      const root = await tx.insert(row({ thread, body: 'The start of a long chain.' }));
      const out = [root];
      for (let i = 1; i <= length; i++) {
        const parent = out.at(-1)!;
        out.push(await tx.insert(row({ thread, parentId: parent.id, rootId: root.id, body: `link ${i}`, createdAt: T0 + i, updatedAt: T0 + i })));
      }
      return out;
    });

  describe('bounded pages and the replies endpoint', () => {
    it('limit=1 on a comment with 70 replies of 65,000 characters answers a bounded page; its cursors list the rest once, in order', async () => {
      const s = server();
      const thread = uniqueThread('long-replies');
      const root = created(await s.post({ thread, body: 'Long replies follow.' }));
      const posted: string[] = [];
      for (let i = 0; i < 70; i++) {
        const body = `${String(i).padStart(2, '0')} ${'w'.repeat(65_000 - 3)}`;
        posted.push(created(await s.post({ thread, parentId: root.id, body })).id);
      }
      const reply = await s.list(thread, { limit: '1' });
      assert.equal(reply.status, 200);
      const page = reply.json as CommentPage;
      const bytes = Buffer.byteLength(reply.text);
      assert.ok(bytes < REPLIES.maxChars + 20_000, `${bytes} bytes, not 4.5 MB`);
      assert.ok(chars(page.comments) <= REPLIES.maxChars);
      const shown = page.comments.slice(1);
      assert.equal(shown.length, 3, 'as many 65,000-character replies as fit in 250,000 characters');
      assert.deepEqual(
        shown.map((c) => c.id),
        posted.slice(0, 3),
        'the oldest replies',
      );
      assert.equal(page.count, 71);
      assert.deepEqual(Object.keys(page.moreReplies ?? {}), [root.id]);
      const more = page.moreReplies![root.id]!;
      assert.equal(more.count, 67);
      const seen = new Set([root.id, ...shown.map((c) => c.id)]);
      const rest = await walk(s, thread, root.id, more.cursor, more.count, seen);
      assert.deepEqual([...shown, ...rest].map((c) => c.id), posted, 'every reply exactly once, in order');
      assert.ok(rest.every((c) => c.body.length === 65_000));
    });

    it('carries at most 20 replies of each top-level comment, with exact counts past held and deleted replies', async () => {
      const s = server();
      const thread = uniqueThread('per-root');
      const now = T0 + 10_000;
      const { big, small, held, placeholder, hiddenBelow } = await store().write(async (tx) => {
        let at = T0;
        const add = (fields: Partial<NewStoredComment>) => tx.insert(row({ thread, createdAt: ++at, updatedAt: at, ...fields }));
        const big = await add({ body: 'Many replies.' });
        const small = await add({ body: 'A few replies.' });
        const direct: StoredComment[] = [];
        for (let i = 0; i < 30; i++) direct.push(await add({ parentId: big.id, rootId: big.id, body: `direct ${i}` }));
        // Replies under a comment a moderator will hold: they go with it.
        const hiddenBelow = [await add({ parentId: direct[2]!.id, rootId: big.id, body: 'under the held one' })];
        hiddenBelow.push(await add({ parentId: hiddenBelow[0]!.id, rootId: big.id, body: 'further under' }));
        // A reply its author deletes while it has a reply: it stays, as a placeholder.
        const under = await add({ parentId: direct[4]!.id, rootId: big.id, body: 'under the deleted one' });
        for (let i = 0; i < 5; i++) await add({ parentId: small.id, rootId: small.id, body: `small ${i}` });
        const pending = await add({ parentId: big.id, rootId: big.id, body: 'waiting', status: 'pending' });
        return { big, small, held: direct[2]!, placeholder: direct[4]!, hiddenBelow, under, pending };
      });
      await store().setStatus(held.id, 'pending', now);
      await store().write(async (tx) => tx.deleteByAuthor((await tx.findById(placeholder.id))!, now));

      const page = (await s.list(thread)).json as CommentPage;
      const bigReplies = page.comments.filter((c) => c.parentId !== null && c.id !== String(small.id) && !c.body.startsWith('small'));
      assert.equal(bigReplies.length, REPLIES.perRoot);
      assert.equal(page.comments.filter((c) => c.body.startsWith('small')).length, 5);
      assert.deepEqual(Object.keys(page.moreReplies ?? {}), [String(big.id)], 'no entry for a root whose replies are all listed');
      // 30 direct replies and the one under the deleted one, less the held one: 30 shown in all.
      const more = page.moreReplies![String(big.id)]!;
      assert.equal(more.count, 30 - REPLIES.perRoot);
      const seen = new Set(page.comments.map((c) => c.id));
      const rest = await walk(s, thread, String(big.id), more.cursor, more.count, seen);
      const all = [...bigReplies, ...rest];
      const ids = all.map((c) => c.id);
      assert.ok(!ids.includes(String(held.id)) && hiddenBelow.every((c) => !ids.includes(String(c.id))), 'nothing of the held subtree');
      assert.ok(!all.some((c) => c.body === 'waiting'));
      assert.equal(all.find((c) => c.id === String(placeholder.id))?.status, 'deleted');
      assert.ok(all.some((c) => c.body === 'under the deleted one'));
      assert.equal(new Set(ids).size, 30);
    });

    it('pages a 5,000-reply chain in bounded pages with exact counts and cursors', async () => {
      const s = server();
      const thread = uniqueThread('chain');
      const links = await chain(thread, 5000);
      const page = (await s.list(thread)).json as CommentPage;
      assert.equal(page.count, 5001);
      assert.deepEqual(
        page.comments.map((c) => c.id),
        links.slice(0, 1 + REPLIES.perRoot).map((c) => String(c.id)),
      );
      const more = page.moreReplies![String(links[0]!.id)]!;
      assert.equal(more.count, 5000 - REPLIES.perRoot);
      const rest = await walk(s, thread, String(links[0]!.id), more.cursor, more.count, new Set(page.comments.map((c) => c.id)));
      assert.deepEqual(
        rest.map((c) => c.id),
        links.slice(1 + REPLIES.perRoot).map((c) => String(c.id)),
      );
      const html = await s.document('html', thread);
      assert.equal(html.status, 200);
      assert.ok(html.text.includes('4,980 more replies'), 'the crawler page lists the same bounded page and says what it held back');
      assert.ok(!html.text.includes(`comment-${links[1 + REPLIES.perRoot]!.id}"`));
      assert.equal((await store().findById(links.at(-1)!.id))?.depth, 5000, 'the store works the depth out however deep');
    });

    it('counts top-level bodies toward the bound: fewer top-level comments, and the next page continues after them', async () => {
      const s = server();
      const thread = uniqueThread('long-roots');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(created(await s.post({ thread, body: `${i} ${'r'.repeat(65_000 - 2)}` })).id);
        s.advance(1);
      }
      const first = await s.list(thread, { limit: '5' });
      const page1 = first.json as CommentPage;
      assert.deepEqual(
        page1.comments.map((c) => c.id),
        ids.slice(0, 3),
      );
      assert.ok(Buffer.byteLength(first.text) < REPLIES.maxChars + 20_000);
      const page2 = (await s.list(thread, { limit: '5', cursor: page1.nextCursor! })).json as CommentPage;
      assert.deepEqual(
        page2.comments.map((c) => c.id),
        ids.slice(3),
      );
      assert.equal(page2.nextCursor, null);
      const feed = await s.document('atom', thread);
      assert.equal(feed.status, 200);
      assert.equal(feed.text.split('<entry>').length - 1, 3, 'the feed holds as many of the newest as fit');
    });

    it('answers replies pages with the cache headers, 304 to a matching If-None-Match, and a new ETag once the thread changes', async () => {
      const s = server();
      const thread = uniqueThread('replies-cache');
      const root = created(await s.post({ thread }));
      for (let i = 0; i < REPLIES.perRoot + 2; i++) created(await s.post({ thread, parentId: root.id, body: `reply ${i}` }));
      const cursor = ((await s.list(thread)).json as CommentPage).moreReplies![root.id]!.cursor;
      const first = await replies(s, thread, cursor);
      assert.equal(first.status, 200);
      assert.deepEqual(
        (first.json as ReplyPage).comments.map((c) => c.body),
        ['reply 20', 'reply 21'],
      );
      assert.equal(first.json.more, null);
      assert.equal(first.headers.get('Cache-Control'), CACHE_CONTROL);
      const etag = first.headers.get('ETag')!;
      assert.match(etag, /^"[^"]+"$/);
      const again = await replies(s, thread, cursor, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
      created(await s.post({ thread, parentId: root.id, body: 'reply 22' }));
      const changed = await replies(s, thread, cursor, { headers: { 'If-None-Match': etag } });
      assert.equal(changed.status, 200);
      assert.notEqual(changed.headers.get('ETag'), etag);
      assert.deepEqual(
        (changed.json as ReplyPage).comments.map((c) => c.body),
        ['reply 20', 'reply 21', 'reply 22'],
      );
    });

    it('refuses a missing or tampered replies cursor with 400, and one for no published top-level comment of the thread with 404', async () => {
      const s = server();
      const thread = uniqueThread('replies-cursor');
      const other = uniqueThread('replies-other');
      const root = created(await s.post({ thread }));
      for (let i = 0; i < REPLIES.perRoot + 1; i++) created(await s.post({ thread, parentId: root.id, body: `reply ${i}` }));
      const page = (await s.list(thread)).json as CommentPage;
      const cursor = page.moreReplies![root.id]!.cursor;
      assert.equal((await replies(s, thread, cursor)).status, 200);

      assertError(await s.request(`/api/comments/replies?${new URLSearchParams({ cursor })}`), 400, { thread: 'required' });
      assertError(await s.request(`/api/comments/replies?${new URLSearchParams({ thread })}`), 400);
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const tampered = [
        '',
        'not a cursor',
        '!!!',
        'a'.repeat(500),
        Buffer.from('{"r":').toString('base64url'),
        encode([]),
        encode('1'),
        encode({ r: 1 }),
        encode({ r: '01' }),
        encode({ r: '-1' }),
        encode({ r: '99999999999999999' }),
        encode({ r: root.id, t: 'yesterday', i: '1' }),
        encode({ r: root.id, t: '2026-01-01T00:00:00.000Z' }),
        encode({ r: root.id, i: '5' }),
        encode({ r: root.id, t: '2026-01-01T00:00:00Z', i: '5' }),
        encode({ r: root.id, x: 1 }),
      ];
      for (const bad of tampered) assertError(await replies(s, thread, bad), 400);
      assert.equal((await replies(s, thread, encode({ r: root.id }))).status, 200, 'a cursor from the first reply on is one the server makes');

      // Another thread's root, a reply taken for a root, a root no one posted, a root since held.
      assertError(await replies(s, other, cursor), 404);
      assertError(await replies(s, thread, encode({ r: page.comments[1]!.id })), 404);
      assertError(await replies(s, thread, encode({ r: '987654321' })), 404);
      await store().setStatus(Number(root.id), 'pending');
      assertError(await replies(s, thread, cursor), 404);
    });
  });

  describe('reply depth', () => {
    it(`refuses a reply more than ${MAX_REPLY_DEPTH} levels deep with a field error on parentId`, async () => {
      const s = server();
      const thread = uniqueThread('deep');
      const links = await chain(thread, MAX_REPLY_DEPTH);
      assert.equal(links.at(-1)!.depth, MAX_REPLY_DEPTH);
      const refused = await s.post({ thread, parentId: String(links.at(-1)!.id), body: 'One level too deep.' });
      assertError(refused, 400, { parentId: 'invalid' });
      assert.match(refused.json.error.message, new RegExp(`${MAX_REPLY_DEPTH} levels`));
      const deepest = created(await s.post({ thread, parentId: String(links.at(-2)!.id), body: 'As deep as it goes.' }));
      assert.equal((await store().findById(Number(deepest.id)))?.depth, MAX_REPLY_DEPTH);
      assert.equal((await store().findById(links[0]!.id))?.depth, 0);
      // An import keeps what it brings, and the store still counts its depth.
      const imported = await store().write((tx) =>
        tx.insertImported({ ...row({ thread, parentId: links.at(-1)!.id, rootId: links[0]!.id }), authorDeletion: null, holdReason: null }),
      );
      assert.equal((await store().findById(imported))?.depth, MAX_REPLY_DEPTH + 1);
    });
  });
}
