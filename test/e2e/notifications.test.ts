/**
 * End to end, the whole email loop on the demo (`npm start`: no SMTP server, every email an
 * `.eml` file beside the database, read in the demo's mail viewer at /mail), in Chromium:
 * visitor A ticks "Notify me of replies…" and posts, confirms from the confirmation email;
 * visitor B (another browser context) replies; A's notification arrives with who replied, the
 * text and the permalink; its unsubscribe link's "Stop all email from this site" stops the next
 * one; then A's "my comments" page, opened from the email, downloads A's comment as JSON and
 * deletes it after its confirmation step.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import type { CommentPage } from '../../src/api/contract.js';
import { demoSession, showForm, waitInShadow } from './harness.js';

const THREAD = 'podcast-of-the-day/p2p-governance';
const POLL_MS = 100;
const WAIT_MS = 15_000;

/** Calls `probe` until it gives something other than `undefined`, or throws `what` after WAIT_MS. */
async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface ListedMail {
  href: string;
  subject: string;
  to: string;
}

describe('reply notifications by email, end to end on the demo', () => {
  const demo = demoSession();
  const pageErrors: string[] = [];
  const suffix = randomUUID().slice(0, 8);
  const ada = { name: 'Ada Listener', email: `ada-${suffix}@example.com` };
  const bea = { name: 'Bea Replier', email: `bea-${suffix}@example.com` };

  /**
   * Where a newcomer opens the demo (README: http://localhost:8787): the origin the demo builds
   * its links on, so the episode page is one the emails may link to.
   */
  const site = () => demo.server.url.replace('//127.0.0.1:', '//localhost:');

  const watch = (page: Page) => {
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e}`));
    return page;
  };

  async function openEpisode(page: Page) {
    await page.goto(`${site()}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const root = document.querySelector('colloquy-comments')?.shadowRoot;
      return root?.querySelector('[part~="heading"]') && !root.querySelector('[part~="skeleton"]');
    });
  }

  async function fill(page: Page, field: string, value: string) {
    await showForm(page);
    const input = (await waitInShadow(page, 'colloquy-comments', `#${field}`))!;
    await input.click({ count: 3 });
    await page.keyboard.press('Backspace');
    await input.type(value);
  }

  /** The id of the article on the page whose text holds `text`, once it is shown. */
  const articleWith = (page: Page, text: string) =>
    page
      .waitForFunction(
        (t: string) =>
          [...document.querySelector('colloquy-comments')!.shadowRoot!.querySelectorAll('article')].find((a) => a.textContent!.includes(t))?.id.replace('comment-', ''),
        { polling: 'raf' },
        text,
      )
      .then((handle) => handle.jsonValue() as Promise<string>);

  async function reply(page: Page, parentId: string, body: string) {
    await page.bringToFront();
    await (await waitInShadow(page, 'colloquy-comments', `[data-reply-to="${parentId}"]`))!.click();
    await page.waitForFunction(() => document.querySelector('colloquy-comments')!.shadowRoot!.activeElement?.id === 'body');
    await page.keyboard.type(body);
    await fill(page, 'name', bea.name);
    await fill(page, 'email', bea.email);
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
    return articleWith(page, body);
  }

  /** The messages the mail viewer lists to `to`, newest first. */
  async function mailTo(page: Page, to: string): Promise<ListedMail[]> {
    await page.goto(`${site()}/mail`, { waitUntil: 'load' });
    const all = await page.$$eval('li', (items) =>
      items.map((li) => ({ href: li.querySelector('a')?.href ?? '', subject: li.querySelector('strong')?.textContent ?? '', to: li.querySelector('.note')?.textContent ?? '' })),
    );
    return all.filter((m) => m.to.includes(to));
  }

  const waitForMail = (page: Page, to: string, subject: RegExp) =>
    poll(`an email to ${to} with the subject ${subject}`, async () => (await mailTo(page, to)).find((m) => subject.test(m.subject)));

  /** Opens a message in the viewer: its plain-text part, and the links in it. */
  async function openMail(page: Page, mail: ListedMail) {
    await page.goto(mail.href, { waitUntil: 'load' });
    const text = await page.$eval('pre.text', (pre) => pre.textContent!);
    const links = await page.$$eval('pre.text a', (as) => as.map((a) => a.getAttribute('href')!));
    return { text, links };
  }

  /** A link of the email to this server (the demo builds them on `localhost` at its port) whose path starts with `prefix`. */
  const linkStarting = (links: string[], prefix: string) => {
    const port = new URL(demo.server.url).port;
    const link = links.find((href) => {
      const url = new URL(href);
      return ['localhost', '127.0.0.1'].includes(url.hostname) && url.port === port && `${url.pathname}${url.search}`.startsWith(prefix);
    });
    assert.ok(link, `a link to ${prefix} in ${links.join(' ')}`);
    return link;
  };

  async function clickButton(page: Page, label: string) {
    // A tab in the background gets no mouse input: bring it to the front, as a person would.
    await page.bringToFront();
    const buttons = await page.$$('button');
    for (const button of buttons) {
      if ((await button.evaluate((b) => b.textContent!.trim())) === label) {
        await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 10_000 }), button.click()]).catch(async (e) => {
          throw new Error(`${e}: still at ${page.url()}: ${await page.$eval('body', (b) => b.innerHTML).catch(String)}`);
        });
        return;
      }
    }
    assert.fail(`no button "${label}" on ${page.url()}: ${await page.$eval('body', (b) => b.textContent)}`);
  }

  const bodyText = (page: Page) => page.$eval('body', (b) => b.textContent!.replace(/\s+/g, ' '));

  /** Reply-notification messages the outbox holds for a comment (the demo's own SQLite file, read only). */
  function queuedFor(commentId: string): { status: string }[] {
    const db = new Database(demo.server.dbFile, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(`select status from outbox where kind = 'reply-digest' and cast(json_extract(payload, '$.commentId') as text) = ?`)
        .all(commentId) as { status: string }[];
    } finally {
      db.close();
    }
  }

  function outboxIdle(): boolean {
    const db = new Database(demo.server.dbFile, { readonly: true, fileMustExist: true });
    try {
      const { n } = db.prepare(`select count(*) as n from outbox where status in ('pending', 'sending') and due_at <= ?`).get(Date.now()) as { n: number };
      return n === 0;
    } finally {
      db.close();
    }
  }

  it('opts in, confirms, is told of a reply, unsubscribes from the email, and hears of no more; then exports and deletes from "my comments"', async () => {
    const started = Date.now();
    const pageA = watch(await demo.browser.newPage());
    await openEpisode(pageA);

    // A ticks the box (unticked by default) and posts.
    await showForm(pageA);
    const notify = (await waitInShadow(pageA, 'colloquy-comments', '#notify'))!;
    assert.equal(await notify.evaluate((box) => (box as HTMLInputElement).checked), false, 'unticked by default');
    const question = `Is there a transcript of this episode? (${suffix})`;
    await fill(pageA, 'body', question);
    await fill(pageA, 'name', ada.name);
    await fill(pageA, 'email', ada.email);
    await notify.click();
    assert.equal(await notify.evaluate((box) => (box as HTMLInputElement).checked), true);
    await (await pageA.$('colloquy-comments >>> [part~="submit"]'))!.click();
    const adaId = await articleWith(pageA, question);

    // The confirmation email, in the mail viewer: only the form's POST confirms.
    const mailPage = watch(await demo.browser.newPage());
    const confirmation = await waitForMail(mailPage, ada.email, /^Confirm that you want reply notifications from /);
    const confirmMail = await openMail(mailPage, confirmation);
    await mailPage.goto(linkStarting(confirmMail.links, '/api/notifications/confirm?token='), { waitUntil: 'load' });
    await clickButton(mailPage, 'Yes, notify me of replies');
    assert.match(await bodyText(mailPage), /Done\. You will get an email when someone replies to your comment\./);

    // B, in a browser context of their own, replies to A's comment.
    let myComments = '';
    const contextB = await demo.browser.createBrowserContext();
    try {
      const pageB = watch(await contextB.newPage());
      await openEpisode(pageB);
      const firstReply = `Yes, it is linked under the player. (${suffix})`;
      const firstReplyId = await reply(pageB, adaId, firstReply);

      // A's notification: who replied (by name), the reply's text, its permalink, and how to stop.
      const notification = await waitForMail(mailPage, ada.email, new RegExp(`^${bea.name} replied to your comment on `));
      const notice = await openMail(mailPage, notification);
      assert.match(notice.text, new RegExp(`${bea.name} replied to your comment:`));
      assert.ok(notice.text.includes(firstReply), notice.text);
      assert.ok(notice.text.includes(question), 'it quotes what A wrote');
      assert.ok(!notice.text.includes(bea.email) && !notice.text.includes(bea.email.split('@')[0]!), 'never the replier’s address');
      const permalink = `${site()}/#comment-${firstReplyId}`;
      assert.ok(notice.links.includes(permalink), `the permalink ${permalink} in ${notice.links.join(' ')}`);
      const unsubscribe = linkStarting(notice.links, '/api/notifications/unsubscribe?token=');
      myComments = linkStarting(notice.links, '/api/me?token=');
      assert.deepEqual(queuedFor(adaId).map((m) => m.status), ['sent'], 'one notification, sent');

      // The permalink opens the episode page at the reply (in a new tab, as from a mailbox).
      const linked = watch(await demo.browser.newPage());
      await linked.goto(permalink, { waitUntil: 'load' });
      await waitInShadow(linked, 'colloquy-comments', `#comment-${firstReplyId}`);
      await linked.close();

      // Its unsubscribe link: a page with three choices; "Stop all email from this site".
      await mailPage.goto(unsubscribe, { waitUntil: 'load' });
      const choices = await mailPage.$$eval('button', (bs) => bs.map((b) => b.textContent!.trim()));
      assert.deepEqual(choices, ['Stop for this comment', 'Stop for this episode', 'Stop all email from this site']);
      await clickButton(mailPage, 'Stop all email from this site');
      assert.match(await bodyText(mailPage), /Done: this site will send you no more email\./);

      // B replies again: nothing is queued for A, and nothing arrives.
      const before = (await mailTo(mailPage, ada.email)).length;
      const secondReply = `Also, the show notes have the links. (${suffix})`;
      await reply(pageB, adaId, secondReply);
      const listed = (await (await fetch(`${demo.server.url}/api/comments?thread=${encodeURIComponent(THREAD)}`)).json()) as CommentPage;
      assert.ok(JSON.stringify(listed).includes(secondReply), 'the second reply is published');
      await poll('the outbox to have nothing due', async () => (outboxIdle() ? true : undefined));
      assert.deepEqual(queuedFor(adaId).map((m) => m.status), ['sent'], 'no second notification queued, now or gathered for later');
      assert.equal((await mailTo(mailPage, ada.email)).length, before, 'no new email to A');
      await pageB.close();
    } finally {
      await contextB.close();
    }

    // A's "my comments" page, from the email's link: A's comment is listed.
    await pageA.bringToFront();
    await pageA.goto(myComments, { waitUntil: 'load' });
    assert.match(await bodyText(pageA), /Your comments/);
    assert.ok((await bodyText(pageA)).includes(question));

    // Download everything (JSON): a real download, holding A's comment.
    const downloads = join(demo.server.dir, 'downloads');
    mkdirSync(downloads, { recursive: true });
    const cdp = await demo.browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    // In a tab of its own, closed once the file is there.
    const downloadPage = watch(await demo.browser.newPage());
    await downloadPage.goto(myComments, { waitUntil: 'load' });
    const download = await downloadPage.$('a[download]');
    assert.equal(await download!.evaluate((a) => a.textContent), 'Download everything (JSON)');
    await download!.evaluate((a) => (a as HTMLAnchorElement).click());
    const file = join(downloads, 'my-comments.json');
    const exported = await poll('the JSON download', async () => {
      if (!existsSync(file)) return undefined;
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        return undefined; // still being written
      }
    });
    const json = JSON.stringify(exported);
    assert.ok(json.includes(question), json.slice(0, 500));
    assert.ok(json.includes(adaId));
    assert.ok(!json.includes(bea.email), 'nobody else’s address');
    await downloadPage.close();

    // Delete all, after the confirmation step: A's comment, which has replies, stays as a placeholder.
    await clickButton(pageA, 'Delete all my comments…');
    assert.match(await bodyText(pageA), /Delete all your comments\?/);
    assert.ok(queuedFor(adaId).length === 1 && (await fetch(`${demo.server.url}/api/comments?thread=${encodeURIComponent(THREAD)}`).then((r) => r.text())).includes(question), 'nothing deleted before the confirmation');
    await clickButton(pageA, 'Delete all my comments');
    assert.match(await bodyText(pageA), /Your comments are deleted/);
    const after = (await (await fetch(`${demo.server.url}/api/comments?thread=${encodeURIComponent(THREAD)}`)).json()) as CommentPage;
    const placeholder = after.comments.find((c) => c.id === adaId);
    assert.equal(placeholder?.status, 'deleted', 'a placeholder keeps the replies in place');
    assert.ok(!JSON.stringify(after).includes(question) && !JSON.stringify(after).includes(ada.name), 'its text and name are gone');
    assert.ok(JSON.stringify(after).includes(`Yes, it is linked under the player. (${suffix})`), 'the replies by others stay');
    await openEpisode(pageA);
    await pageA.waitForFunction(
      (id: string) => document.querySelector('colloquy-comments')!.shadowRoot!.querySelector(`#comment-${id}`)?.textContent?.includes('This comment was deleted.'),
      { polling: 'raf' },
      adaId,
    );

    assert.deepEqual(pageErrors, []);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 60, `the loop took ${seconds} s`);
    console.log(`[e2e] the notification loop took ${seconds.toFixed(1)} s`);
    await pageA.close();
    await mailPage.close();
  });
});
