import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/server/config.js';
import { loadOrCreateKeyFile, loadOrCreateSecret } from '../../src/server/security/secret.js';

describe('configuration', () => {
  it('has documented defaults', () => {
    const config = parseConfig({});
    assert.deepEqual(config, {
      port: 8787,
      host: '127.0.0.1',
      publicUrl: null,
      http: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5000, maxConnections: 512 },
      database: { engine: 'sqlite', path: resolve('data/colloquy.db') },
      secret: null,
      secretPath: resolve('data/colloquy.secret'),
      adminToken: null,
      adminTokenPath: resolve('data/colloquy.admin-token'),
      adminUrl: null,
      threadUrl: null,
      origins: [],
      moderation: 'first-time',
      floodSeconds: 15,
      trustProxy: 0,
      likes: true,
      liveMax: 256,
      hostName: 'Host',
      closeAfterDays: null,
      siteUrl: null,
      spam: { minFormSeconds: 3, maxLinks: 1, moderationWords: [], blockedWords: [], akismet: null },
      webhook: null,
      mail: null,
      demo: false,
    });
  });

  it('reads COLLOQUY_LIVE_MAX: a whole number, 0 turning live updates off', () => {
    assert.equal(parseConfig({ COLLOQUY_LIVE_MAX: '40' }).liveMax, 40);
    assert.equal(parseConfig({ COLLOQUY_LIVE_MAX: '0' }).liveMax, 0);
    for (const bad of ['-1', 'many', '1.5', '12345678']) {
      assert.throws(() => parseConfig({ COLLOQUY_LIVE_MAX: bad }), /COLLOQUY_LIVE_MAX must be a whole number/);
    }
  });

  it('reads COLLOQUY_HOST_NAME (1–80 characters on one line) and COLLOQUY_CLOSE_AFTER_DAYS (whole days, 1–36500)', () => {
    assert.equal(parseConfig({ COLLOQUY_HOST_NAME: '  The Show  ' }).hostName, 'The Show');
    assert.equal(parseConfig({ COLLOQUY_HOST_NAME: '' }).hostName, 'Host');
    for (const bad of ['x'.repeat(81), 'two\u0007bells']) {
      assert.throws(() => parseConfig({ COLLOQUY_HOST_NAME: bad }), /COLLOQUY_HOST_NAME must be a name of 1 to 80 characters/);
    }
    assert.equal(parseConfig({ COLLOQUY_CLOSE_AFTER_DAYS: '30' }).closeAfterDays, 30);
    assert.equal(parseConfig({ COLLOQUY_CLOSE_AFTER_DAYS: '' }).closeAfterDays, null);
    for (const bad of ['0', '-1', '1.5', 'never', '36501']) {
      assert.throws(() => parseConfig({ COLLOQUY_CLOSE_AFTER_DAYS: bad }), /COLLOQUY_CLOSE_AFTER_DAYS must be a whole number of days from 1 to 36500/);
    }
    assert.equal(parseConfig({ COLLOQUY_SITE_URL: 'https://show.example/' }).siteUrl, 'https://show.example/');
  });

  it('defaults to no moderation in demo mode, unless the environment says otherwise', () => {
    assert.equal(parseConfig({}, { demo: true }).moderation, 'none');
    assert.equal(parseConfig({ COLLOQUY_MODERATION: 'all' }, { demo: true }).moderation, 'all');
  });

  it('reads every variable', () => {
    const config = parseConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://colloquy@db:5432/comments',
      COLLOQUY_SECRET: 's'.repeat(32),
      COLLOQUY_ORIGINS: 'https://blog.example, http://localhost:5173/ ,https://Podcast.Example:8443',
      COLLOQUY_MODERATION: 'all',
      COLLOQUY_FLOOD_SECONDS: '0',
      COLLOQUY_TRUST_PROXY: '2',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.database, { engine: 'postgres', url: 'postgresql://colloquy@db:5432/comments' });
    assert.equal(config.secret, 's'.repeat(32));
    assert.equal(config.secretPath, resolve('data/colloquy.secret'));
    assert.deepEqual(config.origins, ['https://blog.example', 'http://localhost:5173', 'https://podcast.example:8443']);
    assert.equal(config.moderation, 'all');
    assert.equal(config.floodSeconds, 0);
    assert.equal(config.trustProxy, 2);
  });

  it('reads the admin, spam and notification variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-words-'));
    try {
      const file = join(dir, 'words.txt');
      writeFileSync(file, '# one entry per line\nCasino\n\n  Free Money , loans\n');
      const config = parseConfig({
        DATABASE_URL: `sqlite:${dir}/db/c.db`,
        COLLOQUY_ADMIN_TOKEN: 'a'.repeat(32),
        COLLOQUY_ADMIN_URL: 'https://comments.example.com/admin',
        COLLOQUY_THREAD_URL: 'https://example.com/episodes/{thread}',
        COLLOQUY_MIN_FORM_SECONDS: '5',
        COLLOQUY_MAX_LINKS: '3',
        COLLOQUY_MODERATION_WORDS: 'Viagra, casino ,',
        COLLOQUY_MODERATION_WORDS_FILE: file,
        COLLOQUY_BLOCKED_WORDS: 'BUY NOW',
        AKISMET_KEY: 'abc123',
        AKISMET_URL: 'http://127.0.0.1:9999/1.1',
        COLLOQUY_SITE_URL: 'https://blog.example',
        COLLOQUY_SITE_LANG: 'en, fr',
        COLLOQUY_AKISMET_DISCARD: 'true',
        COLLOQUY_AKISMET_TEST: '1',
        COLLOQUY_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
        COLLOQUY_WEBHOOK_FORMAT: 'slack',
        COLLOQUY_WEBHOOK_SECRET: 'w'.repeat(32),
        COLLOQUY_PUBLIC_URL: 'https://Comments.Example.com/',
      });
      assert.equal(config.publicUrl, 'https://comments.example.com');
      assert.equal(config.adminToken, 'a'.repeat(32));
      assert.equal(config.adminTokenPath, join(dir, 'db', 'colloquy.admin-token'));
      assert.equal(config.adminUrl, 'https://comments.example.com/admin');
      // Kept as written: the braces stay braces for the admin page to fill.
      assert.equal(config.threadUrl, 'https://example.com/episodes/{thread}');
      assert.deepEqual(config.spam, {
        minFormSeconds: 5,
        maxLinks: 3,
        moderationWords: ['viagra', 'casino', 'free money', 'loans'],
        blockedWords: ['buy now'],
        akismet: {
          key: 'abc123',
          endpoint: 'http://127.0.0.1:9999/1.1/',
          siteUrl: 'https://blog.example/',
          lang: 'en, fr',
          discard: true,
          test: true,
          timeoutMs: 5000,
        },
      });
      assert.deepEqual(config.webhook, {
        url: 'https://hooks.slack.com/services/T/B/X',
        secret: 'w'.repeat(32),
        format: 'slack',
        timeoutMs: 10_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns the form check off with 0 and the links check off with off; Akismet is off without a key', () => {
    const config = parseConfig({ COLLOQUY_MIN_FORM_SECONDS: '0', COLLOQUY_MAX_LINKS: 'off', COLLOQUY_SITE_URL: 'https://blog.example' });
    assert.equal(config.spam.minFormSeconds, 0);
    assert.equal(config.spam.maxLinks, null);
    assert.equal(config.spam.akismet, null);
    assert.equal(parseConfig({ COLLOQUY_MAX_LINKS: '0' }).spam.maxLinks, 0);
    assert.equal(parseConfig({ AKISMET_KEY: 'k', COLLOQUY_SITE_URL: 'https://b.example/' }).spam.akismet?.endpoint, 'https://rest.akismet.com/1.1/');
    const hooked = { COLLOQUY_WEBHOOK_URL: 'https://h.example/', COLLOQUY_PUBLIC_URL: 'https://c.example' };
    assert.equal(parseConfig(hooked).webhook?.secret, null, 'derived from the secret at start');
    assert.equal(parseConfig({ DATABASE_URL: 'postgres://x@y/z' }).adminTokenPath, resolve('data/colloquy.admin-token'));
  });

  it('needs COLLOQUY_SITE_URL with AKISMET_KEY, and names it', () => {
    assert.throws(
      () => parseConfig({ AKISMET_KEY: 'k' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'COLLOQUY_SITE_URL',
    );
  });

  it('needs COLLOQUY_PUBLIC_URL with COLLOQUY_WEBHOOK_URL outside the demo, and names it', () => {
    for (const extra of [{}, { COLLOQUY_ADMIN_URL: 'https://c.example/admin' }]) {
      assert.throws(
        () => parseConfig({ COLLOQUY_WEBHOOK_URL: 'https://h.example/', ...extra }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'COLLOQUY_PUBLIC_URL' && /COLLOQUY_WEBHOOK_URL/.test(error.message),
      );
    }
    const demo = parseConfig({ COLLOQUY_WEBHOOK_URL: 'https://h.example/', PORT: '8790' }, { demo: true });
    assert.deepEqual([demo.publicUrl, demo.adminUrl], [null, 'http://localhost:8790/admin'], 'the demo links to where it listens');
    assert.throws(
      () => parseConfig({ COLLOQUY_WEBHOOK_URL: 'https://h.example/', PORT: '0' }, { demo: true }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'COLLOQUY_PUBLIC_URL',
    );
    assert.equal(parseConfig({ COLLOQUY_PUBLIC_URL: 'http://[::1]:8787' }).publicUrl, 'http://[::1]:8787');
  });

  it('reads the HTTP timeouts and the connection cap; the headers may not outlast the request', () => {
    const config = parseConfig({
      COLLOQUY_REQUEST_TIMEOUT_SECONDS: '60',
      COLLOQUY_HEADERS_TIMEOUT_SECONDS: '20',
      COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS: '2',
      COLLOQUY_MAX_CONNECTIONS: '100',
    });
    assert.deepEqual(config.http, { requestTimeoutMs: 60_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 2000, maxConnections: 100 });
    assert.equal(parseConfig({ COLLOQUY_REQUEST_TIMEOUT_SECONDS: '4' }).http.headersTimeoutMs, 4000, 'the default headers timeout shrinks to fit');
    assert.throws(
      () => parseConfig({ COLLOQUY_REQUEST_TIMEOUT_SECONDS: '5', COLLOQUY_HEADERS_TIMEOUT_SECONDS: '6' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'COLLOQUY_HEADERS_TIMEOUT_SECONDS',
    );
  });

  it('understands every spelling of DATABASE_URL', () => {
    assert.deepEqual(parseConfig({ DATABASE_URL: 'postgres://x@y/z' }).database, { engine: 'postgres', url: 'postgres://x@y/z' });
    assert.deepEqual(parseConfig({ DATABASE_URL: 'sqlite:./var/c.db' }).database, { engine: 'sqlite', path: resolve('var/c.db') });
    assert.deepEqual(parseConfig({ DATABASE_URL: 'sqlite:///srv/c.db' }).database, { engine: 'sqlite', path: '/srv/c.db' });
    assert.deepEqual(parseConfig({ DATABASE_URL: 'file:/srv/c.db' }).database, { engine: 'sqlite', path: '/srv/c.db' });
    assert.equal(parseConfig({ DATABASE_URL: 'sqlite:/srv/db/c.db' }).secretPath, '/srv/db/colloquy.secret');
  });

  it('reads COLLOQUY_TRUST_PROXY as false, true or a number of hops', () => {
    assert.equal(parseConfig({ COLLOQUY_TRUST_PROXY: 'false' }).trustProxy, 0);
    assert.equal(parseConfig({ COLLOQUY_TRUST_PROXY: 'TRUE' }).trustProxy, 'all');
    assert.equal(parseConfig({ COLLOQUY_TRUST_PROXY: '1' }).trustProxy, 1);
  });

  it('reads COLLOQUY_LIKES as on (the default) or off, and refuses anything else', () => {
    assert.equal(parseConfig({ COLLOQUY_LIKES: 'off' }).likes, false);
    assert.equal(parseConfig({ COLLOQUY_LIKES: 'OFF' }).likes, false);
    assert.equal(parseConfig({ COLLOQUY_LIKES: 'on' }).likes, true);
    assert.equal(parseConfig({ COLLOQUY_LIKES: '' }).likes, true);
    for (const raw of ['no', 'false', '0', 'of']) {
      assert.throws(() => parseConfig({ COLLOQUY_LIKES: raw }), (error: Error) => error.message.startsWith('COLLOQUY_LIKES must be on or off'));
    }
  });

  it('treats an empty variable as unset', () => {
    assert.equal(parseConfig({ PORT: '', COLLOQUY_FLOOD_SECONDS: ' ' }).port, 8787);
  });

  const bad: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://db/comments'],
    ['DATABASE_URL', './data/colloquy.db'],
    ['DATABASE_URL', 'sqlite:'],
    ['COLLOQUY_SECRET', 'too short'],
    ['COLLOQUY_ORIGINS', 'blog.example'],
    ['COLLOQUY_ORIGINS', 'https://blog.example/comments'],
    ['COLLOQUY_ORIGINS', '*'],
    ['COLLOQUY_ORIGINS', 'ftp://files.example'],
    ['COLLOQUY_MODERATION', 'sometimes'],
    ['COLLOQUY_FLOOD_SECONDS', '-5'],
    ['COLLOQUY_FLOOD_SECONDS', 'ten'],
    ['COLLOQUY_FLOOD_SECONDS', '1.5'],
    ['COLLOQUY_TRUST_PROXY', 'yes'],
    ['COLLOQUY_TRUST_PROXY', '-1'],
    ['COLLOQUY_ADMIN_TOKEN', 'hunter2'],
    ['COLLOQUY_ADMIN_URL', '/admin'],
    ['COLLOQUY_THREAD_URL', 'https://example.com/episodes/'],
    ['COLLOQUY_THREAD_URL', 'javascript:alert({thread})'],
    ['COLLOQUY_THREAD_URL', '/episodes/{thread}'],
    ['COLLOQUY_THREAD_URL', 'https://example.com/"onmouseover="x/{thread}'],
    ['COLLOQUY_MIN_FORM_SECONDS', 'soon'],
    ['COLLOQUY_MIN_FORM_SECONDS', '-3'],
    ['COLLOQUY_MAX_LINKS', 'many'],
    ['COLLOQUY_MAX_LINKS', '-1'],
    ['COLLOQUY_MODERATION_WORDS_FILE', '/nonexistent/colloquy-words.txt'],
    ['COLLOQUY_BLOCKED_WORDS_FILE', '/nonexistent/colloquy-words.txt'],
    ['AKISMET_URL', 'ftp://rest.akismet.com/'],
    ['COLLOQUY_SITE_URL', 'blog.example'],
    ['COLLOQUY_AKISMET_DISCARD', 'sometimes'],
    ['COLLOQUY_AKISMET_TEST', 'yes'],
    ['COLLOQUY_WEBHOOK_URL', 'not a url'],
    ['COLLOQUY_WEBHOOK_FORMAT', 'teams'],
    ['COLLOQUY_WEBHOOK_SECRET', 'short'],
    ['COLLOQUY_PUBLIC_URL', 'comments.example.com'],
    ['COLLOQUY_PUBLIC_URL', 'https://comments.example.com/colloquy'],
    ['COLLOQUY_PUBLIC_URL', 'https://admin:pw@comments.example.com'],
    ['COLLOQUY_PUBLIC_URL', 'https://:pw@comments.example.com'],
    ['COLLOQUY_PUBLIC_URL', 'https://comments.example.com/?x=1'],
    ['COLLOQUY_PUBLIC_URL', 'javascript:alert(1)'],
    ['COLLOQUY_PUBLIC_URL', 'ftp://comments.example.com'],
    ['COLLOQUY_ORIGINS', 'https://:pw@blog.example'],
    ['COLLOQUY_REQUEST_TIMEOUT_SECONDS', '0'],
    ['COLLOQUY_REQUEST_TIMEOUT_SECONDS', 'soon'],
    ['COLLOQUY_REQUEST_TIMEOUT_SECONDS', '3601'],
    ['COLLOQUY_HEADERS_TIMEOUT_SECONDS', '-1'],
    ['COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS', '0'],
    ['COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS', '1.5'],
    ['COLLOQUY_MAX_CONNECTIONS', '0'],
    ['COLLOQUY_MAX_CONNECTIONS', 'lots'],
  ];
  for (const [variable, value] of bad) {
    it(`rejects ${variable}=${value} with a message naming the variable`, () => {
      assert.throws(
        () => parseConfig({ [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(`${variable} `),
      );
    });
  }
});

describe('the saved secret', () => {
  it('is generated once, private to its owner, and read back on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-secret-'));
    try {
      const path = join(dir, 'nested', 'colloquy.secret');
      const first = loadOrCreateSecret(path);
      assert.equal(first.created, true);
      assert.ok(first.secret.length >= 32);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(readFileSync(path, 'utf8').trim(), first.secret);
      assert.deepEqual(loadOrCreateSecret(path), { secret: first.secret, created: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is kept the same way for the admin token, under its own name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-secret-'));
    try {
      const path = join(dir, 'colloquy.admin-token');
      const first = loadOrCreateKeyFile(path, 'COLLOQUY_ADMIN_TOKEN');
      assert.equal(first.created, true);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateKeyFile(path, 'COLLOQUY_ADMIN_TOKEN'), { secret: first.secret, created: false });
      writeFileSync(path, 'short\n');
      assert.throws(() => loadOrCreateKeyFile(path, 'COLLOQUY_ADMIN_TOKEN'), (error: unknown) => error instanceof ConfigError && error.variable === 'COLLOQUY_ADMIN_TOKEN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused when the saved file is too short, naming COLLOQUY_SECRET', () => {
    const dir = mkdtempSync(join(tmpdir(), 'colloquy-secret-'));
    try {
      const path = join(dir, 'colloquy.secret');
      writeFileSync(path, 'short\n');
      assert.throws(() => loadOrCreateSecret(path), (error: unknown) => error instanceof ConfigError && error.variable === 'COLLOQUY_SECRET');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
