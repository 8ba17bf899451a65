/**
 * Bans (docs/admin-api.md, "Bans"): of a comment's email, its client address (its IPv4 address or
 * IPv6 /64), or both; to spam silently or refused with 403 `banned`; with an expiry; lifted; listed
 * without the email or the address. And the word lists matching the client address, as
 * WordPress's disallowed keys do. Part of the contract suite: run against each engine from
 * contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Ban } from '../../src/api/admin-contract.js';
import type { Comment } from '../../src/api/contract.js';
import type { SpamConfig } from '../../src/server/config.js';
import type { SuiteContext } from './contract-suite.js';
import { assertError, uniqueAddress, uniqueEmail, uniqueNetwork, uniqueThread, type Reply, type TestServer } from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

function banOf(s: TestServer, id: string, body: unknown): Promise<Reply> {
  return s.admin('POST', `/comments/${id}/ban`, { body });
}

/** What the moderator sees of a comment: its status and why it was held. */
async function stored(s: TestServer, id: string): Promise<{ status: string; heldFor: string | null }> {
  const reply = await s.admin('GET', `/comments/${id}`);
  assert.equal(reply.status, 200, reply.text);
  return { status: reply.json.comment.status, heldFor: reply.json.comment.heldFor };
}

function assertBanned(reply: Reply): void {
  assert.equal(reply.status, 403, reply.text);
  assert.deepEqual(reply.json, { error: { code: 'banned', message: 'You cannot comment on this site.' } });
}

const spam = (words: Partial<SpamConfig>): SpamConfig => ({ minFormSeconds: 0, maxLinks: null, moderationWords: [], blockedWords: [], akismet: null, ...words });

