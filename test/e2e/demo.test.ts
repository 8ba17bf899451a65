/**
 * End to end: the demo episode page served by the real server (as `npm start` runs it),
 * driven in Debian's Chromium, with a real SQLite file underneath.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { demoSession, showForm, waitInShadow } from './harness.js';

describe('the demo episode page on the real server', () => {
  const demo = demoSession();
  const pageErrors: string[] = [];

  async function openDemo(): Promise<{ page: Page; requests: string[] }> {
    const page = await demo.browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    await waitInShadow(page, 'colloquy-comments', `[part~="heading"]`);
    await page.waitForFunction(
      () => !document.querySelector('colloquy-comments')?.shadowRoot?.querySelector('[part~="skeleton"]'),
    );
    await showForm(page);
    return { page, requests };
  }

  const heading = (page: Page) =>
    page.$eval('colloquy-comments >>> [part~="heading"]', (h) => h.textContent);

  async function typeInto(page: Page, field: string, text: string) {
    const input = await waitInShadow(page, 'colloquy-comments', `#${field}`);
    await input!.click({ count: 3 });
    await page.keyboard.press('Backspace');
    await input!.type(text);
  }

  it('shows the episode and its seed comment: "1 Comment"', async () => {
    const { page, requests } = await openDemo();
    assert.match(await page.title(), /A peer to peer approach to governance/);
    assert.ok(await page.$('audio[controls]'));
    assert.equal(await heading(page), '1 Comment');
    const foreign = requests.filter((r) => !/^(data:|blob:)/.test(r.split(' ')[1]) && !r.split(' ')[1].startsWith(demo.server.url));
    assert.deepEqual(foreign, [], 'the page makes no request to any other host');
    await page.close();
  });

  it('survives the script being loaded twice on one page', async () => {
    const { page } = await openDemo();
    await page.addScriptTag({ type: 'module', url: '/colloquy.js?loaded-again' });
    await page.waitForNetworkIdle();
    assert.equal(await heading(page), '1 Comment');
    assert.deepEqual(pageErrors, [], 'registering the elements again threw nothing');
    await page.close();
  });

  it('submitting the empty form shows errors and sends nothing', async () => {
    const { page, requests } = await openDemo();
    const before = requests.length;
    const submit = await waitInShadow(page, 'colloquy-comments', `[part~="submit"]`);
    await submit!.click();
    await waitInShadow(page, 'colloquy-comments', `#body-error`);
    const errors = await page.$$eval('colloquy-comments >>> [part~="error"]', (els) => els.map((e) => e.textContent));
    assert.deepEqual(errors, ['Please type your comment.', 'Please enter your name.', 'Please enter your email address.']);
    await new Promise((r) => setTimeout(r, 300));
    // Pressing "Post Comment" downloads the writer (the form's checks), and the form's focus the
    // interactions (its other buttons), from beside colloquy.js; nothing at all goes to the endpoint.
    const sent = requests.slice(before);
    assert.deepEqual(sent.filter((r) => !/\/colloquy-(writer|interactions)-[\w-]+\.js$/.test(r)), [], 'no request was sent to the endpoint');
    await page.close();
  });

  it('posts a comment, keeps it across a reload, nests a reply under it, and stores both in SQLite', async () => {
    let { page } = await openDemo();
    await typeInto(page, 'body', 'Forking as a constitution: what a thought.\n\nThanks for this episode!');
    await typeInto(page, 'name', 'E2E Listener');
    await typeInto(page, 'email', 'e2e.listener@example.com');
    await typeInto(page, 'url', 'https://listener.example');
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    await page.waitForFunction(
      () => document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('[part~="comment"]').length === 2,
    );
    assert.equal(await heading(page), '2 Comments');
    const html = await page.$eval('colloquy-comments', (el) => el.shadowRoot!.innerHTML);
    assert.ok(!html.includes('e2e.listener@example.com'), 'the email is never shown');
    await page.close();

    ({ page } = await openDemo());
    assert.equal(await heading(page), '2 Comments', 'still there after a reload');
    const authors = await page.$$eval('colloquy-comments >>> [part~="comment-author"]', (els) => els.map((e) => e.textContent));
    assert.ok(authors.includes('E2E Listener'));
    const newId = await page.$eval('colloquy-comments', (el) => {
      const articles = [...el.shadowRoot!.querySelectorAll('article')];
      return articles.find((a) => a.textContent!.includes('E2E Listener'))!.id.replace('comment-', '');
    });

    await (await page.$(`colloquy-comments >>> [data-reply-to="${newId}"]`))!.click();
    await page.waitForFunction(() => document.querySelector('colloquy-comments')!.shadowRoot!.activeElement?.id === 'body');
    await page.keyboard.type('A reply, nested under the first.');
    await typeInto(page, 'name', 'Second Listener');
    await typeInto(page, 'email', 'second@example.com');
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    await page.waitForFunction(
      () => document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('[part~="comment"]').length === 3,
    );
    await page.close();

    ({ page } = await openDemo());
    const parentOfReply = await page.$eval('colloquy-comments', (el) => {
      const reply = [...el.shadowRoot!.querySelectorAll('article')].find((a) => a.textContent!.includes('Second Listener'))!;
      return reply.closest('ol')!.closest('li')!.querySelector('article')!.id;
    });
    assert.equal(parentOfReply, `comment-${newId}`, 'the reply nests under its parent after a reload');
    await page.close();

    const db = new Database(demo.server.dbFile, { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
      const table = tables.map((t) => t.name).find((n) => /comment/.test(n) && !/migration/.test(n));
      assert.ok(table, `a comments table exists (${tables.map((t) => t.name)})`);
      const rows = db.prepare(`select * from ${table}`).all() as Record<string, unknown>[];
      const first = rows.find((r) => r.email === 'e2e.listener@example.com');
      const reply = rows.find((r) => r.email === 'second@example.com');
      assert.ok(first, 'the comment is in the SQLite file, with its email kept server-side');
      assert.ok(reply, 'the reply is in the SQLite file');
      assert.equal(String(reply.parent_id), String(first.id));
    } finally {
      db.close();
    }
    assert.deepEqual(pageErrors, [], 'no uncaught exception on the page');
  });

  it('keeps the draft and says so when offline before the form’s code arrived, then posts once back online', async () => {
    const { page } = await openDemo();
    const session = await page.createCDPSession();
    await session.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await typeInto(page, 'body', 'Written in a tunnel.');
    await typeInto(page, 'name', 'Offline Listener');
    await typeInto(page, 'email', 'offline@example.com');
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    const error = await waitInShadow(page, 'colloquy-comments', '.form-error');
    assert.equal(await error!.evaluate((e) => e.textContent), 'You seem to be offline. Your comment is kept; try again later.');
    assert.equal(await page.$eval('colloquy-comments >>> #body', (b) => (b as HTMLTextAreaElement).value), 'Written in a tunnel.');

    await session.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    await page.waitForFunction(() =>
      [...document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('article')].some((a) => a.textContent!.includes('Written in a tunnel.')),
    );
    assert.equal(await page.$eval('colloquy-comments >>> #body', (b) => (b as HTMLTextAreaElement).value), '');
    await page.close();
  });
});
