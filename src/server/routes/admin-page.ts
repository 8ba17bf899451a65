/** `/admin`: the moderation page, a shell that loads `<colloquy-admin>` from the build. Its URLs are relative, so it works where the app is mounted under a path (`/comments/admin`). */
import { Hono } from 'hono';
import { escapeText } from '../render/markup.js';

export interface AdminPageOptions {
  /** `COLLOQUY_THREAD_URL`: where a thread key links to, `{thread}` standing for it; `null` for no link. */
  threadUrl?: string | null;
}

// The icon is a data: URL, which `img-src data:` admits: the CSP no longer blocks its own page's icon.
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='12' rx='3' fill='%232463eb'/%3E%3Cpath d='M4 12v4l4-4z' fill='%232463eb'/%3E%3C/svg%3E";

const page = (threadUrl: string | null) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>Comment moderation · Colloquy</title>
    <link rel="icon" href="${ICON}" />
    <script type="module" src="colloquy-admin.js"></script>
    <style>
      body { margin: 0; padding: 2rem 1rem; background: #e9edf2; font-family: system-ui, sans-serif; }
      colloquy-admin { box-sizing: border-box; max-inline-size: 64rem; margin-inline: auto; padding: 1.25rem 1.5rem; --colloquy-bg: #fff;
        border: 1px solid #d0d7de; border-radius: 12px; box-shadow: 0 1px 3px rgb(31 35 40 / 0.12), 0 8px 24px rgb(66 74 83 / 0.12); }
      @media (max-width: 40rem) { body { padding: 0; } colloquy-admin { border: 0; border-radius: 0; box-shadow: none; padding: 0.75rem; } }
    </style>
  </head>
  <body>
    <main><colloquy-admin endpoint="api"${threadUrl ? ` thread-url="${escapeText(threadUrl)}"` : ''}></colloquy-admin></main>
    <noscript>The moderation page needs JavaScript.</noscript>
  </body>
</html>
`;

export function adminPageRoutes({ threadUrl = null }: AdminPageOptions = {}): Hono {
  const router = new Hono();
  const html = page(threadUrl);
  router.get('/admin', (c) => {
    c.header('Cache-Control', 'no-store');
    // The page itself holds nothing secret; the token lives in the tab's sessionStorage.
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(html);
  });
  return router;
}
