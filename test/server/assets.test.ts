/** The widget bundle and demo pages, served from folders without leaving them. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { SECRET } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'colloquy-assets-'));
let store: CommentStore;

function app(demo: boolean): Hono {
  return createApp({
    store,
    config: { secret: SECRET, origins: [], moderation: 'none', floodSeconds: 0, trustProxy: 0 },
    assets: { distDir: join(root, 'dist'), demoDir: demo ? join(root, 'demo') : undefined },
  });
}

before(async () => {
  mkdirSync(join(root, 'dist'));
  mkdirSync(join(root, 'demo', 'themes'), { recursive: true });
  writeFileSync(join(root, 'dist', 'colloquy.js'), 'export const widget = 1;\n');
  writeFileSync(join(root, 'dist', 'colloquy-admin.js'), 'export const admin = 1;\n');
  writeFileSync(join(root, 'demo', 'index.html'), '<!doctype html><title>Episode</title>');
  writeFileSync(join(root, 'demo', 'themes', 'index.html'), '<!doctype html><title>Themes</title>');
  writeFileSync(join(root, 'demo', 'style.css'), 'body{}');
  writeFileSync(join(root, 'demo', '.env'), 'SECRET=1');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  store = await openSqliteStore(join(root, 'colloquy.db'));
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves the widget bundle as JavaScript any page may load', async () => {
    for (const path of ['/colloquy.js', '/dist/colloquy.js']) {
      const res = await app(false).request(path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('Content-Type'), 'text/javascript; charset=utf-8');
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), '*');
      assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
      assert.equal(await res.text(), 'export const widget = 1;\n');
    }
  });

  it('serves the moderation page at /admin and its module, same-origin only, with or without the demo', async () => {
    for (const demo of [false, true]) {
      const page = await app(demo).request('/admin');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('Content-Type')!, /^text\/html; charset=utf-8$/i);
      assert.equal(page.headers.get('Cache-Control'), 'no-store');
      // Relative, so the page works where it is mounted (/comments/admin → /comments/api).
      const endpoint = /<colloquy-admin endpoint="([^"]+)">/.exec(await page.text())?.[1];
      assert.equal(new URL(endpoint!, 'https://comments.example/admin').pathname, '/api');
      assert.equal(new URL(endpoint!, 'https://site.example/comments/admin').pathname, '/comments/api');
      const module = await app(demo).request('/colloquy-admin.js');
      assert.equal(module.status, 200);
      assert.equal(module.headers.get('Content-Type'), 'text/javascript; charset=utf-8');
      assert.equal(module.headers.get('Access-Control-Allow-Origin'), null);
      assert.equal(await module.text(), 'export const admin = 1;\n');
    }
  });

  it('answers / without the demo with a page saying what the server is and where /admin and the API are', async () => {
    const home = await app(false).request('/');
    assert.equal(home.status, 200);
    assert.equal(home.headers.get('Content-Type')?.toLowerCase(), 'text/html; charset=utf-8');
    assert.match(home.headers.get('Content-Security-Policy')!, /default-src 'none'.*frame-ancestors 'none'/);
    const page = await home.text();
    assert.match(page, /<title>Colloquy comment server<\/title>/);
    assert.match(page, /<a href="admin">/, 'a relative link, so it works mounted under a path');
    assert.match(page, /<code>\/api<\/code>/);
    assert.match(page, /<a href="healthz">/);
    assert.doesNotMatch(page, /<script/, 'runs nothing');
    const head = await app(false).request('/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    // The embed snippet names COLLOQUY_PUBLIC_URL, escaped like anything put into a page.
    const named = createApp({
      store,
      config: { secret: SECRET, origins: [], moderation: 'none', floodSeconds: 0, trustProxy: 0, publicUrl: 'https://c.example/"><b>x' },
      assets: { distDir: join(root, 'dist') },
    });
    const snippet = await (await named.request('/')).text();
    assert.ok(snippet.includes('https://c.example/&quot;&gt;&lt;b&gt;x/colloquy.js'), snippet);
    assert.doesNotMatch(snippet, /<b>x/);
  });

  it('serves the demo folder only in demo mode, with / as its index page', async () => {
    assert.doesNotMatch(await (await app(false).request('/')).text(), /Episode/);
    const demo = app(true);
    const index = await demo.request('/');
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('Content-Type'), 'text/html; charset=utf-8');
    assert.match(await index.text(), /Episode/);
    assert.match(await (await demo.request('/themes/')).text(), /Themes/);
    const bare = await demo.request('/themes');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('Location'), '/themes/');
    const css = await demo.request('/style.css');
    assert.equal(css.headers.get('Content-Type'), 'text/css; charset=utf-8');
    const head = await demo.request('/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('never serves a file outside its folder, or a hidden one', async () => {
    const demo = app(true);
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/themes/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/.env',
      '/%2eenv',
      '/index.html%00.css',
      '/%E0%A4%A',
      '/dist/..%2fsecret.txt',
      '/missing.html',
    ]) {
      const res = await demo.request(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('Content-Type'), 'application/json; charset=utf-8');
      const text = await res.text();
      assert.ok(!text.includes('outside') && !text.includes('SECRET'), path);
    }
  });

  it('leaves the API to the API', async () => {
    const res = await app(true).request('/api/comments?thread=x');
    assert.equal(res.status, 200);
    assert.equal((await res.json()).count, 0);
  });
});
