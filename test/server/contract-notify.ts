/**
 * Webhook notifications (docs/server.md, "Notifications") against a local receiver: what is
 * sent, the signature, retries, and that a receiver's trouble never touches the comment.
 * Part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { OUTBOX_SCHEDULE, PermanentFailure, retryWait, startOutboxWorker, type OutboxWorker } from '../../src/server/outbox/worker.js';
import type { CommentStore } from '../../src/server/store/index.js';
import type { WebhookConfig } from '../../src/server/config.js';
import { derivedWebhookSecret, type WebhookPayload } from '../../src/server/integrations/webhook.js';
import type { SuiteContext } from './contract-suite.js';
import { spamRules } from './contract-spam.js';
import { WebhookReceiver, waitFor } from './fakes.js';
import { SECRET, issuedEmails, uniqueEmail, uniqueKey, uniqueThread, type Reply, type TestServer } from './helpers.js';

const WEBHOOK_SECRET = 'whsec-test-secret-at-least-32-characters';
/** COLLOQUY_PUBLIC_URL: where every link a notice carries points. */
const PUBLIC_URL = 'https://comments.example.com';

function created(reply: Reply) {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Gives up every webhook delivery a test left unsent (far in the future, at once), so none reaches the next test's receiver. */
async function giveUpLeftovers(store: CommentStore): Promise<void> {
  const sweeper = startOutboxWorker({
    store,
    senders: { webhook: async () => Promise.reject(new PermanentFailure('left over by a test')) },
    clock: () => Date.parse('9000-01-01T00:00:00Z'),
    log: () => {},
    pollMs: 60_000,
  });
  while ((await sweeper.tick()) > 0);
  await sweeper.stop();
}

export function notifyContract({ server, store }: SuiteContext): void {
  describe('webhook notifications', () => {
    let receiver: WebhookReceiver;
    let workers: OutboxWorker[] = [];
    // A webhook needs COLLOQUY_PUBLIC_URL (or COLLOQUY_ADMIN_URL); the tests that are not about links set the former.
    // Each server gets the outbox worker a started server runs, on the server's clock; the one
    // before it stops first, or it would send this one's messages as its own configuration says.
    const hooked = async (config: Parameters<SuiteContext['server']>[0] = {}) => {
      await Promise.all(workers.map((worker) => worker.stop()));
      const s = server({ publicUrl: PUBLIC_URL, ...config });
      workers = [s.worker()];
      return s;
    };
    before(async () => {
      await giveUpLeftovers(store());
      receiver = await WebhookReceiver.start();
    });
    afterEach(async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      workers = [];
      await giveUpLeftovers(store());
    });
    after(async () => {
      await receiver?.close();
    });

    const webhook = (change: Partial<WebhookConfig> = {}): WebhookConfig => {
      receiver.failures = 0;
      receiver.failStatus = 500;
      receiver.hang = false;
      return { url: receiver.url, secret: WEBHOOK_SECRET, format: 'json', timeoutMs: 500, ...change };
    };
    /** The outbox message of the delivery for comment `id`, as the admin API lists it. */
    const messageFor = async (s: TestServer, id: string) => {
      const reply = await s.admin('GET', '/outbox?limit=100');
      assert.equal(reply.status, 200, reply.text);
      return (reply.json.messages as { commentId: string }[]).find((message) => message.commentId === id) as any;
    };
    // Every format links to the comment in the admin page; that tells deliveries apart.
    const deliveriesFor = (id: string) => receiver.deliveries.filter((delivery) => new RegExp(`#comment-${id}(?!\\d)`).test(delivery.body));

    it('POSTs each new comment, signed, with the public fields, thread, status and an admin link, and no email', async () => {
      const s = await hooked({ webhook: webhook() });
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
      const s = await hooked({ moderation: 'all', webhook: webhook(), spam: spamRules({ blockedWords: ['buy-now'] }) });
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

    it('retries through the outbox after 30 s, then 4 times longer, under one delivery id, until the receiver takes it', async () => {
      const s = await hooked({ webhook: webhook() });
      receiver.failures = 2;
      const comment = created(await s.post({ thread: uniqueThread() }));
      await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the first try, at once');
      await waitFor(async () => (await messageFor(s, comment.id))?.status === 'pending', 2000, 'the retry scheduled');
      const first = await messageFor(s, comment.id);
      assert.equal(first.attempts, 1);
      assert.equal(first.lastError, 'HTTP 500');
      assert.equal(Date.parse(first.dueAt) - s.now, 30_000, 'the first retry 30 s later');
      s.advance(29);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(deliveriesFor(comment.id).length, 1, 'not before it is due');
      s.advance(1);
      await waitFor(() => deliveriesFor(comment.id).length === 2, 2000, 'the second try');
      await waitFor(async () => (await messageFor(s, comment.id))?.attempts === 2 && (await messageFor(s, comment.id))?.status === 'pending', 2000, 'rescheduled');
      assert.equal(Date.parse((await messageFor(s, comment.id)).dueAt) - s.now, 120_000, 'then 2 min');
      s.advance(120);
      await waitFor(() => deliveriesFor(comment.id).length === 3, 2000, 'the third try');
      await waitFor(async () => (await messageFor(s, comment.id))?.status === 'sent', 2000, 'marked sent');
      const tries = deliveriesFor(comment.id);
      assert.equal(new Set(tries.map((t) => JSON.parse(t.body).deliveryId)).size, 1);
      for (const t of tries) assert.equal(t.headers['x-colloquy-signature'], hmac(WEBHOOK_SECRET, t.body));
      s.advance(3600);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(deliveriesFor(comment.id).length, 3, 'no more once taken');
      assert.equal(s.logged.filter((line) => line.includes('(webhook) failed') && line.includes('trying again')).length, 2);
    });

    it('gives up after the 8th try and lists it as failed; a 4xx is not retried; the admin retries one; the comment is kept either way', async () => {
      const s = await hooked({ webhook: webhook() });
      receiver.failures = 100;
      const thread = uniqueThread();
      const comment = created(await s.post({ thread }));
      for (let attempt = 1; attempt <= OUTBOX_SCHEDULE.attempts; attempt++) {
        await waitFor(() => deliveriesFor(comment.id).length === attempt, 2000, `try ${attempt}`);
        await waitFor(async () => (await messageFor(s, comment.id))?.status !== 'sending', 2000, `try ${attempt} recorded`);
        if (attempt < OUTBOX_SCHEDULE.attempts) s.advance(retryWait(attempt) / 1000);
      }
      const failed = await messageFor(s, comment.id);
      assert.deepEqual([failed.status, failed.attempts, failed.lastError, failed.sentAt], ['failed', 8, 'HTTP 500', null]);
      assert.ok(s.logged.some((line) => line.includes(`(webhook) failed (HTTP 500); gave up after 8 tries`)));
      s.advance(24 * 3600);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(deliveriesFor(comment.id).length, 8, 'no try after the last');

      receiver.failures = 0;
      const retried = await s.admin('POST', `/outbox/${failed.id}/retry`);
      assert.equal(retried.status, 200, retried.text);
      assert.equal(retried.json.message.status, 'pending');
      await waitFor(() => deliveriesFor(comment.id).length === 9, 2000, 'the retried try');
      await waitFor(async () => (await messageFor(s, comment.id))?.status === 'sent', 2000, 'sent at last');

      receiver.failures = 1;
      receiver.failStatus = 410;
      const gone = created(await s.post({ thread }));
      await waitFor(async () => (await messageFor(s, gone.id))?.status === 'failed', 2000, 'no retry on 410');
      assert.deepEqual([(await messageFor(s, gone.id)).attempts, (await messageFor(s, gone.id)).lastError], [1, 'HTTP 410']);
      assert.ok(s.logged.some((line) => line.includes(`(webhook) failed (HTTP 410); gave up after 1 try`)));
      assert.equal((await s.list(thread)).json.count, 2);
    });

    it('answers the post at once while the receiver hangs', async () => {
      const s = await hooked({ webhook: webhook({ timeoutMs: 300 }) });
      receiver.hang = true;
      const started = Date.now();
      const comment = created(await s.post({ thread: uniqueThread() }));
      assert.ok(Date.now() - started < 250, 'the 201 does not wait for the webhook');
      await waitFor(() => s.logged.some((line) => line.includes('(webhook) failed (no answer within 0.3 s)')), 2000, 'the timeout');
      await waitFor(async () => (await messageFor(s, comment.id))?.lastError === 'no answer within 0.3 s', 2000, 'the error recorded');
      receiver.hang = false;
    });

    it('signs with a secret derived from COLLOQUY_SECRET when none is set, and links to COLLOQUY_ADMIN_URL', async () => {
      const s = await hooked({ webhook: webhook({ secret: null }), adminUrl: 'https://comments.example.com/moderate/' });
      const comment = created(await s.post({ thread: uniqueThread() }));
      await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
      const [delivery] = deliveriesFor(comment.id);
      assert.equal(delivery!.headers['x-colloquy-signature'], hmac(derivedWebhookSecret(SECRET), delivery!.body));
      assert.notEqual(derivedWebhookSecret(SECRET), SECRET);
      assert.equal(JSON.parse(delivery!.body).adminUrl, `https://comments.example.com/moderate/#comment-${comment.id}`);
    });

    it('speaks Slack ({text}) and Discord ({content}), with markup and mentions in comments defused', async () => {
      const slack = await hooked({ webhook: webhook({ format: 'slack' }), moderation: 'all' });
      const hostile = 'Hi <!channel> & <https://evil.example|click> @everyone';
      const a = created(await slack.post({ thread: uniqueThread('slack'), author: { name: 'Ada <b>' }, body: hostile }));
      await waitFor(() => deliveriesFor(a.id).length === 1, 2000, 'the Slack delivery');
      const slackBody = JSON.parse(deliveriesFor(a.id)[0]!.body);
      assert.deepEqual(Object.keys(slackBody), ['text']);
      assert.match(slackBody.text, /^New comment awaiting moderation by \*Ada &lt;b&gt;\* on slack\//);
      assert.ok(slackBody.text.includes('> Hi &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; @everyone'));
      assert.ok(slackBody.text.endsWith(`<${PUBLIC_URL}/admin#comment-${a.id}|Open in the admin page>`));

      const discord = await hooked({ webhook: webhook({ format: 'discord' }) });
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
        const s = await hooked({ webhook: webhook(), trustProxy });
        const comment = created(await s.post({ thread: uniqueThread() }, { headers: forged }));
        await waitFor(() => deliveriesFor(comment.id).length === 1, 2000, 'the delivery');
        const body = deliveriesFor(comment.id)[0]!.body;
        assert.equal(JSON.parse(body).adminUrl, `${PUBLIC_URL}/admin#comment-${comment.id}`);
        assert.ok(!body.includes('evil.example'));
      }
      const moderatePage = await hooked({ webhook: webhook(), adminUrl: 'https://mod.example.com/queue' });
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
      const slack = await hooked({ webhook: webhook({ format: 'slack' }) });
      const a = created(await slack.post(draft));
      await waitFor(() => deliveriesFor(a.id).length === 1, 2000, 'the Slack delivery');
      const text: string = JSON.parse(deliveriesFor(a.id)[0]!.body).text;
      // Slack links and mentions are <…>: the visitor's < and > are entities, so only the admin link remains.
      assert.deepEqual(text.match(/<[^>]*>/g), [`<${PUBLIC_URL}/admin#comment-${a.id}|Open in the admin page>`]);
      assert.ok(text.includes('&lt;!here&gt;'));
      assert.equal(text.split('\n')[0]!.includes('line'), true, 'the name stays on the headline');
      assert.ok(text.split('\n').slice(1, -1).every((line) => line.startsWith('> ')), 'the body is all quote');

      const discord = await hooked({ webhook: webhook({ format: 'discord' }) });
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
