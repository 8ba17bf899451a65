/**
 * The spam defenses (docs/server.md, "Spam"): the honeypot, the form token, links, the word
 * lists and Akismet (against a local fake), as part of the contract suite: run against each
 * engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdminComment } from '../../src/api/admin-contract.js';
import type { Comment, CommentPage, PostedComment } from '../../src/api/contract.js';
import type { AkismetConfig, SpamConfig } from '../../src/server/config.js';
import { formTokens } from '../../src/server/security/form-token.js';
import type { SuiteContext } from './contract-suite.js';
import { FakeAkismet, waitFor } from './fakes.js';
import { TestServer, listed as withLikes, uniqueAddress, uniqueEmail, uniqueKey, uniqueThread, type Draft, type PostOptions, type Reply } from './helpers.js';

export const spamRules = (change: Partial<SpamConfig> = {}): SpamConfig => ({
  minFormSeconds: 0,
  maxLinks: null,
  moderationWords: [],
  blockedWords: [],
  akismet: null,
  ...change,
});

function posted(reply: Reply): PostedComment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json;
}

/** Posts with extra fields the harness's draft type does not know (honeypot, formToken). */
function postWith(s: TestServer, draft: Draft & Record<string, unknown>, options: PostOptions = {}): Promise<Reply> {
  const body = { parentId: null, body: 'A thoughtful comment.', idempotencyKey: uniqueKey(), ...draft, author: { name: 'Ada', email: uniqueEmail(), ...draft.author } };
  return s.postRaw(JSON.stringify(body), options);
}

