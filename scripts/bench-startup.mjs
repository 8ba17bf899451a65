#!/usr/bin/env node
// Start-up time of the server on a fresh SQLite database: through tsx (src/server/main.ts)
// and compiled (dist/server/cli/bin.js serve, what `colloquy serve` runs). Time from spawn to
// the "Colloquy is running" line, 7 rounds interleaved; prints each median. Run `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const modes = { tsx: ['--import', 'tsx', 'src/server/main.ts'], compiled: ['dist/server/cli/bin.js', 'serve'] };
const once = (args) => new Promise((resolve) => {
  const dir = mkdtempSync(join(tmpdir(), 'colloquy-start-'));
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { ...process.env, PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'c.db')}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; if (/Colloquy is running/.test(out)) { const ms = Number(process.hrtime.bigint() - t0) / 1e6; child.kill('SIGTERM'); child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); resolve(ms); }); } });
});
const results = {};
for (let round = 0; round < 7; round++) for (const [name, args] of Object.entries(modes)) (results[name] ??= []).push(await once(args));
for (const [name, times] of Object.entries(results)) { times.sort((a, b) => a - b); console.log(name, 'median', times[3].toFixed(0), 'ms; all', times.map((t) => t.toFixed(0)).join(' ')); }
