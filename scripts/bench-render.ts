/**
 * How fast the widget shows a large thread, against the least a page could do (the floor):
 *
 *   npm run bench:render [-- --rounds=5 --only=flat,threaded,real,chain --dist=dist --no-write]
 *
 * One node:http server on 127.0.0.1 serves the test pages, the production bundle (dist/) and a
 * fake endpoint with 1,000 comments (`flat`: 1,000 top-level; `threaded`: 250 top-level × 3 nested
 * replies) and a chain of 5,000 replies (`chain`); the reference server itself, in this process on
 * another port, serves its default first page (50 comments) of a seeded thread (`real`). Headless
 * Chromium loads the floor page (plain DOM: bench/floor.js) and the widget page in turn, a fresh
 * tab each time, for each round. What is measured, and how: bench/measure.js and
 * docs/benchmarks.md. The table is printed and written into docs/benchmarks.md between
 * `<!-- bench:render -->` and `<!-- /bench:render -->` (`--marker=` names another pair).
 *
 * A measuring instrument, not a test: it never fails for a missed target, only when it cannot
 * measure (no dist/, no Chromium).
 */
import { serve } from '@hono/node-server';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import type { Comment, NewComment } from '../src/api/contract.js';
import { createApp } from '../src/server/app.js';
import { openSqliteStore } from '../src/server/store/index.js';
import { body, buildComments, DATA_SETS, seeded, type DataSet } from '../bench/data.js';
import { startBenchServer } from '../bench/server.js';
import { writeReport } from '../bench/report.js';

type Kind = 'floor' | 'widget';
type Row = 'flat' | 'threaded' | 'real' | 'chain';

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROUNDS = Number(option('rounds') ?? 5);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1 && ROUNDS <= 50)) throw new Error('--rounds must be a whole number from 1 to 50');
const ONLY = (option('only') ?? 'flat,threaded,real,chain').split(',') as Row[];
const DIST = resolve(option('dist') ?? 'dist');
const MARKER = option('marker') ?? 'bench:render';
const WRITE = !args.includes('--no-write');
const TITLE = option('title');
/** The chain is long and, before issue 11, slow: fewer rounds, and it may time out. */
const CHAIN_ROUNDS = Math.min(ROUNDS, 3);
const IDLE_MS = 3000;
const VIEWPORT = { width: 1280, height: 800 };
const REAL_THREAD = 'bench/real';
const REAL_COMMENTS = 70;
const REAL_PAGE = 50;

if (!existsSync(join(DIST, 'colloquy.js'))) {
  console.error(`[colloquy] ${join(DIST, 'colloquy.js')} is missing: run \`npm run build\` first.`);
  process.exit(1);
}

interface Sample {
  toFirst: number | null;
  toDom: number | null;
  toPainted: number | null;
  longestTrace: number | null;
  longTaskObserved: number;
  elementsPerComment: number;
  nodesPerComment: number;
  heapMiB: number;
  /** `undefined`: not measured for this row. */
  idlePercent: number | undefined;
  shiftAbove: number;
  shiftTotal: number;
  count: number;
  timedOut: boolean;
  errors: string[];
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * Top-level tasks of the page's main thread (the thread on which the `bench-init` mark was
 * taken), from the trace: every `toplevel` event not inside another.
 */
function mainThreadTasks(events: TraceEvent[]): { init: number; tasks: { ts: number; dur: number }[] } | null {
  const mark = events.find((e) => e.name === 'bench-init');
  if (!mark) return null;
  const tasks: { ts: number; dur: number }[] = [];
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== mark.pid || e.tid !== mark.tid || e.dur === undefined) continue;
    // RunTask, and the work Blink runs outside one (a microtask checkpoint after a fetch resolved).
    if (e.cat.split(',').includes('toplevel')) tasks.push({ ts: e.ts, dur: e.dur });
  }
  // Top-level events nest (one task traced at several layers): keep only the outermost.
  tasks.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const outer: { ts: number; dur: number }[] = [];
  for (const task of tasks) {
    const last = outer.at(-1);
    if (last && task.ts < last.ts + last.dur) continue;
    outer.push(task);
  }
  return { init: mark.ts, tasks: outer };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Target {
  endpoint: string;
  thread: string;
  /** Top-level comments per page: the floor's `limit`, the widget's `page-size` (none: its default). */
  limit: number;
  pageSize: number | null;
  expected: number;
  idle: boolean;
  timeoutMs: number;
}

