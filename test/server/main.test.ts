/**
 * The real server process: startup errors, the demo, clean shutdown, and durability
 * of every acknowledged comment through `kill -9`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CommentPage } from '../../src/api/contract.js';
import { DEMO_THREAD } from '../../src/server/demo/demo.js';
import { MAX_BODY_BYTES } from '../../src/server/routes/comments.js';
import { missingBuild } from '../../src/server/main.js';
import { WebhookReceiver, waitFor } from './fakes.js';
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

  it('stops with exit code 1 and names COLLOQUY_PUBLIC_URL when a webhook is set without it', async () => {
    const { code, output } = await runMainToExit({ DATABASE_URL: `sqlite:${tempDir()}/c.db`, COLLOQUY_WEBHOOK_URL: 'http://127.0.0.1:9/hook' });
    assert.equal(code, 1);
    assert.match(output, /^\[colloquy\] Cannot start: COLLOQUY_PUBLIC_URL must be set .*COLLOQUY_WEBHOOK_URL/m);
  });

  it('links webhooks to COLLOQUY_PUBLIC_URL whatever Host a request forges, and takes it as its own origin', async () => {
    const receiver = await WebhookReceiver.start();
    const server = await startMain({
      DATABASE_URL: `sqlite:${tempDir()}/colloquy.db`,
      COLLOQUY_PUBLIC_URL: 'https://comments.example.com',
      COLLOQUY_WEBHOOK_URL: receiver.url,
      COLLOQUY_MODERATION: 'none',
      COLLOQUY_MIN_FORM_SECONDS: '0',
      COLLOQUY_FLOOD_SECONDS: '0',
      COLLOQUY_TRUST_PROXY: '1',
    });
    try {
      const { port } = new URL(server.url);
      const send = (method: string, headers: Record<string, string>, body?: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/api/comments', method, agent: false, headers }, (res) => {
            let text = '';
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          });
          req.on('error', reject);
          req.end(body);
        });
      const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };
      const draft = (n: number) =>
        JSON.stringify({ thread: 'forged-host', parentId: null, author: { name: 'Mallory', email: `m${n}@mail.example` }, body: `Hi ${n}`, idempotencyKey: randomUUID() });
      const posted = await send('POST', { ...forged, 'Content-Type': 'application/json' }, draft(1));
      assert.equal(posted.status, 201, posted.body);
      const id = JSON.parse(posted.body).comment.id;
      await waitFor(() => receiver.deliveries.length === 1, 5000, 'the delivery');
      assert.equal(JSON.parse(receiver.deliveries[0]!.body).adminUrl, `https://comments.example.com/admin#comment-${id}`);
      assert.ok(!receiver.deliveries[0]!.body.includes('evil.example'));

      // DNS rebinding: a page on evil.example, resolved to this server, names itself in Host and Origin.
      const rebound = await send('POST', { ...forged, Origin: 'https://evil.example', 'Content-Type': 'application/json' }, draft(2));
      assert.equal(rebound.status, 403);
      const preflight = await send('OPTIONS', { ...forged, Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' });
      assert.equal(preflight.status, 403);
      const own = await send('POST', { Origin: 'https://comments.example.com', 'Content-Type': 'application/json' }, draft(3));
      assert.equal(own.status, 201, own.body);
      await waitFor(() => /refused a request from origin https:\/\/evil\.example/.test(server.output()), 2000, 'the refused origin log');
      await send('POST', { ...forged, Origin: 'https://evil.example', 'Content-Type': 'application/json' }, draft(4));
      const refusals = server.output().split('\n').filter((line) => line.includes('refused a request from origin'));
      assert.deepEqual(refusals, [
        '[colloquy] refused a request from origin https://evil.example: add it to COLLOQUY_ORIGINS if the widget is embedded there (this server allows only its own origin and COLLOQUY_ORIGINS).',
      ]);
    } finally {
      await server.stop();
      await receiver.close();
    }
  });

  it('warns once when requests carry X-Forwarded-For while COLLOQUY_TRUST_PROXY is off', async () => {
    const server = await startMain({ DATABASE_URL: `sqlite:${tempDir()}/colloquy.db` });
    try {
      assert.doesNotMatch(server.output(), /X-Forwarded-For/);
      for (let i = 0; i < 3; i++) await fetch(`${server.url}api/counts?thread=a`, { headers: { 'X-Forwarded-For': `203.0.113.${i}` } });
      await waitFor(() => server.output().includes('X-Forwarded-For'), 2000, 'the warning');
      const warnings = server.output().split('\n').filter((line) => line.includes('X-Forwarded-For'));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^\[colloquy\] requests carry X-Forwarded-For but COLLOQUY_TRUST_PROXY is off: /);
    } finally {
      await server.stop();
    }
  });

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
      assert.doesNotMatch(server.output(), /comes from COLLOQUY_ADMIN_TOKEN|is kept in/, 'the first start says it once, with the token');
      const admin = (bearer: string) => fetch(`${server.url}api/admin/comments`, { headers: { Authorization: `Bearer ${bearer}` } });
      assert.equal((await admin(token)).status, 200);
      assert.equal((await admin('not-the-token')).status, 401);
      await server.stop();

      server = await startMain(env);
      assert.ok(!server.output().includes(token), 'not printed again');
      // Every start says where the token is kept, so an operator who lost the first log finds it.
      assert.match(server.output(), new RegExp(`^\\[colloquy\\] The admin token is kept in ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'm'));
      assert.equal((await admin(token)).status, 200);
      await server.stop();

      server = await startMain({ ...env, COLLOQUY_ADMIN_TOKEN: 'an-admin-token-from-the-environment-0123456789' });
      assert.match(server.output(), /^\[colloquy\] The admin token comes from COLLOQUY_ADMIN_TOKEN\.$/m);
      assert.doesNotMatch(server.output(), /an-admin-token-from-the-environment/);
    } finally {
      await server.stop();
    }
  });

  it('refuses an oversized body over real HTTP, declared or chunked, before reading it all', async () => {
    const dir = tempDir();
    const server = await startMain({ DATABASE_URL: `sqlite:${dir}/colloquy.db`, COLLOQUY_ADMIN_TOKEN: 'a-configured-admin-token-of-32-chars+' });
    // A configured token is used as it is: nothing is generated or saved.
    assert.equal(existsSync(join(dir, 'colloquy.admin-token')), false);
    assert.doesNotMatch(server.output(), /a-configured-admin-token/, 'a configured token is never printed');
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

  it('closes a trickled body at COLLOQUY_REQUEST_TIMEOUT_SECONDS, and logs it and an aborted upload as one line each', async () => {
    const server = await startMain({ DATABASE_URL: `sqlite:${tempDir()}/colloquy.db`, COLLOQUY_REQUEST_TIMEOUT_SECONDS: '2' });
    try {
      const { port } = new URL(server.url);
      const open = () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
          socket.on('error', reject);
        });
      const head = 'POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n';

      // One byte every 100 ms: with Node's defaults this stayed open for minutes.
      const trickle = await open();
      const started = Date.now();
      trickle.write(head);
      const timer = setInterval(() => trickle.writable && trickle.write('x'), 100);
      let answer = '';
      trickle.on('data', (chunk) => (answer += chunk));
      await new Promise((resolve) => trickle.once('close', resolve));
      clearInterval(timer);
      const held = Date.now() - started;
      assert.ok(held >= 1900 && held < 4000, `closed after ${held} ms`);
      assert.match(answer, /^HTTP\/1\.1 408 /);

      // A client that sends half its body and hangs up.
      const aborted = await open();
      aborted.write(`${head}{"thread":`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      aborted.destroy();

      await waitFor(() => server.output().split('the client stopped sending').length === 3, 3000, 'two log lines');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const lines = server.output().trim().split('\n');
      lines.splice(0, lines.findIndex((line) => line.includes('Colloquy is running at')) + 1);
      assert.deepEqual(
        lines.map((line) => line.replace(/\(.*\)/, '(…)')),
        [
          '[colloquy] POST /api/comments: the client stopped sending the request body (…); nothing was stored.',
          '[colloquy] POST /api/comments: the client stopped sending the request body (…); nothing was stored.',
        ],
        server.output(),
      );
      assert.equal((await fetch(`${server.url}api/counts?thread=a`)).status, 200, 'still serving');
    } finally {
      await server.stop();
    }
  });

  it('closes connections beyond COLLOQUY_MAX_CONNECTIONS as they arrive', async () => {
    const server = await startMain({ DATABASE_URL: `sqlite:${tempDir()}/colloquy.db`, COLLOQUY_MAX_CONNECTIONS: '2' });
    const sockets: Socket[] = [];
    try {
      const { port } = new URL(server.url);
      const ask = () =>
        new Promise<{ socket: Socket; answer: Promise<string> }>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.write('GET /api/counts?thread=a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
            let text = '';
            socket.on('data', (chunk) => (text += chunk));
            const answer = new Promise<string>((done) => {
              socket.on('data', () => text.includes('\r\n\r\n') && done(text));
              socket.on('close', () => done(text));
            });
            resolve({ socket, answer });
          });
          socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
          sockets.push(socket);
        });
      // Two kept-alive connections fill the cap; a third is closed unanswered.
      for (let i = 0; i < 2; i++) assert.match(await (await ask()).answer, /^HTTP\/1\.1 200 /);
      const third = await ask();
      assert.equal(await third.answer, '');
      sockets[0]!.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.match(await (await ask()).answer, /^HTTP\/1\.1 200 /, 'room again once one closes');
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.stop();
    }
  });

  it('on SIGTERM stops accepting, lets a slow request in flight finish (past 2 s), then closes the database and exits 0', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${dir}/colloquy.db`, COLLOQUY_FLOOD_SECONDS: '0', COLLOQUY_MODERATION: 'none' };
    const server = await startMain(env);
    const { port } = new URL(server.url);
    assert.deepEqual(await (await fetch(`${server.url}healthz`)).json(), { ok: true });
    const body = JSON.stringify({ thread: 'drain', parentId: null, author: { name: 'Slow', email: 'slow@mail.example' }, body: 'Sent slowly.', idempotencyKey: randomUUID() });
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    socket.write(body.slice(0, 20));
    // A connection that never sends a request (a browser's preconnect) must not hold the drain.
    const spare = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => spare.once('connect', resolve));
    const spareClosed = new Promise((resolve) => spare.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = server.stop('SIGTERM');
    await waitFor(() => server.output().includes('SIGTERM received'), 5000, 'the stop is logged');
    // No new connection is taken once the stop began.
    await assert.rejects(fetch(`${server.url}healthz`));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(answer, '', 'nothing answered before the body is complete');
    await spareClosed;
    socket.write(body.slice(20));
    await closed;
    const answered = Date.now();
    assert.match(answer, /^HTTP\/1\.1 201 /, answer);
    assert.equal(await exited, 0, server.output());
    assert.ok(Date.now() - answered < 2000, `exits once the last request is answered, not at the 10 s cut:\n${server.output()}`);
    assert.match(server.output(), /\[colloquy\] Stopped\./);
    const again = await startMain(env);
    try {
      assert.deepEqual((await listAll(again.url, 'drain')).map((comment) => comment.body), ['Sent slowly.']);
    } finally {
      await again.stop();
    }
  });

  it('refuses to start, saying so, when the built widget (dist/colloquy.js) is missing', () => {
    const empty = tempDir();
    assert.match(missingBuild(empty)!, new RegExp(`${join(empty, 'colloquy.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist.*npm run build`));
    assert.equal(missingBuild(join(fileURLToPath(new URL('../..', import.meta.url)), 'dist')), null, 'this checkout is built');
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
