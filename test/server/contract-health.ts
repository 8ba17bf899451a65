/**
 * `GET /healthz` (docs/server.md, "Several instances"): 200 while the database answers and its
 * migrations are this code's, 503 with a reason otherwise; never cached, no CORS. Part of the
 * contract suite: run against each engine from contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SuiteContext } from './contract-suite.js';
import { ALLOWED_ORIGIN, TestServer } from './helpers.js';

export function healthContract({ server, another }: SuiteContext): void {
  describe('GET /healthz', () => {
    it('answers 200 {"ok":true} while the database answers and holds every migration, never cached, with no CORS', async () => {
      const reply = await server().request('/healthz', { headers: { Origin: ALLOWED_ORIGIN } });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json, { ok: true });
      assert.equal(reply.headers.get('Cache-Control'), 'no-store');
      assert.equal(reply.headers.get('Access-Control-Allow-Origin'), null);
      assert.equal((await server().request('/healthz', { method: 'HEAD' })).status, 200);
    });

    it('answers 503 database_unreachable, and no error text, when the database does not answer', async () => {
      const closed = await another();
      await closed.close();
      const s = new TestServer(closed);
      const reply = await s.request('/healthz');
      assert.equal(reply.status, 503, reply.text);
      assert.deepEqual(reply.json, { ok: false, reason: 'database_unreachable' });
      assert.equal(reply.headers.get('Cache-Control'), 'no-store');
      assert.equal(s.logged.filter((line) => line.includes('/healthz: database_unreachable')).length, 1, s.logged.join('\n'));
      await s.request('/healthz');
      assert.equal(s.logged.filter((line) => line.includes('/healthz')).length, 1, 'logged once, not on every probe');
    });
  });
}
