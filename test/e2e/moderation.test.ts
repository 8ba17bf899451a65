/**
 * End to end, moderation: with COLLOQUY_MODERATION=all, a comment posted on the demo
 * page waits, appears on /admin (with its email, for the admin only), is approved there,
 * and then appears on the episode page for everyone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { demoSession, showForm, waitInShadow } from './harness.js';

const ADMIN_TOKEN = 'e2e-admin-token-with-enough-length';

describe('moderating a comment from the demo page', () => {
  const demo = demoSession({
    COLLOQUY_MODERATION: 'all',
    COLLOQUY_ADMIN_TOKEN: ADMIN_TOKEN,
    COLLOQUY_MIN_FORM_SECONDS: '0',
    COLLOQUY_THREAD_URL: 'https://example.com/episodes/{thread}',
  });

  const shadow = (page: Page, tag: string, fn: string) => page.evaluate(`(${fn})(document.querySelector('${tag}').shadowRoot)`);

  it('holds the comment, shows it in /admin, approves it there, and the episode page then lists it', async () => {
    const page = await demo.browser.newPage();
    await page.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    await showForm(page);
    await waitInShadow(page, 'colloquy-comments', `#body`);
    await (await page.$('colloquy-comments >>> #body'))!.type('Please approve me.');
    await (await page.$('colloquy-comments >>> #name'))!.type('Waiting Listener');
    await (await page.$('colloquy-comments >>> #email'))!.type('waiting@example.com');
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    await waitInShadow(page, 'colloquy-comments', `[part~="pending"]`);

    const admin = await demo.browser.newPage();
    await admin.goto(`${demo.server.url}/admin`, { waitUntil: 'load' });
    const token = await waitInShadow(admin, 'colloquy-admin', `#token`);
    await token!.type(ADMIN_TOKEN);
    await admin.keyboard.press('Enter');
    await admin.waitForFunction(() =>
      document.querySelector('colloquy-admin')!.shadowRoot!.textContent!.includes('waiting@example.com'),
    );
    const approve = await waitInShadow(admin, 'colloquy-admin', `[part~="comment"] button`);
    assert.equal(await approve!.evaluate((b) => b.textContent), 'Approve');
    await approve!.click();
    await admin.waitForFunction(() =>
      document.querySelector('colloquy-admin')!.shadowRoot!.querySelector('[part~="status"]')!.textContent === '1 comment now approved.',
    );

    const visitor = await demo.browser.newPage();
    await visitor.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    await visitor.waitForFunction(() => {
      const root = document.querySelector('colloquy-comments')!.shadowRoot!;
      return [...root.querySelectorAll('[part~="comment-author"]')].some((a) => a.textContent === 'Waiting Listener');
    });
    const html = String(await shadow(visitor, 'colloquy-comments', '(r) => r.innerHTML'));
    assert.ok(!html.includes('waiting@example.com'), 'the email stays in the admin page');
    await Promise.all([page.close(), admin.close(), visitor.close()]);
  });

  it('loads /admin with no console error (its CSP admits its own icon), in a visible frame, and links a thread to its page', async () => {
    const admin = await demo.browser.newPage();
    const problems: string[] = [];
    admin.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    admin.on('pageerror', (e) => problems.push(String(e)));
    admin.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
    await admin.setViewport({ width: 1280, height: 800 });
    await admin.goto(`${demo.server.url}/admin`, { waitUntil: 'load' });
    const token = await waitInShadow(admin, 'colloquy-admin', `#token`);
    await token!.type(ADMIN_TOKEN);
    await admin.keyboard.press('Enter');
    const approved = await waitInShadow(admin, 'colloquy-admin', `[part~="tabs"] button:nth-child(2)`);
    await approved.click();
    await waitInShadow(admin, 'colloquy-admin', `[part~="comment"]`);
    assert.deepEqual(problems, []);
    const frame = await admin.evaluate(() => {
      const el = document.querySelector('colloquy-admin')!;
      const style = getComputedStyle(el);
      return { top: el.getBoundingClientRect().top, shadow: style.boxShadow, body: getComputedStyle(document.body).backgroundColor, card: style.backgroundColor };
    });
    assert.ok(frame.top >= 16, `the page is glued to the top (${frame.top}px)`);
    assert.notEqual(frame.shadow, 'none');
    assert.notEqual(frame.body, frame.card, 'the page and its frame are told apart');
    const href = await admin.evaluate(() => document.querySelector('colloquy-admin')!.shadowRoot!.querySelector<HTMLAnchorElement>('.thread a')?.href);
    assert.match(String(href), /^https:\/\/example\.com\/episodes\//);
    await admin.close();
  });

  it('replies as host from /admin, pins the reply’s parent and closes the thread, as the public API then shows', async () => {
    const admin = await demo.browser.newPage();
    const errors: string[] = [];
    admin.on('pageerror', (e) => errors.push(String(e)));
    await admin.goto(`${demo.server.url}/admin`, { waitUntil: 'load' });
    await admin.evaluate((token) => sessionStorage.setItem('colloquy-admin-token', token), ADMIN_TOKEN);
    await admin.reload({ waitUntil: 'load' });
    const inShadow = (fn: string) => admin.evaluate(`(${fn})(document.querySelector('colloquy-admin').shadowRoot)`);
    const until = (fn: string) => admin.waitForFunction(`(${fn})(document.querySelector('colloquy-admin')?.shadowRoot)`, { polling: 100 });
    await waitInShadow(admin, 'colloquy-admin', `[part~="tabs"] button:nth-child(2)`);
    await inShadow(`(r) => r.querySelector('[part~="tabs"] button:nth-child(2)').click()`);
    await until(`(r) => r && [...r.querySelectorAll('[part~="comment"] button')].some((b) => b.textContent.trim() === 'Reply as host')`);
    const button = (label: string) => `[...r.querySelectorAll('[part~="comment"] button')].find((b) => b.textContent.trim() === '${label}')`;
    await inShadow(`(r) => ${button('Reply as host')}.click()`);
    const body = await waitInShadow(admin, 'colloquy-admin', `[part~="reply-form"] textarea`);
    await body.type('Thanks, from the host.');
    await inShadow(`(r) => r.querySelector('[part~="reply-form"] button[type="submit"]').click()`);
    await until(`(r) => r.querySelector('[part~="status"]').textContent === 'Reply published.'`);
    await inShadow(`(r) => ${button('Pin')}.click()`);
    await until(`(r) => r.querySelector('[part~="status"]').textContent === 'Comment pinned: it is listed first in its thread.'`);
    await inShadow(`(r) => ${button('Close thread')}.click()`);
    await until(`(r) => r.querySelector('[part~="status"]').textContent.endsWith('closed: no new comments.')`);
    assert.deepEqual(errors, []);

    const thread = 'podcast-of-the-day/p2p-governance';
    const list = await (await fetch(`${demo.server.url}/api/comments?thread=${encodeURIComponent(thread)}`)).json();
    assert.equal(list.closed, true);
    const all = [...list.comments, ...list.comments.flatMap((c: { replies?: unknown[] }) => c.replies ?? [])] as { body: string; role?: string; pinned?: boolean }[];
    const reply = all.find((c) => c.body === 'Thanks, from the host.');
    assert.equal(reply?.role, 'host');
    assert.equal(list.comments[0].pinned, true);
    await admin.close();
  });
});
