/**
 * How many requests per second the production server answers, side by side with the floor
 * of the same machine:
 *
 *   npm run bench:server [-- --quick] [-- --tsx] [-- --no-write]
 *
 * Two servers, each in a process of its own, on the same kind of SQLite file (WAL,
 * `synchronous=FULL`): Colloquy as `npm run serve` runs it (compiled to JavaScript first, into
 * node_modules/.cache/colloquy-bench-server; `--tsx` runs the TypeScript through tsx instead),
 * with its default configuration and every check on, and a floor: a bare `node:http` server
 * with better-sqlite3 that parses the JSON, checks the fields' presence and lengths, and stores
 * a comment with one `INSERT … RETURNING`, or reads 50 rows and serializes them. Autocannon
 * loads each from a process of its own on 127.0.0.1, with the same 32 connections and the same
 * window (10 s; 3 s with `--quick`), the two servers alternating, in two rounds:
 *
 * - GET a page of 50 top-level comments of a 1,000-comment thread;
 * - POST a new comment to that thread;
 * - POST a new comment to a thread of 100,000 comments.
 *
 * Every post has its own body, idempotency key, email and client address (X-Forwarded-For,
 * with COLLOQUY_TRUST_PROXY=1), so flood control, the brake on 409s, the duplicate check and
 * first-time moderation all run and none refuses it. Each window starts on a fresh copy of the
 * seeded database and a fresh server, warmed up by 2 s (1 s with `--quick`) of the same load.
 * With COLLOQUY_TEST_DATABASE_URL set, Colloquy is also measured on PostgreSQL (one round,
 * reported only). The table is printed and written into docs/benchmarks.md between
 * `<!-- bench:server -->` and `<!-- /bench:server -->` (not with `--no-write`).
 */
import BetterSqlite3 from 'better-sqlite3';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = resolve(SCRIPT, '../..');
const THREAD = 'bench/episode';
const CONNECTIONS = 32;
const PAGE = 50;
const SMALL = 1_000;
const LARGE = 100_000;
const SECRET = 'bench-server-secret-that-is-at-least-32-characters';
const ADMIN_TOKEN = 'bench-server-admin-token-that-is-at-least-32-characters';

const args = process.argv.slice(2);

// ---------------------------------------------------------------------------------------------
// The floor: node:http and better-sqlite3, nothing else (run as `--floor <db file>`).

function runFloor(path: string): void {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(
    'insert into comments (thread, parent_id, name, email, url, body, created_at) values (?, ?, ?, ?, ?, ?, ?) returning id, created_at as createdAt',
  );
  const page = db.prepare('select id, parent_id as parentId, name, url, body, created_at as createdAt from comments where thread = ? order by created_at, id limit ?');
  const text = (value: unknown, max: number, required: boolean) =>
    typeof value === 'string' ? value.length <= max && (!required || value.length > 0) : !required && (value === null || value === undefined);
  const answer = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
    res.end(json);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://floor');
    if (req.method === 'GET' && url.pathname === '/comments') {
      const thread = url.searchParams.get('thread') ?? '';
      answer(res, 200, { thread, comments: page.all(thread, Number(url.searchParams.get('limit') ?? PAGE)) });
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/comments') return answer(res, 404, { error: 'not found' });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let input: { thread?: unknown; author?: { name?: unknown; email?: unknown; url?: unknown }; body?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(res, 400, { error: 'bad json' });
      }
      if (
        typeof input !== 'object' ||
        input === null ||
        typeof input.author !== 'object' ||
        input.author === null ||
        !text(input.thread, 200, true) ||
        !text(input.author.name, 100, true) ||
        !text(input.author.email, 254, true) ||
        !text(input.author.url, 500, false) ||
        !text(input.body, 65_535, true)
      ) {
        return answer(res, 400, { error: 'bad fields' });
      }
      const row = insert.get(input.thread, null, input.author.name, input.author.email, input.author.url ?? null, input.body, Date.now());
      answer(res, 201, { comment: row });
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`[floor] listening ${(server.address() as AddressInfo).port}`));
  process.on('SIGTERM', () => server.close(() => (db.close(), process.exit(0))));
}

