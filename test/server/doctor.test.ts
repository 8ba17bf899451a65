/** `colloquy doctor`: each misconfiguration it is meant to catch, reported in one line, and nothing written. */
import BetterSqlite3 from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runDoctor } from '../../src/cli/doctor.js';
import { openSqliteStore } from '../../src/server/store/index.js';
import { migrationNames } from '../../src/server/store/migrations.js';
import pg from 'pg';
import { dropSchema, newSchemaName } from './postgres-schema.js';
import { SmtpSink } from './smtp-sink.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 's'.repeat(40);
const WIDGET_BUILT = existsSync(join(ROOT, 'dist', 'colloquy.js'));

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'colloquy-doctor-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

async function doctor(env: Record<string, string>): Promise<{ code: number; lines: string[]; problems: string[] }> {
  let text = '';
  const code = await runDoctor(env, { write: (chunk: string) => (text += chunk) }, { timeoutMs: 2000 });
  const lines = text.trimEnd().split('\n');
  for (const line of lines) assert.match(line, /^\[colloquy\] /);
  // The widget is built before the server tests in `npm test`; run alone, it may not be.
  const problems = lines.filter((line) => line.startsWith('[colloquy] ✗') && (WIDGET_BUILT || !line.includes('The widget is not built')));
  return { code, lines, problems };
}

