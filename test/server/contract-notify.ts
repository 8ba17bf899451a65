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

function created(reply: Reply) {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function notifyContract({ server }: SuiteContext): void {
  describe('webhook notifications', () => {
    let receiver: WebhookReceiver;
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
      const s = server({ webhook: webhook() });
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
        adminUrl: `http://localhost/admin#comment-${comment.id}`,
        comment,
      });
      assert.ok(!delivery!.body.toLowerCase().includes(email.split('@')[0]!), 'no email');
      for (const issued of issuedEmails) assert.ok(!delivery!.body.includes(issued));
    });

    it('announces held comments with status pending, and never spam, retries or discarded posts', async () => {
      const s = server({ moderation: 'all', webhook: webhook(), spam: spamRules({ blockedWords: ['buy-now'] }) });
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
      const s = server({ webhook: webhook({ attempts: 4, firstRetryMs: 30 }) });
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
      const s = server({ webhook: webhook({ attempts: 3, firstRetryMs: 10 }) });
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
      const s = server({ webhook: webhook({ attempts: 1, timeoutMs: 300 }) });
      receiver.hang = true;
      const started = Date.now();
      const comment = created(await s.post({ thread: uniqueThread() }));
      assert.ok(Date.now() - started < 250, 'the 201 does not wait for the webhook');
      await waitFor(() => s.logged.some((line) => line.includes(`comment ${comment.id} failed (no answer within 0.3 s)`)), 2000, 'the timeout');
      receiver.hang = false;
    });

    it('signs with a secret derived from COLLOQUY_SECRET when none is set, and links to COLLOQUY_ADMIN_URL', async () => {
      const s = server({ webhook: webhook({ secret: null }), adminUrl: 'https://comments.example.com/moderate/' });
      const comment = created(await s.post({ thread: uniqueThread() }));
      await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
      const [delivery] = deliveriesFor(comment.id);
      assert.equal(delivery!.headers['x-colloquy-signature'], hmac(derivedWebhookSecret(SECRET), delivery!.body));
      assert.notEqual(derivedWebhookSecret(SECRET), SECRET);
      assert.equal(JSON.parse(delivery!.body).adminUrl, `https://comments.example.com/moderate/#comment-${comment.id}`);
    });

    it('speaks Slack ({text}) and Discord ({content}), with markup and mentions in comments defused', async () => {
      const slack = server({ webhook: webhook({ format: 'slack' }), moderation: 'all' });
      const hostile = 'Hi <!channel> & <https://evil.example|click> @everyone';
      const a = created(await slack.post({ thread: uniqueThread('slack'), author: { name: 'Ada <b>' }, body: hostile }));
      await waitFor(() => deliveriesFor(a.id).length === 1, 2000, 'the Slack delivery');
      const slackBody = JSON.parse(deliveriesFor(a.id)[0]!.body);
      assert.deepEqual(Object.keys(slackBody), ['text']);
      assert.match(slackBody.text, /^New comment awaiting moderation by \*Ada &lt;b&gt;\* on slack\//);
      assert.ok(slackBody.text.includes('> Hi &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; @everyone'));
      assert.ok(slackBody.text.endsWith(`<http://localhost/admin#comment-${a.id}|Open in the admin page>`));

      const discord = server({ webhook: webhook({ format: 'discord' }) });
      const b = created(await discord.post({ thread: uniqueThread('discord'), body: hostile }));
      await waitFor(() => deliveriesFor(b.id).length === 1, 2000, 'the Discord delivery');
      const discordBody = JSON.parse(deliveriesFor(b.id)[0]!.body);
      assert.deepEqual(discordBody.allowed_mentions, { parse: [] });
      assert.match(discordBody.content, /^New comment by \*\*Ada\*\* on discord\//);
      assert.ok(discordBody.content.includes(`[Open in the admin page](<http://localhost/admin#comment-${b.id}>)`));
      assert.ok([...discordBody.content].length <= 2000);
    });
  });
}
