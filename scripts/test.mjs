#!/usr/bin/env node
/**
 * `npm test`: every check, in order, each in its own process, with a one-line total at
 * the end. Stops at the first failing step so its output is the last thing on screen.
 *
 *   1. type-check (tsc, strict)        4. browser tests (web-test-runner, Chromium)
 *   2. build the script-tag bundle     5. server tests (node:test; SQLite, and PostgreSQL
 *   3. size budget (≤ 12 KB gzip)         when COLLOQUY_TEST_DATABASE_URL is set)
 *   3b. custom-elements.json ≡ README   6. end-to-end (the demo page on the real server)
 *   3c. framework types (tsc, vue-tsc,  7. fresh install (npm pack, npm install the tarball
 *       svelte-check)                      in an empty project, serve and mount it, Chromium)
 *                                       8. scale tests (three instances behind nginx on
 *                                          PostgreSQL; only with COLLOQUY_TEST_DATABASE_URL
 *                                          and nginx, otherwise it says it skipped and why)
 *
 * Run some steps only by naming them: `node scripts/test.mjs "framework types"`. The fresh
 * install packs the dist/ this run built; run alone, it builds while packing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  { name: 'type-check', cmd: 'npx', args: ['tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'build', cmd: 'npm', args: ['run', '--silent', 'build'] },
  { name: 'size budget', cmd: 'node', args: ['scripts/size.mjs'] },
  { name: 'manifest matches README', cmd: 'node', args: ['scripts/check-manifest.mjs'] },
  { name: 'framework types', cmd: 'node', args: ['--import', 'tsx', '--test', 'test/frameworks/framework-types.test.ts'], counts: 'node' },
  { name: 'browser tests', cmd: 'npm', args: ['run', '--silent', 'test:browser'], counts: 'wtr' },
  { name: 'server tests', cmd: 'npm', args: ['run', '--silent', 'test:server'], counts: 'node' },
  { name: 'end-to-end tests', cmd: 'npm', args: ['run', '--silent', 'test:e2e'], counts: 'node' },
  { name: 'fresh install', cmd: 'npm', args: ['run', '--silent', 'test:package'], counts: 'node', prebuilt: true },
  { name: 'scale tests', cmd: 'node', args: ['--import', 'tsx', '--test', 'test/scale/three-instances.test.ts'], counts: 'node', needs: scaleNeeds },
];

/** Why the scale tests cannot run here, or null: they need PostgreSQL and nginx (test/scale/). */
function scaleNeeds() {
  if (!process.env.COLLOQUY_TEST_DATABASE_URL) return 'COLLOQUY_TEST_DATABASE_URL is not set (a PostgreSQL server to create a throw-away database on)';
  const nginx = process.env.NGINX ?? '/usr/sbin/nginx';
  if (!existsSync(nginx)) return `nginx is not installed (${nginx}; apt-get install nginx)`;
  return null;
}

const only = process.argv.slice(2);
let built = false;
let passed = 0;
let failed = 0;

function run(step) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n▶ ${step.name}`);
    // The package step packs what the build step of this same run produced, not a rebuild.
    const env = step.prebuilt && built ? { ...process.env, COLLOQUY_PACK_PREBUILT: '1' } : process.env;
    const child = spawn(step.cmd, step.args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => {
      const plain = out.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
      if (step.counts === 'wtr') {
        const m = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
        if (m) (passed += Number(m[1])), (failed += Number(m[2]));
      } else if (step.counts === 'node') {
        passed += Number(plain.match(/^# pass (\d+)/m)?.[1] ?? 0);
        failed += Number(plain.match(/^# fail (\d+)/m)?.[1] ?? 0);
      }
      console.log(`${code === 0 ? '✔' : '✘'} ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      resolve(code ?? 1);
    });
  });
}

for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  const missing = step.needs?.();
  if (missing) {
    console.log(`\n▶ ${step.name}\n- skipped: ${missing}`);
    continue;
  }
  const code = await run(step);
  if (step.name === 'build' && code === 0) built = true;
  if (code !== 0) {
    if (failed === 0) failed = 1;
    console.log(`\n${passed} passed, ${failed} failed`);
    process.exit(code);
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
