/**
 * HTML the server writes itself: the small pages behind email links (confirm, unsubscribe,
 * "my comments") and the HTML part of every email. Everything goes through the `html`
 * template tag, which escapes every value put into it (markup.ts's `escapeText`) unless the
 * value is itself `html`, so no visitor text becomes markup by concatenation.
 *
 * The pages work without JavaScript and load nothing: their styles are inline, their CSP
 * allows no script, no image and no remote resource, and forms post back to this server only.
 * No GET changes anything: a GET shows a form, and its POST acts.
 */
import type { Context } from 'hono';
import { escapeText } from '../../render/markup.js';

/** Markup that is already safe: made by {@link html} (or {@link raw} for constant text). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(String(value));
}

/** A template whose values are escaped (strings, numbers) or kept (`Html`, arrays of either). */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Constant markup written in this code base, never anything received. */
export const raw = (text: string) => new Html(text);

// Inline styles only: the CSP below lets nothing else in.
const STYLE = `body{margin:0;background:#f6f8fa;color:#1f2328;font:16px/1.5 system-ui,sans-serif}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.4rem;margin-top:0}button{font:inherit;padding:.4rem .9rem;margin:.25rem 0;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f6feb}form{margin:.75rem 0}fieldset{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0}label{display:block;margin:.3rem 0}
blockquote{margin:.5rem 0;padding-inline-start:.75rem;border-inline-start:3px solid #d0d7de;white-space:pre-wrap}.note{color:#59636e;font-size:.9rem}`;

/** The CSP of every server-rendered page: no script, no image, no remote anything; forms post here. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export interface PageOptions {
  title: string;
  /** The page's language (`lang`); `dir` follows from it. */
  lang?: string;
  body: Html;
}

const RTL = /^(ar|he|fa|ur)\b/;

/** A whole document: the title, the inline styles and `body` inside `<main>`. */
export function htmlPage({ title, lang = 'en', body }: PageOptions): Html {
  return html`<!doctype html>
<html lang="${lang}" dir="${RTL.test(lang) ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

/**
 * Answers with `page`: never cached (it may hold a token), never framed, and sending no
 * `Referer` onwards (the address holds the link's token).
 */
export function sendPage(c: Context, page: Html, status: 200 | 400 | 403 | 404 | 410 | 429 = 200): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  return c.html(page.text, status);
}

/** A form that posts `fields` (hidden) back to `action` with one button. */
export function postForm(action: string, fields: Record<string, string>, label: string, secondary = false): Html {
  return html`<form method="post" action="${action}">${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit"${secondary ? raw(' class="secondary"') : ''}>${label}</button></form>`;
}
