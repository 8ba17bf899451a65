/**
 * Webhook notifications (docs/server.md, "Notifications") against a local receiver: what is
 * sent, the signature, retries, and that a receiver's trouble never touches the comment.
 * Part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WebhookConfig } from '../../src/server/config.js';
import { derivedWebhookSecret, type WebhookPayload } from '../../src/server/webhook.js';
import type { SuiteContext } from './contract-suite.js';
import { spamRules } from './contract-spam.js';
import { WebhookReceiver, waitFor } from './fakes.js';
import { SECRET, issuedEmails, uniqueEmail, uniqueKey, uniqueThread, type Reply } from './helpers.js';

const WEBHOOK_SECRET = 'whsec-test-secret-at-least-32-characters';
/** COLLOQUY_PUBLIC_URL: where every link a notice carries points. */
const PUBLIC_URL = 'https://comments.example.com';

function created(reply: Reply) {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function notifyContract({ server }: SuiteContext): void {
  describe('webhook notifications', () => {
    let receiver: WebhookReceiver;
    // A webhook needs COLLOQUY_PUBLIC_URL (or COLLOQUY_ADMIN_URL); the tests that are not about links set the former.
    const hooked = (config: Parameters<SuiteContext['server']>[0] = {}) => server({ publicUrl: PUBLIC_URL, ...config });
    before(async () => {
      receiver = await WebhookReceiver.start();
    });
    after(async () => {
      await receiver?.close();
    });

    const webhook = (change: Partial<WebhookConfig> = {}): WebhookConfig => {
      receiver.failures = 0;
      receiver.failStatus = 500;
      receiver.hang = false;
      return { url: receiver.url, secret: WEBHOOK_SECRET, format: 'json', attempts: 3, firstRetryMs: 20, timeoutMs: 500, ...change };
    };
    // Every format links to the comment in the admin page; that tells deliveries apart.
    const deliveriesFor = (id: string) => receiver.deliveries.filter((delivery) => new RegExp(`#comment-${id}(?!\\d)`).test(delivery.body));

    it('POSTs each new comment, signed, with the public fields, thread, status and an admin link, and no email', async () => {
      const s = hooked({ webhook: webhook() });
      const thread = uniqueThread('hooked');
      const email = uniqueEmail();
      const comment = created(await s.post({ thread, author: { name: 'Ada', email, url: 'https://ada.example/' }, body: 'Hello hooks.' }));
      await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
      const [delivery] = deliveriesFor(comment.id);
      assert.equal(delivery!.headers['content-type'], 'application/json');
      assert.equal(delivery!.headers['x-colloquy-signature'], hmac(WEBHOOK_SECRET, delivery!.body), 'HMAC-SHA256 of the raw body');
      const payload = JSON.parse(delivery!.body) as WebhookPayload;
      assert.equal(delivery!.headers['x-colloquy-timestamp'], String(payload.timestamp));
      assert.ok(Math.abs(payload.timestamp - Date.now() / 1000) < 60);
      assert.deepEqual({ ...payload, deliveryId: 'x', timestamp: 0 }, {
        event: 'comment.created',
        deliveryId: 'x',
        timestamp: 0,
        thread,
        status: 'approved',
        adminUrl: `${PUBLIC_URL}/admin#comment-${comment.id}`,
        comment,
      });
      assert.ok(!delivery!.body.toLowerCase().includes(email.split('@')[0]!), 'no email');
      for (const issued of issuedEmails) assert.ok(!delivery!.body.includes(issued));
    });

    it('announces held comments with status pending, and never spam, retries or discarded posts', async () => {
      const s = hooked({ moderation: 'all', webhook: webhook(), spam: spamRules({ blockedWords: ['buy-now'] }) });
      const thread = uniqueThread('hooked-held');
      const idempotencyKey = uniqueKey();
      const email = uniqueEmail();
      const held = created(await s.post({ thread, idempotencyKey, author: { email } }));
      created(await s.post({ thread, idempotencyKey, author: { email } }));
      const spam = created(await s.post({ thread, body: 'buy-now cheap' }));
      await waitFor(() => deliveriesFor(held.id).length === 1, 2000, 'the delivery');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(deliveriesFor(held.id).length, 1, 'one notice for one comment');
      assert.equal(JSON.parse(deliveriesFor(held.id)[0]!.body).status, 'pending');
      assert.equal(deliveriesFor(spam.id).length, 0);
    });

    it('retries with growing waits, under one delivery id, until the receiver takes it', async () => {
      const s = hooked({ webhook: webhook({ attempts: 4, firstRetryMs: 30 }) });
      receiver.failures = 2;
      const comment = created(await s.post({ thread: uniqueThread() }));
      await waitFor(() => deliveriesFor(comment.id).length === 3, 3000, 'three tries');
      const tries = deliveriesFor(comment.id);
      assert.equal(new Set(tries.map((t) => JSON.parse(t.body).deliveryId)).size, 1);
      for (const t of tries) assert.equal(t.headers['x-colloquy-signature'], hmac(WEBHOOK_SECRET, t.body));
      const gaps = [tries[1]!.at - tries[0]!.at, tries[2]!.at - tries[1]!.at];
      assert.ok(gaps[0]! >= 25 && gaps[1]! >= 100, `waits of 30 ms then 120 ms, got ${gaps}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(deliveriesFor(comment.id).length, 3, 'no more once taken');
      assert.equal(s.logged.filter((line) => line.startsWith('[colloquy] Webhook') && line.includes('trying again')).length, 2);
    });

    it('gives up after the last try, logging it; a 4xx is not retried; the comment is kept either way', async () => {
      const s = hooked({ webhook: webhook({ attempts: 3, firstRetryMs: 10 }) });
      receiver.failures = 100;
      const thread = uniqueThread();
      const comment = created(await s.post({ thread }));
      await waitFor(() => s.logged.some((line) => line.includes(`comment ${comment.id} failed (HTTP 500); gave up after 3 tries`)), 3000, 'giving up');
      assert.equal(deliveriesFor(comment.id).length, 3);
      receiver.failStatus = 410;
      const gone = created(await s.post({ thread }));
      await waitFor(() => s.logged.some((line) => line.includes(`comment ${gone.id} failed (HTTP 410); gave up after 1 try`)), 2000, 'no retry on 410');
      assert.equal((await s.list(thread)).json.count, 2);
      receiver.failures = 0;
    });

    it('answers the post at once while the receiver hangs', async () => {
      const s = hooked({ webhook: webhook({ attempts: 1, timeoutMs: 300 }) });
      receiver.hang = true;
      const started = Date.now();
      const comment = created(await s.post({ thread: uniqueThread() }));
      assert.ok(Date.now() - started < 250, 'the 201 does not wait for the webhook');
      await waitFor(() => s.logged.some((line) => line.includes(`comment ${comment.id} failed (no answer within 0.3 s)`)), 2000, 'the timeout');
      receiver.hang = false;
    });

    it('signs with a secret derived from COLLOQUY_SECRET when none is set, and links to COLLOQUY_ADMIN_URL', async () => {
      const s = hooked({ webhook: webhook({ secret: null }), adminUrl: 'https://comments.example.com/moderate/' });
      const comment = created(await s.post({ thread: uniqueThread() }));
      await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
      const [delivery] = deliveriesFor(comment.id);
      assert.equal(delivery!.headers['x-colloquy-signature'], hmac(derivedWebhookSecret(SECRET), delivery!.body));
      assert.notEqual(derivedWebhookSecret(SECRET), SECRET);
      assert.equal(JSON.parse(delivery!.body).adminUrl, `https://comments.example.com/moderate/#comment-${comment.id}`);
    });

    it('speaks Slack ({text}) and Discord ({content}), with markup and mentions in comments defused', async () => {
      const slack = hooked({ webhook: webhook({ format: 'slack' }), moderation: 'all' });
      const hostile = 'Hi <!channel> & <https://evil.example|click> @everyone';
      const a = created(await slack.post({ thread: uniqueThread('slack'), author: { name: 'Ada <b>' }, body: hostile }));
      await waitFor(() => deliveriesFor(a.id).length === 1, 2000, 'the Slack delivery');
      const slackBody = JSON.parse(deliveriesFor(a.id)[0]!.body);
      assert.deepEqual(Object.keys(slackBody), ['text']);
      assert.match(slackBody.text, /^New comment awaiting moderation by \*Ada &lt;b&gt;\* on slack\//);
      assert.ok(slackBody.text.includes('> Hi &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; @everyone'));
      assert.ok(slackBody.text.endsWith(`<${PUBLIC_URL}/admin#comment-${a.id}|Open in the admin page>`));

      const discord = hooked({ webhook: webhook({ format: 'discord' }) });
      const b = created(await discord.post({ thread: uniqueThread('discord'), body: hostile }));
      await waitFor(() => deliveriesFor(b.id).length === 1, 2000, 'the Discord delivery');
      const discordBody = JSON.parse(deliveriesFor(b.id)[0]!.body);
      assert.deepEqual(discordBody.allowed_mentions, { parse: [] });
      assert.match(discordBody.content, /^New comment by \*\*Ada\*\* on discord\//);
      assert.ok(discordBody.content.includes(`[Open in the admin page](<${PUBLIC_URL}/admin#comment-${b.id}>)`));
      assert.ok([...discordBody.content].length <= 2000);
    });

    it('links to COLLOQUY_PUBLIC_URL, never to the Host or X-Forwarded-Host a request names', async () => {
      const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };
      for (const trustProxy of [0, 1] as const) {
        const s = hooked({ webhook: webhook(), trustProxy });
        const comment = created(await s.post({ thread: uniqueThread() }, { headers: forged }));
        await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
        const body = deliveriesFor(comment.id)[0]!.body;
        assert.equal(JSON.parse(body).adminUrl, `${PUBLIC_URL}/admin#comment-${comment.id}`);
        assert.ok(!body.includes('evil.example'));
      }
      const moderatePage = hooked({ webhook: webhook(), adminUrl: 'https://mod.example.com/queue' });
      const comment = created(await moderatePage.post({ thread: uniqueThread() }, { headers: forged }));
      await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
      assert.equal(JSON.parse(deliveriesFor(comment.id)[0]!.body).adminUrl, `https://mod.example.com/queue#comment-${comment.id}`, 'COLLOQUY_ADMIN_URL wins');
      assert.throws(() => server({ webhook: webhook() }), /publicUrl/, 'no webhook without a configured link');
    });

    it('lets no name, thread or body add a link, a mention or markup of its own in Slack and Discord', async () => {
      const fake = '[Open in the admin page](https://evil.example)';
      const draft = {
        thread: `${uniqueThread('chat')}<https://evil.example|x>${fake}`,
        author: { name: `Ada ${fake} *bold* <!here>\nline` },
        body: `${fake}\n> [Open in the admin page](<https://evil.example>) @everyone @here <@123> <#456> ||spoiler|| \`code\` ~~s~~ # h\n- item`,
      };
      const slack = hooked({ webhook: webhook({ format: 'slack' }) });
      const a = created(await slack.post(draft));
      await waitFor(() => deliveriesFor(a.id).length === 1, 2000, 'the Slack delivery');
      const text: string = JSON.parse(deliveriesFor(a.id)[0]!.body).text;
      // Slack links and mentions are <…>: the visitor's < and > are entities, so only the admin link remains.
      assert.deepEqual(text.match(/<[^>]*>/g), [`<${PUBLIC_URL}/admin#comment-${a.id}|Open in the admin page>`]);
      assert.ok(text.includes('&lt;!here&gt;'));
      assert.equal(text.split('\n')[0]!.includes('line'), true, 'the name stays on the headline');
      assert.ok(text.split('\n').slice(1, -1).every((line) => line.startsWith('> ')), 'the body is all quote');

      const discord = hooked({ webhook: webhook({ format: 'discord' }) });
      const b = created(await discord.post(draft));
      await waitFor(() => deliveriesFor(b.id).length === 1, 2000, 'the Discord delivery');
      const message = JSON.parse(deliveriesFor(b.id)[0]!.body);
      assert.deepEqual(message.allowed_mentions, { parse: [] });
      const content: string = message.content;
      const link = `[Open in the admin page](<${PUBLIC_URL}/admin#comment-${b.id}>)`;
      assert.ok(content.endsWith(`\n${link}`));
      // What is left once the message's own markup (the bold name, the quote marks) is taken out.
      const visitor = content
        .slice(0, -link.length)
        .replace(/^(New comment by )\*\*/, '$1')
        .replace(/\*\* on /, ' on ')
        .replace(/^> /gm, '');
      // Every [, ], (, ), <, > and markup character the visitor wrote is escaped; nothing can open a link or a mention.
      assert.doesNotMatch(visitor, /(?<!\\)[[\]()<*_`~|#]/);
      assert.ok(visitor.includes('\\[Open in the admin page\\]\\(https\\://evil.example\\)'));
      assert.doesNotMatch(visitor, /@everyone|@here/, 'broken by a zero-width space');
      assert.ok(content.slice(0, -link.length).trimEnd().split('\n').slice(1).every((line) => line.startsWith('> ')), 'the body is all quote');
      assert.equal(content.split('\n')[0]!.includes('line'), true, 'the name stays on the headline');
    });
  });
}
