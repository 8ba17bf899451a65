/**
 * How long the widget's formatter takes on the longest body a comment may have (65,525
 * characters), built from each pattern a hostile commenter could repeat:
 *
 *   npm run bench:format [-- --root=. --no-write]
 *
 * Bundles src/components/comments/format.ts (minified, as production) with Lit's `render` in
 * esbuild, runs it in headless Chromium on a blank page (nothing is fetched), and times, per
 * pattern, `format` alone (the exported function that turns a body into templates or DOM) and
 * `format + render` into a detached element. Prints a table and writes it into
 * docs/benchmarks.md between `<!-- bench:format -->` and `<!-- /bench:format -->`
 * (`--marker=` names another pair). A measuring instrument, not a test: it never fails for a
 * slow pattern, only when it cannot measure.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer from 'puppeteer-core';
import { LIMITS } from '../src/api/contract.js';
import { body, seeded } from '../bench/data.js';
import { writeReport } from '../bench/report.js';

const args = process.argv.slice(2);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROOT = resolve(option('root') ?? '.');
const MARKER = option('marker') ?? 'bench:format';
const WRITE = !args.includes('--no-write');
const TITLE = option('title');
const FORMAT_MODULE = join(ROOT, 'src/components/comments/format.ts');
const SIZE = LIMITS.body;
/** Per pattern: at least this many timed calls and this long, at most `MAX_RUNS` calls. */
const MIN_RUNS = 7;
const MIN_MS = 300;
const MAX_RUNS = 60;
const TARGET_MS = 10;
/** A pattern still running after this long is stopped (Runtime.terminateExecution) and timed on a shorter body. */
const STOP_MS = 8000;
const SHORT = 4096;

if (!existsSync(FORMAT_MODULE)) {
  console.error(`[colloquy] ${FORMAT_MODULE} is missing: the formatter moved; point the benchmark at it.`);
  process.exit(1);
}

/** `unit` repeated to exactly `SIZE` characters. */
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const rand = seeded(10);
let prose = '';
while (prose.length < SIZE) prose += body(rand) + '\n\n';

const PATTERNS: [name: string, text: string][] = [
  ['ordinary comments, end to end (reference)', prose.slice(0, SIZE)],
  ['`)` run', fill(')')],
  ['`(` `)` pairs', fill('()')],
  ['`*` run', fill('*')],
  ['`**` + text, never closed', fill('**a ')],
  ['`*a*` emphasis, repeated', fill('*a* ')],
  ['`_` run', fill('_')],
  ['backtick run', fill('`')],
  ['`` `a` `` code, repeated', fill('`a` ')],
  ['`[` run', fill('[')],
  ['`[a](http://a)` repeated', fill('[a](http://a) ')],
  ['`>` run on one line', fill('>')],
  ['`> ` quote lines', fill('> a\n')],
  ['`>>>>` nested quote lines', fill('>>>> a\n')],
  ['fences (```` ``` ```` lines)', fill('```\n')],
  ['an unclosed fence, then text', '```\n' + fill('a ').slice(4)],
  ['timestamps `1:23`', fill('1:23 ')],
  ['colon runs `1:2:3:…`', fill('1:')],
  ['`http://` repeated', fill('http://')],
  ['`http://` then a `)` run', ('http://a' + ')'.repeat(SIZE)).slice(0, SIZE)],
  ['`http://` then `.,;` run', ('http://a' + '.,;!?'.repeat(SIZE)).slice(0, SIZE)],
  ['links `http://a.b/ ` repeated', fill('http://a.b/ ')],
  ['newlines', fill('\n')],
  ['line breaks `a\\n`', fill('a\n')],
];

// The formatter's public face may change: take `formatBody`, else the first export named like a formatter.
const entry = `
import * as formatting from ${JSON.stringify(FORMAT_MODULE)};
import { render } from 'lit/html.js';
const name = 'formatBody' in formatting ? 'formatBody' : Object.keys(formatting).find((k) => /^format/i.test(k) && typeof formatting[k] === 'function');
const format = formatting[name];
const seek = () => {};
// Two shapes: format(text, seek) returning templates (or a node), or format(text, into) writing DOM into a node.
const probe = document.createElement('div');
let probed;
try {
  probed = format('a *b*', probe);
} catch {}
const into = probed === undefined && probe.childNodes.length > 0;
function place(out, div) {
  if (out instanceof Node) div.append(out);
  else if (out !== undefined) render(out, div);
}
const formatOnly = into ? (text) => format(text, document.createElement('div')) : (text) => format(text, seek);
const formatAndRender = into ? (text, div) => format(text, div) : (text, div) => place(format(text, seek), div);
window.benchFormatName = name + (into ? ' (writes DOM into a node: format = format + render)' : ' (returns templates)');
window.benchFormat = (text, minRuns, minMs, maxRuns) => {
  const formatTimes = [];
  const withRender = [];
  let nodes = 0;
  // Two untimed calls, so the first timed one is not the JIT's.
  for (let i = 0; i < 2; i++) formatAndRender(text, document.createElement('div'));
  const started = performance.now();
  while (formatTimes.length < maxRuns && (formatTimes.length < minRuns || performance.now() - started < minMs)) {
    // Calls repeated until a sample lasts 2 ms at least: performance.now() counts in steps of 0.1 ms.
    let calls = 0;
    let t = performance.now();
    do {
      formatOnly(text);
      calls++;
    } while (performance.now() - t < 2);
    formatTimes.push((performance.now() - t) / calls);
    let div;
    calls = 0;
    t = performance.now();
    do {
      div = document.createElement('div');
      formatAndRender(text, div);
      calls++;
    } while (performance.now() - t < 2);
    withRender.push((performance.now() - t) / calls);
    if (!nodes) {
      const walker = document.createTreeWalker(div);
      while (walker.nextNode()) nodes++;
    }
    // A slow pattern: a few calls are enough to say so.
    if (performance.now() - started > 3000 && formatTimes.length >= 3) break;
  }
  return { formatOnly: formatTimes, withRender, nodes };
};
`;