// ---------------------------------------------------------------------------------------------
// The load: autocannon in a process of its own (run as `--load <json>`), printing its result.

interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  seconds: number;
  /** Makes bodies, keys and emails unique across every window of a run. */
  prefix: string;
  /** The first client address's number: the warm-up and the window of one server use apart blocks. */
  addresses: number;
}

interface LoadResult {
  ok: number;
  other: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

async function runLoad(spec: LoadSpec): Promise<void> {
  // autocannon ships no types; this is the part of its result the benchmark reads.
  const name = 'autocannon';
  const { default: autocannon } = (await import(name)) as {
    default: (options: object) => Promise<{ '2xx': number; non2xx: number; errors: number; timeouts: number; duration: number; latency: { p50: number; p99: number } }>;
  };
  let n = 0;
  const result = await autocannon({
    url: spec.url,
    connections: CONNECTIONS,
    duration: spec.seconds,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        ...(spec.method === 'POST'
          ? {
              setupRequest: (request: Record<string, unknown>) => ({ ...request, ...postFor(spec.prefix, n++, spec.addresses) }),
            }
          : {}),
      },
    ],
  });
  const ok = result['2xx'];
  const out: LoadResult = {
    ok,
    other: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
  process.stdout.write(JSON.stringify(out));
}

/** The `i`-th post of a window: its own body, key, email, name and client address. */
function postFor(prefix: string, i: number, addresses = 0): { headers: Record<string, string>; body: string } {
  // A new client address for every post: 10.a.b.c from the counter (a window sends far fewer than 2^24).
  const a = addresses + i;
  const address = `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
  return {
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address, 'User-Agent': 'colloquy-bench' },
    body: JSON.stringify({
      thread: THREAD,
      parentId: null,
      author: { name: `Reader ${prefix} ${i}`, email: `reader-${prefix}-${i}@mail.example` },
      body: `Comment ${i} of window ${prefix}: thanks for the episode, the part about the co-op was the best.`,
      idempotencyKey: `bench-${prefix}-${i}`,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// The run.

const WORDS = 'the episode guest podcast really enjoyed part about open source governance co-op meeting question answer thanks great listen again later'.split(' ');

/** The seeded comments: top-level, 97 % approved, 5,000 authors, bodies of 8 to 88 words. */
function* seedRows(count: number): Generator<[string, string, string, string | null, string, string, string, number]> {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const start = Date.now() - count * 1000 - 3_600_000;
  for (let i = 0; i < count; i++) {
    const author = Math.floor(rand() * 5000);
    const words = 8 + Math.floor(rand() * 80);
    const body = Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const roll = rand();
    const status = roll < 0.97 ? 'approved' : roll < 0.99 ? 'pending' : 'spam';
    yield [`Listener ${author}`, `listener${author}@mail.example`, body, rand() < 0.3 ? `https://listener${author}.example/` : null, status, `seed-${i}`, `ip-${author}`, start + i * 1000];
  }
}

