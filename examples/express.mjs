// Colloquy mounted at /comments of an Express app.
//   npm install colloquy express && node express.mjs
// Mount it before any body parser (express.json()): Colloquy reads and limits the body itself.
import express from 'express';
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

const app = express();
app.use('/comments', colloquy.handler);
app.get('/', (_req, res) => {
  res.type('html').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>An episode</title>
<script type="module" src="/comments/colloquy.js"></script>
<h1>An episode</h1>
<colloquy-comments endpoint="/comments/api" thread="episode-1"></colloquy-comments></html>`);
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`[example] Express with Colloquy at http://127.0.0.1:${server.address().port}/`);
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
