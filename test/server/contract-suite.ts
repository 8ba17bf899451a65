/**
 * The HTTP contract (docs/api.md) checked through `app.request()`, written once and run
 * against each store engine by contract-sqlite.test.ts and contract-postgres.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Comment, CommentPage } from '../../src/api/contract.js';
import { LIMITS } from '../../src/api/contract.js';
import type { AppConfig } from '../../src/server/app.js';
import { MAX_BODY_BYTES } from '../../src/server/routes/comments.js';
import { IdempotencyKeyTaken, type CommentStore } from '../../src/server/store/index.js';
import { adminContract } from './contract-admin.js';
import { adminBrakeContract } from './contract-admin-brake.js';
import { healthContract } from './contract-health.js';
import { documentsContract } from './contract-documents.js';
import { editingContract } from './contract-editing.js';
import { liveContract } from './contract-live.js';
import { importsContract } from './contract-imports.js';
import { likesContract } from './contract-likes.js';
import { bansContract } from './contract-bans.js';
import { hostPinsContract } from './contract-host-pins.js';
import { mailContract } from './contract-mail.js';
import { notifyContract } from './contract-notify.js';
import { outboxContract } from './contract-outbox.js';
import { myCommentsContract } from './contract-my-comments.js';
import { repliesContract } from './contract-replies.js';
import { postingSecurityContract } from './contract-posting-security.js';
import { writePathContract } from './contract-write-path.js';
import { spamContract } from './contract-spam.js';
import { subscribersContract } from './contract-subscribers.js';
import { threadPageContract } from './contract-thread-page.js';
import {
  ALLOWED_ORIGIN,
  FOREIGN_ORIGIN,
  OWN_ORIGIN,
  TestServer,
  assertError,
  assertNoEmailSeen,
  listed,
  uniqueAddress,
  uniqueEmail,
  uniqueKey,
  uniqueNetwork,
  uniqueThread,
  type Reply,
} from './helpers.js';

export interface StoreHarness {
  store: CommentStore;
  /** Another store on the same database (another instance's connection), closed with the harness. */
  another(): Promise<CommentStore>;
  /** Closes the store and removes what the suite created. */
  close(): Promise<void>;
}