/** The comment as the admin API sees it: its real status and why. */
async function stored(s: TestServer, id: string): Promise<AdminComment> {
  const reply = await s.admin('GET', `/comments/${id}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.json.comment;
}

async function listed(s: TestServer, thread: string): Promise<CommentPage> {
  return (await s.list(thread)).json;
}

/** The comments of the admin queue (pending) of one thread, by id. */
async function queued(s: TestServer, thread: string): Promise<Map<string, AdminComment>> {
  const reply = await s.admin('GET', `/comments?${new URLSearchParams({ thread, status: 'pending' })}`);
  assert.equal(reply.status, 200, reply.text);
  return new Map(reply.json.comments.map((comment: AdminComment) => [comment.id, comment]));
}

/**
 * `comment` as a held edit of it is answered: pending, with the new text; the avatar seed is
 * the answer's (an unpublished comment may be shown with a seed of its own).
 */
function heldAs(comment: Comment, body: string, answer: Comment): Comment {
  assert.match(answer.author.avatar, /^[0-9a-f]{16,}$/);
  return { ...comment, author: { ...comment.author, avatar: answer.author.avatar }, body, status: 'pending' };
}

/** An edit answered 200: the comment as its author is shown it. */
async function edited(s: TestServer, id: string, body: string, token: string): Promise<PostedComment['comment']> {
  const reply = await s.edit(id, body, token);
  assert.equal(reply.status, 200, reply.text);
  assert.deepEqual(Object.keys(reply.json), ['comment']);
  return reply.json.comment;
}

export function spamContract({ server }: SuiteContext): void {
  describe('the honeypot', () => {
    it('stores a post with the hidden field filled in as spam, and answers it as a held comment', async () => {
      const s = server({ spam: spamRules() });
      const thread = uniqueThread();
      const held = posted(await server({ moderation: 'all' }).post({ thread }));
      const bot = posted(await postWith(s, { thread, honeypot: 'https://cheap-pills.example' }));
      assert.deepEqual(Object.keys(bot).sort(), Object.keys(held).sort());
      assert.deepEqual(Object.keys(bot.comment).sort(), Object.keys(held.comment).sort());
      assert.equal(bot.comment.status, 'pending', 'the bot is told what any held author is told');
      assert.deepEqual(await listed(s, thread), { thread, count: 0, comments: [], nextCursor: null });
      const record = await stored(s, bot.comment.id);
      assert.equal(record.status, 'spam');
      assert.equal(record.heldFor, 'honeypot');
    });

    it('takes anything but an empty string for a filled field, and lets empty ones through', async () => {
      const s = server({ spam: spamRules() });
      const thread = uniqueThread();
      for (const honeypot of [42, true, ['x'], { a: 1 }, ' x ']) {
        const { comment } = posted(await postWith(s, { thread, honeypot, body: `Bot ${JSON.stringify(honeypot)}` }));
        assert.equal((await stored(s, comment.id)).status, 'spam', JSON.stringify(honeypot));
      }
      for (const honeypot of ['', '   ', null, undefined]) {
        const { comment } = posted(await postWith(s, { thread, honeypot, body: `Person ${JSON.stringify(honeypot)}` }));
        assert.equal(comment.status, 'approved', JSON.stringify(honeypot));
      }
    });
  });

  describe('the form token', () => {
    it('comes with every list, and a post made sooner than COLLOQUY_MIN_FORM_SECONDS after it is held', async () => {
      const s = server({ spam: spamRules({ minFormSeconds: 3 }) });
      const thread = uniqueThread();
      const page = await listed(s, thread);
      assert.match(page.formToken!, /^[A-Za-z0-9_-]{32}$/, 'compact base64url');
      s.advance(2.9);
      const quick = posted(await postWith(s, { thread, formToken: page.formToken }));
      assert.equal(quick.comment.status, 'pending');
      assert.equal((await stored(s, quick.comment.id)).heldFor, 'form_too_fast');
      s.advance(0.1);
      const person = posted(await postWith(s, { thread, formToken: page.formToken, body: 'Took my time.' }));
      assert.equal(person.comment.status, 'approved');
      s.advance(7 * 24 * 3600);
      const later = posted(await postWith(s, { thread, formToken: page.formToken, body: 'A week later, same page.' }));
      assert.equal(later.comment.status, 'approved', 'an old token is fine: the page may have stayed open');
    });

    it('holds a post whose token was altered, garbled or signed by another server', async () => {
      const s = server({ spam: spamRules({ minFormSeconds: 3 }) });
      const thread = uniqueThread();
      const token = (await listed(s, thread)).formToken!;
      s.advance(60);
      const flip = (char: string) => (char === 'A' ? 'B' : 'A');
      const foreign = formTokens('another-secret-that-is-at-least-32-chars').issue(s.now - 60_000);
      const bad: unknown[] = [
        token.slice(0, -1) + flip(token.at(-1)!),
        flip(token[0]!) + token.slice(1),
        token.slice(0, 10) + flip(token[10]!) + token.slice(11),
        token + 'A',
        'not a token',
        12345,
        { token },
        foreign,
      ];
      for (const [i, formToken] of bad.entries()) {
        const { comment } = posted(await postWith(s, { thread, formToken, body: `Bad token ${i}` }));
        assert.equal(comment.status, 'pending', `token ${JSON.stringify(formToken)}`);
        assert.equal((await stored(s, comment.id)).heldFor, 'form_token_invalid');
      }
      assert.equal(posted(await postWith(s, { thread, formToken: token, body: 'The real one.' })).comment.status, 'approved');
    });

    it('lets a post without a token through, as older clients send none', async () => {
      const s = server({ spam: spamRules({ minFormSeconds: 3 }) });
      const thread = uniqueThread();
      assert.equal(posted(await s.post({ thread })).comment.status, 'approved');
      assert.equal(posted(await postWith(s, { thread, formToken: '', body: 'Empty token.' })).comment.status, 'approved');
    });

    it('keeps list answers cacheable: a weak ETag over the page alone, 304 while the thread is unchanged', async () => {
      const s = server({ spam: spamRules({ minFormSeconds: 3 }) });
      const thread = uniqueThread();
      const first = await s.list(thread);
      s.advance(5);
      const second = await s.list(thread);
      assert.notEqual(first.json.formToken, second.json.formToken, 'a fresh token each time');
      const etag = first.headers.get('ETag')!;
      assert.match(etag, /^W\/"[^"]+"$/);
      assert.equal(second.headers.get('ETag'), etag);
      assert.equal((await s.list(thread, {}, { headers: { 'If-None-Match': etag } })).status, 304);
      assert.deepEqual(Object.keys(first.json), ['thread', 'count', 'comments', 'nextCursor', 'formToken']);
      posted(await s.post({ thread }));
      assert.equal((await s.list(thread, {}, { headers: { 'If-None-Match': etag } })).status, 200);
    });

    it('is not issued when COLLOQUY_MIN_FORM_SECONDS is 0, and tokens are then ignored', async () => {
      const s = server({ spam: spamRules({ minFormSeconds: 0 }) });
      const thread = uniqueThread();
      const reply = await s.list(thread);
      assert.equal(reply.json.formToken, undefined);
      assert.match(reply.headers.get('ETag')!, /^"[^"]+"$/, 'strong again');
      assert.equal(posted(await postWith(s, { thread, formToken: 'garbled' })).comment.status, 'approved');
    });
  });

  describe('links', () => {
    it('holds a comment with more links than COLLOQUY_MAX_LINKS (default 1: two or more are held)', async () => {
      const s = server({ spam: spamRules({ maxLinks: 1 }) });
      const thread = uniqueThread();
      const status = async (body: string) => posted(await s.post({ thread, body })).comment;
      assert.equal((await status('See https://example.com/notes for the notes.')).status, 'approved');
      assert.equal((await status('Also at https://www.example.com/x, one link.')).status, 'approved');
      assert.equal((await status('www.example.com only.')).status, 'approved');
      assert.equal((await status('No links, just a website in my name field.')).status, 'approved');
      for (const body of ['http://a.example and https://b.example', 'www.a.example www.b.example', 'HTTPS://A.EXAMPLE then www.b.example']) {
        const held = await status(body);
        assert.equal(held.status, 'pending', body);
        assert.equal((await stored(s, held.id)).heldFor, 'links');
      }
    });

    it('holds any link with 0, and none with off', async () => {
      const thread = uniqueThread();
      assert.equal(posted(await server({ spam: spamRules({ maxLinks: 0 }) }).post({ thread, body: 'https://x.example' })).comment.status, 'pending');
      const many = Array.from({ length: 12 }, (_, i) => `https://x${i}.example`).join(' ');
      assert.equal(posted(await server({ spam: spamRules({ maxLinks: null }) }).post({ thread, body: many })).comment.status, 'approved');
    });
  });

  describe('word lists', () => {
    it('holds a comment with a moderation word in its name, email, website or body, case-insensitively', async () => {
      const s = server({ spam: spamRules({ moderationWords: ['casino', 'ébène'] }) });
      const thread = uniqueThread();
      const drafts: Draft[] = [
        { thread, body: 'Best CASINO bonuses.' },
        { thread, author: { name: 'Casino Royale' } },
        { thread, author: { email: `zq${Date.now()}@casinos.example` } },
        { thread, author: { url: 'https://my-Casino.example/' } },
        { thread, body: 'Du bois d’ÉBÈNE.' },
        { thread, body: 'Occasional Casinos inside a word count too.' },
      ];
      for (const draft of drafts) {
        const { comment } = posted(await s.post(draft));
        assert.equal(comment.status, 'pending', JSON.stringify(draft));
        assert.equal((await stored(s, comment.id)).heldFor, 'moderation_word');
      }
      assert.equal(posted(await s.post({ thread, body: 'Nothing to see.' })).comment.status, 'approved');
    });

    it('stores a comment with a blocked word as spam; a blocked word outweighs a moderation word', async () => {
      const s = server({ spam: spamRules({ moderationWords: ['pills'], blockedWords: ['viagra'] }) });
      const thread = uniqueThread();
      for (const draft of [{ thread, body: 'Cheap VIAGRA pills' }, { thread, author: { name: 'viagra-seller' } }] as Draft[]) {
        const { comment } = posted(await s.post(draft));
        assert.equal(comment.status, 'pending', 'answered as held');
        const record = await stored(s, comment.id);
        assert.equal(record.status, 'spam');
        assert.equal(record.heldFor, 'blocked_word');
      }
      assert.equal((await listed(s, thread)).count, 0);
    });

    it('applies to authors moderation would otherwise publish at once', async () => {
      const s = server({ moderation: 'first-time', spam: spamRules({ maxLinks: 1 }) });
      const thread = uniqueThread();
      const email = uniqueEmail();
      const first = posted(await s.post({ thread, author: { email } }));
      assert.equal((await stored(s, first.comment.id)).heldFor, 'moderation');
      await s.admin('PATCH', `/comments/${first.comment.id}`, { body: { status: 'approved' } });
      assert.equal(posted(await s.post({ thread, author: { email }, body: 'Known now.' })).comment.status, 'approved');
      assert.equal(posted(await s.post({ thread, author: { email }, body: 'https://a.example https://b.example' })).comment.status, 'pending');
    });
  });

  describe('an author’s edit', () => {
    it('holds an approved comment edited to hold a moderation word: pending, unlisted, uncounted, queued with the reason', async () => {
      const s = server({ spam: spamRules({ moderationWords: ['casino'] }) });
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread, body: 'An honest comment.' }));
      const other = posted(await s.post({ thread, body: 'Another one.' })).comment;
      assert.equal(comment.status, 'approved');
      const before = await s.list(thread);
      assert.equal(before.json.count, 2);
      s.advance(60);
      const held = await edited(s, comment.id, 'Now with the best CASINO bonuses.', editToken);
      assert.deepEqual(held, heldAs(comment, 'Now with the best CASINO bonuses.', held));
      const after = await s.list(thread, {}, { headers: { 'If-None-Match': before.headers.get('ETag')! } });
      assert.equal(after.status, 200, 'the old page is not served again');
      assert.deepEqual(after.json, { thread, count: 1, comments: [withLikes(other)], nextCursor: null });
      assert.equal((await s.counts([thread])).json.counts[thread], 1);
      assert.ok(!(await s.document('html', thread)).text.includes('CASINO'), 'nor in the crawler page');
      assert.ok(!(await s.document('atom', thread)).text.includes('CASINO'), 'nor in the feed');
      const record = (await queued(s, thread)).get(comment.id);
      assert.equal(record?.status, 'pending', 'in the moderation queue');
      assert.equal(record.heldFor, 'moderation_word');
      assert.equal(record.body, 'Now with the best CASINO bonuses.');
      // A moderator's approval publishes the edited text.
      await s.admin('PATCH', `/comments/${comment.id}`, { body: { status: 'approved' } });
      assert.deepEqual((await listed(s, thread)).comments.map((c) => c.body), ['Now with the best CASINO bonuses.', 'Another one.']);
    });

    it('finds a moderation word in the name or website, as a post does', async () => {
      const s = server({ spam: spamRules({ moderationWords: ['casino', 'ébène'] }) });
      for (const author of [{ name: 'Casino Royale' }, { url: 'https://ébène.example/' }, { url: 'https://example.com/ébène' }]) {
        // Posted while the list was empty, so published.
        const open = server({ spam: spamRules() });
        const thread = uniqueThread();
        const { comment, editToken } = posted(await open.post({ thread, author }));
        assert.equal(comment.status, 'approved');
        assert.equal((await edited(s, comment.id, 'Only the text changed.', editToken)).status, 'pending', JSON.stringify(author));
        assert.equal((await stored(s, comment.id)).heldFor, 'moderation_word');
      }
    });

    it('calls an edit with a blocked word spam, answered exactly as a held edit', async () => {
      const s = server({ spam: spamRules({ moderationWords: ['pills'], blockedWords: ['viagra'] }) });
      const thread = uniqueThread();
      const a = posted(await s.post({ thread, body: 'Fine words.' }));
      const b = posted(await s.post({ thread, body: 'Other fine words.' }));
      const spam = await edited(s, a.comment.id, 'Cheap VIAGRA pills', a.editToken);
      const held = await edited(s, b.comment.id, 'Cheap pills', b.editToken);
      assert.deepEqual(spam, heldAs(a.comment, 'Cheap VIAGRA pills', spam), 'never "spam"');
      assert.deepEqual(Object.keys(spam), Object.keys(held));
      assert.equal(held.status, 'pending');
      const record = await stored(s, a.comment.id);
      assert.deepEqual([record.status, record.heldFor], ['spam', 'blocked_word']);
      assert.deepEqual([(await stored(s, b.comment.id)).heldFor], ['moderation_word']);
      assert.deepEqual(await listed(s, thread), { thread, count: 0, comments: [], nextCursor: null });
    });

    it('holds an edit with more links than COLLOQUY_MAX_LINKS', async () => {
      const s = server({ spam: spamRules({ maxLinks: 1 }) });
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread, body: 'See https://a.example for more.' }));
      assert.equal((await edited(s, comment.id, 'See https://a.example and https://b.example.', editToken)).status, 'pending');
      assert.equal((await stored(s, comment.id)).heldFor, 'links');
      assert.equal((await listed(s, thread)).count, 0);
    });

    it('makes a held comment spam with a blocked word, keeps spam spam, and leaves clean edits as they were', async () => {
      const s = server({ moderation: 'all', spam: spamRules({ blockedWords: ['viagra'] }) });
      const thread = uniqueThread();
      const { comment, editToken } = posted(await s.post({ thread }));
      assert.equal((await edited(s, comment.id, 'Still clean.', editToken)).status, 'pending');
      assert.deepEqual([(await stored(s, comment.id)).status, (await stored(s, comment.id)).heldFor], ['pending', 'moderation']);
      assert.equal((await edited(s, comment.id, 'viagra', editToken)).status, 'pending');
      assert.deepEqual([(await stored(s, comment.id)).status, (await stored(s, comment.id)).heldFor], ['spam', 'blocked_word']);
      assert.equal((await edited(s, comment.id, 'Clean again, honest.', editToken)).status, 'pending');
      assert.equal((await stored(s, comment.id)).status, 'spam', 'a clean text does not take it out of spam');

      const open = server({ spam: spamRules({ blockedWords: ['viagra'] }) });
      const fine = posted(await open.post({ thread: uniqueThread() }));
      assert.equal((await edited(open, fine.comment.id, 'A clean correction.', fine.editToken)).status, 'approved');
      assert.equal((await stored(open, fine.comment.id)).heldFor, null);
    });
  });

  describe('Akismet', () => {
    let fake: FakeAkismet;
    before(async () => {
      fake = await FakeAkismet.start();
    });
    after(async () => {
      await fake?.close();
    });

    const akismetConfig = (change: Partial<AkismetConfig> = {}): AkismetConfig => ({
      key: FakeAkismet.KEY,
      endpoint: fake.url,
      siteUrl: 'https://blog.example/',
      lang: 'en',
      discard: false,
      test: true,
      timeoutMs: 300,
      ...change,
    });
    const withAkismet = (change: Partial<AkismetConfig> = {}, rules: Partial<SpamConfig> = {}) => {
      fake.mode = 'normal';
      fake.verdict = 'false';
      fake.proTip = null;
      return server({ spam: spamRules({ ...rules, akismet: akismetConfig(change) }) });
    };

    it('asks comment-check with the documented parameters and publishes on false', async () => {
      const s = withAkismet();
      const thread = '/episodes/42/';
      const address = uniqueAddress();
      const email = uniqueEmail();
      const reply = posted(
        await s.post(
          { thread, author: { name: 'Grace', email, url: 'https://grace.example/' }, body: 'Great episode.' },
          { address, headers: { 'User-Agent': 'Mozilla/5.0 (test)', Referer: 'https://blog.example/episodes/42/' } },
        ),
      );
      assert.equal(reply.comment.status, 'approved');
      const [call] = fake.callsTo('comment-check', 'Grace');
      assert.ok(call, 'comment-check was called');
      assert.match(call.contentType!, /^application\/x-www-form-urlencoded/);
      assert.match(call.userAgent!, /Colloquy/);
      assert.deepEqual(call.params, {
        api_key: FakeAkismet.KEY,
        blog: 'https://blog.example/',
        user_ip: address,
        user_agent: 'Mozilla/5.0 (test)',
        referrer: 'https://blog.example/episodes/42/',
        permalink: 'https://blog.example/episodes/42/',
        comment_type: 'comment',
        comment_author: 'Grace',
        comment_author_email: email,
        comment_author_url: 'https://grace.example/',
        comment_content: 'Great episode.',
        comment_date_gmt: new Date(s.now).toISOString(),
        blog_lang: 'en',
        blog_charset: 'UTF-8',
        is_test: '1',
      });
      assert.ok(!s.logged.some((line) => line.includes(email)), 'no email in a log line');
    });

    it('sends is_test only when testing, and a permalink made from a path thread key without a Referer', async () => {
      const s = withAkismet({ test: false });
      posted(await s.post({ thread: '/posts/hello/', author: { name: 'NoTest' } }));
      const [call] = fake.callsTo('comment-check', 'NoTest');
      assert.equal(call!.params.is_test, undefined);
      assert.equal(call!.params.permalink, 'https://blog.example/posts/hello/');
      assert.equal(call!.params.referrer, '');
    });

    it('stores a comment Akismet calls spam as spam (its test author and email), answered as held', async () => {
      const s = withAkismet();
      const thread = uniqueThread();
      const byName = posted(await s.post({ thread, author: { name: 'akismet-guaranteed-spam' } }));
      const byEmail = posted(await s.post({ thread, author: { name: 'Innocent', email: 'akismet-guaranteed-spam@example.com' } }));
      for (const { comment } of [byName, byEmail]) {
        assert.equal(comment.status, 'pending');
        const record = await stored(s, comment.id);
        assert.equal(record.status, 'spam');
        assert.equal(record.heldFor, 'akismet');
      }
      assert.equal((await listed(s, thread)).count, 0);
    });

    it('answers false to an administrator in test mode (the documented negative trigger)', async () => {
      const s = withAkismet();
      const { akismet } = await import('../../src/server/integrations/akismet.js');
      const client = akismet(akismetConfig());
      const params = client.params({
        ip: '203.0.113.9',
        userAgent: 'test',
        referrer: '',
        permalink: '',
        name: 'akismet-guaranteed-spam',
        email: 'someone@example.com',
        url: null,
        body: 'Hello',
        createdAt: s.now,
      });
      assert.equal(await client.check(params), 'spam');
      assert.equal(await client.check({ ...params, user_role: 'administrator' }), 'ham');
      assert.equal(await akismet(akismetConfig({ test: false })).check({ ...params, user_role: 'administrator' }), 'spam', 'only with is_test');
    });

    it('keeps blatant spam as spam unless COLLOQUY_AKISMET_DISCARD; then stores nothing and answers as held', async () => {
      const thread = uniqueThread();
      const keep = withAkismet({ discard: false });
      fake.proTip = 'discard';
      const kept = posted(await keep.post({ thread, author: { name: 'akismet-guaranteed-spam' }, body: 'Kept as spam.' }));
      assert.equal((await stored(keep, kept.comment.id)).status, 'spam');

      const drop = withAkismet({ discard: true });
      fake.proTip = 'discard';
      const dropped = posted(await drop.post({ thread, author: { name: 'akismet-guaranteed-spam' }, body: 'Dropped.' }));
      assert.equal(dropped.comment.status, 'pending');
      assert.equal(dropped.comment.body, 'Dropped.');
      assert.match(dropped.editToken, /^[A-Za-z0-9_-]{40}$/);
      const all = await drop.admin('GET', `/comments?${new URLSearchParams({ thread })}`);
      assert.deepEqual(
        all.json.comments.map((comment: AdminComment) => comment.body),
        ['Kept as spam.'],
        'nothing stored for the discarded one',
      );
      assert.equal((await drop.edit(dropped.comment.id, 'Edited?', dropped.editToken)).status >= 400, true);

      fake.proTip = null;
      const plain = posted(await drop.post({ thread, author: { name: 'akismet-guaranteed-spam' }, body: 'Spam without the tip.' }));
      assert.equal((await stored(drop, plain.comment.id)).status, 'spam', 'discarded only with the pro tip');
    });

    for (const mode of ['slow', 'error', 'garbage'] as const) {
      it(`holds the comment for a person when Akismet is ${mode === 'slow' ? 'silent past the timeout' : mode === 'error' ? 'failing (500)' : 'talking nonsense'}`, async () => {
        const s = withAkismet();
        fake.mode = mode;
        const thread = uniqueThread();
        const started = Date.now();
        const { comment } = posted(await s.post({ thread }));
        assert.ok(Date.now() - started < 2000, 'answered within the configured timeout');
        assert.equal(comment.status, 'pending');
        const record = await stored(s, comment.id);
        assert.equal(record.status, 'pending');
        assert.equal(record.heldFor, 'akismet_unavailable');
        assert.ok(s.logged.some((line) => line.startsWith('[colloquy] Akismet')), s.logged.join('\n'));
        if (mode === 'slow') assert.ok(s.logged.some((line) => line.includes('no answer within 0.3 s')));
        fake.mode = 'normal';
      });
    }

    it('holds the comment when the key is refused, logging Akismet’s hint', async () => {
      const s = withAkismet({ key: 'wrong-key' });
      const { comment } = posted(await s.post({ thread: uniqueThread() }));
      assert.equal((await stored(s, comment.id)).heldFor, 'akismet_unavailable');
      assert.ok(s.logged.some((line) => line.includes('"invalid"') && line.includes('unable to verify your API key')), s.logged.join('\n'));
    });

    it('keeps the reason a local rule gave when Akismet cannot answer, and lets its spam outweigh a hold', async () => {
      const s = withAkismet({}, { maxLinks: 0 });
      fake.mode = 'error';
      const held = posted(await s.post({ thread: uniqueThread(), body: 'https://x.example' }));
      assert.equal((await stored(s, held.comment.id)).heldFor, 'links');
      fake.mode = 'normal';
      const spam = posted(await s.post({ thread: uniqueThread(), author: { name: 'akismet-guaranteed-spam' }, body: 'https://x.example' }));
      assert.equal((await stored(s, spam.comment.id)).status, 'spam');
    });

    it('is not asked about retries, duplicates, floods, bad input, or what the local rules call spam', async () => {
      const s = withAkismet({}, { blockedWords: ['forbidden'] });
      const thread = uniqueThread();
      const email = uniqueEmail();
      const address = uniqueAddress();
      const idempotencyKey = uniqueKey();
      const before = fake.callsTo('comment-check').length;
      posted(await s.post({ thread, idempotencyKey, author: { email } }, { address }));
      assert.equal(fake.callsTo('comment-check').length, before + 1);
      posted(await s.post({ thread, idempotencyKey, author: { email } }, { address }));
      assert.equal((await s.post({ thread, author: { email } }, { address })).status, 409);
      const flooding = server({ floodSeconds: 15, spam: spamRules({ akismet: akismetConfig() }) });
      assert.equal((await flooding.post({ thread, body: 'Too soon.' }, { address })).status, 429);
      assert.equal((await s.post({ thread, body: '' })).status, 400);
      posted(await postWith(s, { thread, honeypot: 'bot' }));
      posted(await s.post({ thread, body: 'forbidden words' }));
      assert.equal(fake.callsTo('comment-check').length, before + 1);
    });

    it('holds no transaction while it waits: other posts are stored meanwhile', async () => {
      const slow = withAkismet({ timeoutMs: 500 });
      fake.mode = 'slow';
      const quick = server();
      const finished: string[] = [];
      const checks = fake.callsTo('comment-check').length;
      const waiting = slow.post({ thread: uniqueThread() }).then((reply) => finished.push(`slow ${reply.status}`));
      await waitFor(() => fake.callsTo('comment-check').length > checks, 2000, 'the slow check to start');
      for (let i = 0; i < 3; i++) finished.push(`quick ${(await quick.post({ thread: uniqueThread() })).status}`);
      await waiting;
      assert.deepEqual(finished, ['quick 201', 'quick 201', 'quick 201', 'slow 201']);
      fake.mode = 'normal';
    });

    it('refuses a post whose thread a moderator closed while Akismet was asked (403 thread_closed), storing nothing', async () => {
      const slow = withAkismet({ timeoutMs: 500 });
      fake.mode = 'slow';
      const thread = uniqueThread('closing');
      const checks = fake.callsTo('comment-check').length;
      const waiting = slow.post({ thread, body: 'Sent just before the close.' });
      await waitFor(() => fake.callsTo('comment-check').length > checks, 2000, 'the slow check to start');
      assert.equal((await slow.admin('POST', `/threads/${encodeURIComponent(thread)}/close`, { body: { closed: true } })).status, 200);
      const reply = await waiting;
      fake.mode = 'normal';
      assert.equal(reply.status, 403, reply.text);
      assert.equal(reply.json.error.code, 'thread_closed');
      const held = await slow.admin('GET', `/comments?${new URLSearchParams({ thread })}`);
      assert.deepEqual(held.json.comments, []);
    });

    describe('on an author’s edit', () => {
      it('asks comment-check again with the new text and recheck_reason=edit; publishes on false', async () => {
        const s = withAkismet();
        const name = `Editor ${uniqueKey().slice(0, 8)}`;
        const thread = '/episodes/43/';
        const { comment, editToken } = posted(await s.post({ thread, author: { name, url: 'https://grace.example/' }, body: 'First words.' }));
        const [first] = fake.callsTo('comment-check', name);
        s.advance(120);
        const reply = await s.edit(comment.id, 'Better words.', editToken, {
          headers: { 'User-Agent': 'Editor UA', Referer: 'https://blog.example/episodes/43/' },
        });
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.json.comment.status, 'approved');
        const checks = fake.callsTo('comment-check', name);
        assert.equal(checks.length, 2);
        const { user_ip: _postedFrom, ...posting } = first!.params;
        const { user_ip: editedFrom, ...editing } = checks[1]!.params;
        assert.ok(editedFrom, 'the editor’s address');
        assert.deepEqual(editing, {
          ...posting,
          user_agent: 'Editor UA',
          referrer: 'https://blog.example/episodes/43/',
          comment_content: 'Better words.',
          comment_date_gmt: comment.createdAt,
          recheck_reason: 'edit',
        });
        await s.edit(comment.id, 'Better words.', editToken);
        assert.equal(fake.callsTo('comment-check', name).length, 2, 'an unchanged text is not checked again');
      });

      it('calls the comment spam when Akismet says so, answered as held, and reports corrections with the edited text', async () => {
        const s = withAkismet();
        const name = `Turncoat ${uniqueKey().slice(0, 8)}`;
        const thread = uniqueThread();
        const { comment, editToken } = posted(await s.post({ thread, author: { name } }));
        assert.equal(comment.status, 'approved');
        fake.verdict = 'true';
        const reply = await s.edit(comment.id, 'Buy now at my shop.', editToken);
        fake.verdict = 'false';
        assert.deepEqual(reply.json.comment, heldAs(comment, 'Buy now at my shop.', reply.json.comment));
        const record = await stored(s, comment.id);
        assert.deepEqual([record.status, record.heldFor], ['spam', 'akismet']);
        assert.equal((await listed(s, thread)).count, 0);
        await s.admin('PATCH', `/comments/${comment.id}`, { body: { status: 'approved' } });
        await waitFor(() => fake.callsTo('submit-ham', name).length === 1, 2000, 'submit-ham');
        assert.equal(fake.callsTo('submit-ham', name)[0]!.params.comment_content, 'Buy now at my shop.', 'what Akismet last judged');
      });

      it('turns a discard into spam: the comment exists, so it cannot be dropped', async () => {
        const s = withAkismet({ discard: true });
        const { comment, editToken } = posted(await s.post({ thread: uniqueThread() }));
        fake.verdict = 'true';
        fake.proTip = 'discard';
        assert.equal((await edited(s, comment.id, 'Blatant.', editToken)).status, 'pending');
        fake.verdict = 'false';
        fake.proTip = null;
        assert.equal((await stored(s, comment.id)).status, 'spam');
      });

      for (const mode of ['slow', 'error', 'garbage'] as const) {
        it(`holds an edited comment for a person when Akismet is ${mode}, never publishing it unchecked`, async () => {
          const s = withAkismet();
          const thread = uniqueThread();
          const { comment, editToken } = posted(await s.post({ thread }));
          fake.mode = mode;
          const started = Date.now();
          assert.equal((await edited(s, comment.id, 'Edited while Akismet is away.', editToken)).status, 'pending');
          assert.ok(Date.now() - started < 2000, 'answered within the configured timeout');
          fake.mode = 'normal';
          const record = (await queued(s, thread)).get(comment.id);
          assert.deepEqual([record?.status, record?.heldFor], ['pending', 'akismet_unavailable']);
          assert.equal((await listed(s, thread)).count, 0);
        });
      }

      it('is not asked about an edit the local rules call spam, and keeps a local reason when it cannot answer', async () => {
        const s = withAkismet({}, { blockedWords: ['forbidden'], maxLinks: 0 });
        const name = `Local ${uniqueKey().slice(0, 8)}`;
        const a = posted(await s.post({ thread: uniqueThread(), author: { name } }));
        assert.equal((await edited(s, a.comment.id, 'forbidden words', a.editToken)).status, 'pending');
        assert.equal(fake.callsTo('comment-check', name).length, 1, 'only the post was checked');
        assert.equal((await stored(s, a.comment.id)).heldFor, 'blocked_word');
        const b = posted(await s.post({ thread: uniqueThread() }));
        fake.mode = 'error';
        await edited(s, b.comment.id, 'See https://x.example', b.editToken);
        fake.mode = 'normal';
        assert.equal((await stored(s, b.comment.id)).heldFor, 'links');
      });

      it('holds no transaction while it waits: other posts are stored meanwhile', async () => {
        const slow = withAkismet({ timeoutMs: 500 });
        const { comment, editToken } = posted(await slow.post({ thread: uniqueThread() }));
        fake.mode = 'slow';
        const quick = server();
        const finished: string[] = [];
        const checks = fake.callsTo('comment-check').length;
        const waiting = slow.edit(comment.id, 'Slowly checked.', editToken).then((reply) => finished.push(`edit ${reply.status}`));
        await waitFor(() => fake.callsTo('comment-check').length > checks, 2000, 'the slow check to start');
        for (let i = 0; i < 3; i++) finished.push(`quick ${(await quick.post({ thread: uniqueThread() })).status}`);
        await waiting;
        assert.deepEqual(finished, ['quick 201', 'quick 201', 'quick 201', 'edit 200']);
        fake.mode = 'normal';
      });
    });

    describe('reports a moderator’s corrections', () => {
      it('marking a comment as spam sends submit-spam with what comment-check was sent', async () => {
        const s = withAkismet();
        const name = `Sneaky ${uniqueKey().slice(0, 8)}`;
        const { comment } = posted(await s.post({ thread: uniqueThread(), author: { name }, body: 'Looks fine, is not.' }, { headers: { 'User-Agent': 'UA-1' } }));
        const [check] = fake.callsTo('comment-check', name);
        const edited = await s.admin('PATCH', `/comments/${comment.id}`, { body: { body: 'Edited by the moderator first.' } });
        assert.equal(edited.status, 200);
        const marked = await s.admin('PATCH', `/comments/${comment.id}`, { body: { status: 'spam' } });
        assert.equal(marked.status, 200);
        await waitFor(() => fake.callsTo('submit-spam', name).length === 1, 2000, 'submit-spam');
        assert.deepEqual(fake.callsTo('submit-spam', name)[0]!.params, check!.params, 'the original data, not the edited text');
        assert.equal(fake.callsTo('submit-ham', name).length, 0);
      });

      it('taking a comment out of spam sends submit-ham; approving a held one Akismet passed sends nothing', async () => {
        const s = withAkismet({}, { maxLinks: 0 });
        const spammy = `Wrongly Flagged ${uniqueKey().slice(0, 8)}`;
        fake.verdict = 'true';
        const flagged = posted(await s.post({ thread: uniqueThread(), author: { name: spammy } }));
        fake.verdict = 'false';
        assert.equal((await stored(s, flagged.comment.id)).status, 'spam');
        const approved = await s.admin('PATCH', `/comments/${flagged.comment.id}`, { body: { status: 'approved' } });
        assert.equal(approved.json.comment.status, 'approved');
        await waitFor(() => fake.callsTo('submit-ham', spammy).length === 1, 2000, 'submit-ham');

        const linky = `Link Person ${uniqueKey().slice(0, 8)}`;
        const held = posted(await s.post({ thread: uniqueThread(), author: { name: linky }, body: 'https://x.example' }));
        await s.admin('PATCH', `/comments/${held.comment.id}`, { body: { status: 'approved' } });
        await s.admin('PATCH', `/comments/${flagged.comment.id}`, { body: { status: 'spam' } });
        await waitFor(() => fake.callsTo('submit-spam', spammy).length === 1, 2000, 'submit-spam after a change of mind');
        assert.equal(fake.callsTo('submit-ham', linky).length + fake.callsTo('submit-spam', linky).length, 0);
      });

      it('reports in bulk too, and a failing Akismet never blocks the moderator', async () => {
        const s = withAkismet();
        const names = [1, 2, 3].map((n) => `Bulk ${n} ${uniqueKey().slice(0, 8)}`);
        const ids = [];
        for (const name of names) ids.push(posted(await s.post({ thread: uniqueThread(), author: { name } })).comment.id);
        fake.mode = 'error';
        const bulk = await s.admin('POST', '/comments/bulk', { body: { ids, status: 'spam' } });
        assert.equal(bulk.status, 200);
        assert.deepEqual(bulk.json.comments.map((c: AdminComment) => c.status), ['spam', 'spam', 'spam']);
        await waitFor(() => names.every((name) => fake.callsTo('submit-spam', name).length === 1), 3000, 'three reports');
        await waitFor(() => s.logged.filter((line) => line.includes('Akismet refused the spam report')).length === 3, 2000, 'three logged failures');
        fake.mode = 'normal';
      });
    });
  });
}
