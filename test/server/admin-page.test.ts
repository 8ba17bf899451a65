/** `/admin`: the moderation page's shell, its CSP and what it tells the element. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminPageRoutes } from '../../src/server/routes/admin-page.js';

describe('the /admin page', () => {
  it('admits its own data: icon in its CSP, and nothing else from elsewhere', async () => {
    const res = await adminPageRoutes().request('/admin');
    const csp = res.headers.get('Content-Security-Policy')!;
    assert.match(csp, /(^|; )img-src 'self' data:(;|$)/);
    assert.match(csp, /(^|; )default-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    const icon = /<link rel="icon" href="([^"]+)"/.exec(await res.text())?.[1];
    assert.ok(icon?.startsWith('data:image/svg+xml,'), String(icon));
  });

  it('passes COLLOQUY_THREAD_URL to the element as an escaped attribute, and none without it', async () => {
    const plain = await (await adminPageRoutes().request('/admin')).text();
    assert.match(plain, /<colloquy-admin endpoint="api"><\/colloquy-admin>/);
    const page = await (await adminPageRoutes({ threadUrl: 'https://example.com/e/{thread}?a=1&b=2' }).request('/admin')).text();
    assert.match(page, /<colloquy-admin endpoint="api" thread-url="https:\/\/example\.com\/e\/\{thread\}\?a=1&amp;b=2"><\/colloquy-admin>/);
  });
});
