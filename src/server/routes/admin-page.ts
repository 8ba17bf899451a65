/** `/admin`: the moderation page, a shell that loads `<colloquy-admin>` from the build. Its URLs are relative, so it works where the app is mounted under a path (`/comments/admin`). */
import { Hono } from 'hono';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Comment moderation · Colloquy</title>
    <link rel="icon" href="data:," />
    <script type="module" src="colloquy-admin.js"></script>
    <style>body { margin: 0; background: #f6f8fa; font-family: system-ui, sans-serif; }</style>
  </head>
  <body>
    <main><colloquy-admin endpoint="api"></colloquy-admin></main>
    <noscript>The moderation page needs JavaScript.</noscript>
  </body>
</html>
`;

export function adminPageRoutes(): Hono {
  const router = new Hono();
  router.get('/admin', (c) => {
    c.header('Cache-Control', 'no-store');
    // The page itself holds nothing secret; the token lives in the tab's sessionStorage.
    c.header('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(PAGE);
  });
  return router;
}
