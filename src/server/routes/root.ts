/**
 * `/` of `colloquy serve`: a small page saying what this server is and where its parts are
 * (the moderation page, the API, the widget's script, the health check), so the URL the
 * server prints answers with something a person can read, not a JSON 404. The demo serves
 * its own pages at `/` instead. Written with the escaping `html` tag; it loads nothing and
 * runs no script, under the same kind of CSP as the server's other pages.
 */
import { Hono } from 'hono';
import { html, htmlPage } from '../integrations/mail/page.js';

const ROOT_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

export interface RootOptions {
  /** `COLLOQUY_PUBLIC_URL`, when set: the embed snippet names it; otherwise the links are relative. */
  publicUrl?: string | null;
}

export function rootRoutes({ publicUrl = null }: RootOptions = {}): Hono {
  const router = new Hono();
  const base = publicUrl ?? '';
  const script = `${base === '' ? 'https://comments.example.com' : base}/colloquy.js`;
  const endpoint = base === '' ? 'https://comments.example.com/api' : `${base}/api`;
  const body = html`<style>pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:.5rem;border-radius:6px}</style>
<h1>Colloquy comment server</h1>
<p>This is a <strong>Colloquy</strong> server: it stores and serves the comments of the pages that embed its widget. There is nothing to read here.</p>
<ul>
<li><a href="admin">Moderation page</a> (<code>/admin</code>): approve, hold and delete comments with the admin token.</li>
<li>The API is under <code>/api</code>: <code>/api/comments?thread=…</code> for a thread, <code>/api/admin/…</code> for moderation.</li>
<li>The widget's script: <a href="colloquy.js"><code>/colloquy.js</code></a>.</li>
<li>Health check for a load balancer: <a href="healthz"><code>/healthz</code></a>.</li>
</ul>
<p>To show comments on a page:</p>
<pre><code>&lt;script type="module" src="${script}"&gt;&lt;/script&gt;
&lt;colloquy-comments endpoint="${endpoint}" thread="episode-42"&gt;&lt;/colloquy-comments&gt;</code></pre>
<p class="note">${base === '' ? 'Replace https://comments.example.com with the address this server is reached at (COLLOQUY_PUBLIC_URL).' : ''}</p>`;
  const page = htmlPage({ title: 'Colloquy comment server', body }).text;

  router.get('/', (c) => {
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Security-Policy', ROOT_CSP);
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(page);
  });
  return router;
}
