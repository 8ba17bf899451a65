/**
 * The durable outbox (docs/server.md, "The outbox") on each engine: messages written in the
 * transaction of their change, the retry schedule and the failed state, leases taken over after
 * a dead worker, exactly-once delivery with two workers on two connections, the events the
 * listeners are told of, and the admin API's list and retry.
 * Part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { CommentEvent, EventListener } from '../../src/server/outbox/events.js';
import { OUTBOX_SCHEDULE, PermanentFailure, RetryLater, retryWait, startOutboxWorker, type Sender } from '../../src/server/outbox/worker.js';
import type { CommentStore } from '../../src/server/store/index.js';
import type { SuiteContext } from './contract-suite.js';
import { uniqueEmail, uniqueKey, uniqueThread } from './helpers.js';
import { SmtpSink } from './smtp-sink.js';

/** A kind no other test uses, so workers here claim only this test's messages. */
const uniqueKind = () => `test-${randomUUID().slice(0, 8)}`;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');

/** Every message of `kind`, claimed far in the future and handed back, for a look at what is stored. */
async function rowsOf(store: CommentStore, kind: string) {
  const { rows } = await store.listOutbox({ statuses: null, limit: 100, beforeId: null });
  return rows.filter((row) => row.kind === kind).sort((a, b) => a.id - b.id);
}

const silent = () => {};

