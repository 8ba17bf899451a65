/**
 * Three real Colloquy instances on one PostgreSQL database behind a real nginx running the
 * project's documented config (docs/nginx/colloquy.conf, its marked lines replaced by
 * throw-away ports), as docs/server.md "Several instances" describes the deployment:
 *
 * - a comment posted through one instance is listed at once by the others (warm page caches);
 * - flood control and the admin sign-in brake hold across instances;
 * - live updates reach a reader connected to another instance;
 * - under 200 concurrent posters, one instance is killed with SIGKILL every 2–3 s and started
 *   again: every acknowledged (201) comment is stored and listed, none twice, and a client that
 *   lost its answer and retries with its idempotency key through another instance gets its comment.
 *
 * Needs COLLOQUY_TEST_DATABASE_URL (a PostgreSQL server whose user may create databases) and
 * nginx (/usr/sbin/nginx, or NGINX); skipped, saying why, without either. Every address is on
 * loopback; clients post from their own 127.x source address so each is a client of its own.
 * Runs in about 30 s.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../e2e/harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATABASE = process.env.COLLOQUY_TEST_DATABASE_URL;
const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
const COMPILED = join(ROOT, 'dist/server/cli/bin.js');
const SECRET = 'scale-test-secret-that-is-at-least-32-characters';
const ADMIN_TOKEN = 'scale-test-admin-token-that-is-at-least-32-chars';
const FLOOD_SECONDS = 2;
const POSTERS = 200;
const LOAD_MS = 16_000;

const skip = !DATABASE ? 'COLLOQUY_TEST_DATABASE_URL is not set' : !existsSync(NGINX) ? `nginx is not installed (${NGINX})` : false;

// ---------------------------------------------------------------------------------------------
// Plain HTTP on node:http: keep-alive agents, each bound to one loopback source address.

interface Reply {
  status: number;
  text: string;
  json: any;
}

const agents = new Map<string, Agent>();
function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (!agent) agents.set(localAddress, (agent = new Agent({ keepAlive: true, localAddress, maxSockets: 8 })));
  return agent;
}

function send(
  port: number,
  method: string,
  path: string,
  { body, headers = {}, from = '127.0.0.1', timeoutMs = 15_000 }: { body?: unknown; headers?: Record<string, string>; from?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: agentFor(from),
        headers: { ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let json: any;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The instances and nginx.

class Instance {
  child: ChildProcess | null = null;
  output = '';
  starts = 0;
  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}

  /** Starts the server and resolves once it prints its URL. */
  start(): Promise<void> {
    const args = existsSync(COMPILED) ? [COMPILED, 'serve'] : ['--import', 'tsx', 'src/server/main.ts'];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...this.env, PORT: String(this.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    let seen = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance :${this.port} did not start:\n${seen}`)), 20_000);
      const onData = (chunk: Buffer) => {
        seen += chunk;
        this.output += chunk;
        if (seen.includes('Colloquy is running at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`instance :${this.port} exited (${code ?? signal}) before starting:\n${seen}`));
      });
    });
  }

  /** kill -9, and waits for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<number | string | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const gone = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    child.kill('SIGTERM');
    return gone;
  }
}

/** The documented config with its marked lines (the instances, the listen address) made this test's. */
function nginxSite(template: string, listenPort: number, instancePorts: number[]): string {
  const servers = [...template.matchAll(/^( +)server 127\.0\.0\.1:\d+( .*)?;$/gm)];
  assert.equal(servers.length, 3, 'the documented upstream lists three instances');
  let site = template.replace(/^( +)server 127\.0\.0\.1:\d+( .*)?;\n/gm, '');
  site = site.replace(/^(upstream colloquy \{\n)/m, `$1${instancePorts.map((port) => `    server 127.0.0.1:${port}${servers[0]![2] ?? ''};\n`).join('')}`);
  assert.equal((site.match(/^ +listen 80;$/gm) ?? []).length, 1, 'the documented server listens on port 80');
  return site.replace(/^( +)listen 80;$/m, `$1listen 127.0.0.1:${listenPort};`);
}

function startNginx(dir: string, site: string): Promise<ChildProcess> {
  mkdirSync(join(dir, 'logs'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'colloquy.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/colloquy.conf;
}
`,
  );
  const child = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = () => {
      if (child.exitCode !== null) return reject(new Error(`nginx exited: ${output}${readLog(dir)}`));
      if (existsSync(join(dir, 'nginx.pid'))) return resolve(child);
      if (Date.now() > deadline) return reject(new Error(`nginx did not start: ${output}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

const readLog = (dir: string) => (existsSync(join(dir, 'logs/error.log')) ? readFileSync(join(dir, 'logs/error.log'), 'utf8') : '');

// ---------------------------------------------------------------------------------------------

function draft(thread: string, tag: string, key = randomUUID()) {
  return { thread, parentId: null, author: { name: `Listener ${tag}`, email: `${tag}@scale.example` }, body: `Comment ${tag} (${key})`, idempotencyKey: key };
}

async function listAll(port: number, thread: string): Promise<{ id: string; body: string }[]> {
  const comments: { id: string; body: string }[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ thread, limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await send(port, 'GET', `/api/comments?${query}`);
    assert.equal(page.status, 200, page.text);
    comments.push(...page.json.comments);
    cursor = page.json.nextCursor;
  } while (cursor);
  return comments;
}

/** Opens a live stream and collects its events until closed. */
function openStream(port: number, thread: string) {
  const events: { event: string; data: any }[] = [];
  let close = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/comments/stream?${new URLSearchParams({ thread })}`, headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data === undefined) continue;
          events.push({ event, data: JSON.parse(data) });
          if (event === 'ready') resolve();
        }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
    close = () => req.destroy();
  });
  return { events, ready, close: () => close() };
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('three instances behind nginx on PostgreSQL', { skip }, () => {
  const database = `colloquy_scale_${randomBytes(5).toString('hex')}`;
  const nginxDir = mkdtempSync(join(tmpdir(), 'colloquy-nginx-'));
  let admin: pg.Client;
  let nginx: ChildProcess;
  let proxy: number;
  const instances: Instance[] = [];

  before(async () => {
    admin = new pg.Client({ connectionString: DATABASE });
    await admin.connect();
    await admin.query(`create database ${database}`);
    const url = new URL(DATABASE!);
    url.pathname = `/${database}`;
    const env = {
      DATABASE_URL: url.href,
      HOST: '127.0.0.1',
      COLLOQUY_SECRET: SECRET,
      COLLOQUY_ADMIN_TOKEN: ADMIN_TOKEN,
      COLLOQUY_TRUST_PROXY: '1',
      COLLOQUY_MODERATION: 'none',
      COLLOQUY_FLOOD_SECONDS: String(FLOOD_SECONDS),
      COLLOQUY_MIN_FORM_SECONDS: '0',
      COLLOQUY_ORIGINS: 'https://blog.example',
    };
    for (let i = 0; i < 3; i++) instances.push(new Instance(await freePort(), env));
    // The first start runs the migrations; the others find them applied.
    await instances[0]!.start();
    await Promise.all(instances.slice(1).map((instance) => instance.start()));
    proxy = await freePort();
    const site = nginxSite(readFileSync(join(ROOT, 'docs/nginx/colloquy.conf'), 'utf8'), proxy, instances.map((instance) => instance.port));
    nginx = await startNginx(nginxDir, site);
    for (let tries = 0; ; tries++) {
      const health = await send(proxy, 'GET', '/healthz').catch(() => null);
      if (health?.status === 200) break;
      if (tries > 100) assert.fail(`nginx does not answer: ${readLog(nginxDir)}`);
      await sleep(50);
    }
  });

  after(async () => {
    for (const agent of agents.values()) agent.destroy();
    await Promise.all(instances.map((instance) => instance.stop()));
    if (nginx && nginx.exitCode === null) {
      const gone = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await gone;
    }
    rmSync(nginxDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
  });

  it('answers /healthz 200 on every instance and through nginx', async () => {
    for (const port of [...instances.map((instance) => instance.port), proxy]) {
      const health = await send(port, 'GET', '/healthz');
      assert.equal(health.status, 200, health.text);
      assert.deepEqual(health.json, { ok: true });
    }
  });

  it('lists a comment posted through one instance at once on the others, and through nginx (no stale page cache)', async () => {
    const thread = `scale/listed/${randomUUID()}`;
    const ports = instances.map((instance) => instance.port);
    for (let i = 0; i < 3; i++) {
      // Every instance has the page cached before the post.
      for (const port of [...ports, proxy, proxy, proxy]) assert.equal((await listAll(port, thread)).length, i);
      const posted = await send(ports[i]!, 'POST', '/api/comments', { body: draft(thread, `listed-${i}`), from: `127.3.0.${i + 1}` });
      assert.equal(posted.status, 201, posted.text);
      for (const port of [...ports, proxy, proxy, proxy]) {
        const listed = await listAll(port, thread);
        assert.ok(listed.some((comment) => comment.id === posted.json.comment.id), `listed on :${port}`);
        assert.equal(listed.length, i + 1);
      }
    }
  });

  it('holds flood control across instances: the same client posting through each in turn is refused', async () => {
    const client = '127.4.0.1';
    const thread = `scale/flood/${randomUUID()}`;
    const first = await send(instances[0]!.port, 'POST', '/api/comments', { body: draft(thread, 'flood-a'), from: client });
    assert.equal(first.status, 201, first.text);
    for (const port of [instances[1]!.port, instances[2]!.port, proxy, proxy, proxy]) {
      const again = await send(port, 'POST', '/api/comments', { body: draft(thread, `flood-${port}-${randomUUID()}`), from: client });
      assert.equal(again.status, 429, `:${port} ${again.text}`);
    }
  });

  it('holds the admin sign-in brake across instances, and still lets the right token in', async () => {
    const client = '127.5.0.1';
    const ports = instances.map((instance) => instance.port);
    for (let i = 0; i < 5; i++) {
      const wrong = await send(i % 2 ? proxy : ports[i % 3]!, 'GET', '/api/admin/comments', { headers: { Authorization: `Bearer wrong-${i}` }, from: client });
      assert.equal(wrong.status, 401, wrong.text);
    }
    for (const port of [...ports, proxy]) {
      const braked = await send(port, 'GET', '/api/admin/comments', { headers: { Authorization: 'Bearer wrong-again' }, from: client });
      assert.equal(braked.status, 429, `:${port} ${braked.text}`);
      assert.equal((await send(port, 'GET', '/api/admin/comments', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, from: client })).status, 200);
    }
  });

  it('tells a reader connected to instance A of a comment posted through instance B, and through nginx', async () => {
    const thread = `scale/live/${randomUUID()}`;
    const probe = await send(instances[0]!.port, 'GET', `/api/comments/stream?${new URLSearchParams({ thread: 'scale/probe' })}`, { timeoutMs: 500 }).catch(() => null);
    if (probe?.status === 404) return; // Live updates turned off (COLLOQUY_LIVE_MAX=0).
    const onA = openStream(instances[0]!.port, thread);
    const viaProxy = openStream(proxy, thread);
    try {
      await Promise.all([onA.ready, viaProxy.ready]);
      const posted = await send(instances[1]!.port, 'POST', '/api/comments', { body: draft(thread, 'live-b'), from: '127.6.0.1' });
      assert.equal(posted.status, 201, posted.text);
      const id = posted.json.comment.id;
      for (const stream of [onA, viaProxy]) {
        await waitFor(() => stream.events.some((event) => event.event === 'comment' && event.data.id === id), 5000, 'the comment event');
      }
      assert.equal(JSON.stringify(onA.events).includes('@scale.example'), false, 'no email in the stream');
    } finally {
      onA.close();
      viaProxy.close();
    }
  });

  it(`keeps every acknowledged comment, none twice, under ${POSTERS} concurrent posters while an instance is killed with SIGKILL every 2–3 s`, async () => {
    const thread = `scale/load/${randomUUID()}`;
    const ports = instances.map((instance) => instance.port);
    const acknowledged = new Map<string, string>(); // idempotency key → comment id
    const retried = new Map<string, string>(); // keys whose first answer was lost → the id the retry got
    const problems: string[] = [];
    let lostAnswers = 0;
    let replays = 0; // retries answered with a comment stored before the retry was sent
    let running = true;
    const endAt = Date.now() + LOAD_MS;

    const poster = async (n: number) => {
      const from = `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      for (let i = 0; running && Date.now() < endAt; i++) {
        const key = randomUUID();
        const body = draft(thread, `p${n}-${i}`, key);
        const reply = await send(proxy, 'POST', '/api/comments', { body, from }).catch(() => null);
        if (reply?.status === 201) {
          acknowledged.set(key, reply.json.comment.id);
        } else if (reply && reply.status < 500) {
          problems.push(`poster ${n}: ${reply.status} ${reply.text}`);
          return;
        } else {
          // The answer was lost (the instance died mid-request): retry through another instance.
          lostAnswers++;
          const retryAt = Date.now();
          let got: Reply | null = null;
          for (let attempt = 0; attempt < 30 && !got; attempt++) {
            const again = await send(ports[(n + attempt) % 3]!, 'POST', '/api/comments', { body, from }).catch(() => null);
            if (again?.status === 201) got = again;
            else if (again && again.status < 500) {
              problems.push(`poster ${n} retry: ${again.status} ${again.text}`);
              return;
            } else await sleep(100);
          }
          if (!got) {
            problems.push(`poster ${n}: no instance took the retry`);
            return;
          }
          acknowledged.set(key, got.json.comment.id);
          retried.set(key, got.json.comment.id);
          if (Date.parse(got.json.comment.createdAt) < retryAt) replays++;
        }
        // Each poster is one client: it waits out the flood interval between its comments.
        await sleep(FLOOD_SECONDS * 1000 + 150);
      }
    };

    let kills = 0;
    const restarts: Promise<void>[] = [];
    const up = new Set(instances);
    // A kill every 2–3 s, whatever the restarts take: each victim is started again at once, in
    // the background, and one still starting is not killed again (another is, if one is up).
    const killer = async () => {
      let next = 0;
      await sleep(1500);
      while (Date.now() < endAt - 1000) {
        const instance = [0, 1, 2].map((i) => instances[(next + i) % 3]!).find((candidate) => up.has(candidate));
        next++;
        if (instance && up.size > 1) {
          up.delete(instance);
          await instance.kill();
          kills++;
          restarts.push(
            instance.start().then(
              () => void up.add(instance),
              (error: Error) => void problems.push(`restart: ${error.message}`),
            ),
          );
        }
        await sleep(2000 + Math.random() * 1000);
      }
      await Promise.all(restarts);
    };

    const started = Date.now();
    await Promise.all([killer(), ...Array.from({ length: POSTERS }, (_, n) => poster(n))]);
    running = false;
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `# scale: ${acknowledged.size} comments acknowledged in ${seconds.toFixed(1)} s (${(acknowledged.size / seconds).toFixed(0)}/s) by ${POSTERS} posters, ` +
        `${kills} kill -9s, ${lostAnswers} lost answers retried through another instance (${retried.size} resolved, ${replays} of them with the comment the lost answer was for)`,
    );
    assert.deepEqual(problems.slice(0, 5), [], `${problems.length} posters failed`);
    assert.ok(kills >= 4, `${kills} kills`);

    const listed = await listAll(proxy, thread);
    const ids = listed.map((comment) => comment.id);
    assert.equal(new Set(ids).size, ids.length, 'no comment listed twice');
    const keys = listed.map((comment) => /\(([0-9a-f-]{36})\)$/.exec(comment.body)![1]!);
    assert.equal(new Set(keys).size, keys.length, 'no draft stored twice');
    const byKey = new Map(listed.map((comment, i) => [keys[i]!, comment.id]));
    const missing = [...acknowledged].filter(([key, id]) => byKey.get(key) !== id);
    assert.deepEqual(missing, [], 'every acknowledged comment is listed, under the id its 201 gave');
    assert.equal(listed.length, acknowledged.size, 'nothing stored that was never acknowledged');
    for (const [key, id] of retried) assert.equal(byKey.get(key), id, 'a retry gets the comment stored for its key');
    for (const port of ports) assert.deepEqual((await listAll(port, thread)).map((comment) => comment.id).sort(), [...ids].sort(), `the same list on :${port}`);
    const url = new URL(DATABASE!);
    url.pathname = `/${database}`;
    const direct = new pg.Client({ connectionString: url.href });
    await direct.connect();
    try {
      const { rows } = await direct.query('select count(*)::int as count, count(distinct idempotency_key)::int as keys from comments where thread = $1', [thread]);
      assert.deepEqual(rows[0], { count: acknowledged.size, keys: acknowledged.size }, 'the database holds each acknowledged comment once');
    } finally {
      await direct.end();
    }
  });
});
