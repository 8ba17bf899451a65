/**
 * The framework typings in dist/frameworks (scripts/framework-types.mjs, from the manifest),
 * resolved through the package's own `exports` (`colloquy/frameworks/<name>`), exercised by
 * each framework's own checker: tsc for the React, Preact and Solid JSX, vue-tsc for a Vue
 * template, svelte-check for Svelte 5.
 *
 * Each framework has a use that must compile (attributes, properties, listeners and their
 * `detail`) and wrong uses, one per line, each marked `error`: a wrong attribute value, a
 * number attribute given words, a boolean where a keyword goes, a `detail` field the event
 * does not have, a number for <colloquy-count>'s endpoint. The checker must report an error
 * on every marked line and on no other line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);

/** `file:line` of every line marked as a wrong use, in the given files (paths from the repository root). */
function marked(files: string[]): string[] {
  return files
    .flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => (/\{\/\* error \*\/\}|<!-- error -->/.test(line) ? `${file}:${i + 1}` : null)),
    )
    .filter((at): at is string => at !== null)
    .sort();
}

const unique = (list: string[]) => [...new Set(list)].sort();

/** tsc and vue-tsc: `path(line,col): error TSnnnn: …`. */
function tscErrors(output: string): string[] {
  return unique([...output.matchAll(/^(\S+?)\((\d+),\d+\): error TS\d+/gm)].map((m) => `${m[1]}:${m[2]}`));
}

describe('framework types (dist/frameworks)', () => {
  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist/types/index.d.ts')), 'dist/types is missing: run `npm run build` first');
    // The typings are what the generator writes from the manifest now, not a stale build's.
    const generated = await run(process.execPath, ['scripts/framework-types.mjs']);
    assert.equal(generated.code, 0, generated.output);
  });

  it('React 19, Preact and Solid JSX (tsc): the right uses compile, each wrong attribute value or detail fails', async () => {
    const files = ['react.tsx', 'preact.tsx', 'solid.tsx'].map((f) => relative(ROOT, join(HERE, f)));
    const result = await run(bin('tsc'), ['-p', relative(ROOT, join(HERE, 'tsconfig.json')), '--pretty', 'false']);
    const expected = marked(files);
    assert.equal(expected.length, 15, 'five wrong uses per framework');
    assert.notEqual(result.code, 0);
    assert.deepEqual(tscErrors(result.output), expected, result.output);
  });

  it('Vue templates (vue-tsc): the right uses compile, each wrong attribute value or detail fails', async () => {
    const files = ['Episode.vue', 'Wrong.vue'].map((f) => relative(ROOT, join(HERE, f)));
    const result = await run(bin('vue-tsc'), ['-p', relative(ROOT, join(HERE, 'tsconfig.vue.json')), '--pretty', 'false']);
    const expected = marked(files);
    assert.equal(expected.length, 5);
    assert.notEqual(result.code, 0);
    assert.deepEqual(tscErrors(result.output), expected, result.output);
  });

  it('Svelte 5 (svelte-check): the right uses compile, each wrong attribute value or detail fails', async () => {
    const workspace = relative(ROOT, join(HERE, 'svelte'));
    const files = ['Episode.svelte', 'Wrong.svelte'].map((f) => join(workspace, f));
    const result = await run(bin('svelte-check'), ['--workspace', workspace, '--tsconfig', './tsconfig.json', '--config', './svelte.config.js', '--output', 'machine']);
    // `<time> ERROR "<file>" <line>:<col> "<message>"`, the file relative to the workspace.
    const errors = unique([...result.output.matchAll(/^\d+ ERROR "([^"]+)" (\d+):\d+/gm)].map((m) => `${join(workspace, m[1]!)}:${m[2]}`));
    const expected = marked(files);
    assert.equal(expected.length, 5);
    assert.match(result.output, /COMPLETED \d+ FILES/, result.output);
    assert.deepEqual(errors, expected, result.output);
  });
});