export function outboxContract({ server, store, another }: SuiteContext): void {
  describe('the outbox', () => {
    it('keeps a message only when its transaction commits, also when a rolled-back write shares the commit', async () => {
      const kind = uniqueKind();
      const results = await Promise.allSettled([
        store().write(async (tx) => {
          await tx.enqueue({ kind, payload: { n: 1 }, dueAt: T0 });
        }),
        store().write(async (tx) => {
          await tx.enqueue({ kind, payload: { n: 2 }, dueAt: T0 });
          throw new Error('rolled back');
        }),
        store().write(async (tx) => {
          await tx.enqueue({ kind, payload: { n: 3 }, dueAt: T0 });
        }),
      ]);
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
      const rows = await rowsOf(store(), kind);
      assert.deepEqual(rows.map((row) => row.payload), [{ n: 1 }, { n: 3 }]);
      assert.ok(rows.every((row) => row.status === 'pending' && row.attempts === 0 && row.dueAt === T0));
    });

    it('writes a listener’s message with the new comment, once: none for a replay, a duplicate or a refused post', async () => {
      const kind = uniqueKind();
      const events: CommentEvent[] = [];
      const listener: EventListener = async (tx, event) => {
        events.push(event);
        await tx.enqueue({ kind, payload: { commentId: String(event.comment.id), type: event.type }, dueAt: T0 });
      };
      const s = server({}, { listeners: [listener] });
      const thread = uniqueThread('outbox');
      const idempotencyKey = uniqueKey();
      const email = uniqueEmail();
      const address = '2001:db8:77::1';
      const draft = { thread, idempotencyKey, author: { email }, body: 'Counted once.' };
      const first = await s.post(draft, { address });
      assert.equal(first.status, 201, first.text);
      assert.equal((await s.post(draft, { address })).status, 201, 'the replay');
      assert.equal((await s.post({ ...draft, idempotencyKey: uniqueKey() }, { address })).status, 409, 'the duplicate');
      assert.equal((await s.post({ thread, parentId: '999999999' })).status, 404, 'no such parent');
      const rows = await rowsOf(s.store, kind);
      assert.deepEqual(rows.map((row) => row.payload), [{ commentId: first.json.comment.id, type: 'created' }]);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.comment.email, email, 'listeners see the stored comment');
      assert.equal(events[0]!.previousStatus, null);
      assert.equal(events[0]!.notify, false);

      const notified = await s.post({ thread, notify: true, locale: 'fr-CA' } as never);
      assert.equal(notified.status, 201, notified.text);
      assert.deepEqual([events[1]!.notify, events[1]!.locale], [true, 'fr-CA'], 'the post’s notify and locale');
    });

    it('tells listeners of an approval (one or bulk) with the status before, and of an author’s edit, in their transactions', async () => {
      const events: CommentEvent[] = [];
      const s = server({ moderation: 'all' }, { listeners: [async (_tx, event) => void events.push(event)] });
      const thread = uniqueThread('outbox-events');
      const a = await s.post({ thread });
      const b = await s.post({ thread });
      const c = await s.post({ thread });
      assert.equal(events.filter((event) => event.type === 'created' && event.comment.status === 'pending').length, 3);
      assert.equal((await s.admin('PATCH', `/comments/${a.json.comment.id}`, { body: { status: 'approved' } })).status, 200);
      assert.equal((await s.admin('PATCH', `/comments/${a.json.comment.id}`, { body: { status: 'approved' } })).status, 200, 'already approved: no event');
      assert.equal((await s.admin('POST', '/comments/bulk', { body: { ids: [b.json.comment.id], status: 'spam' } })).status, 200);
      assert.equal((await s.admin('POST', '/comments/bulk', { body: { ids: [b.json.comment.id, c.json.comment.id], status: 'approved' } })).status, 200);
      const approvals = events.filter((event) => event.type === 'approved');
      assert.deepEqual(
        approvals.map((event) => [String(event.comment.id), event.previousStatus, event.comment.status]),
        [
          [a.json.comment.id, 'pending', 'approved'],
          [b.json.comment.id, 'spam', 'approved'],
          [c.json.comment.id, 'pending', 'approved'],
        ],
      );
      const edited = await s.edit(a.json.comment.id, 'A new text.', a.json.editToken);
      assert.equal(edited.status, 200, edited.text);
      const edit = events.at(-1)!;
      assert.deepEqual([edit.type, edit.previousStatus, edit.comment.body], ['edited', 'approved', 'A new text.']);
    });

    it('ignores a second message with a dedupe key one not yet sent holds; once that one is sent, the key is free', async () => {
      const kind = uniqueKind();
      const key = `digest:${randomUUID()}`;
      for (const n of [1, 2]) await store().write((tx) => tx.enqueue({ kind, payload: { n }, dueAt: T0, dedupeKey: key }));
      assert.deepEqual((await rowsOf(store(), kind)).map((row) => row.payload), [{ n: 1 }]);
      const sent: unknown[] = [];
      const worker = startOutboxWorker({ store: store(), senders: { [kind]: async (payload) => void sent.push(payload) }, clock: () => T0, log: silent, pollMs: 60_000 });
      await worker.tick();
      // Claimed but not yet finished still holds the key: checked with a claim nobody finishes.
      await store().write((tx) => tx.enqueue({ kind, payload: { n: 3 }, dueAt: T0 + 1000, dedupeKey: key }));
      const [claimed] = await store().claimOutbox([kind], T0 + 1000, T0 + 60_000, 10);
      await store().write((tx) => tx.enqueue({ kind, payload: { n: 4 }, dueAt: T0, dedupeKey: key }));
      await store().finishOutbox({ id: claimed!.id, attempt: claimed!.attempts }, { status: 'sent', at: T0 + 1000 });
      await worker.stop();
      assert.deepEqual(sent, [{ n: 1 }]);
      assert.deepEqual((await rowsOf(store(), kind)).map((row) => [row.payload, row.status]), [
        [{ n: 1 }, 'sent'],
        [{ n: 3 }, 'sent'],
      ]);
    });

    it('retries after 30 s, 2 min, 8 min, 32 min, 2 h 8 min, then 6 h, and fails after the 8th try with the last error; a PermanentFailure fails at once', async () => {
      const kind = uniqueKind();
      const fatal = uniqueKind();
      let now = T0;
      const tries: number[] = [];
      const senders: Record<string, Sender> = {
        [kind]: async (_payload, { attempt }) => {
          tries.push(attempt);
          throw new Error(`refused by <someone@mail.example> on try ${attempt}`);
        },
        [fatal]: async () => {
          throw new PermanentFailure('HTTP 410');
        },
      };
      const logged: string[] = [];
      const worker = startOutboxWorker({ store: store(), senders, clock: () => now, log: (line) => logged.push(line), pollMs: 60_000 });
      await store().write(async (tx) => {
        await tx.enqueue({ kind, payload: {}, dueAt: T0 });
        await tx.enqueue({ kind: fatal, payload: {}, dueAt: T0 });
      });
      const waits: number[] = [];
      for (let attempt = 1; attempt <= OUTBOX_SCHEDULE.attempts; attempt++) {
        await worker.tick();
        const [row] = await rowsOf(store(), kind);
        if (row!.status === 'pending') {
          waits.push(row!.dueAt - now);
          // A moment early, nothing happens.
          now = row!.dueAt - 1;
          assert.equal(await worker.tick(), 0);
          now = row!.dueAt;
        }
      }
      await worker.stop();
      assert.deepEqual(waits, [30_000, 120_000, 480_000, 1_920_000, 7_680_000, 21_600_000, 21_600_000]);
      assert.deepEqual(waits, [1, 2, 3, 4, 5, 6, 7].map(retryWait));
      assert.deepEqual(tries, [1, 2, 3, 4, 5, 6, 7, 8]);
      const [failed] = await rowsOf(store(), kind);
      assert.deepEqual([failed!.status, failed!.attempts, failed!.lastError], ['failed', 8, 'refused by <address> on try 8'], 'no address kept');
      const [gone] = await rowsOf(store(), fatal);
      assert.deepEqual([gone!.status, gone!.attempts, gone!.lastError], ['failed', 1, 'HTTP 410']);
      assert.ok(logged.some((line) => line.includes('gave up after 8 tries')));
      assert.ok(!logged.join('\n').includes('someone@'), 'no address logged');
    });

    it('waits at least what a sender was told to (Retry-After), up to 6 h', async () => {
      const kind = uniqueKind();
      const worker = startOutboxWorker({
        store: store(),
        senders: { [kind]: async () => Promise.reject(new RetryLater('HTTP 429', 600_000)) },
        clock: () => T0,
        log: silent,
        pollMs: 60_000,
      });
      await store().write((tx) => tx.enqueue({ kind, payload: {}, dueAt: T0 }));
      await worker.tick();
      await worker.stop();
      assert.equal((await rowsOf(store(), kind))[0]!.dueAt, T0 + 600_000);
    });

    it('takes over a message whose worker died mid-send once its lease lapses; the dead claim’s late end changes nothing', async () => {
      const kind = uniqueKind();
      await store().write((tx) => tx.enqueue({ kind, payload: { n: 1 }, dueAt: T0 }));
      // A worker that claimed it and was killed: the claim is never renewed nor finished.
      const [dead] = await store().claimOutbox([kind], T0, T0 + 60_000, 10);
      assert.equal(dead!.attempts, 1);
      assert.deepEqual(await store().claimOutbox([kind], T0 + 59_999, T0 + 120_000, 10), [], 'not while the lease holds');
      let now = T0 + 60_000;
      const sent: number[] = [];
      const worker = startOutboxWorker({ store: store(), senders: { [kind]: async (_p, { attempt }) => void sent.push(attempt) }, clock: () => now, log: silent, pollMs: 60_000 });
      // The worker's own first pass (at start) or this one takes it over.
      await worker.tick();
      await worker.stop();
      assert.deepEqual(sent, [2]);
      assert.equal(await store().finishOutbox({ id: dead!.id, attempt: dead!.attempts }, { status: 'failed', error: 'late' }), false);
      assert.deepEqual((await store().renewOutboxLeases([{ id: dead!.id, attempt: dead!.attempts }], now + 60_000)), []);
      const [row] = await rowsOf(store(), kind);
      assert.deepEqual([row!.status, row!.attempts, row!.lastError, row!.sentAt], ['sent', 2, null, now]);
    });

    it('renews the lease while a slow send runs, so no other worker takes it over', async () => {
      const kind = uniqueKind();
      await store().write((tx) => tx.enqueue({ kind, payload: {}, dueAt: Date.now() }));
      let release!: () => void;
      const slow = new Promise<void>((resolve) => (release = resolve));
      const worker = startOutboxWorker({ store: store(), senders: { [kind]: () => slow }, log: silent, pollMs: 60_000, leaseMs: 300 });
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.deepEqual(await store().claimOutbox([kind], Date.now(), Date.now() + 1000, 10), [], 'the lease was renewed');
      release();
      await worker.stop();
      assert.equal((await rowsOf(store(), kind))[0]!.status, 'sent');
    });

    it('delivers each of 300 messages exactly once with two workers on two connections sending side by side', async () => {
      const kind = uniqueKind();
      const second = await another();
      await store().write(async (tx) => {
        for (let n = 0; n < 300; n++) await tx.enqueue({ kind, payload: { n }, dueAt: T0 });
      });
      const seen = new Map<number, string[]>();
      const sender = (worker: string): Sender => async (payload) => {
        const { n } = payload as { n: number };
        seen.set(n, [...(seen.get(n) ?? []), worker]);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      };
      const a = startOutboxWorker({ store: store(), senders: { [kind]: sender('a') }, clock: () => T0, log: silent, pollMs: 5 });
      const b = startOutboxWorker({ store: second, senders: { [kind]: sender('b') }, clock: () => T0, log: silent, pollMs: 5 });
      const deadline = Date.now() + 30_000;
      while ((await store().outboxCounts()) && (await rowsOf(store(), kind)).some((row) => row.status !== 'sent')) {
        assert.ok(Date.now() < deadline, 'all sent within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await Promise.all([a.stop(), b.stop()]);
      assert.equal(seen.size, 300);
      const twice = [...seen].filter(([, by]) => by.length !== 1);
      assert.deepEqual(twice, [], 'no message sent twice');
      const by = [...seen.values()].flat();
      assert.ok(by.includes('a') && by.includes('b'), `both workers sent some (a: ${by.filter((w) => w === 'a').length}, b: ${by.filter((w) => w === 'b').length})`);
    });

    it('claims only the kinds a worker has a sender for: another instance’s messages wait for it', async () => {
      const mine = uniqueKind();
      const theirs = uniqueKind();
      await store().write(async (tx) => {
        await tx.enqueue({ kind: mine, payload: {}, dueAt: T0 });
        await tx.enqueue({ kind: theirs, payload: {}, dueAt: T0 });
      });
      const worker = startOutboxWorker({ store: store(), senders: { [mine]: async () => {} }, clock: () => T0, log: silent, pollMs: 60_000 });
      await worker.tick();
      await worker.stop();
      assert.equal((await rowsOf(store(), mine))[0]!.status, 'sent');
      assert.deepEqual([(await rowsOf(store(), theirs))[0]!.status, (await rowsOf(store(), theirs))[0]!.attempts], ['pending', 0]);
    });

    it('closes the pooled SMTP connection of the configuration’s mail senders when stopped, so the SMTP server can close', async () => {
      const sink = await SmtpSink.start();
      let closed = false;
      const closing = () => sink.close().then(() => void (closed = true));
      try {
        const s = server({
          publicUrl: 'https://comments.example.com',
          mail: {
            // nodemailer keeps a pooled connection open between messages, until its transport is closed.
            smtpUrl: `${sink.url}?pool=true`,
            from: 'Colloquy <comments@example.com>',
            dir: null,
            dailyCap: 20,
            ownerEmail: null,
            ownerMode: 'none',
            siteUrl: null,
            linkOrigin: 'https://comments.example.com',
          },
        });
        const worker = s.worker();
        const email = uniqueEmail();
        const posted = await s.post({ thread: uniqueThread('pool'), author: { name: 'Ada', email }, body: 'Tell me of replies.', notify: true, locale: 'en' } as never);
        assert.equal(posted.status, 201, posted.text);
        await sink.waitFor(email);
        await worker.stop();
        const shut = closing();
        await Promise.race([shut, new Promise((resolve) => setTimeout(resolve, 3000))]);
        assert.ok(closed, 'the SMTP server still has a connection open 3 s after the worker stopped');
        await worker.stop(); // a second stop is harmless
      } finally {
        if (!closed) {
          // Let the suite end even when the assertion failed: drop the sink's connections.
          (sink as unknown as { server: { connections: Set<{ close(): void }> } }).server.connections.forEach((c) => c.close());
          await closing();
        }
      }
    });

    describe('the admin API', () => {
      it('lists messages newest first by status with counts, pages them, shows no payload, and retries only a failed one', async () => {
        const s = server();
        const kind = uniqueKind();
        await s.store.write(async (tx) => {
          await tx.enqueue({ kind, payload: { commentId: '42', to: 'secret-recipient@mail.example' }, dueAt: s.now });
          await tx.enqueue({ kind, payload: { commentId: 43 }, dueAt: s.now, dedupeKey: `k-${kind}` });
          await tx.enqueue({ kind, payload: 'no comment', dueAt: s.now + 3_600_000 });
        });
        const worker = s.worker({ senders: { [kind]: async () => Promise.reject(new PermanentFailure('550 no such user <secret-recipient@mail.example>')) } });
        await worker.tick();
        await worker.stop();

        assert.equal((await s.admin('GET', '/outbox', { token: null })).status, 401);
        const list = await s.admin('GET', '/outbox?status=failed&limit=100');
        assert.equal(list.status, 200, list.text);
        assert.equal(list.headers.get('Cache-Control'), 'no-store');
        const mine = list.json.messages.filter((message: { kind: string }) => message.kind === kind);
        assert.equal(mine.length, 2);
        assert.deepEqual(Object.keys(mine[0]).sort(), ['attempts', 'commentId', 'createdAt', 'dueAt', 'id', 'kind', 'lastError', 'sentAt', 'status']);
        assert.deepEqual(
          mine.map((m: any) => [m.commentId, m.status, m.attempts, m.lastError, m.sentAt]),
          [
            ['43', 'failed', 1, '550 no such user <address>', null],
            ['42', 'failed', 1, '550 no such user <address>', null],
          ],
          'newest first',
        );
        assert.ok(!list.text.includes('secret-recipient'), 'no payload, no address');
        assert.ok(list.json.counts.failed >= 2 && list.json.counts.pending >= 1);
        assert.deepEqual(Object.keys(list.json.counts), ['pending', 'sending', 'sent', 'failed']);

        const page = await s.admin('GET', '/outbox?limit=1');
        assert.equal(page.json.messages.length, 1);
        const next = await s.admin('GET', `/outbox?limit=1&cursor=${page.json.nextCursor}`);
        assert.ok(Number(next.json.messages[0].id) < Number(page.json.messages[0].id));
        for (const bad of ['?status=lost', '?limit=0', '?limit=101', '?cursor=abc', '?cursor=-1']) {
          assert.equal((await s.admin('GET', `/outbox${bad}`)).status, 400, bad);
        }

        const [newer, older] = mine;
        const waiting = (await rowsOf(s.store, kind)).find((row) => row.status === 'pending')!;
        assert.equal((await s.admin('POST', `/outbox/${waiting.id}/retry`)).status, 400, 'not failed');
        assert.equal((await s.admin('POST', '/outbox/999999999/retry')).status, 404);
        assert.equal((await s.admin('POST', '/outbox/x/retry')).status, 404);
        // A new message took the failed one's dedupe key: retrying the old one would send it twice.
        await s.store.write((tx) => tx.enqueue({ kind, payload: {}, dueAt: s.now, dedupeKey: `k-${kind}` }));
        assert.equal((await s.admin('POST', `/outbox/${newer.id}/retry`)).status, 409);
        const retried = await s.admin('POST', `/outbox/${older.id}/retry`);
        assert.equal(retried.status, 200, retried.text);
        assert.deepEqual([retried.json.message.status, retried.json.message.dueAt], ['pending', new Date(s.now).toISOString()]);
        assert.equal((await s.admin('GET', `/outbox/${older.id}`)).json.message.status, 'pending');
        const sent: unknown[] = [];
        const again = s.worker({ senders: { [kind]: async (payload) => void sent.push(payload) } });
        await again.tick();
        await again.stop();
        assert.ok(sent.some((payload) => (payload as { commentId?: string }).commentId === '42'), 'one more try');
        assert.equal((await s.admin('GET', `/outbox/${older.id}`)).json.message.status, 'sent');
      });
    });
  });
}