async function measure(browser: Browser, origin: string, kind: Kind, target: Target): Promise<Sample> {
  const page: Page = await browser.newPage();
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:') foreign.push(request.url());
  });
  page.on('pageerror', (error) => errors.push(String((error as Error).message ?? error)));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  try {
    await page.setViewport(VIEWPORT);
    const cdp = await page.createCDPSession();
    await cdp.send('Performance.enable');
    await page.goto(`${origin}/${kind}`, { waitUntil: 'load' });
    await page.waitForFunction('window.benchReady === true', { timeout: 10_000 });
    // Let the page's own start-up work finish before init.
    await sleep(200);
    await page.tracing.start({ categories: ['toplevel', 'blink.user_timing'] });
    const result = await page.evaluate(
      (opts) => (window as unknown as { benchStart(o: unknown): Promise<Record<string, unknown>> }).benchStart(opts),
      { kind, endpoint: target.endpoint, thread: target.thread, limit: target.limit, pageSize: target.pageSize, expected: target.expected, timeoutMs: target.timeoutMs },
    );
    let idlePercent: number | undefined;
    if (target.idle && !result.timedOut) {
      const before = await metrics(cdp);
      await sleep(IDLE_MS);
      const after = await metrics(cdp);
      idlePercent = (100 * (after.TaskDuration! - before.TaskDuration!)) / (after.Timestamp! - before.Timestamp!);
    }
    const traced = await page.tracing.stop();
    const trace = JSON.parse(traced ? Buffer.from(traced).toString('utf8') : '{"traceEvents":[]}') as { traceEvents: TraceEvent[] };
    const main = mainThreadTasks(trace.traceEvents);
    let longestTrace: number | null = null;
    if (main) {
      const end = main.init + 1000 * Number(result.toPainted ?? result.window);
      longestTrace = main.tasks.filter((t) => t.ts + t.dur >= main.init && t.ts <= end).reduce((max, t) => Math.max(max, t.dur / 1000), 0);
    }
    const shifts = (await page.evaluate(() => (window as unknown as { benchShifts(): { above: number; total: number } }).benchShifts())) as {
      above: number;
      total: number;
    };
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await metrics(cdp);
    if (foreign.length) throw new Error(`the ${kind} page asked another host: ${foreign.join(', ')}`);
    const count = Number(result.count);
    return {
      toFirst: result.toFirst as number | null,
      toDom: result.toDom as number | null,
      toPainted: result.toPainted as number | null,
      longestTrace,
      longTaskObserved: Number(result.longTaskObserved),
      elementsPerComment: Number(result.elements) / Math.max(1, count),
      nodesPerComment: Number(result.nodes) / Math.max(1, count),
      heapMiB: heap.JSHeapUsedSize! / 2 ** 20,
      idlePercent,
      shiftAbove: shifts.above,
      shiftTotal: shifts.total,
      count,
      timedOut: Boolean(result.timedOut),
      errors: [...errors, ...(result.errors as string[])],
    };
  } finally {
    await page.close();
  }
}

