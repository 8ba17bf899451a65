#!/usr/bin/env node
/**
 * The browser tests need a real Chromium. Use CHROME_PATH or Debian's /usr/bin/chromium;
 * when neither exists, install Debian's package if we are root, else say exactly what to do.
 * Never downloads a browser build of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

if (process.env.CHROME_PATH) {
  console.error(`[colloquy] CHROME_PATH=${path} does not exist. Point it at a Chromium or Chrome binary.`);
  process.exit(1);
}
if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
  console.error(
    '[colloquy] The browser tests need Chromium and none was found at /usr/bin/chromium.\n' +
      '  On Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium\n' +
      '  Elsewhere: install Chromium or Chrome and set CHROME_PATH=/path/to/chrome',
  );
  process.exit(1);
}
console.log('[colloquy] Chromium not found; installing Debian\'s chromium package…');
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
if (!existsSync(path)) {
  console.error('[colloquy] apt-get finished but /usr/bin/chromium is still missing.');
  process.exit(1);
}
