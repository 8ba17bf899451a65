/**
 * `/mail`: the demo's mail viewer (`npm start` only). The demo sends no email: it writes each
 * message as an `.eml` file under `./data/mail/` (mail/transport.ts), and this lists them, newest
 * first, and shows one: its headers, its plain-text part with the links made clickable, and its
 * HTML part in a sandboxed frame that may run nothing and load nothing.
 *
 * The files are the server's own (nodemailer's output), but what they quote is visitors' text,
 * so everything shown is escaped, and the HTML part is served under `sandbox` and a CSP that
 * allows no script and no remote resource.
 */
import { Hono } from 'hono';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { html, htmlPage, sendPage, type Html } from '../integrations/mail/page.js';

/** Messages listed, newest first. */
export const VIEWER_MESSAGES = 200;
const NAME = /^[0-9A-Za-z-]{1,100}\.eml$/;
const HTML_PART_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const VIEWER_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function mailViewerRoutes(dir: string): Hono {
  const router = new Hono();

  router.get('/mail', (c) => {
    const messages = listMessages(dir).map((name) => ({ name, mail: readMessage(dir, name) }));
    const rows = messages.map(
      ({ name, mail }) => html`<li><a href="mail/${name}"><strong>${mail?.headers.get('subject') ?? name}</strong></a><br><span class="note">to ${mail?.headers.get('to') ?? '?'} · ${mail?.headers.get('date') ?? ''}</span></li>`,
    );
    const body = html`<h1>Mail sent by this demo</h1>
<p class="note">The demo sends no email: each message is written to <code>${dir}</code>, and listed here, newest first. With <code>COLLOQUY_SMTP_URL</code> set, the same messages go to an SMTP server instead.</p>
${messages.length ? html`<ol reversed>${rows}</ol>` : html`<p>No email yet. Tick “Notify me of replies to my comment by email.” under a comment, or use “Manage my comments by email”.</p>`}
<p><a href="./">Back to the demo episode</a></p>`;
    return send(c, htmlPage({ title: 'Mail · Colloquy demo', body }));
  });

  router.get('/mail/:name', (c) => {
    const name = c.req.param('name');
    const mail = NAME.test(name) ? readMessage(dir, name) : undefined;
    if (!mail) return send(c, htmlPage({ title: 'No such message', body: html`<h1>No such message</h1><p><a href="../mail">All mail</a></p>` }), 404);
    const header = (label: string, key: string) => (mail.headers.has(key) ? html`<dt>${label}</dt><dd>${mail.headers.get(key)!}</dd>` : '');
    const body = html`<h1>${mail.headers.get('subject') ?? '(no subject)'}</h1>
<dl>${header('From', 'from')}${header('To', 'to')}${header('Date', 'date')}${header('List-Unsubscribe', 'list-unsubscribe')}${header('List-Unsubscribe-Post', 'list-unsubscribe-post')}</dl>
<h2>Plain text</h2>
<pre class="text" style="white-space:pre-wrap">${linkified(mail.text)}</pre>
${mail.html ? html`<h2>HTML</h2><iframe title="The HTML part" sandbox src="${name}/html" style="width:100%;height:24rem;border:1px solid #d0d7de"></iframe>` : ''}
<p><a href="../mail">All mail</a></p>`;
    return send(c, htmlPage({ title: `${mail.headers.get('subject') ?? name} · Colloquy demo`, body }));
  });

  router.get('/mail/:name/html', (c) => {
    const name = c.req.param('name');
    const mail = NAME.test(name) ? readMessage(dir, name) : undefined;
    if (!mail?.html) return c.text('No such message.', 404);
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', HTML_PART_CSP);
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(mail.html);
  });

  return router;
}

function send(c: Parameters<typeof sendPage>[0], page: Html, status: 200 | 404 = 200): Response {
  const response = sendPage(c, page, status);
  // The message page frames its own HTML part.
  response.headers.set('Content-Security-Policy', VIEWER_CSP);
  return response;
}

/** The `.eml` files, newest first (their names start with the time they were written). */
function listMessages(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => NAME.test(name))
    .sort()
    .reverse()
    .slice(0, VIEWER_MESSAGES);
}

/** Text with each http(s) URL made a link; everything escaped. */
function linkified(text: string): Html[] {
  const out: Html[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    out.push(html`${text.slice(last, match.index)}`, html`<a href="${match[0]}">${match[0]}</a>`);
    last = match.index! + match[0].length;
  }
  out.push(html`${text.slice(last)}`);
  return out;
}

export interface ViewedMail {
  /** Lower-cased names; values unfolded, encoded words decoded. */
  headers: Map<string, string>;
  text: string;
  html: string;
}

export function readMessage(dir: string, name: string): ViewedMail | undefined {
  let raw: string;
  try {
    raw = readFileSync(join(dir, name), 'latin1');
  } catch {
    return undefined;
  }
  const entity = parseEntity(raw);
  const found = { text: '', html: '' };
  collectParts(entity, found);
  return { headers: entity.headers, ...found };
}

interface Entity {
  headers: Map<string, string>;
  body: string;
}

/** Splits a MIME entity (as bytes held in a latin1 string) into unfolded headers and body. */
function parseEntity(raw: string): Entity {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = split ? raw.slice(0, split.index) : raw;
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function collectParts(entity: Entity, found: { text: string; html: string }): void {
  const type = entity.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const pieces = entity.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    for (const piece of pieces.slice(1)) if (piece.trim() !== '') collectParts(parseEntity(piece), found);
    return;
  }
  const text = decodeBody(entity.body, entity.headers.get('content-transfer-encoding') ?? '7bit', /charset="?([^";]+)"?/i.exec(type)?.[1] ?? 'utf-8');
  if (/^text\/html/i.test(type) && !found.html) found.html = text;
  else if (/^text\/plain/i.test(type) && !found.text) found.text = text;
}

function bytes(latin1: string): Buffer {
  return Buffer.from(latin1, 'latin1');
}

function decodeBody(body: string, encoding: string, charset: string): string {
  const kind = encoding.toLowerCase();
  let data: Buffer;
  if (kind === 'base64') data = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (kind === 'quoted-printable') data = quotedPrintable(body.replace(/=\r?\n/g, ''));
  else data = bytes(body);
  return new TextDecoder(/^utf-?8$/i.test(charset) ? 'utf-8' : charset, { fatal: false }).decode(data);
}

function quotedPrintable(text: string): Buffer {
  return bytes(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header value; the space between two is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, kind: string, text: string) => {
      const data = kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintable(text.replace(/_/g, ' '));
      try {
        return new TextDecoder(charset, { fatal: false }).decode(data);
      } catch {
        return text;
      }
    });
}