async function seedColloquySqlite(path: string, count: number): Promise<void> {
  const { openSqliteStore } = await import('../src/server/store/index.js');
  await (await openSqliteStore(path)).close();
  const db = new BetterSqlite3(path);
  const insert = db.prepare(
    `insert into comments (thread, parent_id, root_id, name, email, url, body, status, ip_hash, idempotency_key, created_at, updated_at, depth)
     values (?, null, null, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
  );
  db.transaction(() => {
    let approved = 0;
    for (const [name, email, body, url, status, key, ip, at] of seedRows(count)) {
      insert.run(THREAD, name, email, url, body, status, ip, key, at, at);
      if (status === 'approved') approved++;
    }
    db.prepare('insert into thread_stats (thread, approved_count, version) values (?, ?, 1)').run(THREAD, approved);
  })();
  db.pragma('optimize');
  db.close();
}

function seedFloor(path: string, count: number): void {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.exec(`create table comments (id integer primary key, thread text not null, parent_id integer, name text not null, email text not null,
    url text, body text not null, created_at integer not null);
    create index comments_thread on comments (thread, created_at, id);`);
  const insert = db.prepare('insert into comments (thread, parent_id, name, email, url, body, created_at) values (?, null, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const [name, email, body, url, , , , at] of seedRows(count)) insert.run(THREAD, name, email, url, body, at);
  })();
  db.close();
}

async function seedColloquyPostgres(url: string, schema: string, count: number): Promise<void> {
  const { openPostgresStore } = await import('../src/server/store/index.js');
  await (await openPostgresStore(url, { schema, secret: SECRET })).close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set search_path = ${schema}`);
    await client.query('begin');
    const rows = [...seedRows(count)];
    for (let i = 0; i < rows.length; i += 5000) {
      const part = rows.slice(i, i + 5000);
      await client.query(
        `insert into comments (thread, name, email, url, body, status, ip_hash, idempotency_key, created_at, updated_at, depth)
         select $1, r.name, r.email, r.url, r.body, r.status, r.ip, r.key, r.at, r.at, 0
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[]) as r(name, email, body, url, status, key, ip, at)`,
        [THREAD, ...[0, 1, 2, 3, 4, 5, 6, 7].map((column) => part.map((row) => row[column]))],
      );
    }
    await client.query(`insert into thread_stats (thread, approved_count, version) select $1, count(*), 1 from comments where status = 'approved'`, [THREAD]);
    await client.query('commit');
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** Starts a child and resolves with it and its port once it printed the line naming the port. */
function start(command: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${command.join(' ')} did not start:\n${out}`)), 60_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}:\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) a process has used, in milliseconds, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15; the split starts at field 3. Clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--load', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`autocannon exited with ${code}`))));
  });
}

interface Sample extends LoadResult {
  cpuMsPerRequest: number;
}

type Target = 'floor' | 'colloquy' | 'colloquy-pg';
type Scenario = 'GET' | 'POST 1k' | 'POST 100k';

async function main(): Promise<void> {
  const quick = args.includes('--quick');
  const useTsx = args.includes('--tsx');
  const window = quick ? 3 : 10;
  const warmup = quick ? 1 : 2;
  const rounds = 2;
  const pgUrl = process.env.COLLOQUY_TEST_DATABASE_URL;

  let serverMain: string[];
  if (useTsx) serverMain = [process.execPath, '--import', 'tsx', '-e', `import('${join(ROOT, 'src/server/main.ts')}').then((m) => m.startServer())`];
  else {
    const out = join(ROOT, 'node_modules/.cache/colloquy-bench-server');
    console.log('[colloquy] Compiling the server (tsc -p tsconfig.server.json) …');
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--outDir', out, '--declaration', 'false'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    } catch {
      // tsc still writes the JavaScript when it finds type errors (work in progress elsewhere).
      if (!existsSync(join(out, 'server/main.js'))) throw new Error('The server did not compile.');
      console.log('[colloquy] tsc reported errors; measuring the JavaScript it wrote.');
    }
    serverMain = [process.execPath, '-e', `import('${join(out, 'server/main.js')}').then((m) => m.startServer())`];
  }

  const dir = mkdtempSync(join(tmpdir(), 'colloquy-bench-server-'));
  try {
    const templates: Record<'colloquy' | 'floor', Record<number, string>> = {
      colloquy: { [SMALL]: join(dir, 'colloquy-1k.db'), [LARGE]: join(dir, 'colloquy-100k.db') },
      floor: { [SMALL]: join(dir, 'floor-1k.db'), [LARGE]: join(dir, 'floor-100k.db') },
    };
    const seeded = Date.now();
    for (const size of [SMALL, LARGE]) {
      await seedColloquySqlite(templates.colloquy[size]!, size);
      seedFloor(templates.floor[size]!, size);
    }
    console.log(`[colloquy] Seeded the databases in ${((Date.now() - seeded) / 1000).toFixed(1)} s.`);

    let windowNo = 0;
    const runId = Date.now().toString(36);
    async function measure(target: Target, scenario: Scenario): Promise<Sample> {
      const size = scenario === 'POST 100k' ? LARGE : SMALL;
      const id = `${runId}w${windowNo++}`;
      let server: { child: ChildProcess; port: number };
      let schema: string | null = null;
      if (target === 'floor') {
        const path = join(dir, `${id}.db`);
        copyFileSync(templates.floor[size]!, path);
        server = await start([process.execPath, '--import', 'tsx', SCRIPT, '--floor', path], process.env, /\[floor\] listening (\d+)/);
      } else {
        let databaseUrl: string;
        if (target === 'colloquy') {
          const path = join(dir, id, 'colloquy.db');
          mkdirSync(join(dir, id));
          copyFileSync(templates.colloquy[size]!, path);
          databaseUrl = `sqlite:${path}`;
        } else {
          schema = `bench_${id}`;
          await seedColloquyPostgres(pgUrl!, schema, size);
          const url = new URL(pgUrl!);
          url.searchParams.set('options', `-c search_path=${schema}`);
          databaseUrl = url.toString();
        }
        server = await start(
          serverMain,
          {
            ...process.env,
            DATABASE_URL: databaseUrl,
            HOST: '127.0.0.1',
            PORT: '0',
            COLLOQUY_SECRET: SECRET,
            COLLOQUY_ADMIN_TOKEN: ADMIN_TOKEN,
            COLLOQUY_TRUST_PROXY: '1',
          },
          /running at http:\/\/localhost:(\d+)\//,
        );
      }
      try {
        const base = `http://127.0.0.1:${server.port}`;
        const method = scenario === 'GET' ? 'GET' : 'POST';
        const path =
          target === 'floor'
            ? scenario === 'GET'
              ? `/comments?thread=${encodeURIComponent(THREAD)}&limit=${PAGE}`
              : '/comments'
            : scenario === 'GET'
              ? `/api/comments?thread=${encodeURIComponent(THREAD)}&limit=${PAGE}`
              : '/api/comments';
        // One request first, so a refusal is seen as what it is rather than as a rate of zero.
        const probe = await fetch(base + path, method === 'GET' ? {} : { method, ...postFor(`${id}probe`, 0, 3 << 22) });
        if (!probe.ok) throw new Error(`${target} answered ${probe.status} to ${method} ${path}: ${await probe.text()}`);
        await load({ url: base, method, path, seconds: warmup, prefix: `${id}warm`, addresses: 0 });
        const cpu0 = cpuMs(server.child.pid!);
        const result = await load({ url: base, method, path, seconds: window, prefix: id, addresses: 1 << 22 });
        const cpu = cpuMs(server.child.pid!) - cpu0;
        if (result.other > 0 || result.errors > 0) console.log(`[colloquy] ${target} ${scenario}: ${result.other} answers not 2xx, ${result.errors} errors.`);
        return { ...result, cpuMsPerRequest: cpu / Math.max(1, result.ok + result.other) };
      } finally {
        await stop(server.child);
        if (schema) await (await import('../test/server/postgres-schema.js')).dropSchema(pgUrl!, schema);
      }
    }

    const samples = new Map<string, Sample[]>();
    const add = (target: Target, scenario: Scenario, sample: Sample) => {
      const key = `${target}|${scenario}`;
      samples.set(key, [...(samples.get(key) ?? []), sample]);
      console.log(
        `[colloquy] ${target.padEnd(11)} ${scenario.padEnd(9)} ${Math.round(sample.ok / sample.seconds)}/s  p50 ${sample.p50} ms  p99 ${sample.p99} ms  CPU ${sample.cpuMsPerRequest.toFixed(3)} ms/request`,
      );
    };
    const scenarios: Scenario[] = ['GET', 'POST 1k', 'POST 100k'];
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        // Alternating, and in the other order in the second round, so neither always goes first.
        const order: Target[] = round % 2 ? ['floor', 'colloquy'] : ['colloquy', 'floor'];
        for (const target of order) add(target, scenario, await measure(target, scenario));
      }
    }
    if (pgUrl) for (const scenario of scenarios) add('colloquy-pg', scenario, await measure('colloquy-pg', scenario));

    const rate = (s: Sample) => s.ok / s.seconds;
    const range = (values: number[], digits = 0) => {
      const fmt = (v: number) => (digits === 0 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits));
      const low = Math.min(...values);
      const high = Math.max(...values);
      return low === high || fmt(low) === fmt(high) ? fmt(low) : `${fmt(low)}–${fmt(high)}`;
    };
    const rows: string[] = [];
    const ratios: string[] = [];
    for (const scenario of scenarios) {
      for (const target of ['floor', 'colloquy', 'colloquy-pg'] as Target[]) {
        const list = samples.get(`${target}|${scenario}`);
        if (!list) continue;
        const floor = samples.get(`floor|${scenario}`)!;
        const vs = target === 'floor' ? '1' : range(list.map((s, i) => rate(s) / rate(floor[i] ?? floor[0]!)), 2);
        rows.push(
          `| ${scenario} | ${target === 'floor' ? 'floor (node:http + better-sqlite3)' : target === 'colloquy' ? 'Colloquy, SQLite' : 'Colloquy, PostgreSQL'} | ${range(list.map(rate))} | ${range(list.map((s) => s.p50))} | ${range(list.map((s) => s.p99))} | ${range(list.map((s) => s.cpuMsPerRequest), 3)} | ${vs}× |`,
        );
      }
    }
    const colloquy = (scenario: Scenario) => samples.get(`colloquy|${scenario}`)!.map(rate);
    const floorPost = samples.get('floor|POST 1k')!.map(rate);
    const postVsFloor = colloquy('POST 1k').map((v, i) => v / floorPost[i]!);
    const largeVsSmall = colloquy('POST 100k').map((v, i) => v / colloquy('POST 1k')[i]!);
    const getVsFloor = colloquy('GET').map((v, i) => v / samples.get('floor|GET')!.map(rate)[i]!);
    ratios.push(
      `- POST, Colloquy ÷ floor: ${range(postVsFloor, 2)} (target ≥ 0.5): ${Math.min(...postVsFloor) >= 0.5 ? 'met' : 'NOT met'}`,
      `- POST at 100,000 comments ÷ POST at 1,000: ${range(largeVsSmall, 2)} (target ≥ 0.9): ${Math.min(...largeVsSmall) >= 0.9 ? 'met' : 'NOT met'}`,
      `- GET from the page cache ÷ the floor's GET: ${range(getVsFloor, 2)} (target ≥ 1): ${Math.min(...getVsFloor) >= 1 ? 'met' : 'NOT met'}`,
    );
    const date = new Date().toISOString().slice(0, 10);
    const report = [
      `${date}, ${cpus().length} cores (${cpus()[0]?.model.trim()}; load average ${loadavg()[0]!.toFixed(1)} at the end), Node ${process.versions.node}, ` +
        `\`npm run bench:server${quick ? ' -- --quick' : ''}${useTsx ? ' -- --tsx' : ''}\` (${useTsx ? 'the server run through tsx' : 'the server compiled by tsc'}; ` +
        `${CONNECTIONS} connections, ${window} s windows after ${warmup} s of warm-up, ${rounds} rounds${pgUrl ? ', PostgreSQL 1 round' : ''}):`,
      '',
      '| request | server | requests/s | p50 ms | p99 ms | CPU ms per request | ÷ floor |',
      '|---|---|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      ...ratios,
    ].join('\n');
    console.log(`\n${report}\n`);
    if (!args.includes('--no-write')) {
      const { writeReport } = await import('../bench/report.js');
      writeReport('bench:server', report, join(ROOT, 'docs/benchmarks.md'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args[0] === '--floor') runFloor(args[1]!);
else if (args[0] === '--load') await runLoad(JSON.parse(args[1]!) as LoadSpec);
else await main();
