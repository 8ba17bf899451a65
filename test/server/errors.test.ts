/** A failure inside the server: a 500 in the contract's shape, logged without detail leaking out. */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { createApp } from '../../src/server/app.js';
import type { CommentStore } from '../../src/server/store/index.js';
import { SECRET } from './helpers.js';

describe('an unexpected failure', () => {
  it('answers 500 server_error, says nothing of the cause, and logs it with the [colloquy] prefix', async () => {
    const failing = new Proxy({} as CommentStore, {
      get: () => async () => {
        throw new Error('disk on fire at /var/lib/colloquy');
      },
    });
    const app = createApp({
      store: failing,
      config: { secret: SECRET, origins: ['https://blog.example'], moderation: 'none', floodSeconds: 0, trustProxy: 0 },
    });
    const logged = mock.method(console, 'error', () => {});
    try {
      const res = await app.request('/api/comments?thread=t', { headers: { Origin: 'https://blog.example' } });
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('Content-Type'), 'application/json; charset=utf-8');
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), 'https://blog.example', 'the widget can read the error');
      const body = await res.json();
      assert.equal(body.error.code, 'server_error');
      assert.ok(!JSON.stringify(body).includes('disk on fire'));
      assert.equal(logged.mock.callCount(), 1);
      assert.match(String(logged.mock.calls[0]!.arguments[0]), /^\[colloquy\] GET \/api\/comments failed: Error: disk on fire/);
    } finally {
      logged.mock.restore();
    }
  });
});