export function bansContract({ server }: SuiteContext): void {
  describe('bans', () => {
    it('bans an email to spam: its new comments are answered as held and stored as spam, with no expiry', async () => {
      const s = server();
      const thread = uniqueThread('ban-email');
      const email = uniqueEmail();
      const first = created(await s.post({ thread, author: { email } }));
      const reply = await banOf(s, first.id, { email: true, address: false, action: 'spam', reason: 'Sells watches' });
      assert.equal(reply.status, 201, reply.text);
      const [ban] = reply.json.bans as Ban[];
      assert.equal(reply.json.bans.length, 1);
      assert.deepEqual(
        { ...ban, id: undefined },
        {
          id: undefined,
          kind: 'email',
          action: 'spam',
          reason: 'Sells watches',
          label: `z•••@mail.example`,
          commentId: first.id,
          createdAt: new Date(s.now).toISOString(),
          expiresAt: null,
          active: true,
        },
      );

      s.advance(60);
      // From another address, with the email typed in another case: still the banned email.
      const again = await s.post({ thread, author: { email: email.toUpperCase() }, body: 'Cheap watches' }, { address: uniqueAddress() });
      const honeypot = await s.postRaw(
        JSON.stringify({ thread, parentId: null, author: { name: 'Ada', email: uniqueEmail() }, body: 'Bot text', idempotencyKey: crypto.randomUUID(), honeypot: 'filled' }),
      );
      assert.equal(again.status, 201, again.text);
      assert.equal(again.json.comment.status, 'pending', 'the poster is told it awaits moderation');
      assert.deepEqual(Object.keys(again.json).sort(), Object.keys(honeypot.json).sort(), 'answered as a honeypot catch is');
      assert.equal(again.json.comment.status, honeypot.json.comment.status);
      assert.deepEqual(await stored(s, again.json.comment.id), { status: 'spam', heldFor: 'banned' });
      const listed = await s.list(thread);
      assert.deepEqual(listed.json.comments.map((comment: Comment) => comment.id), [first.id], 'not published');

      s.advance(365 * 24 * 60 * 60);
      const later = created(await s.post({ thread, author: { email }, body: 'A year on' }));
      assert.deepEqual(await stored(s, later.id), { status: 'spam', heldFor: 'banned' }, 'an email ban never ends by default');
      const other = created(await s.post({ thread, body: 'Someone else' }));
      assert.deepEqual(await stored(s, other.id), { status: 'approved', heldFor: null });
    });

    it('bans an address to refuse, for 30 days by default: 403 banned from its /64, nothing after it expires', async () => {
      const s = server();
      const thread = uniqueThread('ban-address');
      const network = uniqueNetwork();
      const first = created(await s.post({ thread }, { address: `${network}::1` }));
      const reply = await banOf(s, first.id, { address: true, action: 'refuse' });
      assert.equal(reply.status, 201, reply.text);
      const [ban] = reply.json.bans as Ban[];
      assert.equal(ban!.kind, 'address');
      assert.equal(ban!.label, `address of comment #${first.id}`);
      assert.equal(ban!.expiresAt, new Date(s.now + 30 * DAY_MS).toISOString());
      assert.ok(!JSON.stringify(reply.json).includes(network), 'the address is never shown');

      s.advance(60);
      assertBanned(await s.post({ thread, body: 'Back again' }, { address: `${network}::1` }));
      assertBanned(await s.post({ thread, body: 'Same network' }, { address: `${network}:0:0:0:abcd` }));
      assertBanned(await s.post({ thread, parentId: first.id, body: 'A reply' }, { address: `${network}::2` }));
      created(await s.post({ thread, body: 'Another network' }, { address: uniqueAddress() }));

      s.advance(29 * 24 * 60 * 60);
      assertBanned(await s.post({ thread, body: 'Day 29' }, { address: `${network}::1` }));
      s.advance(2 * 24 * 60 * 60);
      const after = created(await s.post({ thread, body: 'Day 31' }, { address: `${network}::1` }));
      assert.deepEqual(await stored(s, after.id), { status: 'approved', heldFor: null }, 'an expired ban does nothing');
      const list = await s.admin('GET', '/bans');
      const listed = (list.json.bans as Ban[]).find((item) => item.id === ban!.id)!;
      assert.equal(listed.active, false, 'listed, expired');
    });

    it('bans both with an expiry in days; a refuse ban wins over a spam ban; unbanning lifts it', async () => {
      const s = server();
      const thread = uniqueThread('ban-both');
      const email = uniqueEmail();
      const address = uniqueAddress();
      const first = created(await s.post({ thread, author: { email } }, { address }));
      const reply = await banOf(s, first.id, { email: true, address: true, action: 'spam', days: 2 });
      assert.equal(reply.status, 201, reply.text);
      const bans = reply.json.bans as Ban[];
      assert.deepEqual(bans.map((ban) => ban.kind), ['email', 'address']);
      for (const ban of bans) assert.equal(ban.expiresAt, new Date(s.now + 2 * DAY_MS).toISOString());

      s.advance(60);
      const byEmail = created(await s.post({ thread, author: { email }, body: 'New address' }, { address: uniqueAddress() }));
      const byAddress = created(await s.post({ thread, body: 'New email' }, { address }));
      assert.deepEqual(await stored(s, byEmail.id), { status: 'spam', heldFor: 'banned' });
      assert.deepEqual(await stored(s, byAddress.id), { status: 'spam', heldFor: 'banned' });

      const refuse = await banOf(s, first.id, { email: true, address: false, action: 'refuse', reason: '  ' });
      assert.equal(refuse.status, 201, refuse.text);
      assert.equal(refuse.json.bans[0].reason, null);
      s.advance(60);
      assertBanned(await s.post({ thread, author: { email }, body: 'Refused now' }, { address }));

      const list = await s.admin('GET', '/bans');
      assert.equal(list.status, 200, list.text);
      assert.equal(list.headers.get('Cache-Control'), 'no-store');
      const ids = (list.json.bans as Ban[]).map((ban) => ban.id);
      const mine = [refuse.json.bans[0].id, ...bans.map((ban) => ban.id)];
      assert.deepEqual(
        ids.filter((id) => mine.includes(id)),
        [refuse.json.bans[0].id, bans[1]!.id, bans[0]!.id],
        'newest first',
      );
      assert.ok(!list.text.includes(email), 'no email in the list');

      const removed = await s.admin('DELETE', `/bans/${refuse.json.bans[0].id}`);
      assert.equal(removed.status, 204, removed.text);
      assertError(await s.admin('DELETE', `/bans/${refuse.json.bans[0].id}`), 404);
      const spamAgain = created(await s.post({ thread, author: { email }, body: 'Spam again' }, { address }));
      assert.deepEqual(await stored(s, spamAgain.id), { status: 'spam', heldFor: 'banned' }, 'the spam bans still stand');
      for (const ban of bans) assert.equal((await s.admin('DELETE', `/bans/${ban.id}`)).status, 204);
      s.advance(60);
      const free = created(await s.post({ thread, author: { email }, body: 'Free again' }, { address }));
      assert.deepEqual(await stored(s, free.id), { status: 'approved', heldFor: null });

      s.advance(3 * 24 * 60 * 60);
      const expired = await banOf(s, first.id, { email: true, address: true, action: 'refuse', days: 1 });
      assert.equal(expired.status, 201);
      s.advance(2 * 24 * 60 * 60);
      created(await s.post({ thread, author: { email }, body: 'Both expired' }, { address }));
    });

    it('refuses bad ban requests: 400, 404 for no such comment, 401 without the token', async () => {
      const s = server();
      const first = created(await s.post({ thread: uniqueThread('ban-bad') }));
      for (const body of [
        {},
        { email: false, address: false, action: 'spam' },
        { email: true, action: 'delete' },
        { email: 'yes', action: 'spam' },
        { email: true, action: 'spam', reason: 'x'.repeat(501) },
        { email: true, action: 'spam', reason: 5 },
        { email: true, action: 'spam', days: 0 },
        { email: true, action: 'spam', days: 3651 },
        { email: true, action: 'spam', days: 1.5 },
        { email: true, action: 'spam', days: '2' },
        [],
        'ban',
      ]) {
        assertError(await banOf(s, first.id, body), 400);
      }
      assert.equal((await banOf(s, first.id, { email: true, action: 'spam', reason: 'x'.repeat(500), days: 3650 })).status, 201);
      assertError(await banOf(s, '987654321', { email: true, action: 'spam' }), 404);
      assertError(await banOf(s, 'abc', { email: true, action: 'spam' }), 404);
      assertError(await s.admin('DELETE', '/bans/abc'), 404);
      assert.equal((await s.admin('POST', `/comments/${first.id}/ban`, { body: { email: true, action: 'spam' }, token: null })).status, 401);
      assert.equal((await s.admin('GET', '/bans', { token: null })).status, 401);
      const noAddress = created(await s.post({ thread: uniqueThread('ban-bad') }, { address: null }));
      assertError(await banOf(s, noAddress.id, { address: true, action: 'spam' }), 400);
    });

    it('matches the word lists against the client address too (WordPress’s disallowed keys)', async () => {
      const network = uniqueNetwork();
      const s = server({ spam: spam({ blockedWords: [`${network}:`], moderationWords: ['203.0.113.'] }) });
      const thread = uniqueThread('words-address');
      const blocked = await s.post({ thread, body: 'From a blocked network' }, { address: `${network}::7` });
      assert.equal(blocked.status, 201, blocked.text);
      assert.equal(blocked.json.comment.status, 'pending');
      assert.deepEqual(await stored(s, blocked.json.comment.id), { status: 'spam', heldFor: 'blocked_word' });
      const held = created(await s.post({ thread, body: 'From a held range' }, { address: '203.0.113.9' }));
      assert.deepEqual(await stored(s, held.id), { status: 'pending', heldFor: 'moderation_word' });
      const fine = created(await s.post({ thread, body: 'From elsewhere' }, { address: uniqueAddress() }));
      assert.deepEqual(await stored(s, fine.id), { status: 'approved', heldFor: null });
    });
  });
}
