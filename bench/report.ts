/** Writes a benchmark's report into docs/benchmarks.md between its markers, so a re-run replaces it. */
import { readFileSync, writeFileSync } from 'node:fs';

export function writeReport(marker: string, report: string, path = 'docs/benchmarks.md'): void {
  const doc = readFileSync(path, 'utf8');
  const open = `<!-- ${marker} -->`;
  const close = `<!-- /${marker} -->`;
  const block = `${open}\n${report}\n${close}`;
  const at = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (at >= 0 && end > at) writeFileSync(path, doc.slice(0, at) + block + doc.slice(end + close.length));
  else {
    writeFileSync(path, `${doc.trimEnd()}\n\n${block}\n`);
    console.log(`[colloquy] ${path} had no ${open} block: appended one at the end.`);
  }
  console.log(`[colloquy] Wrote the table to ${path}.`);
}
