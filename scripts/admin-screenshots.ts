/**
 * The README's screenshots of the moderation page, at 1280 px and 375 px wide:
 * docs/images/admin-1280.png and admin-375.png. Runs the demo server (built: `npm run build`
 * first) with its own throw-away database, posts a few comments through the public API so the
 * Pending tab has some, and takes them with Debian's Chromium, headless.
 *
 *   npx tsx scripts/admin-screenshots.ts
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { launchChromium, removeDir, startServer } from '../test/e2e/harness.js';

const TOKEN = 'screenshot-admin-token-long-enough-to-pass';
const THREAD = 'podcast-of-the-day/p2p-governance';
const LIMIT = 200 * 1024;

const server = await startServer({
  COLLOQUY_MODERATION: 'all',
  COLLOQUY_ADMIN_TOKEN: TOKEN,
  COLLOQUY_THREAD_URL: 'https://podcast.example/episodes/{thread}',
  COLLOQUY_HOST_NAME: 'Podcast of the Day',
});
const browser = await launchChromium();
try {
  const comments = [
    ['Ada Park', 'ada@example.com', 'Loved the part about governance tokens at 12:30. Is there a transcript anywhere?'],
    ['Grace Liu', 'grace@example.org', 'The guest made a great point about forks being a feature, not a failure.'],
    ['Cheap Watches', 'deals@spam.example', 'Best replica watches!!! Visit my site for 90% off.'],
  ];
  for (const [name, email, body] of comments) {
    const res = await fetch(`${server.url}/api/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: server.url },
      body: JSON.stringify({ thread: THREAD, parentId: null, author: { name, email, url: null }, body, idempotencyKey: randomUUID() }),
    });
    if (!res.ok) throw new Error(`posting failed: ${res.status} ${await res.text()}`);
  }
  for (const [width, height, file] of [
    [1280, 900, 'docs/images/admin-1280.png'],
    [375, 1100, 'docs/images/admin-375.png'],
  ] as const) {
    const page = await browser.newPage();
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    await page.goto(`${server.url}/admin`, { waitUntil: 'load' });
    await page.evaluate((token) => sessionStorage.setItem('colloquy-admin-token', token), TOKEN);
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('colloquy-admin')?.shadowRoot?.querySelectorAll('[part~="comment"]').length === 3);
    await page.screenshot({ path: file, type: 'png' });
    const size = statSync(file).size;
    console.log(`[colloquy] ${file}: ${width}×${height}, ${(size / 1024).toFixed(0)} KB`);
    if (size > LIMIT) throw new Error(`${file} is over 200 KB`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
  removeDir(server.dir);
}
