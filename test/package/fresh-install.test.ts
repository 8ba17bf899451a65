/**
 * The package as a site owner gets it: `npm pack` (which runs `prepack`, the build), then
 * `npm install ./colloquy-*.tgz express` into an empty project in the temp folder, far from
 * this repository's node_modules. From that install alone:
 *
 *   1. the tarball holds what it should and nothing else, and its size is printed;
 *   2. `npx colloquy serve` serves the widget to an episode page on another origin, and in
 *      Chromium a visitor posts, reloads, and replies;
 *   3. each mounting example (examples/node-http.mjs, express.mjs, hono.mjs: createColloquy
 *      at /comments) does the same;
 *   4. nothing compiles TypeScript at run time: neither tsx nor typescript is installed;
 *   5. each of them stops promptly on SIGTERM even while a browser holds a socket that has
 *      sent no request (Chromium preconnects; Node's close() waits for such a socket until
 *      it times out, a minute or more — this made the Express check take 100 s);
 *   6. `npx colloquy doctor` passes on the serve check's configuration.
 *
 * One install serves every check (better-sqlite3 compiles from source, about 75 s on two
 * cores); npm's cache is reused (`--prefer-offline`), so the registry is asked only for what
 * the cache lacks. COLLOQUY_PACK_PREBUILT=1 packs the dist/ already built (`--ignore-scripts`):
 * `npm test` sets it when its own build step ran just before.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { freePort, launchChromium, showForm } from '../e2e/harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_TIMEOUT_MS = 8 * 60_000;

interface Run {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = process.env, timeoutMs = INSTALL_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} took longer than ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The environment of a process in the site's project: none of this repository's paths. */
function siteEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'npm_config_cache']) if (process.env[name]) env[name] = process.env[name]!;
  return { ...env, ...extra };
}

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

interface Started {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM to the process group; resolves when the process has exited. */
  stop(): Promise<Stopped>;
}

/** Starts a long-running command in its own process group, and waits for `url` to answer. */
async function startProcess(cmd: string, args: string[], cwd: string, env: Record<string, string>, url: string): Promise<Started> {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} ${args.join(' ')} exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(url)).status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${cmd} ${args.join(' ')} did not answer at ${url}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      // Past this, the test fails rather than hangs: kill what is left.
      const killer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), STOP_LIMIT_MS * 3);
      const { code, signal } = await exited;
      clearTimeout(killer);
      return { code, signal, ms: Date.now() - started };
    },
  };
}

/** How soon a server must exit after SIGTERM (requests in flight get 2 s of it). */
const STOP_LIMIT_MS = 10_000;

/**
 * A connection that has sent no request, as Chromium opens ahead of need. Node's
 * `server.close()` does not count it as idle and waits for it until a timeout.
 */
function spareSocket(url: string): Promise<() => void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(() => socket.destroy()));
    socket.once('error', reject);
  });
}

/** Stops a server while a spare socket is open, and asserts it exited cleanly and soon. */
async function stopPromptly(server: Started, what: string): Promise<void> {
  const release = await spareSocket(server.url);
  try {
    const stopped = await server.stop();
    assert.ok(stopped.ms < STOP_LIMIT_MS, `${what} took ${stopped.ms} ms to stop on SIGTERM:\n${server.output()}`);
    assert.deepEqual({ code: stopped.code, signal: stopped.signal }, { code: 0, signal: null }, `${what} exited uncleanly:\n${server.output()}`);
    console.log(`[colloquy] ${what} stopped in ${stopped.ms} ms with a spare socket open`);
  } finally {
    release();
  }
}

