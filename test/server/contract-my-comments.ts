/**
 * "My comments" (docs/api.md, `/me`): the link emailed through a real SMTP server, the signed
 * page, the JSON download and "delete all" after a confirmation. Part of the contract suite:
 * run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommentPage } from '../../src/api/contract.js';
import type { MailSettings } from '../../src/server/config.js';
import { mailSenders } from '../../src/server/integrations/mail/notifications.js';
import { mailContextFor } from '../../src/server/integrations/mail/setup.js';
import { mailTransport } from '../../src/server/integrations/mail/transport.js';
import { LINK_EMAILS_PER_ADDRESS_DAY, LINK_REQUESTS_PER_CLIENT_HOUR, MY_COMMENTS_LINK_DAYS } from '../../src/server/domain/my-comments.js';
import type { SuiteContext } from './contract-suite.js';
import { ALLOWED_ORIGIN, FOREIGN_ORIGIN, SECRET, TestServer, assertError, uniqueAddress, uniqueEmail, uniqueThread, type Reply } from './helpers.js';
import { SmtpSink, linkIn } from './smtp-sink.js';

const PUBLIC_URL = 'https://comments.example.com';

function created(reply: Reply) {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

export function myCommentsContract({ server, store }: SuiteContext): void {
  describe('my comments', () => {
    let sink: SmtpSink;
    before(async () => {
      sink = await SmtpSink.start();
    });
    after(async () => {
      await sink?.close();
    });

    // Email on, through the real SMTP sink, sent by the outbox worker with the server's own senders.
    const mailing = () => {
      const mail: MailSettings = {
        smtpUrl: sink.url,
        from: 'Colloquy <comments@example.com>',
        dir: null,
        dailyCap: 20,
        ownerEmail: null,
        ownerMode: 'none',
        siteUrl: null,
        linkOrigin: PUBLIC_URL,
      };
      const s = new TestServer(store(), { publicUrl: PUBLIC_URL, mail });
      // The server's own mail senders, over a transport this test closes (its pooled SMTP connection would hold the sink open).
      const transport = mailTransport(mail);
      const worker = s.worker({ senders: mailSenders(mailContextFor(s.config, () => s.now)!, transport) });
      return {
        s,
        stop: async () => {
          await worker.stop();
          transport.close();
        },
      };
    };
    const ask = (s: TestServer, body: unknown, address = uniqueAddress(), headers: Record<string, string> = {}) =>
      s.request('/api/me/link', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }, address);
    /** The page's path from the emailed link, after requesting one for `email`. */
    async function emailedLink(s: TestServer, email: string): Promise<string> {
      const before = sink.to(email).length;
      const reply = await ask(s, { email: ` ${email.toUpperCase()} `, locale: 'de' });
      assert.equal(reply.status, 202, reply.text);
      const [mail] = (await sink.waitFor(email, before + 1)).slice(before);
      return linkIn(mail!.text, `${PUBLIC_URL}/api/me?token=`).slice(PUBLIC_URL.length);
    }
    const form = (s: TestServer, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      s.request(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
    const tokenOf = (path: string) => new URL(path, PUBLIC_URL).searchParams.get('token')!;

    it('emails an address that wrote here a signed link, in plain text and HTML, through SMTP; its page lists what it wrote', async () => {
      const { s, stop } = mailing();
      try {
        const email = uniqueEmail();
        const thread = uniqueThread('mine');
        created(await s.post({ thread, author: { name: 'Ada', email }, body: 'First <b>bold</b> & "quoted"' }));
        const other = created(await s.post({ thread, body: 'Somebody else entirely.' }));
        const path = await emailedLink(s, email);
        const [mail] = sink.to(email);
        assert.match(mail!.subject, /Your comments on comments\.example\.com/);
        assert.ok(mail!.html.includes(`href="${PUBLIC_URL}${path.replace(/&/g, '&amp;')}"`), 'the HTML part links the same page');
        assert.ok(!mail!.html.includes('<img'), 'no images, no tracking pixel');
        assert.ok(!path.includes(email.split('@')[0]!), 'the address is not readable in the link');

        const page = await s.request(path);
        assert.equal(page.status, 200, page.text);
        assert.equal(page.headers.get('Referrer-Policy'), 'no-referrer');
        assert.ok(page.text.includes('First &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;'), 'the body, escaped');
        assert.ok(!page.text.includes('<b>bold'));
        assert.ok(page.text.includes(`z•••@mail.example`), 'the address masked');
        assert.ok(!page.text.includes(other.body), "nobody else's comments");
        assert.ok(page.text.includes('1 comment.'));
      } finally {
        await stop();
      }
    });

    it('answers an address that wrote nothing exactly as one that did, and sends it nothing; caps emails per address and requests per client', async () => {
      const { s, stop } = mailing();
      try {
        const stranger = uniqueEmail();
        const reply = await ask(s, { email: stranger });
        assert.equal(reply.status, 202);
        assert.deepEqual(reply.json, { accepted: true });
        const writer = uniqueEmail();
        created(await s.post({ thread: uniqueThread(), author: { email: writer } }));
        for (let i = 0; i < LINK_EMAILS_PER_ADDRESS_DAY + 2; i++) {
          assert.equal((await ask(s, { email: writer })).status, 202);
          // One at a time: a request while the last link is unsent (or still being sent) is that same message.
          await sink.waitFor(writer, Math.min(i + 1, LINK_EMAILS_PER_ADDRESS_DAY));
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(sink.to(writer).length, LINK_EMAILS_PER_ADDRESS_DAY, `at most ${LINK_EMAILS_PER_ADDRESS_DAY} a day`);
        assert.equal(sink.to(stranger).length, 0);
        s.advance(24 * 60 * 60);
        await emailedLink(s, writer);

        const client = uniqueAddress();
        for (let i = 0; i < LINK_REQUESTS_PER_CLIENT_HOUR; i++) assert.equal((await ask(s, { email: uniqueEmail() }, client)).status, 202);
        const braked = await ask(s, { email: uniqueEmail() }, client);
        assertError(braked, 429);
        assert.ok(Number(braked.headers.get('Retry-After')) > 0);
      } finally {
        await stop();
      }
    });

    it('refuses a bad request for a link with 400 or 415, a foreign origin with 403, and is a 404 on a server that sends no email', async () => {
      const { s, stop } = mailing();
      try {
        assertError(await ask(s, { email: 'not an address' }), 400, { email: 'invalid' });
        assertError(await ask(s, {}), 400, { email: 'required' });
        assertError(await ask(s, { email: `${'a'.repeat(100)}@example.com` }), 400, { email: 'too_long' });
        assertError(await ask(s, [1]), 400);
        assertError(await s.request('/api/me/link', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' }), 415);
        assertError(await ask(s, { email: uniqueEmail() }, uniqueAddress(), { Origin: FOREIGN_ORIGIN }), 403);
        const allowed = await ask(s, { email: uniqueEmail() }, uniqueAddress(), { Origin: ALLOWED_ORIGIN });
        assert.equal(allowed.status, 202);
        assert.equal(allowed.headers.get('Access-Control-Allow-Origin'), ALLOWED_ORIGIN);
        assertError(await ask(server({ publicUrl: PUBLIC_URL }), { email: uniqueEmail() }), 404);
      } finally {
        await stop();
      }
    });

    it('opens only with a token of its own, unaltered and under a week old; a dead link offers a fresh one', async () => {
      const { s, stop } = mailing();
      try {
        const email = uniqueEmail();
        created(await s.post({ thread: uniqueThread(), author: { email } }));
        const path = await emailedLink(s, email);
        const token = tokenOf(path);
        const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
        for (const bad of ['', 'x', flipped, 'a'.repeat(5000), `${token}x`]) {
          for (const route of ['/api/me', '/api/me/export', '/api/me/delete']) {
            const reply = await s.request(`${route}?token=${encodeURIComponent(bad)}`);
            assert.equal(reply.status, 403, `${route} ${bad.slice(0, 20)}`);
            assert.ok(reply.text.includes('This link has expired or is not valid'));
          }
        }
        const other = new TestServer(store(), { publicUrl: PUBLIC_URL, secret: 'another-secret-that-is-at-least-32-chars' });
        assert.equal((await other.request(path)).status, 403, "another server's secret");
        s.advance(MY_COMMENTS_LINK_DAYS * 24 * 60 * 60 - 1);
        assert.equal((await s.request(path)).status, 200, 'works for a week');
        s.advance(1);
        const dead = await s.request(path);
        assert.equal(dead.status, 403);
        assert.ok(dead.text.includes('action="me/link/form"'), 'a form for a fresh link');
        const fresh = await form(s, '/api/me/link/form', { email }, { Origin: 'null' });
        assert.equal(fresh.status, 200, fresh.text);
        assert.ok(fresh.text.includes('on its way'));
        await sink.waitFor(email, 2);
        assert.equal((await form(s, '/api/me/link/form', { email: 'nope' })).status, 400);
        assert.notEqual(SECRET, 'another-secret-that-is-at-least-32-chars');
      } finally {
        await stop();
      }
    });

    it('downloads every comment as JSON, streamed past the page, without the address or anything learned about the poster', async () => {
      const { s, stop } = mailing();
      try {
        const email = uniqueEmail();
        const thread = uniqueThread('export');
        const ids: string[] = [];
        for (let i = 0; i < 205; i++) ids.push(created(await s.post({ thread, author: { name: 'Prolific', email, url: 'https://p.example/' }, body: `Comment ${i}` })).id);
        const path = await emailedLink(s, email);
        const page = await s.request(path);
        assert.ok(page.text.includes('the first 200'), 'the page lists 200 and says the download holds them all');
        const download = await s.request(path.replace('/api/me?', '/api/me/export?'));
        assert.equal(download.status, 200);
        assert.equal(download.headers.get('Content-Disposition'), 'attachment; filename="my-comments.json"');
        assert.equal(download.headers.get('Cache-Control'), 'no-store');
        const data = download.json as { address: string; comments: Record<string, unknown>[]; replyNotifications: unknown[] };
        assert.deepEqual(data.replyNotifications, []);
        assert.deepEqual(
          data.comments.map((c) => c.id),
          ids,
        );
        assert.deepEqual(Object.keys(data.comments[0]!).sort(), ['body', 'createdAt', 'deletedByAuthor', 'id', 'name', 'parentId', 'status', 'thread', 'updatedAt', 'url']);
        assert.equal(data.comments[3]!.body, 'Comment 3');
        assert.equal(data.address, `${email[0]}•••@mail.example`);
      } finally {
        await stop();
      }
    });

    it('deletes all only after a confirmation posted with the token: replies by others stay, the address is gone from every row', async () => {
      const { s, stop } = mailing();
      try {
        const email = uniqueEmail();
        const thread = uniqueThread('erase');
        const answered = created(await s.post({ thread, author: { name: 'Leaving', email }, body: 'I have replies.' }));
        const reply = created(await s.post({ thread, parentId: answered.id, body: 'A reply by someone else.' }));
        const alone = created(await s.post({ thread, author: { name: 'Leaving', email }, body: 'Nobody answered me.' }));
        const path = await emailedLink(s, email);
        const token = tokenOf(path);

        const confirm = await s.request(`/api/me/delete?token=${encodeURIComponent(token)}`);
        assert.equal(confirm.status, 200);
        assert.ok(confirm.text.includes('Delete all your comments?'));
        assert.ok(confirm.text.includes('<form method="post" action="delete">'));
        const unconfirmed = await form(s, '/api/me/delete', { token }, { Origin: 'null' });
        assert.ok(unconfirmed.text.includes('Delete all your comments?'), 'asked again');
        assert.equal(((await s.list(thread)).json as CommentPage).count, 3, 'nothing deleted by a GET or an unconfirmed POST');
        assert.equal((await form(s, '/api/me/delete', { token: 'forged', confirm: 'yes' })).status, 403);

        const done = await form(s, '/api/me/delete', { token, confirm: 'yes' }, { Origin: 'null' });
        assert.equal(done.status, 200, done.text);
        assert.ok(done.text.includes('2 comments were deleted'));
        const listed = (await s.list(thread)).json as CommentPage;
        assert.equal(listed.count, 1);
        assert.deepEqual(
          listed.comments.map((c) => [c.id, c.status, c.body]),
          [
            [answered.id, 'deleted', ''],
            [reply.id, 'approved', 'A reply by someone else.'],
          ],
        );
        for (const id of [answered.id, alone.id]) {
          const row = await store().findById(Number(id));
          assert.deepEqual([row!.email, row!.name, row!.body, row!.ipHash, row!.status], ['', '', '', null, 'deleted']);
        }
        assert.ok((await s.request(path)).text.includes('none are left'));
        assert.equal((await form(s, '/api/me/delete', { token, confirm: 'yes' })).text.includes('0 comments were deleted'), true, 'again: nothing left');
      } finally {
        await stop();
      }
    });
  });
}
