import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/server/config.js';
import { loadOrCreateSecret } from '../../src/server/secret.js';

describe('configuration', () => {
  it('has documented defaults', () => {
    const config = parseConfig({});
    assert.deepEqual(config, {
      port: 8787,
      host: '127.0.0.1',
      database: { engine: 'sqlite', path: resolve('data/colloquy.db') },
      secret: null,
      secretPath: resolve('data/colloquy.secret'),
      origins: [],
      moderation: 'first-time',
      floodSeconds: 15,
      trustProxy: 0,
      demo: false,
    });
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
