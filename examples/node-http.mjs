// Colloquy mounted at /comments of a plain node:http server.
//   npm install colloquy && node node-http.mjs
// The page at / loads the widget from /comments/colloquy.js and talks to /comments/api.
import { createServer } from 'node:http';
import { createColloquy } from 'colloquy/server';

const PREFIX = '/comments';
const colloquy = await createColloquy({
  databaseUrl: process.env.DATABASE_URL ?? 'sqlite:./data/comments.db',
  // Each environment variable of `colloquy serve` is an option: COLLOQUY_MODERATION is
  // moderation, COLLOQUY_FLOOD_SECONDS is floodSeconds. Unset (undefined), the default holds.
  moderation: process.env.COLLOQUY_MODERATION,
  floodSeconds: process.env.COLLOQUY_FLOOD_SECONDS,
  minFormSeconds: process.env.COLLOQUY_MIN_FORM_SECONDS,
  // Notifications link to the moderation page: mounted under a path, say where it is.
  adminUrl: process.env.COLLOQUY_ADMIN_URL,
});

const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>An episode</title>
<script type="module" src="${PREFIX}/colloquy.js"></script>
<h1>An episode</h1>
<colloquy-comments endpoint="${PREFIX}/api" thread="episode-1"></colloquy-comments></html>`;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === PREFIX || url.startsWith(`${PREFIX}/`) || url.startsWith(`${PREFIX}?`)) {
    // Colloquy answers at its own root: hand it the URL without the prefix.
    req.url = url.slice(PREFIX.length) || '/';
    colloquy.handler(req, res);
    return;
  }
  if (url === '/') return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  res.writeHead(404).end('Not found');
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`[example] node:http with Colloquy at http://127.0.0.1:${server.address().port}/`);
});
// Stop taking connections, let requests in flight finish, then close Colloquy. close() alone
// would wait for every open socket, and a browser's spare keep-alive or preconnected socket
// (one that has sent no request) stays open until its timeout, a minute or more.
const stop = () => {
  server.close(() => colloquy.close().then(() => process.exit(0)));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
