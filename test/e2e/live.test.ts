/**
 * End to end, live updates (issue 13): two pages with `live`, on two server instances sharing
 * PostgreSQL when COLLOQUY_TEST_DATABASE_URL is set (otherwise one instance, two pages). A comment
 * posted in one page shows the "1 new comment" button in the other, which then shows it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium, removeDir, showForm, startServer, waitInShadow, type RunningServer } from './harness.js';

const DATABASE = process.env.COLLOQUY_TEST_DATABASE_URL;

describe(`live updates across ${DATABASE ? 'two instances on PostgreSQL' : 'two pages of one instance'}`, () => {
  const servers: RunningServer[] = [];
  let browser: Browser;
  let admin: pg.Client | undefined;
  const database = `colloquy_live_${randomBytes(5).toString('hex')}`;

  before(async () => {
    // Both given, as instances share them; with PostgreSQL a generated token would be saved in ./data of the checkout.
    const env: Record<string, string> = {
      COLLOQUY_SECRET: 'e2e-live-secret-shared-by-the-instances-0123456789',
      COLLOQUY_ADMIN_TOKEN: 'e2e-live-admin-token-shared-by-the-instances-0123',
    };
    if (DATABASE) {
      admin = new pg.Client({ connectionString: DATABASE });
      await admin.connect();
      await admin.query(`create database ${database}`);
      const url = new URL(DATABASE);
      url.pathname = `/${database}`;
      env.DATABASE_URL = url.href;
    }
    // The first start migrates and seeds; the second finds both done.
    servers.push(await startServer(env));
    if (DATABASE) servers.push(await startServer(env));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) {
      await server.stop();
      removeDir(server.dir);
    }
    if (admin) {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
  });

  /** The demo page with live updates on (the attribute set, then the thread loaded again). */
  async function livePage(server: RunningServer, errors: string[]): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/`, { waitUntil: 'load' });
    await waitInShadow(page, 'colloquy-comments', '[part~="comment"]');
    // Its stream answering: the page has an event id to catch up from, even once in the background.
    const streaming = page.waitForResponse((r) => r.url().includes('/api/comments/stream'), { timeout: 10_000 });
    await page.evaluate(() => {
      const el = document.querySelector('colloquy-comments')!;
      el.setAttribute('live', '');
      return el.load();
    });
    assert.equal((await streaming).status(), 200);
    return page;
  }

  it('shows "1 new comment" in one page for a comment posted in the other, and inserts it when pressed', async () => {
    const errors: string[] = [];
    const reader = await livePage(servers.at(-1)!, errors);
    const writer = await livePage(servers[0]!, errors);
    const comments = () => reader.evaluate(() => document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('[part~="comment"]').length);
    const before = await comments();

    await showForm(writer);
    await (await writer.$('colloquy-comments >>> #body'))!.type('Live from the other page.');
    await (await writer.$('colloquy-comments >>> #name'))!.type('Live Listener');
    await (await writer.$('colloquy-comments >>> #email'))!.type('live@example.com');
    await (await writer.$('colloquy-comments >>> [part~="submit"]'))!.click();

    // The reader's tab is in the background (the writer's came after it): shown, it catches up.
    await writer.waitForFunction(() => document.querySelector('colloquy-comments')!.shadowRoot!.querySelector('[part~="status"]')!.textContent === 'Comment posted.');
    await reader.bringToFront();
    const button = await waitInShadow(reader, 'colloquy-comments', '[part~="new-comments"]');
    assert.equal(await button.evaluate((b) => b.textContent), '1 new comment');
    assert.equal(await comments(), before, 'not inserted under the reader\'s eyes');
    await button.click();
    await reader.waitForFunction(() =>
      [...document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('[part~="comment-body"]')].some((b) => b.textContent!.trim() === 'Live from the other page.'),
    );
    const html = String(await reader.evaluate(() => document.querySelector('colloquy-comments')!.shadowRoot!.innerHTML));
    assert.ok(!html.includes('live@example.com'), 'no email in the stream');
    assert.deepEqual(errors, []);
    await Promise.all([reader.close(), writer.close()]);
  });
});
