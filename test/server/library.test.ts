/**
 * colloquy/server: createColloquy's options are the environment variables in camelCase,
 * checked by the same parser; the app it returns mounts under a path in node:http, Express
 * and Hono, over real HTTP with a real SQLite file.
 */
import express from 'express';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig } from '../../src/server/config.js';
import { createColloquy, OPTION_VARIABLES, optionsToEnv, type Colloquy } from '../../src/server/library.js';
import { SmtpSink } from './smtp-sink.js';

const SECRET = 's'.repeat(40);
const TOKEN = 't'.repeat(40);
const quiet = { info: () => undefined, error: () => undefined };

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'colloquy-library-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const database = () => `sqlite:${join(scratch, `${randomUUID()}.db`)}`;

function rejectsWith(promise: Promise<unknown>, message: string): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

describe('createColloquy options', () => {
  it('names an option for every environment variable the server reads', () => {
    const source = readFileSync(fileURLToPath(new URL('../../src/server/config.ts', import.meta.url)), 'utf8');
    const read = new Set([...source.matchAll(/'((?:COLLOQUY|AKISMET)_[A-Z_]+|PORT|HOST|DATABASE_URL)'/g)].map((m) => m[1]!));
    // The `_FILE` variants are built from their list's name, so add them from the options' side.
    const named = new Set<string>(Object.values(OPTION_VARIABLES));
    for (const variable of read) assert.ok(named.has(variable), `${variable} has no option in OPTION_VARIABLES`);
  });

  it('reads the same configuration as the environment does, with native values', async () => {
    const options = {
      databaseUrl: database(),
      secret: SECRET,
      adminToken: TOKEN,
      origins: ['https://blog.example', 'http://localhost:5173/'],
      moderation: 'all' as const,
      floodSeconds: 0,
      trustProxy: 2,
      maxLinks: 'off' as const,
      moderationWords: ['casino', 'free money'],
      publicUrl: 'https://blog.example',
      adminUrl: 'https://blog.example/comments/admin',
      maxConnections: 64,
      webhookUrl: 'https://hooks.example/new',
      webhookFormat: 'slack' as const,
      akismetDiscard: true,
      hostName: 'The Show',
      closeAfterDays: 30,
    };
    const colloquy = await createColloquy(options, { log: quiet });
    try {
      const fromEnv = parseConfig({
        DATABASE_URL: options.databaseUrl,
        COLLOQUY_SECRET: SECRET,
        COLLOQUY_ADMIN_TOKEN: TOKEN,
        COLLOQUY_ORIGINS: 'https://blog.example,http://localhost:5173/',
        COLLOQUY_MODERATION: 'all',
        COLLOQUY_FLOOD_SECONDS: '0',
        COLLOQUY_TRUST_PROXY: '2',
        COLLOQUY_MAX_LINKS: 'off',
        COLLOQUY_MODERATION_WORDS: 'casino, free money',
        COLLOQUY_PUBLIC_URL: 'https://blog.example',
        COLLOQUY_ADMIN_URL: 'https://blog.example/comments/admin',
        COLLOQUY_MAX_CONNECTIONS: '64',
        COLLOQUY_WEBHOOK_URL: 'https://hooks.example/new',
        COLLOQUY_WEBHOOK_FORMAT: 'slack',
        COLLOQUY_AKISMET_DISCARD: 'true',
        COLLOQUY_HOST_NAME: 'The Show',
        COLLOQUY_CLOSE_AFTER_DAYS: '30',
      });
      assert.equal(colloquy.config.hostName, 'The Show');
      assert.equal(colloquy.config.closeAfterDays, 30);
      assert.deepEqual(colloquy.config, { ...fromEnv, secret: SECRET, adminToken: TOKEN });
      assert.equal(colloquy.config.trustProxy, 2);
      assert.deepEqual(colloquy.config.spam.moderationWords, ['casino', 'free money']);
    } finally {
      await colloquy.close();
    }
  });

  it('refuses a bad value with the parser’s message, naming the option instead of the variable', async () => {
    await rejectsWith(
      createColloquy({ databaseUrl: database(), origins: ['https://blog.example/comments'] }),
      'origins must be a comma-separated list of origins such as https://example.com (scheme, host and optional port, no path); "https://blog.example/comments" is not one.',
    );
    await rejectsWith(
      createColloquy({ secret: 'short' }),
      'secret must be at least 32 characters long (try: openssl rand -base64 32), or unset to have one generated.',
    );
    await rejectsWith(createColloquy({ moderation: 'sometimes' as never }), 'moderation must be none, first-time or all, not "sometimes".');
    await rejectsWith(createColloquy({ port: 70000 }), 'port must be a port number from 0 to 65535 (0 picks a free port), not "70000".');
    await rejectsWith(
      createColloquy({ akismetKey: 'abc' }),
      'siteUrl must be set to the address of your site (for example https://blog.example.com/) when akismetKey is.',
    );
    await rejectsWith(
      createColloquy({ databaseUrl: 'mysql://db/comments' }),
      'databaseUrl must start with postgres://, postgresql://, sqlite: or file: (unset, it is sqlite:./data/colloquy.db).',
    );
  });

  it('refuses an unknown option, and values of the wrong type', async () => {
    await assert.rejects(createColloquy({ orgins: 'https://blog.example' } as never), /^ConfigError: orgins is not a Colloquy option; the options are port, host, databaseUrl/);
    await rejectsWith(createColloquy({ floodSeconds: { seconds: 3 } } as never), 'floodSeconds must be a string, not object.');
    await rejectsWith(createColloquy({ floodSeconds: Number.NaN }), 'floodSeconds must be a string, not NaN.');
    await rejectsWith(createColloquy({ blockedWords: ['a,b'] }), 'blockedWords must be a list of strings, none of them holding a comma.');
    assert.throws(() => optionsToEnv(null as never), /options must be an object/);
  });

  it('generates the secret and the admin token beside the database, as the server does', async () => {
    const dir = mkdtempSync(join(scratch, 'keys-'));
    const notes: string[] = [];
    const colloquy = await createColloquy({ databaseUrl: `sqlite:${join(dir, 'comments.db')}` }, { log: { info: (m) => notes.push(m), error: () => undefined } });
    await colloquy.close();
    assert.equal(statSync(join(dir, 'colloquy.secret')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'colloquy.admin-token')).mode & 0o777, 0o600);
    assert.ok(notes.some((m) => m.startsWith('[colloquy] Generated an admin token')), notes.join('\n'));
  });

  it('closes its SMTP connections on close(), so nothing is left open to the mail server', async () => {
    const sink = await SmtpSink.start();
    let closed = false;
    try {
      const colloquy = await createColloquy(
        // ?pool=true: nodemailer keeps the connection open between messages until the transport is closed.
        { databaseUrl: database(), secret: SECRET, adminToken: TOKEN, moderation: 'none', floodSeconds: 0, minFormSeconds: 0, smtpUrl: `${sink.url}?pool=true`, publicUrl: 'https://comments.example.com' },
        { log: quiet },
      );
      const email = `pool-${randomUUID().slice(0, 8)}@example.com`;
      const posted = await colloquy.app.request('/api/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ thread: 'library/pool', body: 'Tell me of replies.', author: { name: 'Ada', email }, notify: true, locale: 'en', idempotencyKey: randomUUID() }),
      });
      assert.equal(posted.status, 201, await posted.text());
      await sink.waitFor(email);
      await colloquy.close();
      await Promise.race([sink.close().then(() => void (closed = true)), new Promise((resolve) => setTimeout(resolve, 3000))]);
      assert.ok(closed, 'the SMTP server still has a connection open 3 s after close()');
    } finally {
      if (!closed) {
        (sink as unknown as { server: { connections: Set<{ close(): void }> } }).server.connections.forEach((c) => c.close());
        await sink.close();
      }
    }
  });
});

