/**
 * The admin API's reply-notification subscriber counts per thread (docs/admin-api.md,
 * "Subscribers"): confirmed addresses only, each once per thread, and never an address.
 * Part of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SUBSCRIBER_THREADS } from '../../src/api/admin-contract.js';
import type { MailAddressState } from '../../src/server/store/index.js';
import type { SuiteContext } from './contract-suite.js';
import { uniqueEmail, uniqueThread } from './helpers.js';

export function subscribersContract({ server }: SuiteContext): void {
  describe('the admin API’s subscriber counts', () => {
    it('counts confirmed addresses per thread, each once, and shows no address', async () => {
      const s = server();
      const [a, b, quiet] = [uniqueThread('subs'), uniqueThread('subs'), uniqueThread('subs')];
      const address = async (state: MailAddressState) => {
        const email = uniqueEmail();
        await s.store.saveMailAddress({
          email,
          state,
          locale: null,
          confirmNonce: null,
          requestedAt: s.now,
          confirmSentAt: s.now,
          confirmedAt: state === 'confirmed' ? s.now : null,
          suppressedAt: state === 'suppressed' ? s.now : null,
        });
        return email;
      };
      const subscribe = async (thread: string, email: string) => {
        const posted = await s.post({ thread, author: { name: 'Ada', email }, body: `Question ${Math.random()}` });
        assert.equal(posted.status, 201, posted.text);
        await s.store.subscribe({ commentId: Number(posted.json.comment.id), email, thread, locale: null, page: null, createdAt: s.now });
      };
      const [ada, bea] = [await address('confirmed'), await address('confirmed')];
      await subscribe(a, ada);
      await subscribe(a, ada); // two comments, one subscriber
      await subscribe(a, bea);
      await subscribe(b, bea);
      await subscribe(a, await address('unconfirmed'));
      await subscribe(b, await address('suppressed'));

      assert.equal((await s.admin('GET', `/subscribers?thread=${a}`, { token: null })).status, 401);
      const reply = await s.admin('GET', `/subscribers?thread=${encodeURIComponent(a)}&thread=${encodeURIComponent(b)}&thread=${encodeURIComponent(quiet)}`);
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.headers.get('Cache-Control'), 'no-store');
      assert.deepEqual(reply.json, {
        threads: [
          { thread: a, subscribers: 2 },
          { thread: b, subscribers: 1 },
        ],
      });
      assert.ok(!reply.text.includes('@'), 'no address');

      const every = await s.admin('GET', '/subscribers');
      assert.equal(every.status, 200, every.text);
      assert.ok(every.json.threads.length <= MAX_SUBSCRIBER_THREADS);
      assert.ok(!every.text.includes('@'), 'no address');

      const many = Array.from({ length: MAX_SUBSCRIBER_THREADS + 1 }, (_, i) => `thread=t${i}`).join('&');
      for (const bad of [many, 'thread=', `thread=${'x'.repeat(1000)}`, 'thread=%00']) {
        const refused = await s.admin('GET', `/subscribers?${bad}`);
        assert.equal(refused.status, 400, `${bad.slice(0, 40)}: ${refused.text}`);
        assert.equal(refused.json.error.code, 'invalid_request');
      }
    });
  });
}
