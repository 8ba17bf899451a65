/**
 * Reply notifications and the owner's emails (docs/server.md, "Email"), sent through a real
 * SMTP server (smtp-sink.ts) by the outbox worker: double opt-in, the notification's content
 * and headers, gathering, the daily cap, one-click unsubscribe and the page's three choices,
 * suppression, and no mail for pending, spam or self replies. Part of the contract suite: run
 * against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppConfig } from '../../src/server/app.js';
import type { MailSettings } from '../../src/server/config.js';
import { CONFIRM_TTL_DAYS, GATHER_MS, mailSenders } from '../../src/server/integrations/mail/notifications.js';
import { mailContextFor } from '../../src/server/integrations/mail/setup.js';
import { mailTransport } from '../../src/server/integrations/mail/transport.js';
import type { SuiteContext } from './contract-suite.js';
import { spamRules } from './contract-spam.js';
import { ALLOWED_ORIGIN, TestServer, issuedEmails, uniqueEmail, uniqueThread, type Reply } from './helpers.js';
import { SmtpSink, linkIn, rawHeader, type ReceivedMail } from './smtp-sink.js';

const PUBLIC_URL = 'https://comments.example.com';
const OWNER = 'owner@site.example';

function created(reply: Reply) {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment as { id: string; body: string };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function mailContract({ store }: SuiteContext): void {
  describe('email notifications', () => {
    let sink: SmtpSink;
    before(async () => {
      sink = await SmtpSink.start();
    });
    after(async () => {
      await sink?.close();
    });

    const settings = (change: Partial<MailSettings> = {}): MailSettings => ({
      smtpUrl: sink.url,
      from: 'Colloquy <comments@example.com>',
      dir: null,
      dailyCap: 20,
      ownerEmail: null,
      ownerMode: 'all',
      siteUrl: 'https://blog.example/',
      linkOrigin: PUBLIC_URL,
      ...change,
    });

    /** A server that mails through the sink, with a worker on its clock; `stop()` at the end. */
    function mailing(mail: Partial<MailSettings> = {}, config: Partial<AppConfig> = {}) {
      const s = new TestServer(store(), { publicUrl: PUBLIC_URL, mail: settings(mail), ...config });
      const transport = mailTransport(s.config.mail!);
      const worker = s.worker({ senders: mailSenders(mailContextFor(s.config, () => s.now)!, transport) });
      return { s, stop: async () => (await worker.stop(), transport.close()) };
    }

    /** Posts a comment whose author asks for reply notifications. */
    const subscribed = (s: TestServer, thread: string, email: string, extra: Record<string, unknown> = {}) =>
      s.post({ thread, author: { name: 'Ada', email }, body: 'Is there a transcript?', notify: true, locale: 'de', page: `${ALLOWED_ORIGIN}/episodes/42`, ...extra });

    /** Follows the confirmation link of the latest confirmation email to `email`: the page, then its form. */
    async function confirm(s: TestServer, mail: ReceivedMail) {
      const link = linkIn(mail.text, `${PUBLIC_URL}/api/notifications/confirm?token=`);
      const path = link.slice(PUBLIC_URL.length);
      const page = await s.request(path);
      assert.equal(page.status, 200, page.text);
      const token = new URL(link).searchParams.get('token')!;
      return s.request('/api/notifications/confirm', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
    }

    /** A confirmed subscriber's first comment in `thread`. */
    async function confirmedSubscriber(s: TestServer, thread: string, email = uniqueEmail()) {
      const comment = created(await subscribed(s, thread, email));
      const [mail] = await sink.waitFor(email);
      assert.equal((await confirm(s, mail!)).status, 200);
      assert.equal((await s.store.mailAddress(email))?.state, 'confirmed');
      return { email, comment, already: sink.to(email).length };
    }

    /** Waits a little and asserts nothing more reached `email` than `count` messages. */
    async function assertNoMore(email: string, count: number) {
      await pause(300);
      assert.equal(sink.to(email).length, count, `no more mail to ${email}: ${sink.to(email).map((mail) => mail.subject).join(' | ')}`);
    }

    const unsubscribeLink = (mail: ReceivedMail) => rawHeader(mail, 'List-Unsubscribe')!.replace(/^<|>$/g, '');
    const form = (s: TestServer, link: string, fields: Record<string, string>) =>
      s.request(link.slice(PUBLIC_URL.length), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });

    it('asks a new address to confirm, once a day, in its language, and mails it nothing before it does; only the POST confirms, once', async () => {
      const { s, stop } = mailing();
      try {
        const thread = uniqueThread('optin');
        const email = uniqueEmail();
        const comment = created(await subscribed(s, thread, email));
        const [mail] = await sink.waitFor(email);
        assert.equal(mail!.subject, 'Bestätige, dass du Benachrichtigungen über Antworten von blog.example möchtest');
        assert.ok(mail!.text.includes(`${PUBLIC_URL}/api/notifications/confirm?token=`), mail!.text);
        assert.ok(mail!.html.includes(`href="${PUBLIC_URL}/api/notifications/confirm?token=`), 'the HTML part links it too');
        assert.ok(!mail!.html.includes('<img') && !/src=/i.test(mail!.html), 'no image, no tracking pixel');
        assert.ok(!linkIn(mail!.text, PUBLIC_URL).includes(email.split('@')[0]!), 'no address in the link');
        assert.equal(rawHeader(mail!, 'Auto-Submitted'), 'auto-generated');

        // A second opt-in the same day, and a reply before the confirmation: nothing more.
        s.advance(3600);
        created(await subscribed(s, thread, email, { body: 'Another question.' }));
        s.advance(60);
        created(await s.post({ thread, parentId: comment.id, author: { name: 'Bea' }, body: 'Early reply.' }));
        await assertNoMore(email, 1);

        // Opening the link (a mail scanner does) confirms nothing; the form's POST does, once.
        const link = linkIn(mail!.text, `${PUBLIC_URL}/api/notifications/confirm?token=`);
        const page = await s.request(link.slice(PUBLIC_URL.length));
        assert.equal(page.status, 200);
        assert.match(page.text, /<form method="post" action="confirm">/);
        assert.equal(page.headers.get('Referrer-Policy'), 'no-referrer');
        assert.equal((await s.store.mailAddress(email))?.state, 'unconfirmed');
        const done = await confirm(s, mail!);
        assert.equal(done.status, 200, done.text);
        assert.match(done.text, /Erledigt/);
        assert.equal((await s.store.mailAddress(email))?.state, 'confirmed');
        assert.equal((await s.request(link.slice(PUBLIC_URL.length))).status, 410, 'a used link shows no form');
        const token = new URL(link).searchParams.get('token')!;
        const reuse = await s.request('/api/notifications/confirm', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token }).toString(),
        });
        assert.equal(reuse.status, 410, 'and confirms nothing twice');
      } finally {
        await stop();
      }
    });

    it('refuses an expired, used, tampered or foreign confirmation link with a page, never a 5xx', async () => {
      const { s, stop } = mailing();
      try {
        const email = uniqueEmail();
        created(await subscribed(s, uniqueThread('expiry'), email));
        const [mail] = await sink.waitFor(email);
        const link = linkIn(mail!.text, `${PUBLIC_URL}/api/notifications/confirm?token=`);
        const token = new URL(link).searchParams.get('token')!;
        const post = (body: string, type = 'application/x-www-form-urlencoded') =>
          s.request('/api/notifications/confirm', { method: 'POST', headers: { 'Content-Type': type }, body });
        for (const bad of ['', 'x', `${token}x`, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')), 'a'.repeat(5000)]) {
          const reply = await post(new URLSearchParams({ token: bad }).toString());
          assert.ok(reply.status === 410 || reply.status === 413, `${reply.status} for a bad token`);
        }
        assert.equal((await post('%%%%', 'text/plain')).status, 400);
        assert.equal((await s.request(`/api/notifications/confirm?token=${encodeURIComponent('{"p":1}.x')}`)).status, 410);
        s.advance(CONFIRM_TTL_DAYS * 24 * 3600 + 1);
        assert.equal((await post(new URLSearchParams({ token }).toString())).status, 410, 'expired');
        assert.notEqual((await s.store.mailAddress(email))?.state, 'confirmed');
      } finally {
        await stop();
      }
    });

    it('forgets an opt-in never confirmed once its link has expired: the address and its subscriptions', async () => {
      const { s, stop } = mailing();
      try {
        const thread = uniqueThread('forget');
        const email = uniqueEmail();
        const comment = created(await subscribed(s, thread, email));
        await sink.waitFor(email);
        assert.equal((await s.store.mailAddress(email))?.state, 'unconfirmed');
        s.advance(CONFIRM_TTL_DAYS * 24 * 3600 - 60);
        created(await s.post({ thread, body: 'Someone else, before the time is up.' }));
        assert.equal((await s.store.mailAddress(email))?.state, 'unconfirmed', 'kept while its link works');
        s.advance(120);
        created(await s.post({ thread, body: 'Someone else, after.' }));
        assert.equal(await s.store.mailAddress(email), undefined);
        assert.equal(await s.store.subscription(Number(comment.id)), undefined);
        assert.deepEqual(await s.store.subscriptionsOf(email), []);
      } finally {
        await stop();
      }
    });

    it('mails the author of a subscribed comment when a reply is approved: who (name only), the text, the permalink, how to stop, in both parts and its language', async () => {
      const { s, stop } = mailing();
      try {
        const thread = uniqueThread('notified');
        const { email, comment, already } = await confirmedSubscriber(s, thread);
        const replier = uniqueEmail();
        const reply = created(await s.post({ thread, parentId: comment.id, author: { name: 'Bea <b>', email: replier }, body: 'Yes: see <a href="x">the notes</a> & more.' }));
        const [mail] = (await sink.waitFor(email, already + 1)).slice(already);
        assert.equal(mail!.subject, 'Bea <b> hat auf deinen Kommentar auf blog.example geantwortet');
        assert.ok(mail!.text.includes('> Yes: see <a href="x">the notes</a> & more.'), mail!.text);
        assert.ok(mail!.text.includes(`${ALLOWED_ORIGIN}/episodes/42#comment-${reply.id}`), 'the permalink on the page it was posted from');
        assert.ok(mail!.html.includes('Yes: see &lt;a href=&quot;x&quot;&gt;the notes&lt;/a&gt; &amp; more.'), 'escaped in the HTML part');
        assert.ok(mail!.html.includes('Bea &lt;b&gt;'));
        assert.ok(!mail!.html.includes('<a href="x">') && !mail!.html.includes('<img'));
        assert.ok(!mail!.raw.toLowerCase().includes(replier.split('@')[0]!), "the replier's email is nowhere");
        for (const issued of issuedEmails) if (issued !== email) assert.ok(!mail!.raw.includes(issued), `no ${issued}`);
        const oneClick = unsubscribeLink(mail!);
        assert.match(oneClick, /^https:\/\/comments\.example\.com\/api\/notifications\/unsubscribe\?token=/);
        assert.equal(rawHeader(mail!, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
        assert.ok(mail!.text.includes(oneClick), 'the page with the choices is linked in the text');
        const manage = linkIn(mail!.text, `${PUBLIC_URL}/api/me?token=`);
        assert.equal((await s.request(manage.slice(PUBLIC_URL.length))).status, 200, 'and the "my comments" page opens');
        assert.ok(mail!.parsed.messageId, 'a Message-ID');
      } finally {
        await stop();
      }
    });

    it('sends the first reply at once and gathers later ones within a few minutes into one email', async () => {
      const { s, stop } = mailing();
      try {
        const thread = uniqueThread('gather');
        const { email, comment, already } = await confirmedSubscriber(s, thread);
        created(await s.post({ thread, parentId: comment.id, author: { name: 'First' }, body: 'Reply one.' }));
        await sink.waitFor(email, already + 1);
        s.advance(60);
        created(await s.post({ thread, parentId: comment.id, author: { name: 'Second' }, body: 'Reply two.' }));
        s.advance(60);
        created(await s.post({ thread, parentId: comment.id, author: { name: 'Third' }, body: 'Reply three.' }));
        await assertNoMore(email, already + 1);
        s.advance(GATHER_MS / 1000);
        const mails = await sink.waitFor(email, already + 2);
        const digest = mails[already + 1]!;
        assert.equal(digest.subject, 'Neue Antworten auf deinen Kommentar auf blog.example');
        assert.ok(digest.text.includes('Reply two.') && digest.text.includes('Reply three.'), digest.text);
        assert.ok(!digest.text.includes('Reply one.'), 'not the reply already sent');
        await assertNoMore(email, already + 2);
      } finally {
        await stop();
      }
    });

    it('sends nothing for a pending or spam reply, or a reply by the author themselves; a moderator approving one sends it then', async () => {
      const { s, stop } = mailing({}, { spam: spamRules({ blockedWords: ['buy-now'], moderationWords: ['hold-me'] }) });
      try {
        const thread = uniqueThread('quiet');
        const { email, comment, already } = await confirmedSubscriber(s, thread);
        const held = created(await s.post({ thread, parentId: comment.id, author: { name: 'Held' }, body: 'hold-me please' }));
        created(await s.post({ thread, parentId: comment.id, author: { name: 'Spammer' }, body: 'buy-now cheap' }));
        created(await s.post({ thread, parentId: comment.id, author: { name: 'Ada', email }, body: 'Answering myself.' }));
        await assertNoMore(email, already);
        assert.equal((await s.admin('PATCH', `/comments/${held.id}`, { body: { status: 'approved' } })).status, 200);
        const [mail] = (await sink.waitFor(email, already + 1)).slice(already);
        assert.ok(mail!.text.includes('hold-me please'));
        assert.ok(!mail!.text.includes('buy-now') && !mail!.text.includes('Answering myself'));
      } finally {
        await stop();
      }
    });

    it('stops by one-click POST (RFC 8058) for all email, and by the page: this comment, this episode, or all; suppressed until confirmed afresh', async () => {
      const { s, stop } = mailing();
      try {
        const thread = uniqueThread('stop');
        const other = uniqueThread('stop-other');
        const { email, comment: first } = await confirmedSubscriber(s, thread);
        const second = created(await subscribed(s, thread, email, { body: 'Second question.' }));
        const elsewhere = created(await subscribed(s, other, email, { body: 'Elsewhere.' }));
        let count = sink.to(email).length;
        const replyTo = async (parent: { id: string }, where = thread) => {
          s.advance(GATHER_MS / 1000 + 1);
          created(await s.post({ thread: where, parentId: parent.id, author: { name: 'Bea' }, body: `Reply to ${parent.id}.` }));
        };

        await replyTo(first);
        const [notice] = (await sink.waitFor(email, ++count)).slice(-1);
        const link = unsubscribeLink(notice!);
        const page = await s.request(link.slice(PUBLIC_URL.length));
        assert.equal(page.status, 200);
        for (const label of ['Für diesen Kommentar abbestellen', 'Für diese Episode abbestellen', 'Alle E-Mails dieser Website abbestellen']) {
          assert.ok(page.text.includes(label), label);
        }
        assert.equal((await s.store.subscriptionsOf(email)).length, 3, 'a GET changes nothing');

        assert.equal((await form(s, link, { choice: 'comment' })).status, 200);
        await replyTo(first);
        await assertNoMore(email, count);
        await replyTo(second);
        const [secondNotice] = (await sink.waitFor(email, ++count)).slice(-1);

        assert.equal((await form(s, unsubscribeLink(secondNotice!), { choice: 'thread' })).status, 200);
        await replyTo(second);
        await assertNoMore(email, count);
        await replyTo(elsewhere, other);
        const [otherNotice] = (await sink.waitFor(email, ++count)).slice(-1);

        // What a mailbox's own Unsubscribe button sends.
        const oneClick = await form(s, unsubscribeLink(otherNotice!), { 'List-Unsubscribe': 'One-Click' });
        assert.equal(oneClick.status, 200);
        assert.equal((await s.store.mailAddress(email))?.state, 'suppressed');
        await replyTo(elsewhere, other);
        await assertNoMore(email, count);
        // RFC 8058 allows a multipart body too; a broken one is a 400 page, never a 5xx.
        const multipart = new FormData();
        multipart.append('List-Unsubscribe', 'One-Click');
        const path = unsubscribeLink(otherNotice!).slice(PUBLIC_URL.length);
        assert.equal((await s.request(path, { method: 'POST', body: multipart })).status, 200);
        const broken = await s.request(path, { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, body: '--x\r\nnonsense' });
        assert.equal(broken.status, 400);

        // Ticking the box again asks for a fresh confirmation (a day after the last one); nothing else until then.
        s.advance(24 * 3600);
        const again = created(await subscribed(s, other, email, { body: 'Back again.' }));
        const [reconfirm] = (await sink.waitFor(email, ++count)).slice(-1);
        assert.match(reconfirm!.subject, /^Bestätige/);
        await replyTo(again, other);
        await assertNoMore(email, count);
        assert.equal((await confirm(s, reconfirm!)).status, 200);
        await replyTo(again, other);
        await sink.waitFor(email, ++count);
      } finally {
        await stop();
      }
    });

    it('sends at most the daily cap of notifications to an address; the rest wait for the next day', async () => {
      const { s, stop } = mailing({ dailyCap: 2 });
      try {
        const thread = uniqueThread('cap');
        const { email, comment, already } = await confirmedSubscriber(s, thread);
        const more = [comment, created(await subscribed(s, thread, email, { body: 'Two.' })), created(await subscribed(s, thread, email, { body: 'Three.' }))];
        for (const parent of more) created(await s.post({ thread, parentId: parent.id, author: { name: 'Bea' }, body: `Reply to ${parent.id}.` }));
        await sink.waitFor(email, already + 2);
        await assertNoMore(email, already + 2);
        s.advance(24 * 3600);
        await sink.waitFor(email, already + 3);
      } finally {
        await stop();
      }
    });

    it('emails the owner of every new comment, or of held ones only, with a link to the admin page and no commenter email; never for spam', async () => {
      const all = mailing({ ownerEmail: OWNER, ownerMode: 'all' }, { spam: spamRules({ blockedWords: ['buy-now'], moderationWords: ['hold-me'] }) });
      const thread = uniqueThread('owner');
      try {
        const before = sink.to(OWNER).length;
        const email = uniqueEmail();
        const published = created(await all.s.post({ thread, author: { name: 'Ada', email }, body: 'Published <i>one</i>.' }));
        const held = created(await all.s.post({ thread, author: { name: 'Bea' }, body: 'hold-me one.' }));
        created(await all.s.post({ thread, author: { name: 'Spam' }, body: 'buy-now one.' }));
        const mails = (await sink.waitFor(OWNER, before + 2)).slice(before);
        await assertNoMore(OWNER, before + 2);
        const byBody = (text: string) => mails.find((mail) => mail.text.includes(text))!;
        assert.ok(byBody('Published <i>one</i>.').text.includes(`${PUBLIC_URL}/admin#comment-${published.id}`));
        assert.ok(byBody('Published <i>one</i>.').html.includes('Published &lt;i&gt;one&lt;/i&gt;.'));
        assert.match(byBody('hold-me one.').subject, /moderate/i);
        assert.ok(byBody('hold-me one.').text.includes(`${PUBLIC_URL}/admin#comment-${held.id}`));
        assert.ok(!mails.some((mail) => mail.raw.includes(email)), 'no commenter email');
      } finally {
        await all.stop();
      }
      const heldOnly = mailing({ ownerEmail: OWNER, ownerMode: 'held' }, { spam: spamRules({ moderationWords: ['hold-me'] }) });
      try {
        const before = sink.to(OWNER).length;
        created(await heldOnly.s.post({ thread, body: 'Published two.' }));
        created(await heldOnly.s.post({ thread, body: 'hold-me two.' }));
        const [mail] = (await sink.waitFor(OWNER, before + 1)).slice(before);
        assert.ok(mail!.text.includes('hold-me two.'));
        await assertNoMore(OWNER, before + 1);
      } finally {
        await heldOnly.stop();
      }
    });

    it('does not email the owner of a comment the host wrote through the admin API, but still of a visitor reply to it', async () => {
      const { s, stop } = mailing({ ownerEmail: OWNER, ownerMode: 'all' });
      const thread = uniqueThread('owner-host');
      try {
        const before = sink.to(OWNER).length;
        const hostComment = await s.admin('POST', '/comments', { body: { thread, parentId: null, body: 'Written by the host.' } });
        assert.equal(hostComment.status, 201, hostComment.text);
        const hostReply = await s.admin('POST', '/comments', { body: { thread, parentId: hostComment.json.comment.id, body: 'The host again.' } });
        assert.equal(hostReply.status, 201, hostReply.text);
        created(await s.post({ thread, parentId: hostComment.json.comment.id, body: 'A visitor answers the host.' }));
        const mails = (await sink.waitFor(OWNER, before + 1)).slice(before);
        await assertNoMore(OWNER, before + 1);
        assert.ok(mails[0]!.text.includes('A visitor answers the host.'));
      } finally {
        await stop();
      }
    });

    it('stores nothing for an unticked box or a spam post, and ignores a page on an origin it does not trust', async () => {
      const { s, stop } = mailing({}, { spam: spamRules({ blockedWords: ['buy-now'] }) });
      try {
        const thread = uniqueThread('nothing');
        const quiet = uniqueEmail();
        const plain = created(await s.post({ thread, author: { email: quiet }, notify: false }));
        created(await s.post({ thread, author: { email: quiet }, body: 'Not a boolean.', notify: 'yes' }));
        const spammer = uniqueEmail();
        created(await s.post({ thread, author: { email: spammer }, body: 'buy-now', notify: true }));
        assert.equal(await s.store.subscription(Number(plain.id)), undefined);
        assert.deepEqual(await s.store.subscriptionsOf(quiet), []);
        assert.deepEqual(await s.store.subscriptionsOf(spammer), []);
        await assertNoMore(quiet, 0);
        await assertNoMore(spammer, 0);
        const wary = uniqueEmail();
        const comment = created(await subscribed(s, thread, wary, { page: 'https://evil.example/phish' }));
        assert.equal((await s.store.subscription(Number(comment.id)))?.page, null);
      } finally {
        await stop();
      }
    });
  });
}
