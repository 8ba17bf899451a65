// Colloquy mounted at /comments of a Hono app on Node.
//   npm install colloquy && node hono.mjs       (hono and @hono/node-server come with colloquy)
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createColloquy } from 'colloquy/server';

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

const app = new Hono();
// mount() hands Colloquy the request with /comments taken off, as it expects.
app.mount('/comments', colloquy.app.fetch);
app.get('/', (c) =>
  c.html(`<!doctype html><html lang="en"><meta charset="utf-8"><title>An episode</title>
<script type="module" src="/comments/colloquy.js"></script>
<h1>An episode</h1>
<colloquy-comments endpoint="/comments/api" thread="episode-1"></colloquy-comments></html>`),
);

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`[example] Hono with Colloquy at http://127.0.0.1:${info.port}/`);
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