/** The reference server, in this process on its own port, with a thread of `REAL_COMMENTS` top-level comments. */
async function startRealServer(benchOrigin: string) {
  const dir = mkdtempSync(join(tmpdir(), 'colloquy-bench-render-'));
  const store = await openSqliteStore(join(dir, 'bench.db'));
  const app = createApp({
    store,
    config: { secret: 'benchmark-secret-that-is-at-least-32-chars', origins: [benchOrigin], moderation: 'none', floodSeconds: 0, trustProxy: 0 },
    socketAddress: () => '127.0.0.1',
  });
  const rand = seeded(4);
  for (let i = 0; i < REAL_COMMENTS; i++) {
    const post: NewComment = {
      thread: REAL_THREAD,
      parentId: null,
      author: { name: `Listener ${i + 1}`, email: `listener${i + 1}@mail.example` },
      body: body(rand),
      idempotencyKey: `bench-render-${i}`,
    };
    const res = await app.request('/api/comments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(post) });
    if (res.status !== 201) throw new Error(`seeding the real server: ${res.status} ${await res.text()}`);
  }
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((done) => server.once('listening', () => done()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- figures --------------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `median (min–max)`; `null` is a run that never got there, `undefined` one that did not measure
 * it (`—` when none did). `zero` words a 0 (e.g. `< 50` for the longtask observer, which sees nothing shorter).
 */
function spread(values: (number | null | undefined)[], digits = 0, unit = '', zero?: string): string {
  const measured = values.filter((v) => v !== undefined);
  if (!measured.length) return '—';
  const got = measured.filter((v): v is number => v !== null && Number.isFinite(v));
  const failed = measured.length - got.length;
  if (!got.length) return 'not reached';
  const f = (v: number) =>
    v === 0 && zero ? zero : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) + unit;
  const range = got.length > 1 ? ` (${f(Math.min(...got))}–${f(Math.max(...got))})` : '';
  return `${f(median(got))}${range}${failed ? `, ${failed} of ${values.length} not reached` : ''}`;
}

function ratios(widget: Sample[], floor: Sample[], pick: (s: Sample) => number | null): (number | null)[] {
  return widget.map((w, i) => {
    const a = pick(w);
    const b = floor[i] ? pick(floor[i]!) : null;
    return a === null || b === null || b === 0 ? null : a / b;
  });
}

/**
 * The widget's idle busy less the floor's of the same round, in percentage points: what the page
 * and the browser do when nothing loads (the floor has no widget) is in both.
 */
function idleDifference(widget: Sample[], floor: Sample[]): string {
  const differences = widget.map((w, i) => (w.idlePercent === undefined || floor[i]?.idlePercent === undefined ? undefined : w.idlePercent - floor[i]!.idlePercent!));
  if (differences.every((d) => d === undefined)) return '';
  return spread(differences, 2, ' pp').replace(/(^|\(|–)(\d)/g, '$1+$2');
}

const ROW_LABELS: Record<Row, string> = {
  flat: DATA_SETS.flat.label,
  threaded: DATA_SETS.threaded.label,
  real: `reference server, default first page (${REAL_PAGE} of ${REAL_COMMENTS})`,
  chain: DATA_SETS.chain.label,
};

function table(results: Map<Row, Record<Kind, Sample[]>>): string {
  const head = [
    'data set',
    'page',
    'first screenful painted, ms',
    'all in the DOM, ms',
    'all painted, ms',
    'longest task (trace), ms',
    'longest `longtask`, ms',
    'elements / comment',
    'nodes / comment',
    'JS heap, MiB',
    'idle busy, %',
    'layout shift above',
    'layout shift, page',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---|' : '---:|')).join('')}`];
  for (const [row, samples] of results) {
    for (const kind of ['floor', 'widget'] as const) {
      const s = samples[kind];
      lines.push(
        `| ${ROW_LABELS[row]} | ${kind === 'floor' ? 'floor' : 'Colloquy'} | ${[
          spread(s.map((x) => x.toFirst)),
          spread(s.map((x) => x.toDom)),
          spread(s.map((x) => x.toPainted)),
          spread(s.map((x) => x.longestTrace)),
          spread(s.map((x) => x.longTaskObserved), 0, '', '< 50'),
          spread(s.map((x) => x.elementsPerComment), 1),
          spread(s.map((x) => x.nodesPerComment), 1),
          spread(s.map((x) => x.heapMiB), 1),
          spread(s.map((x) => x.idlePercent), 2),
          spread(s.map((x) => x.shiftAbove), 3),
          spread(s.map((x) => x.shiftTotal), 3),
        ].join(' | ')} |`,
      );
    }
    const { floor, widget } = samples;
    lines.push(
      `| ${ROW_LABELS[row]} | Colloquy / floor | ${[
        spread(ratios(widget, floor, (x) => x.toFirst), 2, '×'),
        spread(ratios(widget, floor, (x) => x.toDom), 2, '×'),
        spread(ratios(widget, floor, (x) => x.toPainted), 2, '×'),
        spread(ratios(widget, floor, (x) => (x.toPainted === null ? null : x.longestTrace)), 2, '×'),
        '',
        spread(ratios(widget, floor, (x) => x.elementsPerComment), 2, '×'),
        spread(ratios(widget, floor, (x) => x.nodesPerComment), 2, '×'),
        spread(ratios(widget, floor, (x) => x.heapMiB), 2, '×'),
        idleDifference(widget, floor),
        '',
        '',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** Issue 11's targets, each judged on the medians of this run. */
function targets(results: Map<Row, Record<Kind, Sample[]>>): string {
  const out: string[] = [];
  const mark = (ok: boolean | null) => (ok === null ? '–' : ok ? 'met' : '**missed**');
  const med = (values: (number | null)[]) => {
    const got = values.filter((v): v is number => v !== null);
    return got.length === values.length && got.length ? median(got) : null;
  };
  for (const row of ['flat', 'threaded'] as const) {
    const samples = results.get(row);
    if (!samples) continue;
    const { floor, widget } = samples;
    const painted = med(ratios(widget, floor, (x) => x.toPainted));
    const first = med(ratios(widget, floor, (x) => x.toFirst));
    const longest = med(widget.map((x) => x.longestTrace));
    const idle = med(widget.map((x) => x.idlePercent ?? null));
    const above = med(widget.map((x) => x.shiftAbove));
    const f = (v: number | null, d: number, u = '') => (v === null ? 'not measured' : v.toFixed(d) + u);
    out.push(
      `- ${ROW_LABELS[row]}: all painted ≤ 1.0× the floor: ${f(painted, 2, '×')} ${mark(painted === null ? null : painted <= 1)}; ` +
        `first screenful no later than the floor's: ${f(first, 2, '×')} ${mark(first === null ? null : first <= 1)}; ` +
        `no task over 50 ms: ${f(longest, 0, ' ms')} ${mark(longest === null ? null : longest <= 50)}; ` +
        `idle ≤ 0.1 %: ${f(idle, 3, ' %')} ${mark(idle === null ? null : idle <= 0.1)} (the floor's own: ${f(med(floor.map((x) => x.idlePercent ?? null)), 3, ' %')}); ` +
        `no layout shift above the widget: ${f(above, 3)} ${mark(above === null ? null : above === 0)}`,
    );
  }
  const real = results.get('real');
  if (real) {
    const painted = med(real.widget.map((x) => x.toPainted));
    out.push(`- ${ROW_LABELS.real}: init → painted ≤ 50 ms: ${painted === null ? 'not reached' : painted.toFixed(0) + ' ms'} ${mark(painted === null ? false : painted <= 50)}`);
  }
  return out.join('\n');
}

// ---- the run --------------------------------------------------------------------------------

const threads = new Map<string, Comment[]>();
for (const set of Object.keys(DATA_SETS) as DataSet[]) threads.set(`bench-${set}`, buildComments(set));
const bench = await startBenchServer(DIST, threads);
const real = ONLY.includes('real') ? await startRealServer(bench.origin) : null;
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const started = Date.now();
const results = new Map<Row, Record<Kind, Sample[]>>();
const problems = new Set<string>();
try {
  const targetOf = (row: Row): Target => {
    if (row === 'real') return { endpoint: real!.endpoint, thread: REAL_THREAD, limit: REAL_PAGE, pageSize: null, expected: REAL_PAGE, idle: false, timeoutMs: 10_000 };
    const comments = threads.get(`bench-${row}`)!;
    return {
      endpoint: `${bench.origin}/api`,
      thread: `bench-${row}`,
      limit: 1000,
      pageSize: 1000,
      expected: comments.length,
      idle: row !== 'chain',
      timeoutMs: row === 'chain' ? 15_000 : 20_000,
    };
  };
  const rows = (['flat', 'threaded', 'real', 'chain'] as Row[]).filter((row) => ONLY.includes(row));
  for (const row of rows) results.set(row, { floor: [], widget: [] });
  // Warm-up: one untimed load of each page, so the first round does not pay for a cold browser.
  for (const kind of ['floor', 'widget'] as const) await measure(browser, bench.origin, kind, { ...targetOf('flat'), idle: false });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const row of rows) {
      if (row === 'chain' && round > CHAIN_ROUNDS) continue;
      // Alternate which goes first, so neither always runs in the other's wake.
      const order: Kind[] = round % 2 ? ['floor', 'widget'] : ['widget', 'floor'];
      for (const kind of order) {
        const sample = await measure(browser, bench.origin, kind, targetOf(row));
        results.get(row)![kind].push(sample);
        for (const error of sample.errors) problems.add(`${row}/${kind}: ${error}`);
        if (sample.timedOut) problems.add(`${row}/${kind}: ${sample.count} of ${targetOf(row).expected} comments in the DOM when the run gave up`);
      }
    }
    console.log(`[colloquy] Round ${round} of ${ROUNDS} done (${((Date.now() - started) / 1000).toFixed(0)} s).`);
  }
} finally {
  const version = await browser.version();
  await browser.close();
  await real?.close();
  await bench.close();
  const when = new Date().toISOString().slice(0, 10);
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a checkout */
  }
  const load = loadavg()[0]!.toFixed(1);
  const env = `${when}, ${cpus().length} cores (shared; load average ${load} at the end), Node ${process.version}, ${version}, headless, ${VIEWPORT.width}×${VIEWPORT.height}, commit ${commit || '?'}${DIST === resolve('dist') ? '' : ` (bundle: ${DIST})`}, ${ROUNDS} rounds (the chain ${CHAIN_ROUNDS}), ${((Date.now() - started) / 1000).toFixed(0)} s`;
  const report = [
    TITLE ? `#### ${TITLE}\n` : '',
    `${env}; \`npm run bench:render${args.length ? ' -- ' + args.join(' ') : ''}\`:\n`,
    table(results),
    '',
    'Targets (issue 11), on the medians of this run:\n',
    targets(results),
    problems.size ? `\nProblems seen:\n\n${[...problems].map((p) => `- ${p.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n')}` : '',
  ]
    .filter((part) => part !== '')
    .join('\n');
  console.log(`\n${report}\n`);
  if (WRITE && results.size) writeReport(MARKER, report);
}