const folder = () => mkdtempSync(join(scratch, 'case-'));
const sqlite = (dir: string) => `sqlite:${join(dir, 'colloquy.db')}`;

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('colloquy doctor', () => {
  it('passes a fresh SQLite setup, and writes nothing: no database, no secret', async () => {
    const dir = folder();
    const result = await doctor({ DATABASE_URL: sqlite(dir) });
    assert.deepEqual(result.problems, []);
    if (WIDGET_BUILT) assert.equal(result.code, 0);
    assert.ok(result.lines.some((line) => line.includes('does not exist yet; the server creates it')), result.lines.join('\n'));
    assert.ok(result.lines.some((line) => line.includes('COLLOQUY_SECRET is unset and') && line.includes('generates it at first start')));
    assert.deepEqual(readdirSync(dir), []);
  });

  it('passes a database the server has migrated, with its saved secret and token', async () => {
    const dir = folder();
    const store = await openSqliteStore(join(dir, 'colloquy.db'));
    await store.close();
    // A migration that needs the secret runs only when the server opens the store with it.
    const db = new BetterSqlite3(join(dir, 'colloquy.db'));
    for (const name of migrationNames()) db.prepare('INSERT OR IGNORE INTO colloquy_migrations (name, applied_at) VALUES (?, ?)').run(name, Date.now());
    db.close();
    writeFileSync(join(dir, 'colloquy.secret'), `${SECRET}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'colloquy.admin-token'), `${SECRET}\n`, { mode: 0o600 });
    const result = await doctor({ DATABASE_URL: sqlite(dir) });
    assert.deepEqual(result.problems, []);
    assert.ok(result.lines.includes(`[colloquy] ✓ The database schema is up to date (${migrationNames().length} migrations).`), result.lines.join('\n'));
    assert.ok(result.lines.some((line) => line.startsWith('[colloquy] ✓ COLLOQUY_SECRET is unset; the one saved in')));
    assert.match(result.lines.at(-1)!, WIDGET_BUILT ? /No problems found\.$/ : /1 problem found\.$/);
  });

  it('reports every bad variable, one line each, not only the first', async () => {
    const result = await doctor({
      DATABASE_URL: sqlite(folder()),
      PORT: 'abc',
      COLLOQUY_ORIGINS: 'https://blog.example/comments',
      COLLOQUY_SECRET: 'too-short',
      COLLOQUY_MODERATION: 'sometimes',
    });
    assert.equal(result.code, 1);
    assert.deepEqual(result.problems, [
      '[colloquy] ✗ PORT must be a port number from 0 to 65535 (0 picks a free port), not "abc".',
      '[colloquy] ✗ COLLOQUY_SECRET must be at least 32 characters long (try: openssl rand -base64 32), or unset to have one generated.',
      '[colloquy] ✗ COLLOQUY_ORIGINS must be a comma-separated list of origins such as https://example.com (scheme, host and optional port, no path); "https://blog.example/comments" is not one.',
      '[colloquy] ✗ COLLOQUY_MODERATION must be none, first-time or all, not "sometimes".',
    ]);
    assert.match(result.lines.at(-1)!, WIDGET_BUILT ? /4 problems found\.$/ : /5 problems found\.$/);
  });

  it('reports a setting that another one needs', async () => {
    const result = await doctor({ DATABASE_URL: sqlite(folder()), AKISMET_KEY: 'abc123' });
    assert.equal(result.code, 1);
    assert.deepEqual(result.problems, [
      '[colloquy] ✗ COLLOQUY_SITE_URL must be set to the address of your site (for example https://blog.example.com/) when AKISMET_KEY is.',
    ]);
  });

  it('reports a database folder that cannot be created', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const result = await doctor({ DATABASE_URL: `sqlite:${join(dir, 'not-a-folder', 'colloquy.db')}` });
    assert.equal(result.code, 1);
    assert.deepEqual(result.problems, [`[colloquy] ✗ DATABASE_URL: the folder ${join(dir, 'not-a-folder')} cannot be created: ${join(dir, 'not-a-folder')} is a file.`]);
  });

  it('reports a file that is not a SQLite database', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'colloquy.db'), 'These are my notes, not a database. '.repeat(40));
    const result = await doctor({ DATABASE_URL: sqlite(dir) });
    assert.equal(result.code, 1);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!, /^\[colloquy\] ✗ DATABASE_URL: .*colloquy\.db cannot be used: file is not a database\.$/);
  });

  it('reports a database a newer Colloquy has migrated', async () => {
    const dir = folder();
    const store = await openSqliteStore(join(dir, 'colloquy.db'));
    await store.close();
    const db = new BetterSqlite3(join(dir, 'colloquy.db'));
    db.prepare('INSERT INTO colloquy_migrations (name, applied_at) VALUES (?, ?)').run('999_from_the_future', Date.now());
    db.close();
    const result = await doctor({ DATABASE_URL: sqlite(dir), COLLOQUY_SECRET: SECRET, COLLOQUY_ADMIN_TOKEN: SECRET });
    assert.equal(result.code, 1);
    assert.deepEqual(result.problems, [
      '[colloquy] ✗ The database has migrations this version does not know (999_from_the_future): a newer Colloquy has used it; upgrade before starting this one.',
    ]);
  });

  it('notes the migrations an older database will get at the next start', async () => {
    const dir = folder();
    const store = await openSqliteStore(join(dir, 'colloquy.db'));
    await store.close();
    const last = migrationNames().at(-1)!;
    const db = new BetterSqlite3(join(dir, 'colloquy.db'));
    for (const name of migrationNames()) db.prepare('INSERT OR IGNORE INTO colloquy_migrations (name, applied_at) VALUES (?, ?)').run(name, Date.now());
    db.prepare('DELETE FROM colloquy_migrations WHERE name = ?').run(last);
    db.close();
    const result = await doctor({ DATABASE_URL: sqlite(dir), COLLOQUY_SECRET: SECRET, COLLOQUY_ADMIN_TOKEN: SECRET });
    assert.deepEqual(result.problems, []);
    assert.ok(result.lines.includes(`[colloquy] · 1 of ${migrationNames().length} migrations will run at the next start: ${last}.`), result.lines.join('\n'));
  });

  it('reports a saved secret that is too short, and one other users can read', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'colloquy.secret'), 'short\n', { mode: 0o600 });
    writeFileSync(join(dir, 'colloquy.admin-token'), `${SECRET}\n`);
    chmodSync(join(dir, 'colloquy.admin-token'), 0o644);
    const result = await doctor({ DATABASE_URL: sqlite(dir) });
    assert.equal(result.code, 1);
    assert.deepEqual(result.problems, [
      `[colloquy] ✗ COLLOQUY_SECRET is unset and the saved value in ${join(dir, 'colloquy.secret')} is shorter than 32 characters; delete the file or set COLLOQUY_SECRET.`,
      `[colloquy] ✗ COLLOQUY_ADMIN_TOKEN: ${join(dir, 'colloquy.admin-token')} can be read by other users; run chmod 600 ${join(dir, 'colloquy.admin-token')}.`,
    ]);
  });

  it('reports a webhook host that cannot be reached, and passes one that can', async () => {
    const port = await closedPort();
    const env = { DATABASE_URL: sqlite(folder()), COLLOQUY_PUBLIC_URL: 'https://comments.example.com', COLLOQUY_SECRET: SECRET, COLLOQUY_ADMIN_TOKEN: SECRET };
    const down = await doctor({ ...env, COLLOQUY_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
    assert.equal(down.code, 1);
    assert.equal(down.problems.length, 1);
    assert.match(down.problems[0]!, new RegExp(`^\\[colloquy\\] ✗ COLLOQUY_WEBHOOK_URL: cannot reach 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));

    const listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    try {
      const up = await doctor({ ...env, COLLOQUY_WEBHOOK_URL: `http://127.0.0.1:${(listening.address() as { port: number }).port}/hook` });
      assert.deepEqual(up.problems, []);
      assert.ok(up.lines.some((line) => line.startsWith('[colloquy] ✓ COLLOQUY_WEBHOOK_URL: 127.0.0.1:') && line.endsWith('is reachable.')));
    } finally {
      listening.close();
    }
  });

  it('reports an SMTP server that cannot be reached, and passes one that answers', async () => {
    const port = await closedPort();
    const env = { DATABASE_URL: sqlite(folder()), COLLOQUY_PUBLIC_URL: 'https://comments.example.com', COLLOQUY_SECRET: SECRET, COLLOQUY_ADMIN_TOKEN: SECRET };
    const down = await doctor({ ...env, COLLOQUY_SMTP_URL: `smtp://mailer:hunter2secret@127.0.0.1:${port}` });
    assert.equal(down.code, 1);
    assert.equal(down.problems.length, 1, down.lines.join('\n'));
    assert.match(down.problems[0]!, new RegExp(`^\\[colloquy\\] ✗ COLLOQUY_SMTP_URL: smtp://127\\.0\\.0\\.1:${port} cannot be used: `));
    assert.doesNotMatch(down.lines.join('\n'), /hunter2secret/, 'the password is never printed');

    const sink = await SmtpSink.start();
    try {
      const up = await doctor({ ...env, COLLOQUY_SMTP_URL: sink.url });
      assert.deepEqual(up.problems, []);
      assert.ok(up.lines.some((line) => line.startsWith('[colloquy] ✓ COLLOQUY_SMTP_URL: smtp://127.0.0.1:')), up.lines.join('\n'));
      assert.equal(sink.messages.length, 0, 'nothing is sent');
    } finally {
      await sink.close();
    }
  });

  it('reports a PostgreSQL server that does not answer', async () => {
    const port = await closedPort();
    const result = await doctor({ DATABASE_URL: `postgresql://colloquy:hunter2-password@127.0.0.1:${port}/comments`, COLLOQUY_SECRET: SECRET, COLLOQUY_ADMIN_TOKEN: SECRET });
    assert.equal(result.code, 1);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!, new RegExp(`^\\[colloquy\\] ✗ DATABASE_URL: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/comments: `));
    assert.ok(!result.lines.join('\n').includes('hunter2'), 'the password is never printed');
  });

  it('passes a reachable, writable PostgreSQL', { skip: !process.env.COLLOQUY_TEST_DATABASE_URL && 'COLLOQUY_TEST_DATABASE_URL is not set' }, async () => {
    const base = process.env.COLLOQUY_TEST_DATABASE_URL!;
    const schema = newSchemaName('doctor');
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
    const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    try {
      const result = await doctor({ DATABASE_URL: url, COLLOQUY_SECRET: SECRET, COLLOQUY_ADMIN_TOKEN: SECRET });
      assert.deepEqual(result.problems, []);
      assert.ok(result.lines.some((line) => line.startsWith('[colloquy] ✓ PostgreSQL at 127.0.0.1:')), result.lines.join('\n'));
      assert.ok(result.lines.some((line) => line.includes(`migrations will run at the next start`)));
    } finally {
      await dropSchema(base, schema);
    }
  });

  it('runs as `colloquy doctor`, exiting 1 when something is wrong', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'data'));
    const child = spawn(process.execPath, [join(ROOT, 'src/cli/colloquy.mjs'), 'doctor'], {
      cwd: dir,
      env: { PATH: process.env.PATH, DATABASE_URL: sqlite(dir), COLLOQUY_TRUST_PROXY: 'sometimes' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    assert.equal(code, 1, out);
    assert.ok(out.includes('[colloquy] ✗ COLLOQUY_TRUST_PROXY must be false, true or a number of proxy hops such as 1, not "sometimes".'), out);
  });
});
