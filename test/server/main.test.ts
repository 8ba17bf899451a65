/**
 * The real server process: startup errors, the demo, clean shutdown, and durability
 * of every acknowledged comment through `kill -9`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CommentPage } from '../../src/api/contract.js';
import { DEMO_THREAD } from '../../src/server/demo.js';
import { MAX_BODY_BYTES } from '../../src/server/routes/comments.js';
import { runMainToExit, startMain } from './main-process.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'colloquy-main-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function listAll(url: string, thread: string): Promise<CommentPage['comments']> {
  const comments: CommentPage['comments'] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ thread, limit: '100', ...(cursor ? { cursor } : {}) });
    const page = (await (await fetch(`${url}api/comments?${query}`)).json()) as CommentPage;
    comments.push(...page.comments);
    cursor = page.nextCursor;
  } while (cursor);
  return comments;
}

function post(url: string, thread: string, n: number): Promise<Response> {
  return fetch(`${url}api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      thread,
      parentId: null,
      author: { name: `Listener ${n}`, email: `listener${n}@mail.example` },
      body: `Comment number ${n}`,
      idempotencyKey: randomUUID(),
    }),
  });
}

describe('src/server/main.ts', () => {
  for (const [variable, value] of [
    ['PORT', 'abc'],
    ['COLLOQUY_MODERATION', 'sometimes'],
    ['DATABASE_URL', 'mysql://db/comments'],
  ]) {
    it(`stops with exit code 1 and names ${variable} when it is ${value}`, async () => {
      const { code, output } = await runMainToExit({ DATABASE_URL: `sqlite:${tempDir()}/c.db`, [variable!]: value! });
      assert.equal(code, 1);
      assert.match(output, new RegExp(`^\\[colloquy\\] Cannot start: ${variable} `, 'm'));
    });
  }

  it('in demo mode, seeds the demo thread once, publishes at once, serves the page, and exits 0 on SIGINT', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${dir}/colloquy.db`, COLLOQUY_MODERATION: '' };
    let server = await startMain(env, ['--demo']);
    try {
      assert.match(server.output(), /^\[colloquy\] Colloquy is running at http:\/\/localhost:\d+\/$/m);
      const seeded = await listAll(server.url, DEMO_THREAD);
      assert.equal(seeded.length, 1);
      assert.equal(seeded[0]!.author.name, 'Marta Ruiz');
      assert.equal(seeded[0]!.status, 'approved');
      const posted = await post(server.url, DEMO_THREAD, 1);
      assert.equal(posted.status, 201);
      assert.equal(((await posted.json()) as { comment: { status: string } }).comment.status, 'approved');
      const page = await fetch(server.url);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('Content-Type'), 'text/html; charset=utf-8');
      assert.equal(await server.stop('SIGINT'), 0);
      for (const line of server.output().trim().split('\n')) assert.match(line, /^\[colloquy\] /);

      server = await startMain(env, ['--demo']);
      assert.equal((await listAll(server.url, DEMO_THREAD)).length, 2, 'no second seed on restart');
    } finally {
      await server.stop();
    }
  });

  it('generates an admin token on first start, saves it beside the database (0600) and prints it only then', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${dir}/colloquy.db`, COLLOQUY_ADMIN_TOKEN: '' };
    let server = await startMain(env);
    try {
      const path = join(dir, 'colloquy.admin-token');
      const token = readFileSync(path, 'utf8').trim();
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const lines = server.output().split('\n').filter((line) => line.includes(token));
      assert.deepEqual(lines, [`[colloquy] Generated an admin token and saved it to ${path}. Admin token: ${token}`]);
      const admin = (bearer: string) => fetch(`${server.url}api/admin/comments`, { headers: { Authorization: `Bearer ${bearer}` } });
      assert.equal((await admin(token)).status, 200);
      assert.equal((await admin('not-the-token')).status, 401);
      await server.stop();

      server = await startMain(env);
      assert.ok(!server.output().includes(token), 'not printed again');
      assert.doesNotMatch(server.output(), /admin token/i);
      assert.equal((await admin(token)).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('refuses an oversized body over real HTTP, declared or chunked, before reading it all', async () => {
    const dir = tempDir();
    const server = await startMain({ DATABASE_URL: `sqlite:${dir}/colloquy.db`, COLLOQUY_ADMIN_TOKEN: 'a-configured-admin-token-of-32-chars+' });
    // A configured token is used as it is: nothing is generated or saved.
    assert.equal(existsSync(join(dir, 'colloquy.admin-token')), false);
    assert.doesNotMatch(server.output(), /admin token/i);
    try {
      const { port } = new URL(server.url);
      const send = (headers: Record<string, string>, chunks: number) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/api/comments', method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', ...headers } });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          });
          // The server may answer and close before the upload ends; that is the point.
          req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
          const chunk = Buffer.alloc(64 * 1024, 'x');
          for (let i = 0; i < chunks; i++) req.write(chunk);
          req.end();
        });
      const declared = await send({ 'Content-Length': String(MAX_BODY_BYTES + 1) }, 0);
      assert.equal(declared.status, 413);
      assert.equal(JSON.parse(declared.body).error.code, 'too_large');
      const chunked = await send({}, 8);
      assert.equal(chunked.status, 413);
      assert.equal(JSON.parse(chunked.body).error.code, 'too_large');
    } finally {
      await server.stop();
    }
  });

  it('keeps every acknowledged comment when killed with SIGKILL mid-stream, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${dir}/colloquy.db`, COLLOQUY_FLOOD_SECONDS: '0', COLLOQUY_MODERATION: 'none' };
    const thread = 'durability';
    let server = await startMain(env);
    const acknowledged: string[] = [];
    let next = 0;
    let killed: Promise<number | string> | undefined;
    // Eight clients post without pause; the server is killed after the 60th acknowledgement.
    const client = async () => {
      while (!killed) {
        try {
          const res = await post(server.url, thread, next++);
          if (res.status === 201) acknowledged.push(((await res.json()) as { comment: { id: string } }).comment.id);
          else assert.fail(`unexpected ${res.status}`);
        } catch (error) {
          if (!killed) throw error;
        }
        if (acknowledged.length >= 60 && !killed) killed = server.stop('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    assert.equal(await killed, 'SIGKILL');

    server = await startMain(env);
    try {
      const listed = new Set((await listAll(server.url, thread)).map((comment) => comment.id));
      const lost = acknowledged.filter((id) => !listed.has(id));
      assert.deepEqual(lost, [], `all ${acknowledged.length} acknowledged comments survive`);
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0);
    }
  });
});
