#!/usr/bin/env node
/**
 * The size budget: everything the script tag downloads, gzipped, must stay within 12 KB, and
 * the writer (loaded when a visitor first writes) within 4 KB. Follows the entry's static
 * imports inside dist/ so a future split cannot hide bytes, and prints every on-demand file
 * (the thread's view and the form's chunk, both fetched with the thread's first page, among them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET = 12 * 1024;
export const WRITER_BUDGET = 4 * 1024;
const entry = 'dist/colloquy.js';

if (!existsSync(entry)) {
  console.error(`[colloquy] ${entry} is missing: run npm run build first.`);
  process.exit(1);
}

const seen = new Set();
function collect(file) {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  // Static imports only (`import … from "./x.js"`, `import "./x.js"`); `import("./x.js")` loads on demand.
  for (const [, from, bare] of code.matchAll(/\bfrom\s*["'](\.[^"']+)["']|\bimport\s*["'](\.[^"']+)["']/g)) {
    collect(join(dirname(file), from ?? bare));
  }
}
collect(entry);

let total = 0;
for (const file of seen) {
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  total += gz;
  console.log(`  ${file}: ${(gz / 1024).toFixed(2)} KB gzip`);
}
// For the record, not the budget: what loads only when needed.
const onDemand = [
  ...readdirSync('dist').filter((f) => /^colloquy-.+\.js$/.test(f) && f !== 'colloquy-admin.js').map((f) => join('dist', f)),
  ...(existsSync('dist/locales') ? readdirSync('dist/locales').map((f) => join('dist/locales', f)) : []),
].filter((file) => !seen.has(file));
let writer = 0;
for (const file of onDemand) {
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  if (/colloquy-writer-/.test(file)) writer += gz;
  console.log(`  (on demand) ${file}: ${(gz / 1024).toFixed(2)} KB gzip`);
}
const verdict = total <= BUDGET ? 'within' : `OVER by ${total - BUDGET} bytes:`;
console.log(`[colloquy] script tag downloads ${total} bytes gzip (${(total / 1024).toFixed(2)} KB), ${verdict} the ${BUDGET / 1024} KB budget`);
// Fetched together with the thread's first page, in parallel with it: what every page showing a thread downloads.
const withThread = onDemand.filter((file) => /colloquy-(?:form|thread-view)-/.test(file));
const shown = withThread.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, total);
console.log(`[colloquy] a page showing a thread downloads ${shown} bytes gzip (${(shown / 1024).toFixed(2)} KB): the script tag, the thread's view and the form's chunk`);
const writerVerdict = writer <= WRITER_BUDGET ? 'within' : 'OVER';
console.log(`[colloquy] the writer downloads ${writer} bytes gzip (${(writer / 1024).toFixed(2)} KB), ${writerVerdict} the ${WRITER_BUDGET / 1024} KB budget`);
if (!writer) console.error('[colloquy] no dist/colloquy-writer-*.js: the writer is no longer split off');
// The form's chunk is fetched with the thread: not the script tag's, but every page showing a thread loads it.
if (withThread.length !== 2) console.error('[colloquy] dist/ should hold one colloquy-form-*.js and one colloquy-thread-view-*.js, fetched with the thread');
// A chunk's retry asks for it by its built name (shared/chunk.ts); its source name does not exist in dist/.
const unbuilt = [entry, ...onDemand].filter((file) => /["'`]\.\/(?:form|writer|interactions|count-queue|thread-view|live)\.js["'`]/.test(readFileSync(file, 'utf8')));
if (unbuilt.length) console.error(`[colloquy] ${unbuilt.join(', ')} still name an on-demand chunk by its source name: a retry would ask for a file that is not there (vite.config.ts).`);
if (total > BUDGET || withThread.length !== 2 || !writer || writer > WRITER_BUDGET || unbuilt.length) process.exit(1);