/** What the parts of the suite in other files use: a fresh app over the engine's store. */
export interface SuiteContext {
  server(config?: Partial<AppConfig>, options?: ConstructorParameters<typeof TestServer>[2]): TestServer;
  store(): CommentStore;
  /** Another store on the same database, as a second server instance would open it. */
  another(): Promise<CommentStore>;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

export function contractSuite(engine: string, open: () => Promise<StoreHarness>): void {
  describe(`the HTTP contract on ${engine}`, () => {
    let harness: StoreHarness;
    const server = (config: Partial<AppConfig> = {}, options: ConstructorParameters<typeof TestServer>[2] = {}) =>
      new TestServer(harness.store, config, options);

    before(async () => {
      harness = await open();
    });
    after(async () => {
      await harness?.close();
    });

    describe('listing', () => {
      it('lists an empty thread with the cache headers', async () => {
        const thread = uniqueThread();
        const reply = await server().list(thread);
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.json, { thread, count: 0, comments: [], nextCursor: null });
        assert.equal(reply.headers.get('Cache-Control'), 'public, max-age=0, s-maxage=10, must-revalidate');
        assert.match(reply.headers.get('ETag')!, /^"[^"]+"$/, 'a strong ETag');
      });

      it('answers 304 with no body when If-None-Match matches, and a new ETag after a post', async () => {
        const s = server();
        const thread = uniqueThread();
        created(await s.post({ thread }));
        const first = await s.list(thread);
        const etag = first.headers.get('ETag')!;
        for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
          const again = await s.list(thread, {}, { headers: { 'If-None-Match': tag } });
          assert.equal(again.status, 304, tag);
          assert.equal(again.text, '');
          assert.equal(again.headers.get('ETag'), etag);
          assert.equal(again.headers.get('Cache-Control'), 'public, max-age=0, s-maxage=10, must-revalidate');
        }
        assert.equal((await s.list(thread, {}, { headers: { 'If-None-Match': '"stale"' } })).status, 200);
        created(await s.post({ thread }));
        const changed = await s.list(thread, {}, { headers: { 'If-None-Match': etag } });
        assert.equal(changed.status, 200);
        assert.notEqual(changed.headers.get('ETag'), etag);
        assert.equal(changed.json.count, 2);
      });

      it('refuses bad list parameters with 400', async () => {
        const s = server();
        const thread = uniqueThread();
        assertError(await s.request('/api/comments'), 400, { thread: 'required' });
        assertError(await s.list('😀'.repeat(LIMITS.thread + 1)), 400, { thread: 'too_long' });
        assert.equal((await s.list('😀'.repeat(LIMITS.thread))).status, 200);
        for (const limit of ['0', '00', 'abc', '1.5', '-1', '', '1e2', '+5', ' 5']) assertError(await s.list(thread, { limit }), 400);
        for (const limit of ['1', '100']) assert.equal((await s.list(thread, { limit })).status, 200);
        assertError(await s.list(thread, { sort: 'random' }), 400);
        const badJson = Buffer.from('{"t":').toString('base64url');
        const badDate = Buffer.from('{"t":"yesterday","i":"1"}').toString('base64url');
        const badId = Buffer.from('{"t":"2026-01-01T00:00:00.000Z","i":"x"}').toString('base64url');
        for (const cursor of ['not a cursor', '!!!', badJson, badDate, badId, 'a'.repeat(500)]) {
          assertError(await s.list(thread, { cursor }), 400);
        }
        const broken = await s.request('/api/comments?thread=%E0%A4%A');
        assert.equal(broken.status, 200, 'a broken escape is taken literally');
        assert.equal(broken.json.thread, '%E0%A4%A');
      });
    });

    describe('page size', () => {
      it('clamps a limit above 100 to 100 and says so in the page; a limit it honours is not repeated', async () => {
        const s = server();
        const thread = uniqueThread();
        for (let i = 0; i < 102; i++) created(await s.post({ thread, body: `Comment ${i}` }));
        for (const limit of ['101', '1000', '99999999999999999999999']) {
          const page = await s.list(thread, { limit });
          assert.equal(page.status, 200, page.text);
          assert.equal(page.json.limit, 100, limit);
          assert.equal(page.json.comments.length, 100);
          assert.notEqual(page.json.nextCursor, null);
        }
        for (const limit of ['100', '7']) {
          const page = (await s.list(thread, { limit })).json as CommentPage;
          assert.equal(page.limit, undefined, 'only a page that is not the size asked for says its size');
          assert.equal(page.comments.length, Number(limit));
        }
        assert.equal(((await s.list(thread)).json as CommentPage).limit, undefined, 'the default size is no surprise');
        // The clamped page and the page asked for at 100 are cached apart, each as it should read.
        assert.equal((await s.list(thread, { limit: '500' })).json.limit, 100);
        assert.equal((await s.list(thread, { limit: '100' })).json.limit, undefined);
      });
    });

    describe('posting', () => {
      it('answers 201 with the stored comment, trimmed, and lists it', async () => {
        const s = server();
        const thread = uniqueThread();
        const email = uniqueEmail();
        const comment = created(
          await s.post({ thread, author: { name: '  Ada Lovelace ', email: ` ${email.toUpperCase()} `, url: ' https://ada.example/ ' }, body: '\n  Loved it.  \n' }),
        );
        assert.match(comment.id, /^\d+$/);
        assert.equal(comment.parentId, null);
        assert.deepEqual(Object.keys(comment).sort(), ['author', 'body', 'createdAt', 'id', 'parentId', 'status']);
        assert.deepEqual(Object.keys(comment.author).sort(), ['avatar', 'name', 'url']);
        assert.equal(comment.author.name, 'Ada Lovelace');
        assert.equal(comment.author.url, 'https://ada.example/');
        assert.equal(comment.body, 'Loved it.');
        assert.equal(comment.status, 'approved');
        assert.match(comment.createdAt, ISO_MS);
        assert.equal(comment.createdAt, new Date(s.now).toISOString());
        const page = (await s.list(thread)).json as CommentPage;
        assert.equal(page.count, 1);
        // The list carries the like count (COLLOQUY_LIKES on); the post's answer does not.
        assert.deepEqual(page.comments, [{ ...comment, likes: 0 }]);
      });

      it('draws the avatar from the email: stable, case-blind, different per person, never the email', async () => {
        const s = server();
        const thread = uniqueThread();
        const email = uniqueEmail();
        const a = created(await s.post({ thread, author: { email } }));
        const b = created(await s.post({ thread, author: { email: ` ${email.toUpperCase()}` }, body: 'Another.' }));
        const c = created(await s.post({ thread }));
        assert.match(a.author.avatar, /^[0-9a-f]{16,}$/);
        assert.equal(a.author.avatar, b.author.avatar);
        assert.notEqual(a.author.avatar, c.author.avatar);
        const other = new TestServer(harness.store, { secret: 'another-secret-that-is-at-least-32-chars' });
        const listed = (await other.list(thread)).json as CommentPage;
        assert.notEqual(listed.comments[0]!.author.avatar, a.author.avatar, 'the avatar is keyed by the secret');
      });

      it('stores a url of null when none is given', async () => {
        const comment = created(await server().post({ thread: uniqueThread(), author: { url: '' } }));
        assert.equal(comment.author.url, null);
        const noUrl = created(await server().post({ thread: uniqueThread(), author: { url: undefined } }));
        assert.equal(noUrl.author.url, null);
      });

      it('nests replies at any depth and lists each after its parent', async () => {
        const s = server();
        const thread = uniqueThread();
        const root = created(await s.post({ thread }));
        const reply = created(await s.post({ thread, parentId: root.id }));
        const deeper = created(await s.post({ thread, parentId: reply.id }));
        const second = created(await s.post({ thread, parentId: root.id }));
        assert.equal(deeper.parentId, reply.id);
        const page = (await s.list(thread)).json as CommentPage;
        assert.equal(page.count, 4);
        assert.deepEqual(
          page.comments.map((c) => c.id),
          [root.id, reply.id, deeper.id, second.id],
        );
      });
    });

    describe('validation', () => {
      it('refuses malformed JSON, a non-object body and bad UTF-8 with 400', async () => {
        const s = server();
        for (const body of ['{"thread":', '', 'null', '[]', '"text"', '42', '{"thread":"t"} trailing']) {
          assertError(await s.postRaw(body), 400);
        }
        assertError(await s.postRaw(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { headers: { 'Content-Type': 'application/json' } }), 400);
      });

      it('names each field of the wrong type', async () => {
        const s = server();
        const thread = uniqueThread();
        const cases: [Record<string, unknown>, Record<string, string>][] = [
          [{ thread: 42 }, { thread: 'invalid' }],
          [{ thread: ['a'] }, { thread: 'invalid' }],
          [{ idempotencyKey: { a: 1 } }, { idempotencyKey: 'invalid' }],
          [{ parentId: 7 }, { parentId: 'invalid' }],
          [{ parentId: {} }, { parentId: 'invalid' }],
          [{ body: ['x'] }, { body: 'invalid' }],
          [{ body: 5 }, { body: 'invalid' }],
          [{ author: 'Ada' }, { name: 'invalid', email: 'invalid' }],
          [{ author: { name: 5, email: uniqueEmail() } }, { name: 'invalid' }],
          [{ author: { name: 'Ada', email: true } }, { email: 'invalid' }],
          [{ author: { name: 'Ada', email: uniqueEmail(), url: 3 } }, { url: 'invalid' }],
        ];
        for (const [change, fields] of cases) {
          const draft = { thread, parentId: null, author: { name: 'Ada', email: uniqueEmail() }, body: 'Hi', idempotencyKey: uniqueKey(), ...change };
          assertError(await s.postRaw(JSON.stringify(draft)), 400, fields);
        }
      });

      it('requires name, email, body, thread and idempotencyKey, after trimming', async () => {
        const s = server();
        const reply = await s.postRaw(JSON.stringify({ thread: '  ', author: { name: ' \t', email: '  ' }, body: '\n \u00a0 ', idempotencyKey: '' }));
        assertError(reply, 400, { thread: 'required', name: 'required', email: 'required', body: 'required', idempotencyKey: 'required' });
        assertError(await s.postRaw(JSON.stringify({})), 400, { thread: 'required', name: 'required', email: 'required', body: 'required', idempotencyKey: 'required' });
      });

      it('checks the email and the website', async () => {
        const s = server();
        const thread = uniqueThread();
        for (const email of ['ada', 'ada@', '@example.com', 'ada@example', 'ada@@example.com', 'a b@example.com', '.ada@example.com']) {
          assertError(await s.post({ thread, author: { email } }), 400, { email: 'invalid' });
        }
        for (const url of ['javascript:alert(1)', 'ftp://example.com/', 'example.com', 'https://', 'data:text/html,hi', '//example.com']) {
          assertError(await s.post({ thread, author: { url } }), 400, { url: 'invalid' });
        }
        created(await s.post({ thread, author: { url: 'HTTP://Example.com/path?q=1' } }));
      });

      it('stores a website as its normalized URL, quotes percent-encoded, and refuses one with a user name or password', async () => {
        const s = server();
        const thread = uniqueThread();
        const cases: [string, string][] = [
          ["http://x'onmouseover=alert(1)", 'http://x%27onmouseover=alert(1)/'],
          ['HTTP://Example.COM', 'http://example.com/'],
          ['https://example.com/a b"<>`', 'https://example.com/a%20b%22%3C%3E%60'],
          ["https://example.com/it's?q='x'#'", 'https://example.com/it%27s?q=%27x%27#%27'],
          ['https://ÉBÈNE.example/café', 'https://xn--bne-6lad.example/caf%C3%A9'],
          ['http://example.com:80/../x', 'http://example.com/x'],
        ];
        for (const [typed, normalized] of cases) {
          const comment = created(await s.post({ thread, author: { url: typed } }));
          assert.equal(comment.author.url, normalized, typed);
        }
        const page = (await s.list(thread)).json as CommentPage;
        assert.deepEqual(
          page.comments.map((c) => c.author.url),
          cases.map(([, normalized]) => normalized),
        );
        const html = (await s.document('html', thread)).text;
        assert.ok(html.includes('href="http://x%27onmouseover=alert(1)/"'), 'the crawler page links the normalized form');
        assert.ok(!html.includes("x'onmouseover"));
        for (const url of ['http://user:pass@example.com/', 'https://user@example.com', 'https://:secret@example.com/', 'HTTP://a%40b:c@example.com']) {
          const reply = await s.post({ thread, author: { url } });
          assertError(reply, 400, { url: 'invalid' });
          assert.match(reply.json.error.message, /user name or password/, 'says what is wrong');
        }
        assert.equal(((await s.list(thread)).json as CommentPage).comments.length, cases.length, 'none of them stored');
      });

      it('shows websites stored before they were normalized (or imported) normalized, and credentials never', async () => {
        const s = server();
        const thread = uniqueThread();
        const rows: [string, string | null][] = [
          ["http://x'onmouseover=alert(1)", 'http://x%27onmouseover=alert(1)/'],
          ['http://user:pass@host.example/', null],
          ['javascript:alert(1)', null],
          ['https://ok.example/', 'https://ok.example/'],
        ];
        const ids: number[] = [];
        for (const [url] of rows) {
          const at = Date.parse('2026-02-01T00:00:00.000Z') + ids.length;
          const stored = await harness.store.write((tx) =>
            tx.insert({
              thread,
              parentId: null,
              rootId: null,
              name: 'Old',
              email: uniqueEmail(),
              url,
              body: 'Stored long ago.',
              status: 'approved',
              ipHash: null,
              idempotencyKey: uniqueKey(),
              createdAt: at,
              updatedAt: at,
            } as Parameters<typeof tx.insert>[0]),
          );
          ids.push(stored.id);
        }
        const shown = rows.map(([, normalized]) => normalized);
        const page = (await s.list(thread)).json as CommentPage;
        assert.deepEqual(
          page.comments.map((c) => c.author.url),
          shown,
        );
        const admin = await s.admin('GET', `/comments?${new URLSearchParams({ thread, sort: 'oldest' })}`);
        assert.deepEqual(
          admin.json.comments.map((c: { author: { url: string | null } }) => c.author.url),
          shown,
          'the admin API too',
        );
        const documents = (await s.document('html', thread)).text + (await s.document('atom', thread)).text;
        for (const secret of ["x'onmouseover", 'user:pass', 'javascript:']) assert.ok(!documents.includes(secret), secret);
        assert.ok(documents.includes('<uri>http://x%27onmouseover=alert(1)/</uri>'));
      });

      it('refuses NUL and unpaired surrogates as invalid, never with a 5xx', async () => {
        const s = server();
        const thread = uniqueThread();
        const draft = (change: object) =>
          JSON.stringify({ thread, parentId: null, author: { name: 'Ada', email: uniqueEmail() }, body: 'Hi', idempotencyKey: uniqueKey(), ...change });
        assertError(await s.postRaw(draft({ body: 'a\u0000b' })), 400, { body: 'invalid' });
        assertError(await s.postRaw(draft({ body: 'broken \ud83d here' })), 400, { body: 'invalid' });
        assertError(await s.postRaw(draft({ author: { name: 'Ad\udc00a', email: uniqueEmail() } })), 400, { name: 'invalid' });
        assertError(await s.postRaw(draft({ thread: 'x\u0000' })), 400, { thread: 'invalid' });
        assertError(await s.postRaw(draft({ idempotencyKey: '\ud800' })), 400, { idempotencyKey: 'invalid' });
        assertError(await s.postRaw(draft({ parentId: '1\u0000' })), 404);
        assertError(await s.list('x\u0000'), 400, { thread: 'invalid' });
      });

      it('counts lengths in characters: accented letters and emoji at the limit pass, one more fails', async () => {
        const s = server();
        const thread = uniqueThread();
        for (const char of ['é', '😀']) {
          const site = 'https://example.com/';
          const limitCases: [string, number, (length: number) => object][] = [
            ['name', LIMITS.name, (n) => ({ author: { name: char.repeat(n) } })],
            ['body', LIMITS.body, (n) => ({ body: char.repeat(n) })],
            ['url', LIMITS.url, (n) => ({ author: { url: site + char.repeat(n - site.length) } })],
          ];
          for (const [field, limit, draft] of limitCases) {
            const atLimit = created(await s.post({ thread, ...draft(limit) }));
            if (field === 'body') assert.equal([...atLimit.body].length, limit);
            if (field === 'name') assert.equal(atLimit.author.name, char.repeat(limit));
            // The limit is on what was typed; the stored website is its normalized (percent-encoded) form.
            if (field === 'url') assert.equal(atLimit.author.url, new URL(site + char.repeat(limit - site.length)).href);
            assertError(await s.post({ thread, ...draft(limit + 1) }), 400, { [field]: 'too_long' });
          }
          created(await s.post({ thread: char.repeat(LIMITS.thread) }));
          assertError(await s.post({ thread: char.repeat(LIMITS.thread + 1) }), 400, { thread: 'too_long' });
          created(await s.post({ thread, idempotencyKey: char.repeat(LIMITS.idempotencyKey) }));
          assertError(await s.post({ thread, idempotencyKey: char.repeat(LIMITS.idempotencyKey + 1) }), 400, { idempotencyKey: 'too_long' });
        }
        const local = (n: number) => `${'a'.repeat(n - '@mail.example'.length)}@mail.example`;
        created(await s.post({ thread, author: { email: local(LIMITS.email) } }));
        assertError(await s.post({ thread, author: { email: local(LIMITS.email + 1) } }), 400, { email: 'too_long' });
      });
    });

    describe('parents', () => {
      it('answers 404 for a parent that is unknown, malformed, in another thread or not approved', async () => {
        const s = server();
        const thread = uniqueThread();
        const elsewhere = created(await s.post({ thread: uniqueThread() }));
        for (const parentId of ['999999999', 'abc', '0', '-1', '1.5', '99999999999999999999']) {
          assertError(await s.post({ thread, parentId }), 404);
        }
        assertError(await s.post({ thread, parentId: elsewhere.id }), 404);
        const held = created(await server({ moderation: 'all' }).post({ thread }));
        assert.equal(held.status, 'pending');
        assertError(await s.post({ thread, parentId: held.id }), 404);
        const removed = created(await s.post({ thread }));
        await harness.store.setStatus(Number(removed.id), 'deleted');
        assertError(await s.post({ thread, parentId: removed.id }), 404);
      });
    });

    describe('request checks, in order: origin, content type, size', () => {
      it('refuses writes from a foreign origin with 403, before anything else', async () => {
        const s = server();
        const reply = await s.post({ thread: uniqueThread() }, { origin: FOREIGN_ORIGIN });
        assertError(reply, 403);
        assert.equal(reply.headers.get('Access-Control-Allow-Origin'), null);
        assertError(await s.postRaw('not json', { origin: FOREIGN_ORIGIN, headers: { 'Content-Type': 'text/plain' } }), 403);
        for (const method of ['PATCH', 'DELETE', 'PUT']) {
          assertError(await s.request('/api/comments/1', { method, headers: { Origin: FOREIGN_ORIGIN } }), 403);
        }
        assertError(await s.post({ thread: uniqueThread() }, { origin: 'null' }), 403);
      });

      it('accepts only application/json with 415 otherwise', async () => {
        const s = server();
        const draft = JSON.stringify({ thread: uniqueThread(), parentId: null, author: { name: 'Ada', email: uniqueEmail() }, body: 'Hi', idempotencyKey: uniqueKey() });
        // A byte body carries no Content-Type at all.
        const noType = await s.request('/api/comments', { method: 'POST', body: new TextEncoder().encode(draft) });
        assertError(noType, 415);
        for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'text/plain;charset=UTF-8', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonx', 'text/json']) {
          assertError(await s.postRaw(draft, { headers: { 'Content-Type': type } }), 415);
        }
        assertError(await s.request('/api/comments', { method: 'POST', body: new URLSearchParams({ thread: 'x' }) }), 415);
        for (const type of ['application/json; charset=utf-8', 'Application/JSON;Charset="UTF-8"']) {
          const fresh = JSON.stringify({ ...JSON.parse(draft), idempotencyKey: uniqueKey(), body: `Hi in ${type}` });
          created(await s.postRaw(fresh, { headers: { 'Content-Type': type } }));
        }
      });

      it('refuses a body over the size cap with 413 before parsing, declared or streamed', async () => {
        const s = server();
        const huge = `{"thread":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
        assertError(await s.postRaw(huge, { headers: { 'Content-Length': String(huge.length) } }), 413);
        // A declared length over the cap is refused on the header alone.
        assertError(await s.postRaw('{}', { headers: { 'Content-Length': String(MAX_BODY_BYTES + 1) } }), 413);
        assertError(await s.postRaw(`not even json ${'x'.repeat(MAX_BODY_BYTES)}`), 413);
        // No Content-Length: the bytes are counted as they arrive.
        const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent > MAX_BODY_BYTES * 2) return controller.close();
            sent += chunk.length;
            controller.enqueue(chunk);
          },
        });
        const streamed = await s.request('/api/comments', {
          method: 'POST',
          body: stream,
          headers: { 'Content-Type': 'application/json' },
          duplex: 'half',
        } as RequestInit);
        assertError(streamed, 413);
        assert.ok(sent <= MAX_BODY_BYTES + 2 * chunk.length, 'reading stopped soon after the cap');
        // The content type is checked first.
        assertError(await s.postRaw(huge, { headers: { 'Content-Type': 'text/plain' } }), 415);
      });
    });

    describe('unknown routes', () => {
      it('answers 404 with the error body', async () => {
        const s = server();
        assertError(await s.request('/api/nope'), 404);
        assertError(await s.request('/api'), 404);
        assertError(await s.request('/nope'), 404);
        assertError(await s.request('/api/comments/1'), 404);
        assertError(await s.request('/api/nope', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 404);
        assertError(await s.request('/api/comments', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' }), 404);
      });
    });

    describe('duplicates', () => {
      it('answers 409 to the same author saying the same thing to the same thread and parent', async () => {
        const s = server();
        const thread = uniqueThread();
        const email = uniqueEmail();
        // From the same client: a duplicate is only ever the poster's own (see contract-posting-security.ts).
        const address = uniqueAddress();
        const root = created(await s.post({ thread, author: { email }, body: 'Same words.' }, { address }));
        const again = await s.post({ thread, author: { name: 'Someone Else', email: email.toUpperCase() }, body: '  Same words.\n' }, { address });
        assertError(again, 409);
        assert.equal(again.json.error.message, "Duplicate comment detected; it looks as though you've already said that!");
        created(await s.post({ thread, author: { email }, body: 'Same words.', parentId: root.id }, { address }));
        assertError(await s.post({ thread, author: { email }, body: 'Same words.', parentId: root.id }, { address }), 409);
        created(await s.post({ thread: uniqueThread(), author: { email }, body: 'Same words.' }));
        created(await s.post({ thread, body: 'Same words.' }));
        created(await s.post({ thread, author: { email }, body: 'Other words.' }));
      });
    });

    describe('flood control', () => {
      it('counts every spelling of one address, and every address of one IPv6 /64, as one client', async () => {
        const s = server({ floodSeconds: 15 });
        const thread = uniqueThread();
        const network = uniqueNetwork();
        // 2001:db8:1:2::1, 2001:DB8:1:2:0:0:0:1, 2001:db8:1:2::2 and …:ffff:… are one subscriber's.
        created(await s.post({ thread }, { address: `${network}::1` }));
        for (const address of [`${network.toUpperCase()}:0:0:0:1`, `${network}::2`, `${network}:ffff:ffff:ffff:ffff`]) {
          assertError(await s.post({ thread }, { address }), 429);
        }
        created(await s.post({ thread }, { address: `${uniqueNetwork()}::1` })); // another /64, another client
        const ipv4 = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
        created(await s.post({ thread }, { address: `::ffff:${ipv4}` }));
        assertError(await s.post({ thread }, { address: ipv4 }), 429);
        s.advance(15);
        created(await s.post({ thread }, { address: `${network}::3` }));
      });

      it('reads the forwarded address in any spelling, with a port or in brackets', async () => {
        const s = server({ floodSeconds: 15, trustProxy: 1 });
        const thread = uniqueThread();
        const network = uniqueNetwork();
        created(await s.post({ thread }, { headers: { 'X-Forwarded-For': `${network}::1` } }));
        for (const forwarded of [`[${network.toUpperCase()}::1]:443`, `${network}:0:0:0:99`]) {
          assertError(await s.post({ thread }, { headers: { 'X-Forwarded-For': forwarded } }), 429);
        }
        const ipv4 = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
        created(await s.post({ thread }, { headers: { 'X-Forwarded-For': `${ipv4}:5678` } }));
        assertError(await s.post({ thread }, { headers: { 'X-Forwarded-For': ipv4 } }), 429);
        // Not an address at all: the socket's peer stands in, so flooding with garbage stays limited.
        const proxy = uniqueAddress();
        created(await s.post({ thread }, { address: proxy, headers: { 'X-Forwarded-For': 'not-an-address' } }));
        assertError(await s.post({ thread }, { address: proxy, headers: { 'X-Forwarded-For': 'still not one' } }), 429);
      });

      it('answers 429 with Retry-After to a second comment from the same address', async () => {
        const s = server({ floodSeconds: 15 });
        const address = uniqueAddress();
        const thread = uniqueThread();
        created(await s.post({ thread }, { address }));
        const fast = await s.post({ thread, body: 'Quick.' }, { address });
        assertError(fast, 429);
        assert.equal(fast.json.error.message, 'You are posting comments too quickly. Slow down.');
        assert.equal(fast.headers.get('Retry-After'), '15');
        s.advance(10.2);
        assert.equal((await s.post({ thread, body: 'Quick.' }, { address })).headers.get('Retry-After'), '5');
        s.advance(4.7);
        assert.equal((await s.post({ thread, body: 'Quick.' }, { address })).headers.get('Retry-After'), '1');
        s.advance(0.1);
        created(await s.post({ thread, body: 'Quick.' }, { address }));
      });

      it('answers 429 to a second comment by the same email from another address', async () => {
        const s = server({ floodSeconds: 15 });
        const email = uniqueEmail();
        const thread = uniqueThread();
        created(await s.post({ thread, author: { email } }));
        const fast = await s.post({ thread, author: { email: email.toUpperCase() }, body: 'From my phone.' });
        assertError(fast, 429);
        assert.equal(fast.headers.get('Retry-After'), '15');
        s.advance(15);
        created(await s.post({ thread, author: { email }, body: 'From my phone.' }));
      });

      it('keeps the email check when the client address is unknown', async () => {
        const s = server({ floodSeconds: 15 });
        const email = uniqueEmail();
        const thread = uniqueThread();
        created(await s.post({ thread, author: { email } }, { address: null }));
        created(await s.post({ thread, body: 'No address either.' }, { address: null }));
        assertError(await s.post({ thread, author: { email }, body: 'Again.' }, { address: null }), 429);
      });

      it('is off when COLLOQUY_FLOOD_SECONDS is 0', async () => {
        const s = server({ floodSeconds: 0 });
        const address = uniqueAddress();
        const email = uniqueEmail();
        const thread = uniqueThread();
        for (let i = 0; i < 3; i++) created(await s.post({ thread, author: { email }, body: `Comment ${i}` }, { address }));
      });

      it('uses X-Forwarded-For only as far as COLLOQUY_TRUST_PROXY says', async () => {
        const thread = uniqueThread();
        const proxy = uniqueAddress();
        const direct = server({ floodSeconds: 15, trustProxy: 0 });
        // Without trust, every post comes from the proxy's address.
        created(await direct.post({ thread }, { address: proxy, headers: { 'X-Forwarded-For': '203.0.113.1' } }));
        assertError(await direct.post({ thread }, { address: proxy, headers: { 'X-Forwarded-For': '203.0.113.2' } }), 429);

        const behindOne = server({ floodSeconds: 15, trustProxy: 1 });
        const client = `198.51.100.${Math.floor(Math.random() * 250)}`;
        created(await behindOne.post({ thread }, { address: uniqueAddress(), headers: { 'X-Forwarded-For': `6.6.6.6, ${client}` } }));
        // A different spoofed left-most entry, same real client: still the same address.
        assertError(await behindOne.post({ thread }, { address: uniqueAddress(), headers: { 'X-Forwarded-For': `7.7.7.7, ${client}` } }), 429);
        created(await behindOne.post({ thread }, { address: uniqueAddress(), headers: { 'X-Forwarded-For': `${client}, 198.51.100.251` } }));
      });
    });

    describe('idempotency', () => {
      it('answers a repeated key with the original comment and creates nothing', async () => {
        const s = server({ floodSeconds: 15 });
        const thread = uniqueThread();
        const address = uniqueAddress();
        const email = uniqueEmail();
        const idempotencyKey = uniqueKey();
        const first = created(await s.post({ thread, idempotencyKey, author: { email } }, { address }));
        s.advance(1);
        // Within the flood interval and with the same text: a retry is neither flood nor duplicate.
        const retry = created(await s.post({ thread, idempotencyKey, author: { email } }, { address }));
        assert.deepEqual(retry, first);
        // Another draft under the same key is no retry: a 409 that shows nothing of the original.
        const changed = await s.post({ thread, idempotencyKey, author: { email }, body: 'Edited before the retry.' }, { address });
        assertError(changed, 409);
        assert.ok(!changed.text.includes(first.id));
        assert.equal((await s.list(thread)).json.count, 1);
      });

      it('creates one comment when the same key arrives many times at once', async () => {
        const s = server({ floodSeconds: 15 });
        const thread = uniqueThread();
        const idempotencyKey = uniqueKey();
        const email = uniqueEmail();
        const replies = await Promise.all(Array.from({ length: 8 }, () => s.post({ thread, idempotencyKey, author: { email } })));
        const ids = new Set(replies.map((reply) => created(reply).id));
        assert.equal(ids.size, 1);
        const page = (await s.list(thread)).json as CommentPage;
        assert.equal(page.count, 1);
        assert.equal(page.comments.length, 1);
      });

      it('lets one comment through when an author floods with many at once', async () => {
        const s = server({ floodSeconds: 15 });
        const thread = uniqueThread();
        const email = uniqueEmail();
        const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => s.post({ thread, author: { email }, body: `Burst ${i}` })));
        assert.deepEqual(replies.map((reply) => reply.status).sort(), [201, 429, 429, 429, 429, 429]);
      });

      it('lets one of several identical comments sent at once through', async () => {
        const s = server();
        const thread = uniqueThread();
        const email = uniqueEmail();
        const address = uniqueAddress();
        const replies = await Promise.all(Array.from({ length: 6 }, () => s.post({ thread, author: { email }, body: 'Same again.' }, { address })));
        assert.deepEqual(replies.map((reply) => reply.status).sort(), [201, 409, 409, 409, 409, 409]);
      });

      it('counts every comment when many people post at once', async () => {
        const s = server();
        const thread = uniqueThread();
        const root = created(await s.post({ thread }));
        const replies = await Promise.all(
          Array.from({ length: 24 }, (_, i) => s.post({ thread, parentId: i % 2 ? root.id : null, body: `Crowd ${i}` })),
        );
        for (const reply of replies) created(reply);
        const page = (await s.list(thread, { limit: '100' })).json as CommentPage;
        assert.equal(page.count, 25);
        assert.equal(page.comments.length, 25);
      });

      it('has the store undo a failed write alone, keeping writes that ran beside it', async () => {
        const thread = uniqueThread();
        const row = (body: string) => ({
          thread,
          parentId: null,
          rootId: null,
          name: 'Ada',
          email: uniqueEmail(),
          url: null,
          body,
          status: 'approved' as const,
          ipHash: null,
          idempotencyKey: uniqueKey(),
          createdAt: Date.now(),
          updatedAt: Date.now(),
        });
        const results = await Promise.allSettled([
          harness.store.write((tx) => tx.insert(row('kept 1'))),
          harness.store.write(async (tx) => {
            await tx.insert(row('undone'));
            throw new Error('changed my mind');
          }),
          harness.store.write((tx) => tx.insert(row('kept 2'))),
        ]);
        assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
        const page = await harness.store.listThread({ thread, limit: 10, sort: 'oldest', after: null });
        // The two writes run concurrently, so either may be stored first.
        assert.deepEqual(page.comments.map((comment) => comment.body).sort(), ['kept 1', 'kept 2']);
        assert.equal((await harness.store.threadStats(thread)).count, 2);
      });

      it('has the store refuse a second row with a taken key', async () => {
        const now = Date.now();
        const row = {
          thread: uniqueThread(),
          parentId: null,
          rootId: null,
          name: 'Ada',
          email: uniqueEmail(),
          url: null,
          body: 'Hi',
          status: 'approved' as const,
          ipHash: null,
          idempotencyKey: uniqueKey(),
          createdAt: now,
          updatedAt: now,
        };
        await harness.store.write((tx) => tx.insert(row));
        await assert.rejects(
          harness.store.write((tx) => tx.insert({ ...row, body: 'Other' })),
          IdempotencyKeyTaken,
        );
        assert.equal((await harness.store.threadStats(row.thread)).count, 1, 'the failed insert left the count alone');
      });
    });

    describe('CORS', () => {
      const corsHeaders = (reply: Reply) => ({
        allowOrigin: reply.headers.get('Access-Control-Allow-Origin'),
        expose: reply.headers.get('Access-Control-Expose-Headers'),
        vary: reply.headers.get('Vary'),
      });

      it('echoes an allowed origin and the server’s own, and never a foreign one', async () => {
        const s = server();
        const thread = uniqueThread();
        for (const origin of [ALLOWED_ORIGIN, OWN_ORIGIN]) {
          const get = await s.list(thread, {}, { headers: { Origin: origin } });
          assert.equal(get.status, 200);
          assert.deepEqual(corsHeaders(get), { allowOrigin: origin, expose: 'Retry-After', vary: 'Origin' });
          const post = await s.post({ thread }, { origin });
          assert.equal(post.status, 201, post.text);
          assert.equal(corsHeaders(post).allowOrigin, origin);
        }
        const foreignGet = await s.list(thread, {}, { headers: { Origin: FOREIGN_ORIGIN } });
        assert.equal(foreignGet.status, 200, 'reading is public; the browser just hides it');
        assert.deepEqual(corsHeaders(foreignGet), { allowOrigin: null, expose: null, vary: 'Origin' });
        const noOrigin = await s.post({ thread });
        assert.equal(noOrigin.status, 201, 'curl and servers send no Origin');
        assert.equal(corsHeaders(noOrigin).allowOrigin, null);
        assert.equal(corsHeaders(noOrigin).vary, 'Origin');
      });

      it('lets an allowed page read errors and Retry-After', async () => {
        const s = server({ floodSeconds: 15 });
        const address = uniqueAddress();
        const thread = uniqueThread();
        created(await s.post({ thread }, { address, origin: ALLOWED_ORIGIN }));
        const fast = await s.post({ thread }, { address, origin: ALLOWED_ORIGIN });
        assertError(fast, 429);
        assert.deepEqual(corsHeaders(fast), { allowOrigin: ALLOWED_ORIGIN, expose: 'Retry-After', vary: 'Origin' });
        const bad = await s.post({ thread, body: '' }, { origin: ALLOWED_ORIGIN });
        assertError(bad, 400);
        assert.equal(corsHeaders(bad).allowOrigin, ALLOWED_ORIGIN);
      });

      it('answers preflights from allowed origins with 204, and foreign ones without Allow-Origin', async () => {
        const s = server();
        const preflight = (origin: string) =>
          s.request('/api/comments', {
            method: 'OPTIONS',
            headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
          });
        for (const origin of [ALLOWED_ORIGIN, OWN_ORIGIN]) {
          const ok = await preflight(origin);
          assert.equal(ok.status, 204);
          assert.equal(ok.text, '');
          assert.equal(ok.headers.get('Access-Control-Allow-Origin'), origin);
          assert.equal(ok.headers.get('Vary'), 'Origin');
          const methods = ok.headers.get('Access-Control-Allow-Methods')!.split(',').map((m) => m.trim());
          assert.deepEqual(methods.sort(), ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST']);
          assert.equal(ok.headers.get('Access-Control-Allow-Headers'), 'Content-Type, Authorization');
        }
        const foreign = await preflight(FOREIGN_ORIGIN);
        assert.equal(foreign.headers.get('Access-Control-Allow-Origin'), null);
        assert.equal(foreign.headers.get('Access-Control-Allow-Methods'), null);
        assert.ok(foreign.status >= 400);
      });

      it('knows its own origin behind a TLS proxy only when told to trust the proxy', async () => {
        const headers = { Host: 'comments.example.org', 'X-Forwarded-Proto': 'https' };
        const origin = 'https://comments.example.org';
        const trusting = server({ trustProxy: 1 });
        assert.equal((await trusting.post({ thread: uniqueThread() }, { origin, headers })).status, 201);
        assertError(await server({ trustProxy: 0 }).post({ thread: uniqueThread() }, { origin, headers }), 403);
      });

      it('takes COLLOQUY_PUBLIC_URL as its own origin when set, whatever Host says (no DNS rebinding)', async () => {
        const s = server({ publicUrl: 'https://comments.example.org', trustProxy: 1 });
        // A page on rebind.example whose name now resolves to this server: Host and Origin agree, and are not us.
        const rebound = { Host: 'rebind.example:8787', 'X-Forwarded-Host': 'rebind.example:8787', 'X-Forwarded-Proto': 'http' };
        const origin = 'http://rebind.example:8787';
        assertError(await s.post({ thread: uniqueThread() }, { origin, headers: rebound }), 403);
        const preflight = await s.request('/api/comments', { method: 'OPTIONS', headers: { ...rebound, Origin: origin, 'Access-Control-Request-Method': 'POST' } });
        assert.equal(preflight.status, 403);
        assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), null);
        const admin = await s.admin('GET', '/comments', { headers: { ...rebound, Origin: origin } });
        assert.equal(admin.headers.get('Access-Control-Allow-Origin'), null, 'the admin API does not answer the rebound page either');
        assertError(await s.admin('POST', '/comments/bulk', { body: { ids: ['1'], status: 'spam' }, headers: { ...rebound, Origin: origin } }), 403);
        const own = await s.post({ thread: uniqueThread() }, { origin: 'https://comments.example.org', headers: rebound });
        assert.equal(own.status, 201, own.text);
        assert.equal(own.headers.get('Access-Control-Allow-Origin'), 'https://comments.example.org');
        assert.equal((await s.post({ thread: uniqueThread() }, { origin: ALLOWED_ORIGIN })).status, 201, 'COLLOQUY_ORIGINS still count');
        assert.equal(s.logged.filter((line) => line.includes('refused a request from origin http://rebind.example:8787')).length, 1);
      });

      it('logs each refused origin once per 5 minutes, and how to allow it', async () => {
        const s = server();
        const thread = uniqueThread();
        for (let i = 0; i < 3; i++) await s.list(thread, {}, { headers: { Origin: FOREIGN_ORIGIN } });
        await s.post({ thread }, { origin: FOREIGN_ORIGIN });
        await s.list(thread, {}, { headers: { Origin: ALLOWED_ORIGIN } });
        await s.list(thread, {}, { headers: { Origin: 'https://other.example' } });
        assert.deepEqual(s.logged, [
          `[colloquy] refused a request from origin ${FOREIGN_ORIGIN}: add it to COLLOQUY_ORIGINS if the widget is embedded there (this server allows only its own origin and COLLOQUY_ORIGINS).`,
          '[colloquy] refused a request from origin https://other.example: add it to COLLOQUY_ORIGINS if the widget is embedded there (this server allows only its own origin and COLLOQUY_ORIGINS).',
        ]);
        s.advance(4 * 60);
        await s.list(thread, {}, { headers: { Origin: FOREIGN_ORIGIN } });
        assert.equal(s.logged.length, 2);
        s.advance(61);
        await s.list(thread, {}, { headers: { Origin: FOREIGN_ORIGIN } });
        assert.equal(s.logged.length, 3);
        // Made-up origins by the thousand: each logged once, and memory stays bounded (not observable here, but no crash).
        const preflight = { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST' } };
        for (let i = 0; i < 1100; i++) await s.app.request('/api/comments', { ...preflight, headers: { ...preflight.headers, Origin: `https://spray${i}.example` } });
        assert.equal(s.logged.length, 1103);
      });
    });

