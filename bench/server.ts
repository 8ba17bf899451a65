/**
 * The render benchmark's one origin on 127.0.0.1: the test pages, the production bundle from
 * `dist/`, and a fake endpoint that speaks the contract (`GET /api/comments?thread=&limit=&cursor=`
 * answering a CommentPage) for the benchmark's threads. One origin, so no CORS is involved.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Comment, CommentPage } from '../src/api/contract.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The host page, the same for the floor and the widget but for the script that draws the
 * thread: a heading and show notes above the thread, a footer below, no stylesheet.
 */
function page(kind: 'floor' | 'widget'): string {
  const script =
    kind === 'widget'
      ? `<script type="module">import '/dist/colloquy.js'; await customElements.whenDefined('colloquy-comments'); window.benchReady = true;</script>`
      : `<script type="module">import '/bench/floor.js'; window.benchReady = true;</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Episode 42 — render benchmark (${kind})</title>
<script src="/bench/measure.js"></script>
</head>
<body>
<header id="above">
<h1>Episode 42: The library that runs itself</h1>
<p>Show notes: how a city library moved its catalogue to a co-op, what it cost, and who keeps it running.</p>
</header>
<main id="slot"></main>
<footer id="below"><p>Thanks for listening. New episodes every other Tuesday.</p></footer>
${script}
</body>
</html>`;
}

export interface BenchServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `threads` (thread key → comments in page order) at `/api`, the bundle in `distDir`
 * at `/dist/`, and the pages at `/floor` and `/widget`.
 */
export async function startBenchServer(distDir: string, threads: Map<string, Comment[]>): Promise<BenchServer> {
  const dist = resolve(distDir);
  const answers = new Map<string, string>();
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, type: string, body: string | Buffer) => {
        res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        res.end(body);
      };
      if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
      if (url.pathname === '/floor' || url.pathname === '/widget') return send(200, TYPES['.html']!, page(url.pathname.slice(1) as 'floor' | 'widget'));
      if (url.pathname === '/bench/measure.js' || url.pathname === '/bench/floor.js') {
        return send(200, TYPES['.js']!, await readFile(join(HERE, url.pathname.slice('/bench/'.length))));
      }
      if (url.pathname.startsWith('/dist/')) {
        const file = resolve(dist, '.' + decodeURIComponent(url.pathname.slice('/dist'.length)));
        if (!file.startsWith(dist + sep)) return send(404, 'text/plain', 'not found');
        return send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
      }
      if (url.pathname === '/api/comments') {
        const thread = url.searchParams.get('thread') ?? '';
        const comments = threads.get(thread);
        if (!comments) return send(404, 'application/json', JSON.stringify({ error: { code: 'not_found', message: 'No such thread.' } }));
        const limit = Math.max(1, Math.min(100_000, Number(url.searchParams.get('limit')) || 50));
        const offset = Math.max(0, Number(url.searchParams.get('cursor')) || 0);
        const key = `${thread}|${limit}|${offset}`;
        let answer = answers.get(key);
        if (answer === undefined) answer = pageOf(thread, comments, limit, offset);
        answers.set(key, answer);
        return send(200, TYPES['.json']!, answer);
      }
      send(404, 'text/plain', 'not found');
    } catch (error) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(String((error as Error).message));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** `limit` top-level comments from the `offset`-th, each with all its replies; the cursor is the next offset. */
function pageOf(thread: string, comments: Comment[], limit: number, offset: number): string {
  const out: Comment[] = [];
  let roots = -1;
  let next: string | null = null;
  for (const comment of comments) {
    if (comment.parentId === null) roots++;
    if (roots < offset) continue;
    if (roots >= offset + limit) {
      next = String(offset + limit);
      break;
    }
    out.push(comment);
  }
  const page: CommentPage = { thread, count: comments.length, comments: out, nextCursor: next };
  return JSON.stringify(page);
}
