/**
 * Where the package's own files are: `dist/` (the widget, built) and `demo/`. Found by
 * walking up to Colloquy's package.json, so the same code works from `src/server/`
 * (run through tsx in development), from `dist/server/server/` (compiled), and from
 * `node_modules/colloquy/` once installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding Colloquy's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'colloquy') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the colloquy package folder (no package.json named "colloquy" above the server code).');
    dir = parent;
  }
}

/** The built widget: colloquy.js, its chunks, the locales and colloquy-admin.js. */
export const distDir = (): string => join(packageRoot(), 'dist');

/** The demo pages `colloquy demo` serves at `/`. */
export const demoDir = (): string => join(packageRoot(), 'demo');