describe('the packed package, installed fresh', () => {
  let work: string;
  let site: string;
  let tarball: string;
  let files: { path: string; size: number }[];
  let browser: Browser;
  const pageErrors: string[] = [];

  before(
    async () => {
      work = mkdtempSync(join(tmpdir(), 'colloquy-package-'));
      const prebuilt = process.env.COLLOQUY_PACK_PREBUILT === '1';
      const packStarted = Date.now();
      const packed = await run('npm', ['pack', '--json', '--pack-destination', work, ...(prebuilt ? ['--ignore-scripts'] : [])], ROOT);
      assert.equal(packed.code, 0, packed.output);
      // `prepack`'s own output precedes the JSON.
      const json = JSON.parse(packed.output.slice(packed.output.indexOf('[\n'))) as { filename: string; size: number; unpackedSize: number; files: { path: string; size: number }[] }[];
      tarball = join(work, json[0]!.filename);
      files = json[0]!.files;
      console.log(
        `[colloquy] ${json[0]!.filename}: ${(json[0]!.size / 1024).toFixed(1)} KB packed, ${(json[0]!.unpackedSize / 1024).toFixed(1)} KB unpacked, ${files.length} files; npm pack${prebuilt ? ' (prebuilt)' : ' with the build'}: ${((Date.now() - packStarted) / 1000).toFixed(0)} s`,
      );

      site = join(work, 'site');
      mkdirSync(site);
      writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'a-podcast-site', version: '1.0.0', private: true, type: 'module' }, null, 2));
      const started = Date.now();
      const installed = await run('npm', ['install', tarball, 'express@^5', '--prefer-offline', '--no-audit', '--no-fund'], site, siteEnv({}));
      assert.equal(installed.code, 0, installed.output);
      console.log(`[colloquy] npm install of the tarball and express: ${((Date.now() - started) / 1000).toFixed(0)} s`);
      browser = await launchChromium();
    },
    { timeout: INSTALL_TIMEOUT_MS + 60_000 },
  );

  after(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the widget, the compiled server and CLI, their types and the manifest, and no tests, sources, databases or maps', () => {
    const paths = files.map((file) => file.path);
    for (const expected of [
      'package.json',
      'README.md',
      'custom-elements.json',
      'dist/colloquy.js',
      'dist/colloquy-admin.js',
      'dist/locales/de.js',
      'dist/types/index.d.ts',
      'dist/server/cli/bin.js',
      'dist/server/server/library.js',
      'dist/server/server/library.d.ts',
      'dist/server/server/main.js',
      'dist/frameworks/elements.d.ts',
      ...['react', 'preact', 'solid', 'vue', 'svelte'].flatMap((name) => [`dist/frameworks/${name}.d.ts`, `dist/frameworks/${name}.js`]),
      'demo/index.html',
      'examples/express.mjs',
      'examples/node-http.mjs',
      'examples/hono.mjs',
      'examples/colloquy.service',
    ]) {
      assert.ok(paths.includes(expected), `the tarball lacks ${expected}`);
    }
    assert.ok(paths.some((path) => /^dist\/colloquy-writer-[\w-]+\.js$/.test(path)), 'the writer chunk is beside colloquy.js');
    const unwanted = paths.filter(
      (path) =>
        /^(test|src|scripts|bench|\.ci|node_modules|data)\//.test(path) ||
        /(^|\/)fixtures\//.test(path) ||
        /\.(map|db|db-wal|db-shm|sqlite|tgz|log)$/.test(path) ||
        /(^|\/)(tsconfig[\w.]*\.json|vite[\w.]*\.ts|\.gitignore|colloquy\.secret|colloquy\.admin-token)$/.test(path) ||
        (path.endsWith('.ts') && !path.endsWith('.d.ts')),
    );
    assert.deepEqual(unwanted, []);
    const manifest = JSON.parse(readFileSync(join(site, 'node_modules/colloquy/package.json'), 'utf8')) as {
      bin: Record<string, string>;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
      exports: Record<string, unknown>;
    };
    assert.equal(manifest.bin.colloquy, 'dist/server/cli/bin.js');
    assert.match(manifest.scripts.prepack ?? '', /\bnpm run build\b/, 'packing builds dist/ first');
    assert.deepEqual(manifest.exports['./frameworks/*'], { types: './dist/frameworks/*.d.ts', default: './dist/frameworks/*.js' });
    assert.ok(!('tsx' in manifest.dependencies) && !('typescript' in manifest.dependencies), 'neither tsx nor typescript is a dependency');
  });

  it('needs no TypeScript at run time: neither tsx nor typescript is installed', () => {
    assert.ok(!existsSync(join(site, 'node_modules/tsx')), 'tsx is installed');
    assert.ok(!existsSync(join(site, 'node_modules/typescript')), 'typescript is installed');
    assert.match(readFileSync(join(site, 'node_modules/colloquy/dist/server/cli/bin.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.ok((statSync(join(site, 'node_modules/.bin/colloquy')).mode & 0o111) !== 0, 'the bin is executable');
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const root = document.querySelector('colloquy-comments')?.shadowRoot;
      return root?.querySelector('[part~="heading"]') && !root.querySelector('[part~="skeleton"]');
    });
    return page;
  }

  const shadow = '() => document.querySelector("colloquy-comments").shadowRoot';

  /** As a visitor does it: click into each field, type, and press Post Comment. */
  async function fill(page: Page, body: string, name: string): Promise<void> {
    const values: [string, string][] = [
      ['body', body],
      ['name', name],
      ['email', `${name.toLowerCase().replace(/\W/g, '')}@example.com`],
    ];
    await showForm(page);
    for (const [field, value] of values) {
      await page.waitForFunction(`!!(${shadow})().querySelector('#${field}')`);
      const input = (await page.$(`colloquy-comments >>> #${field}`))!;
      // Three clicks select what the form kept from the last comment, so typing replaces it.
      await input.click({ count: 3 });
      await input.type(value);
      assert.equal(await input.evaluate((el) => (el as HTMLInputElement).value), value, `#${field} holds what was typed`);
    }
    await (await page.$('colloquy-comments >>> [part~="submit"]'))!.click();
  }

  const commentId = (page: Page, text: string) =>
    page.waitForFunction(
      (t: string) => {
        const root = document.querySelector('colloquy-comments')!.shadowRoot!;
        const article = [...root.querySelectorAll('article')].find((a) => a.textContent!.includes(t));
        return article?.id.replace('comment-', '') || false;
      },
      { polling: 100 },
      text,
    ).then((handle) => handle.jsonValue() as Promise<string>);

  /** On the page at `url`: post, reload and find it again, then reply to it and see the reply nested. */
  async function converse(url: string, label: string): Promise<void> {
    const page = await open(url);
    const first = `${label}: a first comment from the fresh install.`;
    await fill(page, first, 'First Listener');
    const id = await commentId(page, first);
    await page.reload({ waitUntil: 'load' });
    assert.equal(await commentId(page, first), id, 'the comment is still there after a reload');
    await (await page.$(`colloquy-comments >>> [data-reply-to="${id}"]`))!.click();
    // The reply form opens under the comment (its code loads on the first press).
    await page.waitForFunction(
      (parent: string) => {
        const root = document.querySelector('colloquy-comments')!.shadowRoot!;
        return !!root.querySelector('[part~="cancel-reply"]') && root.getElementById(`comment-${parent}`)?.closest('li')?.contains(root.querySelector('#body'));
      },
      { polling: 100 },
      id,
    );
    const reply = `${label}: and a reply to it.`;
    await fill(page, reply, 'Second Listener');
    await page.waitForFunction(
      (parent: string, text: string) => {
        const root = document.querySelector('colloquy-comments')!.shadowRoot!;
        const article = [...root.querySelectorAll('article')].find((a) => a.textContent!.includes(text));
        return article?.closest('ol')?.closest('li')?.querySelector('article')?.id === `comment-${parent}`;
      },
      { polling: 100 },
      id,
      reply,
    );
    await page.close();
    assert.deepEqual(pageErrors, []);
  }

  const quickPosting = { COLLOQUY_MODERATION: 'none', COLLOQUY_FLOOD_SECONDS: '0', COLLOQUY_MIN_FORM_SECONDS: '0' };

  it('serves a working comment section with `npx colloquy serve`, to an episode page on another origin', { timeout: 120_000 }, async () => {
    const [port, pagePort] = [await freePort(), await freePort()];
    const api = `http://127.0.0.1:${port}`;
    const episode: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Episode 42</title><link rel="icon" href="data:,">
<script type="module" src="${api}/colloquy.js"></script></head>
<body><main><h1>Episode 42</h1>
<colloquy-comments endpoint="${api}/api" thread="episodes/42"></colloquy-comments></main></body></html>`);
    });
    await new Promise<void>((resolve) => episode.listen(pagePort, '127.0.0.1', resolve));
    const env = siteEnv({ ...quickPosting, PORT: String(port), DATABASE_URL: `sqlite:${join(site, 'data/serve.db')}`, COLLOQUY_ORIGINS: `http://127.0.0.1:${pagePort}` });
    const server = await startProcess('npx', ['colloquy', 'serve'], site, env, `${api}/colloquy.js`);
    try {
      assert.match(server.output(), /Colloquy is running at http:\/\/localhost:\d+\//);
      await converse(`http://127.0.0.1:${pagePort}/`, 'serve');
    } finally {
      await server.stop();
      episode.close();
    }
    // npm itself dies of the SIGTERM (before its child has exited: hence another port); the unit
    // in examples/colloquy.service runs the bin with node.
    const unitPort = await freePort();
    const unit = await startProcess(
      process.execPath,
      [join(site, 'node_modules/colloquy/dist/server/cli/bin.js'), 'serve'],
      site,
      { ...env, PORT: String(unitPort) },
      `http://127.0.0.1:${unitPort}/colloquy.js`,
    );
    try {
      await stopPromptly(unit, '`node …/colloquy/dist/server/cli/bin.js serve`');
    } finally {
      await unit.stop();
    }
  });

  for (const [example, framework] of [
    ['express.mjs', 'Express'],
    ['node-http.mjs', 'node:http'],
    ['hono.mjs', 'Hono'],
  ] as const) {
    it(`serves a working comment section from createColloquy mounted at /comments in ${framework} (examples/${example})`, { timeout: 120_000 }, async () => {
      copyFileSync(join(site, 'node_modules/colloquy/examples', example), join(site, example));
      const port = await freePort();
      const env = siteEnv({ ...quickPosting, PORT: String(port), DATABASE_URL: `sqlite:${join(site, `data/${example}.db`)}` });
      const app = await startProcess(process.execPath, [example], site, env, `http://127.0.0.1:${port}/comments/colloquy.js`);
      try {
        await converse(`http://127.0.0.1:${port}/`, framework);
        const admin = await fetch(`http://127.0.0.1:${port}/comments/admin`);
        assert.equal(admin.status, 200);
        await admin.arrayBuffer();
        await stopPromptly(app, `examples/${example}`);
      } finally {
        await app.stop();
      }
    });
  }

  it('runs `npx colloquy doctor` on the configuration of the serve check', async () => {
    const result = await run('npx', ['colloquy', 'doctor'], site, siteEnv({ DATABASE_URL: `sqlite:${join(site, 'data/serve.db')}` }), 60_000);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /The SQLite database .*serve\.db opens and is writable\./);
    assert.match(result.output, /No problems found\./);
  });
});
