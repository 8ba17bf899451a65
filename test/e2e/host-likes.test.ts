/**
 * End to end on the demo (issue 14): a moderator replies as host, and writes a comment as host,
 * from /admin; the episode page shows them with the "Host" badge; a visitor likes the host's
 * comment, and "Top" puts it first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { demoSession, waitInShadow } from './harness.js';

const ADMIN_TOKEN = 'e2e-admin-token-with-enough-length';

describe('host replies and likes on the demo', () => {
  const demo = demoSession({ COLLOQUY_ADMIN_TOKEN: ADMIN_TOKEN, COLLOQUY_HOST_NAME: 'The Show' });

  const inShadow = (page: Page, tag: string, fn: string) => page.evaluate(`(${fn})(document.querySelector('${tag}').shadowRoot)`);
  const until = (page: Page, tag: string, fn: string) => page.waitForFunction(`(${fn})(document.querySelector('${tag}')?.shadowRoot)`, { polling: 100, timeout: 15_000 });

  it('shows the host\'s reply with its badge; a visitor likes the host\'s comment and "Top" puts it first', async () => {
    const errors: string[] = [];
    const admin = await demo.browser.newPage();
    admin.on('pageerror', (e) => errors.push(String(e)));
    await admin.goto(`${demo.server.url}/admin`, { waitUntil: 'load' });
    await admin.evaluate((token) => sessionStorage.setItem('colloquy-admin-token', token), ADMIN_TOKEN);
    await admin.reload({ waitUntil: 'load' });
    await waitInShadow(admin, 'colloquy-admin', `[part~="tabs"] button:nth-child(2)`);
    await inShadow(admin, 'colloquy-admin', `(r) => r.querySelector('[part~="tabs"] button:nth-child(2)').click()`);
    const button = (label: string) => `[...r.querySelectorAll('[part~="comment"] button')].find((b) => b.textContent.trim() === '${label}')`;
    await until(admin, 'colloquy-admin', `(r) => r && ${button('Reply as host')}`);
    await inShadow(admin, 'colloquy-admin', `(r) => ${button('Reply as host')}.click()`);
    await (await waitInShadow(admin, 'colloquy-admin', `[part~="reply-form"] textarea`)).type('Thanks for listening, from the host.');
    await inShadow(admin, 'colloquy-admin', `(r) => r.querySelector('[part~="reply-form"] button[type="submit"]').click()`);
    await until(admin, 'colloquy-admin', `(r) => r.querySelector('[part~="status"]').textContent === 'Reply published.'`);
    // And a comment of the host's own, in the demo's thread (the filter's thread, else typed).
    await inShadow(admin, 'colloquy-admin', `(r) => r.querySelector('[part~="compose"] summary').click()`);
    const thread = await waitInShadow(admin, 'colloquy-admin', '#compose-thread');
    await thread.evaluate((input) => ((input as unknown as HTMLInputElement).value = ''));
    await thread.type('podcast-of-the-day/p2p-governance');
    await (await waitInShadow(admin, 'colloquy-admin', '#compose-body')).type('A note from the host.');
    await inShadow(admin, 'colloquy-admin', `(r) => r.querySelector('[part~="compose"] button[type="submit"]').click()`);
    await until(admin, 'colloquy-admin', `(r) => r.querySelector('[part~="status"]').textContent === 'Comment published.'`);
    assert.equal(errors.join('\n'), '');

    const visitor = await demo.browser.newPage();
    visitor.on('pageerror', (e) => errors.push(String(e)));
    await visitor.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    const articleOf = (body: string) => `[...r.querySelectorAll('[part~="comment"]')].find((a) => a.querySelector('[part~="comment-body"]')?.textContent.trim() === '${body}')`;
    await until(visitor, 'colloquy-comments', `(r) => r && ${articleOf('Thanks for listening, from the host.')}`);
    const badges = await inShadow(visitor, 'colloquy-comments', `(r) => [...r.querySelectorAll('[part~="badge"]')].map((b) => [b.textContent, b.closest('article').querySelector('[part~="comment-author"]').textContent])`);
    assert.deepEqual(badges, [['Host', 'The Show'], ['Host', 'The Show']]);
    const roots = `[...r.querySelectorAll('.thread > li > article [part~="comment-body"]')].map((b) => b.textContent.trim())`;
    const before = (await inShadow(visitor, 'colloquy-comments', `(r) => ${roots}`)) as string[];
    assert.equal(before.at(-1), 'A note from the host.', 'oldest first: the host\'s new comment is last');

    // The visitor likes it (a real button: focus and Enter), and the count says so.
    await inShadow(visitor, 'colloquy-comments', `(r) => ${articleOf('A note from the host.')}.querySelector('[part~="like-button"]').focus()`);
    await visitor.keyboard.press('Enter');
    await until(visitor, 'colloquy-comments', `(r) => ${articleOf('A note from the host.')}.querySelector('[part~="like-button"]').getAttribute('aria-pressed') === 'true'`);
    assert.equal(await inShadow(visitor, 'colloquy-comments', `(r) => ${articleOf('A note from the host.')}.querySelector('[part~="like-button"]').textContent`), 'Like 1');
    const kept = JSON.parse(String(await visitor.evaluate(() => localStorage.getItem('colloquy-likes:/api'))));
    assert.match(kept.visitor, /^[A-Za-z0-9_-]{16,64}$/);
    assert.equal(await visitor.evaluate(() => document.cookie), '');

    await inShadow(visitor, 'colloquy-comments', `(r) => { const s = r.querySelector('[part~="sort"]'); s.value = 'top'; s.dispatchEvent(new Event('change')); }`);
    await until(visitor, 'colloquy-comments', `(r) => ${roots}[0] === 'A note from the host.'`);
    // After a reload too, still pressed and still first.
    await visitor.reload({ waitUntil: 'load' });
    await until(visitor, 'colloquy-comments', `(r) => r && ${roots}[0] === 'A note from the host.'`);
    assert.equal(await inShadow(visitor, 'colloquy-comments', `(r) => ${articleOf('A note from the host.')}.querySelector('[part~="like-button"]').getAttribute('aria-pressed')`), 'true');
    assert.deepEqual(errors, []);
    await Promise.all([admin.close(), visitor.close()]);
  });
});
