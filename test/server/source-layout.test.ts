/**
 * The widget's modules keep the shape issue 11 gave them: arrows one way (no import cycle in
 * `src/`), no file of the widget's over about 400 lines, and no `@internal` member used from
 * another file. Read from the sources, so a change that breaks one fails here, not in review.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');
/** The script tag's element and what it is made of. */
const WIDGET = ['components/comments', 'components/count', 'components/shared', 'api', 'events', 'i18n'].map((d) => join(SRC, d));
const MAX_LINES = 400;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = sources(SRC);
const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));

/** The files a file imports statically (`import … from`, `export … from`, `import '…'`), type-only ones included. */
function importsOf(file: string): string[] {
  const found: string[] = [];
  for (const match of text.get(file)!.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*'(\.[^']+)'|^\s*import\s*'(\.[^']+)'/gms)) {
    const target = resolve(dirname(file), (match[1] ?? match[2]).replace(/\.js$/, '.ts'));
    if (text.has(target)) found.push(target);
  }
  return found;
}

describe('source layout', () => {
  it('has no import cycle in src/', () => {
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    // Iterative depth-first search: a path back to a file still open is a cycle.
    for (const start of files) {
      if (state.has(start)) continue;
      const stack: Array<[string, number]> = [[start, 0]];
      const path: string[] = [start];
      state.set(start, 'open');
      while (stack.length) {
        const top = stack[stack.length - 1];
        const next = graph.get(top[0])![top[1]++];
        if (next === undefined) {
          state.set(top[0], 'done');
          stack.pop();
          path.pop();
        } else if (state.get(next) === 'open') {
          cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(SRC, f)).join(' → '));
        } else if (!state.has(next)) {
          state.set(next, 'open');
          stack.push([next, 0]);
          path.push(next);
        }
      }
    }
    assert.deepEqual(cycles, []);
  });

  it(`keeps every file of the widget under about ${MAX_LINES} lines`, () => {
    const long = files
      .filter((file) => WIDGET.some((dir) => file.startsWith(dir + '/')))
      .map((file) => [relative(SRC, file), text.get(file)!.trimEnd().split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_LINES);
    assert.deepEqual(long, []);
  });

  it('uses @internal members only in the file that declares them', () => {
    const misuse: string[] = [];
    for (const [file, source] of text) {
      for (const match of source.matchAll(/@internal[^]*?\*\/\s*(?:(?:static|readonly|protected|public|override|get|set|async)\s+)*#?(\w+)/g)) {
        const name = match[1];
        for (const [other, otherSource] of text) {
          if (other !== file && new RegExp(`\\.${name}\\b`).test(otherSource)) misuse.push(`${name} (${relative(SRC, file)}) in ${relative(SRC, other)}`);
        }
      }
    }
    assert.deepEqual(misuse, []);
  });

  it('finds what it checks (the check is not vacuous)', () => {
    assert.ok(files.length > 50, `${files.length} source files`);
    const element = join(SRC, 'components/comments/colloquy-comments.ts');
    assert.ok(importsOf(element).length > 10, 'the element imports its modules');
  });
});
