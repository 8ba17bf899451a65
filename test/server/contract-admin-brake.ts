/**
 * The admin sign-in brake kept in the database (src/server/security/admin-auth.ts): shared by
 * every instance on the same database, kept across a restart, and exact under a burst, as part
 * of the contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SuiteContext } from './contract-suite.js';
import { rateLimitKey } from '../../src/server/http/client-address.js';
import { keyedHashes } from '../../src/server/security/keyed-hash.js';
import { SECRET, TestServer, assertError, uniqueAddress } from './helpers.js';

export function adminBrakeContract({ server, store, another }: SuiteContext): void {
  describe('the admin sign-in brake across instances', () => {
    it('counts wrong tokens sent through two instances on the same database together, and brakes on both', async () => {
      const one = server();
      const two = new TestServer(await another());
      const address = uniqueAddress();
      for (let i = 0; i < 5; i++) assertError(await (i % 2 ? two : one).admin('GET', '/comments', { token: `guess-${i}`, address }), 401);
      for (const s of [one, two]) {
        const braked = await s.admin('GET', '/comments', { token: 'guess-5', address });
        assertError(braked, 429);
        assert.equal(braked.headers.get('Retry-After'), '60');
        // The right token still gets in, on either instance.
        assert.equal((await s.admin('GET', '/comments', { address })).status, 200);
      }
      for (const s of [one, two]) s.advance(60);
      assertError(await two.admin('GET', '/comments', { token: 'guess-6', address }), 401);
      assert.equal((await one.admin('GET', '/comments', { token: 'guess-7', address })).headers.get('Retry-After'), '120', 'the brake grows on the other instance too');
    });

    it('keeps the brake across a restart: a new app on the same database still brakes the address', async () => {
      const address = uniqueAddress();
      const before = server();
      for (let i = 0; i < 5; i++) assertError(await before.admin('GET', '/comments', { token: 'nope', address }), 401);
      const after = new TestServer(store());
      assertError(await after.admin('GET', '/comments', { token: 'nope', address }), 429);
      assertError(await new TestServer(await another()).admin('GET', '/comments', { token: 'nope', address }), 429);
    });

    it('lets a burst of wrong tokens sent at once through two instances past no more than 5 unbraked', async () => {
      const one = server();
      const two = new TestServer(await another());
      const address = uniqueAddress();
      const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? two : one).admin('GET', '/comments', { token: `burst-${i}`, address })));
      const statuses = replies.map((reply) => reply.status);
      assert.equal(statuses.filter((status) => status === 401).length, 5, statuses.join(' '));
      assert.equal(statuses.filter((status) => status === 429).length, 11, statuses.join(' '));
    });

    it('keeps no address in the database, only its keyed hash', async () => {
      const address = uniqueAddress();
      const s = server();
      for (let i = 0; i < 5; i++) await s.admin('GET', '/comments', { token: 'nope', address });
      assert.deepEqual(await store().rateWindowsSince('admin-failure', address, 0), [], 'no window is keyed by the address itself');
      const hashed = await store().rateWindowsSince('admin-failure', keyedHashes(SECRET).address(rateLimitKey(address)), 0);
      assert.equal(hashed.reduce((sum, window) => sum + window.hits, 0), 5);
    });
  });
}
