/**
 * The demo's mail viewer (`/mail`): it lists the `.eml` files the demo writes instead of sending
 * email, shows each with its links clickable, escapes what messages quote, and serves the HTML
 * part sandboxed. Only the demo mounts it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/server/app.js';
import type { MailSettings } from '../../src/server/config.js';
import { mailTransport } from '../../src/server/integrations/mail/transport.js';
import { openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { ADMIN_TOKEN, SECRET } from './helpers.js';

describe('the demo mail viewer', () => {
  let dir: string;
  let store: CommentStore;
  const settings = (mailDir: string): MailSettings => ({
    smtpUrl: null,
    from: 'Colloquy <no-reply@localhost>',
    dir: mailDir,
    dailyCap: 20,
    ownerEmail: null,
    ownerMode: 'all',
    siteUrl: null,
    linkOrigin: 'http://localhost:8787',
  });
  const app = (demo: boolean) =>
    createApp({
      store,
      config: { secret: SECRET, adminToken: ADMIN_TOKEN, origins: [], moderation: 'none', floodSeconds: 0, trustProxy: 0, mail: settings(join(dir, 'mail')) },
      assets: { distDir: join(dir, 'dist'), demoDir: demo ? join(dir, 'demo') : undefined },
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'colloquy-viewer-'));
    store = await openSqliteStore(join(dir, 'colloquy.db'));
    const transport = mailTransport({ smtpUrl: null, from: 'Colloquy <no-reply@localhost>', dir: join(dir, 'mail') });
    await transport.send({
      to: 'ada@example.com',
      subject: 'Grüße <script>alert(1)</script> from “the site”',
      text: `Björn replied: <img src=x onerror=alert(1)>\n\nRead it: http://localhost:8787/episode#comment-7\n${'long line '.repeat(30)}`,
      html: '<p>Björn replied</p><script>alert(1)</script><img src="https://tracker.example/p.gif">',
      unsubscribeUrl: 'http://localhost:8787/api/notifications/unsubscribe?token=abc',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await transport.send({ to: 'grace@example.com', subject: 'Second', text: 'Plain only? No: both parts.', html: '<p>both</p>' });
    transport.close();
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the messages newest first, escaped, and opens one with its headers, its text with links, and its HTML sandboxed', async () => {
    const list = await app(true).request('/mail');
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('Cache-Control'), 'no-store');
    const page = await list.text();
    const second = page.indexOf('Second');
    const first = page.indexOf('Grüße &lt;script&gt;');
    assert.ok(second > 0 && first > second, 'newest first, the subject decoded and escaped');
    assert.ok(!page.includes('<script>alert'));
    const name = /^href="mail\/([^"]+\.eml)"/.exec(page.slice(page.lastIndexOf('href="mail/', first)))![1]!;

    const message = await app(true).request(`/mail/${name}`);
    const text = await message.text();
    assert.equal(message.status, 200);
    assert.ok(text.includes('Björn replied: &lt;img src=x onerror=alert(1)&gt;'), 'the text part, decoded and escaped');
    assert.ok(text.includes('<a href="http://localhost:8787/episode#comment-7">'), 'its links clickable');
    assert.ok(text.includes('http://localhost:8787/api/notifications/unsubscribe?token=abc'), 'List-Unsubscribe shown');
    assert.ok(text.includes(`<iframe title="The HTML part" sandbox src="${name}/html"`));
    assert.ok(message.headers.get('Content-Security-Policy')!.includes("default-src 'none'"));

    const part = await app(true).request(`/mail/${name}/html`);
    assert.equal(part.headers.get('Content-Security-Policy'), "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    assert.ok((await part.text()).includes('<p>Björn replied</p>'));
  });

  it('opens nothing but its own files, and exists only in the demo', async () => {
    for (const path of ['/mail/..%2Fcolloquy.db', '/mail/colloquy.db', '/mail/nope.eml', '/mail/nope.eml/html']) {
      assert.equal((await app(true).request(path)).status, 404, path);
    }
    assert.equal((await app(false).request('/mail')).status, 404);
  });
});
