/**
 * How long the server takes to answer for a page of a thread, as the thread grows:
 *
 *   npx tsx scripts/bench-pages.ts [--http] [--iterations=400]
 *
 * Builds threads of 1,000, 10,000 and 100,000 comments in one temporary SQLite file
 * (about 70 % top-level, the rest replies nested in recent conversations), then times
 * requests for the first page, a middle page and the last page (50 top-level comments
 * each, with all their replies), and the first page newest first. Each is timed twice:
 * rendered afresh every time (the page cache off: the queries, the JSON and the ETag),
 * and as a running server mostly answers, from the page cache (one version lookup).
 * `--http` also times the same requests over HTTP on 127.0.0.1. Results: docs/benchmarks.md.
 */
import { serve } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CommentPage } from '../src/api/contract.js';
import { createApp } from '../src/server/app.js';
import { encodeCursor } from '../src/server/http/cursor.js';
import { openSqliteDatabase, openSqliteStore } from '../src/server/store/index.js';

const SIZES = [1_000, 10_000, 100_000];
const LIMIT = 50;
const WARMUP = 10;
// Every row is timed in several rounds, interleaved with the others, so a burst of load on
// the machine (or the JIT still settling) spreads over all rows instead of spoiling one.
const ROUNDS = 4;
const args = process.argv.slice(2);
const http = args.includes('--http');
const iterations = Number(args.find((arg) => arg.startsWith('--iterations='))?.split('=')[1] ?? 400);
if (!(iterations >= 10 && iterations <= 100_000)) throw new Error('--iterations must be from 10 to 100000');

// A fixed seed, so every run measures the same threads.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'the episode guest podcast really enjoyed part about open source governance co-op meeting question answer thanks great listen again later'.split(' ');

function buildThreads(path: string): void {
  const db = openSqliteDatabase(path);
  const rand = random(42);
  const insert = db.prepare(
    `insert into comments (thread, parent_id, root_id, name, email, url, body, status, ip_hash, idempotency_key, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?)`,
  );
  const stats = db.prepare('insert into thread_stats (thread, approved_count, version) values (?, ?, 1)');
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  db.transaction(() => {
    for (const size of SIZES) {
      const thread = `bench/${size}`;
      // Conversations still open to replies: people answer what is recent.
      const recent: { rootId: number; members: number[] }[] = [];
      let approved = 0;
      for (let i = 0; i < size; i++) {
        const words = 8 + Math.floor(rand() * 80);
        const body = Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
        const author = Math.floor(rand() * 2000);
        const roll = rand();
        const status = roll < 0.97 ? 'approved' : roll < 0.99 ? 'pending' : 'spam';
        const createdAt = start + i * 30_000;
        let parentId: number | null = null;
        let rootId: number | null = null;
        let conversation: (typeof recent)[number] | undefined;
        if (rand() >= 0.7 && recent.length > 0) {
          conversation = recent[Math.floor(rand() * recent.length)]!;
          rootId = conversation.rootId;
          parentId = conversation.members[Math.floor(rand() * conversation.members.length)]!;
        }
        const { lastInsertRowid } = insert.run(
          thread,
          parentId,
          rootId,
          `Listener ${author}`,
          `listener${author}@mail.example`,
          rand() < 0.3 ? `https://listener${author}.example/` : null,
          body,
          status,
          `bench-${size}-${i}`,
          createdAt,
          createdAt,
        );
        const id = Number(lastInsertRowid);
        if (status === 'approved') {
          approved++;
          // Only listed comments are replied to, as the API allows.
          if (conversation) conversation.members.push(id);
          else {
            recent.push({ rootId: id, members: [id] });
            if (recent.length > 20) recent.shift();
          }
        }
      }
      stats.run(thread, approved);
    }
  })();
  db.pragma('optimize');
  db.close();
}

/** Cursor for the page that starts after the `index`-th listed top-level comment (0-based). */
function cursorAfter(path: string, thread: string, index: number): string {
  const db = openSqliteDatabase(path);
  try {
    const row = db
      .prepare(
        `select created_at as createdAt, id from comments where thread = ? and parent_id is null and status = 'approved'
         order by created_at, id limit 1 offset ?`,
      )
      .get(thread, index) as { createdAt: number; id: number };
    return encodeCursor(row, 'oldest');
  } finally {
    db.close();
  }
}

function countRoots(path: string, thread: string): number {
  const db = openSqliteDatabase(path);
  try {
    return (db.prepare(`select count(*) as n from comments where thread = ? and parent_id is null and status = 'approved'`).get(thread) as { n: number }).n;
  } finally {
    db.close();
  }
}