    describe('pagination', () => {
      async function thread(s: TestServer, roots: number, label: string) {
        const key = uniqueThread(label);
        const ids: string[] = [];
        for (let i = 0; i < roots; i++) {
          const root = created(await s.post({ thread: key, body: `${label} root ${i}` }));
          ids.push(root.id);
          s.advance(1);
          const reply = created(await s.post({ thread: key, parentId: root.id, body: `reply to ${i}` }));
          created(await s.post({ thread: key, parentId: reply.id, body: `reply to reply to ${i}` }));
          s.advance(1);
        }
        return { key, ids };
      }

      function checkPage(page: CommentPage) {
        const seen = new Set<string>();
        let currentRoot: string | undefined;
        for (const comment of page.comments) {
          if (comment.parentId === null) currentRoot = comment.id;
          else assert.ok(seen.has(comment.parentId), `reply ${comment.id} follows its parent`);
          assert.ok(currentRoot, 'a page starts with a top-level comment');
          seen.add(comment.id);
        }
        return page.comments.filter((c) => c.parentId === null).map((c) => c.id);
      }

      it('walks the thread oldest first without repeats or gaps while comments arrive', async () => {
        const s = server();
        const { key, ids } = await thread(s, 5, 'oldest');
        const page1 = (await s.list(key, { limit: '2' })).json as CommentPage;
        assert.equal(page1.count, 15);
        assert.deepEqual(checkPage(page1), ids.slice(0, 2));
        assert.equal(page1.comments.length, 6, 'each root comes with all its replies');
        assert.ok(page1.nextCursor);

        // New top-level comments, and new replies to a seen root and to an unseen one.
        const lateReplySeen = created(await s.post({ thread: key, parentId: ids[0]!, body: 'late reply to 0' }));
        const lateReplyUnseen = created(await s.post({ thread: key, parentId: ids[2]!, body: 'late reply to 2' }));
        const newRoots = [created(await s.post({ thread: key, body: 'new root a' })).id, created(await s.post({ thread: key, body: 'new root b' })).id];

        const page2 = (await s.list(key, { limit: '2', cursor: page1.nextCursor! })).json as CommentPage;
        assert.deepEqual(checkPage(page2), ids.slice(2, 4));
        assert.ok(page2.comments.some((c) => c.id === lateReplyUnseen.id), 'a new reply comes with its root');
        assert.ok(!page2.comments.some((c) => c.id === lateReplySeen.id));
        assert.equal(page2.count, 19);
        const page3 = (await s.list(key, { limit: '2', cursor: page2.nextCursor! })).json as CommentPage;
        assert.deepEqual(checkPage(page3), [ids[4]!, newRoots[0]!]);
        const page4 = (await s.list(key, { limit: '2', cursor: page3.nextCursor! })).json as CommentPage;
        assert.deepEqual(checkPage(page4), [newRoots[1]!]);
        assert.equal(page4.nextCursor, null);
      });

      it('walks the thread newest first; replies stay oldest first', async () => {
        const s = server();
        const { key, ids } = await thread(s, 5, 'newest');
        const newestFirst = [...ids].reverse();
        const page1 = (await s.list(key, { limit: '2', sort: 'newest' })).json as CommentPage;
        assert.deepEqual(checkPage(page1), newestFirst.slice(0, 2));
        assert.deepEqual(
          page1.comments.slice(1, 3).map((c) => c.body),
          [`reply to 4`, `reply to reply to 4`],
        );
        created(await s.post({ thread: key, body: 'newer than everything' }));
        const page2 = (await s.list(key, { limit: '2', sort: 'newest', cursor: page1.nextCursor! })).json as CommentPage;
        assert.deepEqual(checkPage(page2), newestFirst.slice(2, 4));
        const page3 = (await s.list(key, { limit: '2', sort: 'newest', cursor: page2.nextCursor! })).json as CommentPage;
        assert.deepEqual(checkPage(page3), newestFirst.slice(4));
        assert.equal(page3.nextCursor, null);
      });

      it('walks newest first without repeats or gaps while comments and replies arrive between pages', async () => {
        const s = server();
        const { key, ids } = await thread(s, 7, 'newest-live');
        const newestFirst = [...ids].reverse();
        const walked: string[] = [];
        const pages: CommentPage[] = [];
        let cursor: string | null = null;
        let round = 0;
        do {
          const params: Record<string, string> = { limit: '2', sort: 'newest' };
          if (cursor) params.cursor = cursor;
          const page = (await s.list(key, params)).json as CommentPage;
          walked.push(...checkPage(page));
          pages.push(page);
          cursor = page.nextCursor;
          // Between pages: a newer top-level comment (above the walk, never reached), a reply to a root
          // already shown, and a reply to the oldest root, which is still to come.
          s.advance(1);
          created(await s.post({ thread: key, body: `arrived during round ${round}` }));
          created(await s.post({ thread: key, parentId: walked[0]!, body: `late reply to the first root, round ${round}` }));
          created(await s.post({ thread: key, parentId: ids[0]!, body: `late reply to the oldest root, round ${round}` }));
          round++;
        } while (cursor);
        assert.deepEqual(walked, newestFirst, 'every root once, in order, none of the new ones');
        assert.equal(pages.length, 4);
        const last = pages.at(-1)!;
        assert.deepEqual(
          last.comments.filter((c) => c.body.startsWith('late reply to the oldest root')).map((c) => c.body),
          [0, 1, 2].map((r) => `late reply to the oldest root, round ${r}`),
          'replies arriving before their root is reached come with it, oldest first',
        );
        assert.ok(pages.slice(1).every((page) => !page.comments.some((c) => c.body.startsWith('late reply to the first root'))));
        assert.equal(last.count, 21 + 3 * 3, 'the count is the whole thread as it is now');
      });

      it('refuses a cursor from one order in the other with 400; a cursor without an order is taken as it comes', async () => {
        const s = server();
        const { key, ids } = await thread(s, 3, 'cross');
        const oldest = ((await s.list(key, { limit: '1' })).json as CommentPage).nextCursor!;
        const newest = ((await s.list(key, { limit: '1', sort: 'newest' })).json as CommentPage).nextCursor!;
        assertError(await s.list(key, { limit: '1', sort: 'newest', cursor: oldest }), 400);
        assertError(await s.list(key, { limit: '1', sort: 'oldest', cursor: newest }), 400);
        assertError(await s.list(key, { limit: '1', cursor: newest }), 400);
        assertError(await s.document('html', key, { limit: '1', cursor: newest }), 400);
        assert.deepEqual(checkPage((await s.list(key, { limit: '1', cursor: oldest })).json), [ids[1]!]);
        assert.deepEqual(checkPage((await s.list(key, { limit: '1', sort: 'newest', cursor: newest })).json), [ids[1]!]);
        // Cursors handed out before they recorded their order hold only a position.
        const { t, i } = JSON.parse(Buffer.from(oldest, 'base64url').toString('utf8'));
        const positionOnly = Buffer.from(JSON.stringify({ t, i })).toString('base64url');
        assert.deepEqual(checkPage((await s.list(key, { limit: '1', cursor: positionOnly })).json), [ids[1]!]);
        assert.deepEqual(checkPage((await s.list(key, { limit: '1', sort: 'newest', cursor: positionOnly })).json), []);
        const badOrder = Buffer.from(JSON.stringify({ t, i, s: 'random' })).toString('base64url');
        assertError(await s.list(key, { cursor: badOrder }), 400);
      });

      it('orders comments posted in the same millisecond by id, across page boundaries', async () => {
        const s = server();
        const key = uniqueThread('same-ms');
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) ids.push(created(await s.post({ thread: key, body: `tie ${i}` })).id);
        for (const [sort, expected] of [['oldest', ids], ['newest', [...ids].reverse()]] as const) {
          const walked: string[] = [];
          let cursor: string | null = null;
          do {
            const params: Record<string, string> = { limit: '3', sort };
            if (cursor) params.cursor = cursor;
            const page = (await s.list(key, params)).json as CommentPage;
            walked.push(...checkPage(page));
            cursor = page.nextCursor;
          } while (cursor);
          assert.deepEqual(walked, expected);
        }
      });
    });

    describe('moderation', () => {
      it('none: every comment is approved at once', async () => {
        const comment = created(await server({ moderation: 'none' }).post({ thread: uniqueThread() }));
        assert.equal(comment.status, 'approved');
      });

      it('all: every comment waits, is never listed or counted, until approved', async () => {
        const s = server({ moderation: 'all' });
        const thread = uniqueThread();
        const email = uniqueEmail();
        const first = created(await s.post({ thread, author: { email } }));
        assert.equal(first.status, 'pending');
        assert.deepEqual((await s.list(thread)).json, { thread, count: 0, comments: [], nextCursor: null });
        await harness.store.setStatus(Number(first.id), 'approved');
        const page = (await s.list(thread)).json as CommentPage;
        assert.equal(page.count, 1);
        // Held, it was answered with a seed of its own; published, it shows its email's.
        const avatar = page.comments[0]!.author.avatar;
        assert.notEqual(avatar, first.author.avatar);
        assert.deepEqual(page.comments, [listed({ ...first, author: { ...first.author, avatar }, status: 'approved' })]);
        const second = created(await s.post({ thread, author: { email }, body: 'Still waits.' }));
        assert.equal(second.status, 'pending', 'even a known author waits');
        assert.equal((await s.list(thread)).json.count, 1);
      });

      it('first-time: a new author waits; once approved, their next comment is published at once', async () => {
        const s = server({ moderation: 'first-time' });
        const thread = uniqueThread();
        const email = uniqueEmail();
        const first = created(await s.post({ thread, author: { email } }));
        assert.equal(first.status, 'pending');
        const stillNew = created(await s.post({ thread, author: { email }, body: 'Before approval.' }));
        assert.equal(stillNew.status, 'pending');
        await harness.store.setStatus(Number(first.id), 'approved');
        const known = created(await s.post({ thread: uniqueThread(), author: { email: email.toUpperCase() }, body: 'After approval.' }));
        assert.equal(known.status, 'approved');
        assert.equal((await s.list(thread)).json.count, 1);
      });

      it('keeps the count right as comments are approved, held and deleted', async () => {
        const s = server();
        const thread = uniqueThread();
        const root = created(await s.post({ thread }));
        const reply = created(await s.post({ thread, parentId: root.id }));
        const count = async () => ((await s.list(thread)).json as CommentPage).count;
        assert.equal(await count(), 2);
        await harness.store.setStatus(Number(reply.id), 'spam');
        await harness.store.setStatus(Number(reply.id), 'spam');
        assert.equal(await count(), 1);
        await harness.store.setStatus(Number(reply.id), 'approved');
        assert.equal(await count(), 2);
        await harness.store.setStatus(Number(root.id), 'deleted');
        const page = (await s.list(thread)).json as CommentPage;
        assert.equal(page.count, 1);
        assert.deepEqual(page.comments, [], 'a reply is not listed without its parent');
        assert.equal(await harness.store.setStatus(987654321, 'approved'), undefined);
      });
    });

    const context: SuiteContext = { server, store: () => harness.store, another: () => harness.another() };
    editingContract(context);
    documentsContract(context);
    adminContract(context);
    adminBrakeContract(context);
    healthContract(context);
    spamContract(context);
    postingSecurityContract(context);
    notifyContract(context);
    outboxContract(context);
    subscribersContract(context);
    myCommentsContract(context);
    mailContract(context);
    repliesContract(context);
    importsContract(context);
    likesContract(context);
    bansContract(context);
    hostPinsContract(context);
    liveContract(context);
    writePathContract(context);
    threadPageContract(context);

    describe('privacy', () => {
      it('never sends an email: not in any response body or header seen by this suite', () => {
        assertNoEmailSeen();
      });
    });
  });
}
