/**
 * End to end, a conversation on the demo page: timestamps that seek the episode, a reply,
 * "Load more comments" on a long thread, a permalink on the second page, and counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import type { CommentPage, PostedComment } from '../../src/api/contract.js';
import { clickSteady, demoSession, showForm, waitInShadow } from './harness.js';

const THREAD = 'podcast-of-the-day/p2p-governance';

describe('a conversation on the demo page', () => {
  const demo = demoSession();
  const pageErrors: string[] = [];

  async function open(path = '/'): Promise<Page> {
    const page = await demo.browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${demo.server.url}${path}`, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const root = document.querySelector('colloquy-comments')?.shadowRoot;
      return root?.querySelector('[part~="heading"]') && !root.querySelector('[part~="skeleton"]');
    });
    return page;
  }

  async function post(body: string, name: string, parentId: string | null = null): Promise<PostedComment> {
    const response = await fetch(`${demo.server.url}/api/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ thread: THREAD, parentId, author: { name, email: `${name.replace(/\W/g, '')}@example.com` }, body, idempotencyKey: `${name}-${body}` }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()) as PostedComment;
  }

  const inShadow = <T>(page: Page, fn: (root: ShadowRoot) => T) =>
    page.evaluate(`(${fn.toString()})(document.querySelector('colloquy-comments').shadowRoot)`) as Promise<T>;

  it('turns a timestamp in a comment into a button that seeks the episode’s audio', async () => {
    const page = await open();
    // The seed comment mentions 17:45.
    const stamp = await waitInShadow(page, 'colloquy-comments', `[part~="timestamp"]`);
    assert.equal(await stamp!.evaluate((b) => b.textContent), '17:45');
    await page.waitForFunction(() => document.querySelector('audio')!.readyState >= 1);
    await stamp!.click();
    await page.waitForFunction(() => Math.round(document.querySelector('audio')!.currentTime) >= 1065);
    const time = await page.$eval('audio', (a) => a.currentTime);
    assert.ok(time >= 1065 && time < 1080, `currentTime ${time}`);
    await page.close();
  });

  it('posts with "Add current time", replies, and nests the reply', async () => {
    const page = await open();
    await page.$eval('audio', (a) => (a.currentTime = 754));
    await showForm(page);
    const box = await waitInShadow(page, 'colloquy-comments', `#body`);
    await box!.type('The best part starts at');
    await (await page.$('colloquy-comments >>> [part~="add-time"]'))!.click();
    assert.equal(await box!.evaluate((b) => (b as HTMLTextAreaElement).value), 'The best part starts at 12:34 ');
    await (await page.$('colloquy-comments >>> #name'))!.type('Timestamp Fan');
    await (await page.$('colloquy-comments >>> #email'))!.type('fan@example.com');
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    await page.waitForFunction(() =>
      [...document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('[part~="timestamp"]')].some((b) => b.textContent === '12:34'),
    );
    const id = await inShadow(page, (root) =>
      [...root.querySelectorAll('article')].find((a) => a.textContent!.includes('Timestamp Fan'))!.id.replace('comment-', ''),
    );

    // Within the 15-minute window the author can fix what they wrote, in place.
    await (await waitInShadow(page, 'colloquy-comments', `[data-edit="${id}"]`))!.click();
    const editBox = (await waitInShadow(page, 'colloquy-comments', `#edit-${id}`))!;
    await editBox.evaluate((b) => (b as HTMLTextAreaElement).setSelectionRange(0, 0));
    await page.keyboard.type('Edited: ');
    await (await page.$('colloquy-comments >>> [part~="edit-form"] [part~="submit"]'))!.click();
    await page.waitForFunction(
      (cid) => document.querySelector('colloquy-comments')!.shadowRoot!.querySelector(`#comment-${cid} [part~="comment-body"]`)?.textContent?.startsWith('Edited: The best part'),
      {},
      id,
    );
    const stored = (await (await fetch(`${demo.server.url}/api/comments?thread=${encodeURIComponent(THREAD)}`)).json()) as CommentPage;
    assert.equal(stored.comments.find((c) => c.id === id)?.body, 'Edited: The best part starts at 12:34');
    await (await page.$(`colloquy-comments >>> [data-reply-to="${id}"]`))!.click();
    await page.waitForFunction(() => document.querySelector('colloquy-comments')!.shadowRoot!.activeElement?.id === 'body');
    await page.keyboard.type('Agreed, 12:34 is great.');
    // The form keeps the details typed for the first comment; replace them.
    for (const [field, value] of [['name', 'Replier'], ['email', 'replier@example.com']]) {
      const input = (await page.$(`colloquy-comments >>> #${field}`))!;
      await input.click({ count: 3 });
      await input.type(value);
    }
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    await page.waitForFunction(
      (parent) => {
        const root = document.querySelector('colloquy-comments')!.shadowRoot!;
        const reply = [...root.querySelectorAll('article')].find((a) => a.textContent!.includes('Agreed, 12:34'));
        return reply?.closest('ol')?.closest('li')?.querySelector('article')?.id === `comment-${parent}`;
      },
      {},
      id,
    );
    await page.close();
  });

  it('downloads only the language a page speaks', async () => {
    const page = await open();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.evaluate((thread) => {
      document.body.insertAdjacentHTML('beforeend', `<p lang="de"><colloquy-count id="de-count" endpoint="/api"></colloquy-count></p>`);
      document.getElementById('de-count')!.setAttribute('thread', thread);
    }, THREAD);
    await page.waitForFunction(() => /Kommentar/.test(document.getElementById('de-count')!.textContent!));
    assert.deepEqual(requested.filter((p) => p.startsWith('/locales/')), ['/locales/de.js']);
    await page.close();
  });

  it('shows the languages page: four locales, each downloaded once, Arabic right to left', async () => {
    const page = await demo.browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.goto(`${demo.server.url}/languages.html`, { waitUntil: 'load' });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('colloquy-comments')].every((el) => el.shadowRoot?.querySelector('[part~="heading"]') && !el.shadowRoot.querySelector('[part~="skeleton"]')),
    );
    const headings = await page.$$eval('colloquy-comments', (els) => els.map((el) => el.shadowRoot!.querySelector('[part~="form-heading"]')!.textContent));
    assert.equal(headings[0], 'Schreibe einen Kommentar');
    assert.equal(headings[3], 'Co o tym sądzisz?', 'the strings attribute overrides');
    const dir = await page.$eval('section[lang="ar"] colloquy-comments', (el) => el.shadowRoot!.querySelector('section')!.getAttribute('dir'));
    assert.equal(dir, 'rtl');
    assert.deepEqual(requested.filter((p) => p.startsWith('/locales/')).sort(), ['/locales/ar.js', '/locales/de.js', '/locales/ja.js', '/locales/pl.js']);
    await page.close();
  });

  it('pages a long thread with "Load more comments" and finds a permalink on a later page', async () => {
    let last: PostedComment | undefined;
    for (let i = 1; i <= 55; i++) last = await post(`Listener note number ${i}.`, `Listener ${i}`);
    const listed = (await (await fetch(`${demo.server.url}/api/comments?thread=${encodeURIComponent(THREAD)}`)).json()) as CommentPage;
    assert.equal(listed.nextCursor !== null, true, 'the thread has a second page');

    let page = await open();
    const heading = await inShadow(page, (root) => root.querySelector('[part~="heading"]')!.textContent);
    assert.equal(heading, `${listed.count} Comments`);
    const before = await inShadow(page, (root) => root.querySelectorAll('[part~="comment"]').length);
    await clickSteady((await page.$('colloquy-comments >>> [part~="load-more"]'))!);
    await page.waitForFunction(
      (n) => document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('[part~="comment"]').length > n,
      {},
      before,
    );
    assert.equal(await page.$('colloquy-comments >>> [part~="load-more"]'), null, 'all loaded');
    await page.close();

    page = await open(`/#comment-${last!.comment.id}`);
    await page.waitForFunction(
      (id) => document.querySelector('colloquy-comments')!.shadowRoot!.getElementById(`comment-${id}`)?.classList.contains('highlight'),
      {},
      last!.comment.id,
    );
    const visible = await page.evaluate((id) => {
      const box = document.querySelector('colloquy-comments')!.shadowRoot!.getElementById(`comment-${id}`)!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= innerHeight;
    }, last!.comment.id);
    assert.ok(visible, 'the permalinked comment is scrolled into view');
    await page.close();
  });

  it('counts comments for listing pages in one request', async () => {
    const page = await demo.browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${demo.server.url}/`, { waitUntil: 'load' });
    await page.evaluate((thread) => {
      document.body.insertAdjacentHTML(
        'beforeend',
        `<p id="counts"><colloquy-count endpoint="/api" thread="${thread}"></colloquy-count> · <colloquy-count endpoint="/api" thread="nothing-here"></colloquy-count></p>`,
      );
    }, THREAD);
    await page.waitForFunction(() => [...document.querySelectorAll('#counts colloquy-count')].every((c) => c.textContent));
    const texts = await page.$$eval('#counts colloquy-count', (els) => els.map((e) => e.textContent));
    assert.match(texts[0]!, /^\d+ Comments$/);
    assert.equal(texts[1], 'No comments yet');
    assert.equal(requests.filter((r) => r.includes('/api/counts')).length, 1);
    await page.close();
    assert.deepEqual(pageErrors, []);
  });
});
