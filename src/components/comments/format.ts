import { html, type TemplateResult } from 'lit/html.js';

/**
 * Safe formatting of a comment's plain text: paragraphs and line breaks, fenced code
 * blocks, `>` quotes, `code`, **strong**, *emphasis*, auto-linked http(s)/mailto URLs
 * and podcast timestamps. The text is parsed into a small structure and rendered with
 * Lit templates, so visitor text only ever becomes text nodes and attribute values —
 * never markup.
 *
 * Every pattern is bounded (spans stay on one line and under 400 characters, quotes
 * nest at most 3 deep), so hostile input costs linear time.
 */

/** Called with a timestamp's position in seconds when its button is pressed. */
export type Seek = (seconds: number) => void;

type Out = TemplateResult | string;

const INLINE =
  /`([^`\n]{1,400})`|\*\*([^*\s](?:[^*\n]{0,400}[^*\s])?)\*\*|\*([^*\s](?:[^*\n]{0,400}[^*\s])?)\*|\b(?:https?:\/\/|mailto:)[^\s<>"'`]+|(?<![\w:.])(?:(\d{1,2}):)?(\d{1,2}):(\d\d)(?![\w:])/gi;

/** Trailing punctuation is the sentence's, not the URL's; a `)` only when unbalanced. */
function trimUrl(url: string): string {
  for (;;) {
    const last = url.at(-1)!;
    if (/[.,;:!?'"\]]/.test(last) || (last === ')' && url.split('(').length < url.split(')').length)) url = url.slice(0, -1);
    else return url;
  }
}

/** `1:02:03` → 3723; `null` when minutes or seconds are out of range. */
export function timestampSeconds(h: string | undefined, m: string, s: string): number | null {
  const minutes = +m;
  const seconds = +s;
  if (seconds > 59 || (h !== undefined && minutes > 59)) return null;
  return (h ? +h * 3600 : 0) + minutes * 60 + seconds;
}

function inline(text: string, seek: Seek): Out[] {
  const out: Out[] = [];
  let at = 0;
  let m: RegExpExecArray | null;
  INLINE.lastIndex = 0;
  while ((m = INLINE.exec(text))) {
    let [whole, code, strong, em, h, min, sec] = m;
    let node: Out | null = null;
    if (code !== undefined) node = html`<code>${code}</code>`;
    else if (strong !== undefined) node = html`<strong>${strong}</strong>`;
    else if (em !== undefined) node = html`<em>${em}</em>`;
    else if (min !== undefined) {
      const seconds = timestampSeconds(h, min, sec);
      if (seconds !== null)
        node = html`<button part="timestamp" type="button" @click=${() => seek(seconds)}>${whole}</button>`;
    } else {
      whole = trimUrl(whole);
      node = html`<a href=${whole} rel="nofollow ugc noopener">${whole}</a>`;
    }
    if (!node) continue;
    out.push(text.slice(at, m.index), node);
    at = m.index + whole.length;
    // A trimmed URL gave characters back: keep scanning from where it really ended.
    if (at < m.index + m[0].length) INLINE.lastIndex = at;
  }
  out.push(text.slice(at));
  return out;
}

function lines(block: string[], seek: Seek): Out[] {
  return block.flatMap((line, i) => (i ? [html`<br />`, ...inline(line, seek)] : inline(line, seek)));
}

/** Renders comment text as blocks: paragraphs, quotes and code. */
export function formatBody(text: string, seek: Seek, depth = 0): TemplateResult[] {
  const out: TemplateResult[] = [];
  const src = text.split('\n');
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push(html`<p>${lines(para, seek)}</p>`);
    para = [];
  };
  for (let i = 0; i < src.length; i++) {
    const line = src[i];
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      // An unterminated fence runs to the end of the comment.
      while (++i < src.length && !/^\s*```\s*$/.test(src[i])) code.push(src[i]);
      out.push(html`<pre><code>${code.join('\n')}</code></pre>`);
    } else if (line.startsWith('>') && depth < 3) {
      flush();
      const quoted: string[] = [];
      for (; i < src.length && src[i].startsWith('>'); i++) quoted.push(src[i].replace(/^> ?/, ''));
      i--;
      out.push(html`<blockquote>${formatBody(quoted.join('\n'), seek, depth + 1)}</blockquote>`);
    } else if (line.trim() === '') flush();
    else para.push(line);
  }
  flush();
  return out;
}
