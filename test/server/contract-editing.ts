/**
 * The author's edit window (docs/api.md, "Edit or delete your comment"), as part of the
 * contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Comment, CommentPage, PostedComment } from '../../src/api/contract.js';
import { EDIT_WINDOW_SECONDS, LIMITS } from '../../src/api/contract.js';
import { MAX_BODY_BYTES } from '../../src/server/routes/comments.js';
import type { SuiteContext } from './contract-suite.js';
import { ALLOWED_ORIGIN, FOREIGN_ORIGIN, TestServer, assertError, assertForbidden, listed, uniqueEmail, uniqueKey, uniqueThread, type Reply } from './helpers.js';

function posted(reply: Reply): PostedComment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json;
}

const listOf = async (s: TestServer, thread: string) => (await s.list(thread, { limit: '100' })).json as CommentPage;
const PLACEHOLDER_AUTHOR = { name: '', url: null, avatar: '' };

export function editingContract({ server, store }: SuiteContext): void {
  describe('the edit token', () => {
    it('comes with the 201, valid for 15 minutes, and the same again on a retried post', async () => {
      const s = server();
      // A retry is the same draft, author included.
      const draft = { thread: uniqueThread(), idempotencyKey: uniqueKey(), author: { email: uniqueEmail() } };
      const first = posted(await s.post(draft));
      assert.deepEqual(Object.keys(first).sort(), ['comment', 'editToken', 'editableUntil']);
      assert.match(first.editToken, /^[A-Za-z0-9_-]{20,64}$/, 'compact and base64url');
      assert.equal(Date.parse(first.editableUntil) - Date.parse(first.comment.createdAt), EDIT_WINDOW_SECONDS * 1000);
      assert.equal(first.editableUntil, new Date(Date.parse(first.editableUntil)).toISOString());
      s.advance(60);
      const retry = posted(await s.post(draft));
      assert.deepEqual(retry, first, 'same comment, same token, same window');
      const other = posted(await s.post({ thread: draft.thread }));
      assert.notEqual(other.editToken, first.editToken);
    });
  });

  describe('editing', () => {
    it('replaces the body; id, time, author and status stay; the list shows it and its ETag changes', async () => {
      const s = server();
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread, author: { url: 'https://ada.example/' }, body: 'Frist!' }));
      const reply = posted(await s.post({ thread, parentId: comment.id, body: 'A reply.' })).comment;
      const before = await s.list(thread);
      s.advance(30);
      const edited = await s.edit(comment.id, '  First, I meant.\n', editToken);
      assert.equal(edited.status, 200, edited.text);
      assert.deepEqual(Object.keys(edited.json), ['comment']);
      assert.deepEqual(edited.json.comment, { ...comment, body: 'First, I meant.' });
      const after = await s.list(thread, {}, { headers: { 'If-None-Match': before.headers.get('ETag')! } });
      assert.equal(after.status, 200, 'the old ETag no longer matches');
      assert.deepEqual((after.json as CommentPage).comments, [listed({ ...comment, body: 'First, I meant.' }), listed(reply)]);
      assert.equal(after.json.count, 2);
      const again = await s.edit(comment.id, 'And again.', editToken);
      assert.equal(again.json.comment.body, 'And again.', 'as often as the window lasts');
    });

    it('accepts the token until the end of the window and refuses it from then on', async () => {
      const s = server();
      const thread = uniqueThread();
      const { comment, editToken, editableUntil } = posted(await s.post({ thread }));
      s.now = Date.parse(editableUntil) - 1;
      assert.equal((await s.edit(comment.id, 'Just in time.', editToken)).status, 200);
      s.now = Date.parse(editableUntil);
      assertForbidden(await s.edit(comment.id, 'Too late.', editToken));
      assertForbidden(await s.remove(comment.id, editToken));
      const page = await listOf(s, thread);
      assert.deepEqual([page.count, page.comments[0]!.body], [1, 'Just in time.']);
    });

    it('refuses a missing, foreign, tampered or another server’s token with 403 forbidden', async () => {
      const s = server();
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread }));
      const other = posted(await s.post({ thread }));
      assertForbidden(await s.edit(comment.id, 'No token.', null));
      assertForbidden(await s.edit(comment.id, 'Their token.', other.editToken));
      for (const at of [0, 5, 10, 13, 20, editToken.length - 1]) {
        const flipped = editToken[at] === 'A' ? 'B' : 'A';
        assertForbidden(await s.edit(comment.id, 'Tampered.', editToken.slice(0, at) + flipped + editToken.slice(at + 1)));
      }
      for (const token of ['', 'x', editToken + 'A', editToken.slice(1), `${editToken} ${editToken}`, '../../etc/passwd']) {
        assertForbidden(await s.edit(comment.id, 'Malformed.', token));
      }
      const basic = await s.editRaw(comment.id, JSON.stringify({ body: 'Basic.' }), null, { headers: { Authorization: `Basic ${editToken}` } });
      assertForbidden(basic);
      const elsewhere = new TestServer(s.store, { secret: 'another-secret-that-is-at-least-32-chars' });
      elsewhere.now = s.now;
      const forged = posted(await elsewhere.post({ thread }));
      assertForbidden(await elsewhere.edit(comment.id, 'Signed elsewhere.', editToken));
      assertForbidden(await s.edit(forged.comment.id, 'Signed elsewhere.', forged.editToken));
      assertForbidden(await s.remove(comment.id, other.editToken));
      const lowercase = await s.editRaw(comment.id, JSON.stringify({ body: 'Scheme is case-blind.' }), null, { headers: { Authorization: `bearer ${editToken}` } });
      assert.equal(lowercase.status, 200, lowercase.text);
      assert.equal((await listOf(s, thread)).comments.find((c) => c.id === comment.id)!.body, 'Scheme is case-blind.');
    });

    it('answers 404 for an unknown or malformed id', async () => {
      const s = server();
      const { editToken } = posted(await s.post({ thread: uniqueThread() }));
      for (const id of ['999999999', 'abc', '0', '-1', '1.5', '99999999999999999999']) {
        assertError(await s.edit(id, 'Hello?', editToken), 404);
        assertError(await s.remove(id, editToken), 404);
      }
      assertError(await s.edit('999999999', 'No token either.', null), 404);
    });

    it('checks origin, content type and size as a post does', async () => {
      const s = server();
      const { comment, editToken } = posted(await s.post({ thread: uniqueThread() }));
      const foreign = await s.edit(comment.id, 'From elsewhere.', editToken, { origin: FOREIGN_ORIGIN });
      assertError(foreign, 403);
      assert.equal(foreign.json.error.code, 'forbidden_origin');
      assert.equal((await s.remove(comment.id, editToken, { origin: FOREIGN_ORIGIN })).json.error.code, 'forbidden_origin');
      const json = JSON.stringify({ body: 'Typed.' });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
        assertError(await s.editRaw(comment.id, json, editToken, { headers: { 'Content-Type': type } }), 415);
      }
      const untyped = await s.request(`/api/comments/${comment.id}`, {
        method: 'PATCH',
        body: new TextEncoder().encode(json),
        headers: { Authorization: `Bearer ${editToken}` },
      });
      assertError(untyped, 415);
      assertError(await s.editRaw(comment.id, JSON.stringify({ body: 'x'.repeat(MAX_BODY_BYTES) }), editToken), 413);
      assertError(await s.editRaw(comment.id, '{}', editToken, { headers: { 'Content-Length': String(MAX_BODY_BYTES + 1) } }), 413);
      const allowed = await s.edit(comment.id, 'From the blog.', editToken, { origin: ALLOWED_ORIGIN });
      assert.equal(allowed.status, 200);
      assert.equal(allowed.headers.get('Access-Control-Allow-Origin'), ALLOWED_ORIGIN);
      const preflight = await s.request(`/api/comments/${comment.id}`, {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'authorization, content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('Access-Control-Allow-Methods')!, /PATCH/);
      assert.match(preflight.headers.get('Access-Control-Allow-Headers')!, /Authorization/);
    });

    it('checks the new body as a new comment’s: required after trimming, length in characters, storable', async () => {
      const s = server();
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread, body: 'The original.' }));
      assertError(await s.edit(comment.id, '', editToken), 400, { body: 'required' });
      assertError(await s.edit(comment.id, ' \n\t\u00a0 ', editToken), 400, { body: 'required' });
      assertError(await s.editRaw(comment.id, '{}', editToken), 400, { body: 'required' });
      assertError(await s.edit(comment.id, 42, editToken), 400, { body: 'invalid' });
      assertError(await s.edit(comment.id, ['x'], editToken), 400, { body: 'invalid' });
      assertError(await s.edit(comment.id, 'a\u0000b', editToken), 400, { body: 'invalid' });
      assertError(await s.edit(comment.id, 'broken \ud83d here', editToken), 400, { body: 'invalid' });
      assertError(await s.edit(comment.id, '😀'.repeat(LIMITS.body + 1), editToken), 400, { body: 'too_long' });
      for (const raw of ['{"body":', 'null', '[]', '"text"']) assertError(await s.editRaw(comment.id, raw, editToken), 400);
      assert.equal((await listOf(s, thread)).comments[0]!.body, 'The original.', 'nothing changed');
      const atLimit = await s.edit(comment.id, '😀'.repeat(LIMITS.body), editToken);
      assert.equal(atLimit.status, 200);
      assert.equal([...atLimit.json.comment.body].length, LIMITS.body);
    });

    it('lets the author edit a held comment, which stays held and unlisted', async () => {
      const s = server({ moderation: 'all' });
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread }));
      assert.equal(comment.status, 'pending');
      const edited = await s.edit(comment.id, 'Better words.', editToken);
      assert.equal(edited.status, 200);
      assert.deepEqual(edited.json.comment, { ...comment, body: 'Better words.' });
      assert.deepEqual(await listOf(s, thread), { thread, count: 0, comments: [], nextCursor: null });
      await store().setStatus(Number(comment.id), 'approved');
      // Published, it shows its email's avatar seed, which a held comment's answers never do.
      const [shown] = (await listOf(s, thread)).comments;
      assert.notEqual(shown!.author.avatar, comment.author.avatar);
      assert.deepEqual([shown], [listed({ ...comment, author: { ...comment.author, avatar: shown!.author.avatar }, body: 'Better words.', status: 'approved' })]);
    });
  });

  describe('deleting', () => {
    it('removes a comment without replies: gone from the list, the count drops, a second delete still answers 204', async () => {
      const s = server();
      const thread = uniqueThread();
      const keep = posted(await s.post({ thread })).comment;
      const draft = { thread, idempotencyKey: uniqueKey(), body: 'Regrettable.' };
      const { comment, editToken } = posted(await s.post(draft));
      const before = await s.list(thread);
      assert.equal(before.json.count, 2);
      const removed = await s.remove(comment.id, editToken);
      assert.equal(removed.status, 204);
      assert.equal(removed.text, '');
      const after = await s.list(thread, {}, { headers: { 'If-None-Match': before.headers.get('ETag')! } });
      assert.equal(after.status, 200);
      assert.deepEqual(after.json, { thread, count: 1, comments: [listed(keep)], nextCursor: null });
      assert.equal((await s.counts([thread])).json.counts[thread], 1);
      assert.equal((await s.remove(comment.id, editToken)).status, 204, 'deleting twice is not an error');
      const typed = await s.remove(comment.id, editToken, { headers: { 'Content-Type': 'application/json' } });
      assert.equal(typed.status, 204, 'a DELETE needs no body, and a Content-Type without one is no harm');
      assert.equal((await s.list(thread)).json.count, 1);
      assertForbidden(await s.edit(comment.id, 'Back from the dead.', editToken));
      // Its words are erased, so a retry can no longer be matched to it: a 409 that shows nothing.
      const retry = await s.post(draft);
      assertError(retry, 409);
      assert.ok(!retry.text.includes(comment.id));
      // What the author deleted is erased, so a moderator cannot bring the words back either.
      const stored = await store().findById(Number(comment.id));
      assert.deepEqual([stored!.status, stored!.name, stored!.url, stored!.body], ['deleted', '', null, '']);
    });

    it('keeps a deleted comment that has replies as an empty placeholder, so its replies keep their place', async () => {
      const s = server();
      const thread = uniqueThread();
      const a = posted(await s.post({ thread, author: { url: 'https://ada.example/' }, body: 'Root A.' }));
      const b = posted(await s.post({ thread, parentId: a.comment.id, body: 'B replies to A.' }));
      const c = posted(await s.post({ thread, parentId: b.comment.id, body: 'C replies to B.' }));
      const d = posted(await s.post({ thread, body: 'Root D.' }));
      const placeholder = (comment: Comment): Comment => ({ ...comment, author: PLACEHOLDER_AUTHOR, body: '', status: 'deleted' });

      assert.equal((await s.remove(a.comment.id, a.editToken)).status, 204);
      let page = await listOf(s, thread);
      assert.equal(page.count, 3, 'the placeholder is not counted');
      assert.deepEqual(page.comments, [placeholder(a.comment), listed(b.comment), listed(c.comment), listed(d.comment)]);
      assertError(await s.post({ thread, parentId: a.comment.id }), 404);

      assert.equal((await s.remove(b.comment.id, b.editToken)).status, 204);
      page = await listOf(s, thread);
      assert.equal(page.count, 2);
      assert.deepEqual(page.comments, [placeholder(a.comment), placeholder(b.comment), listed(c.comment), listed(d.comment)]);

      // A placeholder stays when its last reply goes: the thread does not reshuffle under readers.
      assert.equal((await s.remove(c.comment.id, c.editToken)).status, 204);
      page = await listOf(s, thread);
      assert.equal(page.count, 1);
      assert.deepEqual(page.comments, [placeholder(a.comment), placeholder(b.comment), listed(d.comment)]);
      assertForbidden(await s.edit(a.comment.id, 'Undelete?', a.editToken));
    });

    it('leaves no placeholder for a comment whose only replies are held', async () => {
      const open = server();
      const thread = uniqueThread();
      const root = posted(await open.post({ thread }));
      posted(await server({ moderation: 'all' }).post({ thread, parentId: root.comment.id }));
      assert.equal((await open.remove(root.comment.id, root.editToken)).status, 204);
      assert.deepEqual(await listOf(open, thread), { thread, count: 0, comments: [], nextCursor: null });
    });

    it('lets the author delete a held comment; the count never saw it', async () => {
      const s = server({ moderation: 'all' });
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread }));
      assert.equal((await s.remove(comment.id, editToken)).status, 204);
      await store().setStatus(Number(comment.id), 'approved');
      const page = await listOf(s, thread);
      assert.equal(page.count, 1, 'a moderator may still publish it, erased');
      assert.equal(page.comments[0]!.body, '');
    });

    it('gives way to a moderator: deleting a placeholder takes it and its replies off the thread', async () => {
      const s = server();
      const thread = uniqueThread();
      const root = posted(await s.post({ thread }));
      posted(await s.post({ thread, parentId: root.comment.id }));
      await s.remove(root.comment.id, root.editToken);
      assert.equal((await listOf(s, thread)).comments.length, 2);
      await store().setStatus(Number(root.comment.id), 'deleted');
      const page = await listOf(s, thread);
      assert.deepEqual(page.comments, []);
      assert.equal(page.count, 1, 'the reply is still approved, just not reachable');
    });

    it('never loses a reply that races its parent’s deletion', async () => {
      const s = server();
      for (let round = 0; round < 4; round++) {
        const thread = uniqueThread();
        const root = posted(await s.post({ thread }));
        const [removed, reply] = await Promise.all([s.remove(root.comment.id, root.editToken), s.post({ thread, parentId: root.comment.id })]);
        assert.equal(removed.status, 204);
        const page = await listOf(s, thread);
        if (reply.status === 201) {
          assert.deepEqual(
            page.comments.map((c) => [c.id, c.status]),
            [
              [root.comment.id, 'deleted'],
              [reply.json.comment.id, 'approved'],
            ],
          );
        } else {
          assertError(reply, 404);
          assert.deepEqual(page.comments, []);
        }
      }
    });
  });
}
