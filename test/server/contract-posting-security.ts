/**
 * What a post's answer gives away (issue 10: items 1, 5, 7, 8 and 12): replays of a used
 * idempotency key, the brake on repeated 409s, flood before duplicate, avatar seeds of
 * unpublished posts, first-time trust, and discarded posts. Part of the contract suite:
 * run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EDIT_WINDOW_SECONDS, type PostedComment } from '../../src/api/contract.js';
import type { SuiteContext } from './contract-suite.js';
import { spamRules } from './contract-spam.js';
import { FakeAkismet } from './fakes.js';
import { assertError, assertForbidden, uniqueAddress, uniqueEmail, uniqueKey, uniqueThread, type Draft, type Reply, type TestServer } from './helpers.js';

/** The documented brake (docs/api.md, "Post a comment"): this many 409s per window from one address. */
const CONFLICTS_PER_WINDOW = 10;
const CONFLICT_WINDOW_SECONDS = 10 * 60;

function posted(reply: Reply): PostedComment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json;
}

/** What an edit token says about itself: the comment id and the end of its window. */
function tokenPayload(token: string): { id: string; expiresAt: number } {
  const bytes = Buffer.from(token, 'base64url');
  assert.equal(bytes.length, 30, 'an edit token is 30 bytes');
  return { id: String(bytes.readBigUInt64BE(0)), expiresAt: bytes.readUIntBE(8, 6) };
}

/** Asserts `answer` has a held comment's shape, and that its token names its id and window without opening it. */
async function assertLooksHeld(s: TestServer, answer: PostedComment, held: PostedComment): Promise<void> {
  assert.deepEqual(Object.keys(answer).sort(), Object.keys(held).sort());
  assert.deepEqual(Object.keys(answer.comment).sort(), Object.keys(held.comment).sort());
  assert.deepEqual(Object.keys(answer.comment.author).sort(), Object.keys(held.comment.author).sort());
  assert.equal(answer.comment.status, 'pending');
  assert.match(answer.comment.author.avatar, /^[0-9a-f]{32}$/);
  assert.match(answer.editToken, /^[A-Za-z0-9_-]{40}$/);
  assert.equal(Date.parse(answer.editableUntil) - Date.parse(answer.comment.createdAt), EDIT_WINDOW_SECONDS * 1000);
  assert.deepEqual(tokenPayload(answer.editToken), { id: answer.comment.id, expiresAt: Date.parse(answer.editableUntil) });
  // It opens nothing, and says so exactly as a held comment's expired token does.
  assertForbidden(await s.edit(answer.comment.id, 'Edited?', answer.editToken));
  assertForbidden(await s.remove(answer.comment.id, answer.editToken));
  assertForbidden(await s.edit(answer.comment.id, 'No token.', null));
  assertForbidden(await s.edit(held.comment.id, 'No token.', null));
}

