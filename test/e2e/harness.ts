/**
 * The end-to-end harness: the real server as `npm start` runs it (`tsx src/server/main.ts
 * --demo`) on a free port with its own SQLite file, and Debian's Chromium to drive it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

export interface RunningServer {
  url: string;
  dbFile: string;
  dir: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string> = {}, dir = mkdtempSync(join(tmpdir(), 'colloquy-e2e-'))): Promise<RunningServer> {
  const port = await freePort();
  const dbFile = join(dir, 'colloquy.db');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--demo'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dbFile}`, COLLOQUY_FLOOD_SECONDS: '0', COLLOQUY_MIN_FORM_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  return { url, dbFile, dir, child, output: () => output, stop };
}

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Debian's Chromium, headless, with the flags that keep it from reaching out to any
 * host (this machine's network is closed, and the widget must not need one anyway).
 */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Starts the server (with `env`) and Chromium before the enclosing suite, and stops both after it. */
export function demoSession(env: Record<string, string> = {}): { server: RunningServer; browser: Browser } {
  const session = {} as { server: RunningServer; browser: Browser };
  before(async () => {
    session.server = await startServer(env);
    session.browser = await launchChromium();
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.stop();
    if (session.server) removeDir(session.server.dir);
  });
  return session;
}

/**
 * Scrolls to the form, as a visitor does before typing, and waits until it is drawn: under a
 * thread it is drawn once its place comes within a screen of view.
 */
export async function showForm(page: Page, host = 'colloquy-comments'): Promise<void> {
  await page.waitForFunction(
    (h: string) => {
      const root = document.querySelector(h)?.shadowRoot;
      root?.querySelector('.form-later')?.scrollIntoView();
      return root?.querySelector('[part~="form"], [part~="closed"]');
    },
    { polling: 'raf' },
    host,
  );
}

/**
 * Clicks an element once it stands still, as a visitor aims at what they see: scrolled to, the
 * comments around it are drawn at their real height (content-visibility), which can move it
 * between the scroll and a click made at once.
 */
export async function clickSteady(handle: ElementHandle<Element>): Promise<void> {
  await handle.scrollIntoView();
  let last = '';
  for (let frames = 0; frames < 60; frames++) {
    const box = JSON.stringify(await handle.boundingBox());
    if (box === last) break;
    last = box;
    await handle.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  }
  await handle.click();
}

/**
 * Waits for `selector` inside the shadow root of the page's `host` element. Puppeteer's own
 * waitForSelector watches the document's mutations, not a shadow root's, so an element that
 * appears later inside one can be missed until the timeout.
 */
export async function waitInShadow(page: Page, host: string, selector: string): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (h: string, s: string) => document.querySelector(h)?.shadowRoot?.querySelector(s),
    { polling: 'raf' },
    host,
    selector,
  );
  return handle as ElementHandle<Element>;
}