interface Cell {
  label: string[];
  request: () => Promise<Response>;
  samples: number[];
}

/** Times `count` requests of the cell, one at a time, after a few untimed ones. */
async function time(cell: Cell, count: number): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await (await cell.request()).arrayBuffer();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await cell.request();
    await res.arrayBuffer();
    cell.samples.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  }
}

/** Median and 95th percentile in ms, and requests per second one at a time (1 / mean). */
function summary(samples: number[]): string[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
  const perSecond = (sorted.length / sorted.reduce((sum, ms) => sum + ms, 0)) * 1000;
  return [median.toFixed(3), p95.toFixed(3), Math.round(perSecond).toLocaleString('en-US')];
}

const dir = mkdtempSync(join(tmpdir(), 'colloquy-bench-'));
const path = join(dir, 'bench.db');
try {
  // Creates the schema through the migrations, exactly as the server would.
  await (await openSqliteStore(path)).close();
  const built = performance.now();
  buildThreads(path);
  console.log(`[colloquy] Built ${SIZES.map((n) => n.toLocaleString('en-US')).join(', ')} comment threads in ${((performance.now() - built) / 1000).toFixed(1)} s.`);

  const store = await openSqliteStore(path);
  const config = { secret: 'benchmark-secret-that-is-at-least-32-chars', origins: [], moderation: 'none' as const, floodSeconds: 0, trustProxy: 0 };
  const apps = { uncached: createApp({ store, config, pageCacheChars: 0 }), cached: createApp({ store, config }) };
  const servers: { close(): void }[] = [];
  const bases: Record<string, string> = {};
  if (http) {
    for (const [mode, app] of Object.entries(apps)) {
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      bases[mode] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      servers.push(server);
    }
  }

  // Lets the JIT settle before the first row is timed, so the smallest thread is not timed cold.
  for (let i = 0; i < 1000; i++) {
    const app = i % 2 ? apps.cached : apps.uncached;
    await (await app.request(`/api/comments?thread=bench/${SIZES[i % SIZES.length]}&limit=${LIMIT}`)).arrayBuffer();
  }

  const rows: { label: string[]; local: Cell; remote?: Cell }[] = [];
  for (const size of SIZES) {
    const thread = `bench/${size}`;
    const roots = countRoots(path, thread);
    const pages: [string, Record<string, string>][] = [
      ['first', {}],
      ['middle', { cursor: cursorAfter(path, thread, Math.floor(roots / 2) - 1) }],
      ['last', { cursor: cursorAfter(path, thread, roots - LIMIT - 1) }],
      ['newest first', { sort: 'newest' }],
    ];
    for (const [name, params] of pages) {
      const url = `/api/comments?${new URLSearchParams({ thread, limit: String(LIMIT), ...params })}`;
      const check = (await (await apps.uncached.request(url)).json()) as CommentPage;
      if (check.comments.filter((c) => c.parentId === null).length !== LIMIT) throw new Error(`the ${name} page is not full`);
      if ((name === 'last') !== (check.nextCursor === null)) throw new Error(`the ${name} page is ${check.nextCursor ? 'not ' : ''}the last`);
      const bytes = Buffer.byteLength(JSON.stringify(check));
      for (const [mode, app] of Object.entries(apps)) {
        const label = [size.toLocaleString('en-US'), name, mode, String(check.comments.length), `${(bytes / 1024).toFixed(1)} KiB`];
        rows.push({
          label,
          local: { label, request: async () => app.request(url), samples: [] },
          remote: http ? { label, request: () => fetch(bases[mode] + url), samples: [] } : undefined,
        });
      }
    }
  }
  const perRound = Math.ceil(iterations / ROUNDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const row of rows) {
      await time(row.local, perRound);
      if (row.remote) await time(row.remote, perRound);
    }
    console.log(`[colloquy] Round ${round} of ${ROUNDS} done.`);
  }
  for (const server of servers) server.close();
  await store.close();

  const head = ['comments', 'page', 'cache', 'listed', 'size', 'median ms', 'p95 ms', 'req/s'];
  if (http) head.push('HTTP median ms', 'HTTP p95 ms', 'HTTP req/s');
  console.log(`\n${perRound * ROUNDS} requests per row, one at a time, in ${ROUNDS} interleaved rounds.\n`);
  console.log(`| ${head.join(' | ')} |\n|${head.map((_, i) => (i < 3 ? '---|' : '---:|')).join('')}`);
  for (const row of rows) {
    const cells = [...row.label, ...summary(row.local.samples), ...(row.remote ? summary(row.remote.samples) : [])];
    console.log(`| ${cells.join(' | ')} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
