/** The widget bundle and, in demo mode, the demo pages: plain files from two folders. */
import { Hono } from 'hono';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { demoAudio } from '../demo/demo-audio.js';
import { notFound } from '../http/errors.js';

export interface AssetFolders {
  /** The build output holding `colloquy.js`. */
  distDir: string;
  /** Pages served at `/`, or none. */
  demoDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
};

export function assetRoutes({ distDir, demoDir }: AssetFolders): Hono {
  const router = new Hono();
  // Pages on other sites load the widget as a module script, which is a CORS request.
  const widgetHeaders = { 'Access-Control-Allow-Origin': '*' };
  router.get('/colloquy.js', (c) => serveFile(c.req.url, distDir, '/colloquy.js', widgetHeaders));
  router.get('/dist/*', (c) => serveFile(c.req.url, distDir, rawPath(c.req.url).slice('/dist'.length), widgetHeaders));
  // The moderation page's module: same-origin only, so no Access-Control-Allow-Origin.
  router.get('/colloquy-admin.js', (c) => serveFile(c.req.url, distDir, '/colloquy-admin.js'));
  // What colloquy.js loads on demand, beside itself: the writer chunk and the locales.
  router.get('/colloquy-*', (c) => serveFile(c.req.url, distDir, rawPath(c.req.url), widgetHeaders));
  router.get('/locales/*', (c) => serveFile(c.req.url, distDir, rawPath(c.req.url), widgetHeaders));
  if (demoDir) {
    router.get('/episode.wav', (c) => demoAudio(c.req.header('Range')));
    router.get('/*', (c) => serveFile(c.req.url, demoDir, rawPath(c.req.url)));
  }
  return router;
}

// The still-encoded path, so an encoded slash or dot is judged after decoding, here.
function rawPath(url: string): string {
  return new URL(url).pathname;
}

async function serveFile(url: string, root: string, urlPath: string, headers: Record<string, string> = {}): Promise<Response> {
  const file = resolveInside(resolve(root), urlPath);
  if (!file) throw notFound();
  let path = file;
  try {
    if ((await stat(path)).isDirectory()) {
      // A folder's page links relative to the folder, so it must be asked for with its slash.
      if (!urlPath.endsWith('/')) return new Response(null, { status: 301, headers: { Location: `${rawPath(url)}/` } });
      path = resolve(path, 'index.html');
    }
    const content = await readFile(path);
    return new Response(content, {
      headers: {
        'Content-Type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        ...headers,
      },
    });
  } catch {
    throw notFound();
  }
}

/** The file `urlPath` names under `root`, or `undefined` if it would leave `root` or is hidden. */
function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  // Dot segments (`..`, `.git`, `.env`) are never served.
  if (decoded.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  const path = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return path === root || path.startsWith(root + sep) ? path : undefined;
}