const bundled = await build({
  stdin: { contents: entry, resolveDir: ROOT, loader: 'js', sourcefile: 'bench-format-entry.js' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  write: false,
  logLevel: 'error',
});
const code = bundled.outputFiles[0]!.text;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (v: number) => (v < 0.1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const started = Date.now();
const rows: string[] = [];
let name = '';
try {
  const open = async () => {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html lang="en"><title>format benchmark</title><body></body></html>');
    await page.addScriptTag({ content: code, type: 'module' });
    await page.waitForFunction('typeof window.benchFormat === "function"');
    return { page, cdp: await page.createCDPSession() };
  };
  let { page, cdp } = await open();
  name = String(await page.evaluate('window.benchFormatName'));
  type Timings = { formatOnly: number[]; withRender: number[]; nodes: number };
  /** Times `text`; `null` when a call ran past STOP_MS and was stopped (the page is replaced). */
  const time = async (text: string, minRuns: number, maxRuns: number): Promise<Timings | null> => {
    const run = page.evaluate(
      (t, a, b, c) => (window as unknown as { benchFormat(...x: unknown[]): unknown }).benchFormat(t, a, b, c),
      text,
      minRuns,
      MIN_MS,
      maxRuns,
    ) as Promise<Timings>;
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<null>((done) => (timer = setTimeout(() => done(null), STOP_MS)));
    const result = await Promise.race([run, stopped]);
    clearTimeout(timer);
    if (result) return result;
    run.catch(() => {});
    await cdp.send('Runtime.terminateExecution').catch(() => {});
    await page.close().catch(() => {});
    ({ page, cdp } = await open());
    return null;
  };
  for (const [label, text] of PATTERNS) {
    const timings = await time(text, MIN_RUNS, MAX_RUNS);
    if (!timings) {
      const short = await time(text.slice(0, SHORT), 1, 1);
      const note = short ? `; the first ${SHORT.toLocaleString('en-US')} characters: ${ms(short.formatOnly[0]!)} / ${ms(short.withRender[0]!)} ms` : '';
      rows.push(`| ${label} | > ${STOP_MS / 1000} s, stopped${note} | — | — | 0 | **no** |`);
      console.log(`[colloquy] ${label}: stopped after ${STOP_MS / 1000} s${note}`);
      continue;
    }
    const { formatOnly, withRender, nodes } = timings;
    const f = median(formatOnly);
    const r = median(withRender);
    rows.push(
      `| ${label} | ${ms(f)} (${ms(Math.min(...formatOnly))}–${ms(Math.max(...formatOnly))}) | ${ms(r)} (${ms(Math.min(...withRender))}–${ms(Math.max(...withRender))}) | ${nodes.toLocaleString('en-US')} | ${formatOnly.length} | ${f < TARGET_MS ? 'yes' : '**no**'} |`,
    );
    console.log(`[colloquy] ${label}: format ${ms(f)} ms, format + render ${ms(r)} ms`);
  }
} finally {
  const version = await browser.version();
  await browser.close();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* not a checkout */
  }
  const when = new Date().toISOString().slice(0, 10);
  const env = `${when}, ${cpus().length} cores (shared; load average ${loadavg()[0]!.toFixed(1)} at the end), ${version}, headless, commit ${commit || '?'}${ROOT === resolve('.') ? '' : ` (sources: ${ROOT})`}, \`${name}\` from src/components/comments/format.ts, ${((Date.now() - started) / 1000).toFixed(0)} s`;
  const report = [
    TITLE ? `#### ${TITLE}\n` : '',
    `${env}; \`npm run bench:format${args.length ? ' -- ' + args.join(' ') : ''}\`. Milliseconds per ${SIZE.toLocaleString('en-US')}-character body, median (min–max):\n`,
    '| pattern | format, ms | format + render, ms | nodes rendered | calls | format < 10 ms |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
  ]
    .filter((part) => part !== '')
    .join('\n');
  console.log(`\n${report}\n`);
  if (WRITE && rows.length) writeReport(MARKER, report);
}