/** Serves `listener` on a free port; resolves with its base URL and the server to close. */
function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Posts, lists, and fetches the admin page and the API's 404 under `base` (the mount point). */
async function exerciseMount(base: string): Promise<void> {
  const thread = `library/${randomUUID()}`;
  const posted = await fetch(`${base}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ thread, parentId: null, body: 'Mounted and posting.', author: { name: 'Ada', email: 'ada@example.com' }, idempotencyKey: randomUUID() }),
  });
  assert.equal(posted.status, 201, await posted.clone().text());
  const listed = await fetch(`${base}/api/comments?thread=${encodeURIComponent(thread)}`);
  assert.equal(listed.status, 200);
  const page = (await listed.json()) as { comments: { body: string }[] };
  assert.deepEqual(
    page.comments.map((c) => c.body),
    ['Mounted and posting.'],
  );
  assert.ok(!JSON.stringify(page).includes('ada@example.com'));
  // The moderation page loads its script and talks to its API relative to itself.
  const admin = await fetch(`${base}/admin`);
  assert.equal(admin.status, 200);
  const html = await admin.text();
  assert.match(html, /<script type="module" src="colloquy-admin\.js"><\/script>/);
  assert.match(html, /<colloquy-admin endpoint="api">/);
  const missing = await fetch(`${base}/api/nothing-here`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
}

describe('createColloquy mounted under /comments', () => {
  let colloquy: Colloquy;
  before(async () => {
    colloquy = await createColloquy({ databaseUrl: database(), secret: SECRET, adminToken: TOKEN, moderation: 'none', floodSeconds: 0, minFormSeconds: 0 }, { log: quiet });
  });
  after(() => colloquy.close());

  it('in plain node:http, with the prefix stripped before the handler', async () => {
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/comments' || url.startsWith('/comments/') || url.startsWith('/comments?')) {
        req.url = url.slice('/comments'.length) || '/';
        void colloquy.handler(req, res);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('the host app');
    });
    const base = await listen(server);
    try {
      await exerciseMount(`${base}/comments`);
      assert.equal(await (await fetch(`${base}/`)).text(), 'the host app');
    } finally {
      await close(server);
    }
  });

  it('in Express, with app.use(path, handler)', async () => {
    const app = express();
    app.get('/', (_req, res) => {
      res.send('the host app');
    });
    app.use('/comments', colloquy.handler);
    const server = createServer(app);
    const base = await listen(server);
    try {
      await exerciseMount(`${base}/comments`);
      assert.equal(await (await fetch(`${base}/`)).text(), 'the host app');
    } finally {
      await close(server);
    }
  });

  it('in Hono, with app.mount(path, colloquy.app.fetch)', async () => {
    const app = new Hono();
    app.get('/', (c) => c.text('the host app'));
    app.mount('/comments', colloquy.app.fetch);
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await exerciseMount(`${base}/comments`);
      assert.equal(await (await fetch(`${base}/`)).text(), 'the host app');
    } finally {
      await close(server);
    }
  });
});