export function postingSecurityContract({ server, store }: SuiteContext): void {
  describe('replaying an idempotency key', () => {
    it('answers the original only when thread, parent, name, email, website and body all match', async () => {
      const s = server();
      const thread = uniqueThread();
      const root = posted(await s.post({ thread }));
      const draft: Draft = {
        thread,
        parentId: root.comment.id,
        author: { name: 'Ada', email: uniqueEmail(), url: 'https://ada.example/' },
        body: 'The original words.',
        idempotencyKey: uniqueKey(),
      };
      const first = posted(await s.post(draft));
      const elsewhere = uniqueThread();
      const otherRoot = posted(await s.post({ thread: elsewhere }));
      const changes: Partial<Draft>[] = [
        { thread: elsewhere, parentId: otherRoot.comment.id },
        { parentId: null },
        { author: { ...draft.author, name: 'Mallory' } },
        { author: { ...draft.author, email: uniqueEmail() } },
        { author: { ...draft.author, url: 'https://mallory.example/' } },
        { author: { ...draft.author, url: undefined } },
        { body: 'Other words.' },
      ];
      for (const change of changes) {
        const reply = await s.post({ ...draft, ...change });
        assertError(reply, 409);
        assert.doesNotMatch(reply.text, /original words|ada\.example|"id"|editToken/, 'the 409 holds nothing of the stored comment');
        assert.ok(!reply.text.includes(first.comment.id), JSON.stringify(change));
      }
      // Trimming and case are not changes: the retry of the same draft is a replay.
      const retry = posted(await s.post({ ...draft, author: { ...draft.author, name: ' Ada ', email: ` ${String(draft.author!.email).toUpperCase()}` } }));
      assert.deepEqual(retry, first);
      assert.equal((await s.list(thread)).json.count, 2, 'nothing was created');
    });

    it('hands out no working token past the edit window: the retry gets its comment and a token that opens nothing', async () => {
      const s = server();
      const draft: Draft = { thread: uniqueThread(), author: { email: uniqueEmail() }, idempotencyKey: uniqueKey() };
      const first = posted(await s.post(draft));
      s.now = Date.parse(first.editableUntil) - 1000;
      assert.deepEqual(posted(await s.post(draft)), first, 'inside the window, the same token again');
      s.now = Date.parse(first.editableUntil);
      const late = posted(await s.post(draft));
      assert.deepEqual(late.comment, first.comment);
      assert.equal(late.editableUntil, first.editableUntil, 'the window it had, now over');
      assert.notEqual(late.editToken, first.editToken);
      assertForbidden(await s.edit(first.comment.id, 'Too late.', late.editToken));
      s.now = Date.parse(first.editableUntil) - 1000;
      assertForbidden(await s.edit(first.comment.id, 'Even in the window.', late.editToken));
    });

    it('hands out no working token for a comment a moderator marked as spam or deleted', async () => {
      const s = server();
      for (const status of ['spam', 'deleted'] as const) {
        const draft: Draft = { thread: uniqueThread(), author: { email: uniqueEmail() }, idempotencyKey: uniqueKey() };
        const first = posted(await s.post(draft));
        await store().setStatus(Number(first.comment.id), status);
        const replay = posted(await s.post(draft));
        assert.equal(replay.comment.status, 'pending', `${status} looks held`);
        assert.notEqual(replay.editToken, first.editToken, status);
        assert.notEqual(replay.comment.author.avatar, first.comment.author.avatar, 'no longer published: not the email’s seed');
        assert.deepEqual(tokenPayload(replay.editToken), tokenPayload(first.editToken), 'a token like the real one');
        assertForbidden(await s.edit(first.comment.id, 'Hijacked.', replay.editToken));
        assertForbidden(await s.remove(first.comment.id, replay.editToken));
        assert.deepEqual(posted(await s.post(draft)), replay, 'the same answer on every retry');
      }
    });

    it('gives a held or spam post the same answer on every retry', async () => {
      const held = server({ moderation: 'all' });
      const draft: Draft = { thread: uniqueThread(), author: { email: uniqueEmail() }, idempotencyKey: uniqueKey() };
      const first = posted(await held.post(draft));
      assert.deepEqual(posted(await held.post(draft)), first);
      const spam = server({ spam: spamRules({ blockedWords: ['casino'] }) });
      const spamDraft: Draft = { thread: uniqueThread(), author: { email: uniqueEmail() }, body: 'casino', idempotencyKey: uniqueKey() };
      const bot = posted(await spam.post(spamDraft));
      assert.deepEqual(posted(await spam.post(spamDraft)), bot);
    });
  });

  describe('the brake on repeated 409s', () => {
    it(`answers 429 like a flood once an address had ${CONFLICTS_PER_WINDOW} 409s in ${CONFLICT_WINDOW_SECONDS / 60} minutes, on every instance`, async () => {
      const one = server();
      const two = server();
      const victim = posted(await one.post({ thread: uniqueThread(), idempotencyKey: uniqueKey() }));
      const taken = (await store().findById(Number(victim.comment.id)))!.idempotencyKey!;
      const guesser = uniqueAddress();
      // Conflicting keys and duplicates count alike.
      const email = uniqueEmail();
      posted(await one.post({ thread: 'brake/dup', author: { email }, body: 'Said once.' }, { address: guesser }));
      for (let i = 0; i < CONFLICTS_PER_WINDOW; i++) {
        const s = i % 2 ? one : two;
        const reply = i < 3 ? await s.post({ thread: 'brake/dup', author: { email }, body: 'Said once.' }, { address: guesser }) : await s.post({ thread: uniqueThread(), idempotencyKey: taken }, { address: guesser });
        assertError(reply, 409);
      }
      for (const s of [one, two]) {
        const braked = await s.post({ thread: uniqueThread(), idempotencyKey: taken }, { address: guesser });
        assertError(braked, 429);
        assert.equal(braked.json.error.message, 'You are posting comments too quickly. Slow down.');
        assert.equal(braked.headers.get('Retry-After'), String(CONFLICT_WINDOW_SECONDS));
        assertError(await s.post({ thread: uniqueThread() }, { address: guesser }), 429);
      }
      posted(await one.post({ thread: uniqueThread() })); // Another address is not braked.
      for (const s of [one, two]) s.advance(CONFLICT_WINDOW_SECONDS - 1);
      assert.equal((await two.post({ thread: uniqueThread() }, { address: guesser })).headers.get('Retry-After'), '1');
      for (const s of [one, two]) s.advance(1);
      posted(await two.post({ thread: uniqueThread() }, { address: guesser }));
      assertError(await one.post({ thread: uniqueThread(), idempotencyKey: taken }, { address: guesser }), 409);
    });

    it('lets a burst of guesses sent at once past no more 409s than the brake allows', async () => {
      const s = server();
      const victim = posted(await s.post({ thread: uniqueThread(), idempotencyKey: uniqueKey() }));
      const taken = (await store().findById(Number(victim.comment.id)))!.idempotencyKey!;
      const guesser = uniqueAddress();
      const replies = await Promise.all(
        Array.from({ length: CONFLICTS_PER_WINDOW * 2 }, () => s.post({ thread: uniqueThread(), idempotencyKey: taken }, { address: guesser })),
      );
      const statuses = replies.map((reply) => reply.status);
      assert.equal(statuses.filter((status) => status === 409).length, CONFLICTS_PER_WINDOW, statuses.join(' '));
      assert.equal(statuses.filter((status) => status === 429).length, CONFLICTS_PER_WINDOW, statuses.join(' '));
    });
  });

  describe('flood before duplicate', () => {
    it('tells a guessed email nothing: inside the flood interval 429 either way, then no 409 for another poster’s words', async () => {
      const s = server({ floodSeconds: 15 });
      const thread = uniqueThread();
      const author = uniqueEmail();
      const home = uniqueAddress();
      const words = 'Words only the author wrote.';
      const original = posted(await s.post({ thread, author: { email: author }, body: words }, { address: home }));
      s.advance(60);
      const attacker = uniqueAddress();
      posted(await s.post({ thread: uniqueThread() }, { address: attacker }));
      for (const email of [author, uniqueEmail()]) {
        const copy = await s.post({ thread, author: { email }, body: words }, { address: attacker });
        assertError(copy, 429);
        assert.equal(copy.headers.get('Retry-After'), '15');
      }
      s.advance(15);
      // From another client, the author's email is no better a guess than any other.
      const right = posted(await s.post({ thread, author: { email: author }, body: words }, { address: attacker }));
      assert.notEqual(right.comment.id, original.comment.id);
      s.advance(15);
      posted(await s.post({ thread, author: { email: uniqueEmail() }, body: words }, { address: attacker }));
      s.advance(15);
      // The author repeating themselves is still told.
      assertError(await s.post({ thread, author: { email: author }, body: words }, { address: home }), 409);
    });
  });

  describe('avatar seeds of unpublished posts', () => {
    it('gives a held or spam post a seed that is not its email’s', async () => {
      const email = uniqueEmail();
      const published = posted(await server().post({ thread: uniqueThread(), author: { email } }));
      const held = posted(await server({ moderation: 'all' }).post({ thread: uniqueThread(), author: { email }, body: 'Held.' }));
      const honeypot = server({ spam: spamRules() });
      const bot = posted(
        await honeypot.postRaw(
          JSON.stringify({ thread: uniqueThread(), parentId: null, author: { name: 'Ada', email }, body: 'Bot.', idempotencyKey: uniqueKey(), honeypot: 'x' }),
        ),
      );
      const blocked = posted(await server({ spam: spamRules({ blockedWords: ['casino'] }) }).post({ thread: uniqueThread(), author: { email }, body: 'casino' }));
      const seeds = [held, bot, blocked].map((answer) => answer.comment.author.avatar);
      for (const seed of seeds) {
        assert.match(seed, /^[0-9a-f]{32}$/);
        assert.notEqual(seed, published.comment.author.avatar);
      }
      assert.equal(new Set(seeds).size, seeds.length, 'one seed per comment, not per email');
    });
  });

  describe('first-time moderation', () => {
    it('publishes at once only a name and email pair it approved before', async () => {
      const s = server({ moderation: 'first-time' });
      const email = uniqueEmail();
      const thread = uniqueThread();
      const first = posted(await s.post({ thread, author: { name: 'Ada Lovelace', email } }));
      assert.equal(first.comment.status, 'pending');
      await store().setStatus(Number(first.comment.id), 'approved');
      const impostor = posted(await s.post({ thread: uniqueThread(), author: { name: 'Mallory', email } }));
      assert.equal(impostor.comment.status, 'pending', 'the email alone is not trusted');
      const shown = (await s.list(thread)).json.comments[0].author.avatar;
      assert.notEqual(impostor.comment.author.avatar, shown, 'nor shown with the author’s avatar');
      const known = posted(await s.post({ thread: uniqueThread(), author: { name: 'Ada Lovelace', email: email.toUpperCase() }, body: 'Again.' }));
      assert.equal(known.comment.status, 'approved');
    });
  });

  describe('discarded posts', () => {
    let fake: FakeAkismet;
    before(async () => {
      fake = await FakeAkismet.start();
    });
    after(async () => {
      await fake?.close();
    });

    it('answers a post Akismet discards exactly as a held one: a real id in sequence, a token naming it, a seed of its own', async () => {
      const akismet = { key: FakeAkismet.KEY, endpoint: fake.url, siteUrl: 'https://blog.example/', lang: 'en', discard: true, test: true, timeoutMs: 1000 };
      const s = server({ moderation: 'all', spam: spamRules({ akismet }) });
      const email = uniqueEmail();
      const thread = uniqueThread();
      fake.proTip = 'discard';
      const held = posted(await s.post({ thread, author: { email } }));
      const dropped = posted(await s.post({ thread, author: { name: 'akismet-guaranteed-spam', email }, body: 'Dropped.' }));
      const next = posted(await s.post({ thread, author: { email }, body: 'After.' }));
      fake.proTip = null;
      assert.ok(Number(held.comment.id) < Number(dropped.comment.id) && Number(dropped.comment.id) < Number(next.comment.id), 'its id is taken from the sequence');
      assert.equal(await store().findById(Number(dropped.comment.id)), undefined, 'nothing stored');
      assert.equal(dropped.comment.body, 'Dropped.');
      assert.notEqual(dropped.comment.author.avatar, held.comment.author.avatar);
      await assertLooksHeld(s, dropped, held);
    });

    it('answers a post kept as spam as a held one, with a token that opens nothing', async () => {
      const s = server({ spam: spamRules({ blockedWords: ['casino'] }) });
      const held = posted(await server({ moderation: 'all' }).post({ thread: uniqueThread() }));
      const spam = posted(await s.post({ thread: uniqueThread(), body: 'casino' }));
      await assertLooksHeld(s, spam, held);
    });
  });
}
