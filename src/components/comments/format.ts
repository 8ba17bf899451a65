/**
 * Safe formatting of a comment's plain text: paragraphs and line breaks, fenced code
 * blocks, `>` quotes, `code`, **strong**, *emphasis*, auto-linked http(s)/mailto URLs
 * and podcast timestamps. Visitor text only ever becomes text nodes and attribute values
 * set through the DOM (`append`, `setAttribute`) — never markup.
 *
 * Every step is linear in the text's length: spans stay on one line and under 400
 * characters, quotes nest at most 3 deep, and a link's trailing punctuation is trimmed in
 * one backward pass. The output is plain DOM, built once per comment version and kept
 * (see thread-view.ts), so re-rendering the widget never formats a body again.
 * A timestamp is a button carrying `data-seek` (seconds); one listener on the thread acts on it.
 *
 * A body makes at most {@link MAX_ELEMENTS} elements; past that its text is kept as plain
 * text (line breaks shown by `white-space: pre-line`). No honest comment comes near it, and
 * a hostile one (65,525 characters of `a\n` or `*a*`) then costs a few hundred elements, not
 * tens of thousands.
 */

const INLINE =
  /`([^`\n]{1,400})`|(\*\*?)([^*\s](?:[^*\n]{0,400}[^*\s])?)\2|\b(?:https?:\/\/|mailto:)[^\s<>"'`]+|(?<![\w:.])(?:(\d\d?):)?(\d\d?):(\d\d)(?![\w:])/gi;
const SENTENCE_END = /[.,;:!?'"\]]/;
/** What every span holds (a backtick, a star, or the colon of a URL or a timestamp): a line without it is plain text. */
const MAY_SPAN = /[`*:]/;

/**
 * Trailing punctuation is the sentence's, not the URL's; a `)` only while unbalanced.
 * One count of the parentheses, then one pass from the end: linear however many there are.
 */
function trimUrl(url: string): string {
  // How many more `)` than `(`: that many may be trimmed.
  let unbalanced = url.split(')').length - url.split('(').length;
  let end = url.length;
  for (let last; (last = url[end - 1]) && (SENTENCE_END.test(last) || (last === ')' && unbalanced-- > 0)); ) end--;
  return url.slice(0, end);
}

/** `1:02:03` → 3723; `null` when minutes or seconds are out of range. */
function timestampSeconds(h: string | undefined, m: string, s: string): number | null {
  return +s > 59 || (h && +m > 59) ? null : (+h! || 0) * 3600 + +m * 60 + +s;
}

/** The most elements one body is formatted into. */
export const MAX_ELEMENTS = 500;
let left = MAX_ELEMENTS;

/** An element with its attributes and text, all set through the DOM (shared with thread-view.ts). */
export const make = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const node = document.createElement(tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** An element of the body: counted against its budget. */
const el = (tag: keyof HTMLElementTagNameMap, text?: string, attrs?: Record<string, string>) => (left--, make(tag, attrs, text));

/** Appends one line's text with its spans to `into`. */
function inline(text: string, into: Node & ParentNode): void {
  if (!MAY_SPAN.test(text)) return text ? into.append(text) : undefined;
  let at = 0;
  let m: RegExpExecArray | null;
  INLINE.lastIndex = 0;
  while (left > 1 && (m = INLINE.exec(text))) {
    let [whole, code, stars, starred, h, min, sec] = m;
    let node: HTMLElement | null = null;
    if (code !== undefined) node = el('code', code);
    else if (stars) node = el(stars[1] ? 'strong' : 'em', starred);
    else if (min) {
      const seconds = timestampSeconds(h, min, sec);
      if (seconds !== null) node = el('button', whole, { part: 'timestamp', type: 'button', 'data-seek': '' + seconds });
    } else {
      whole = trimUrl(whole);
      node = el('a', whole, { href: whole, rel: 'nofollow ugc noopener' });
    }
    if (!node) continue;
    if (m.index > at) into.append(text.slice(at, m.index));
    into.append(node);
    at = m.index + whole.length;
    // A trimmed URL gave characters back (punctuation only, which starts no span): scan on from there.
    if (at < m.index + m[0].length) INLINE.lastIndex = at;
  }
  if (at < text.length) into.append(text.slice(at));
}

function paragraph(lines: string[], into: ParentNode): void {
  const p = el('p');
  let i = 0;
  for (; i < lines.length && left > 1; i++) {
    if (i) p.append(el('br'));
    inline(lines[i], p);
  }
  // Out of elements: the remaining lines as one text, their breaks shown by pre-line.
  if (i < lines.length) p.append((i ? '\n' : '') + lines.slice(i).join('\n'));
  into.append(p);
}

const FENCE = /^\s*```/;
const FENCE_END = /^\s*```\s*$/;

/** Appends comment text to `into` as blocks: paragraphs, quotes and code. */
export function formatBody(text: string, into: ParentNode): void {
  left = MAX_ELEMENTS;
  blocks(text, into, 0);
}

function blocks(text: string, into: ParentNode, depth: number): void {
  const src = text.split('\n');
  let para: string[] = [];
  const flush = () => {
    if (para.length) paragraph(para, into);
    para = [];
  };
  for (let i = 0; i < src.length; i++) {
    const line = src[i];
    if (left < 3) {
      // Out of elements (a block takes up to two): the rest as it was typed, blank lines and all.
      flush();
      into.append(src.slice(i).join('\n'));
      return;
    }
    if (FENCE.test(line)) {
      flush();
      const code: string[] = [];
      // An unterminated fence runs to the end of the comment.
      while (++i < src.length && !FENCE_END.test(src[i])) code.push(src[i]);
      const pre = el('pre');
      pre.append(el('code', code.join('\n')));
      into.append(pre);
    } else if (line.startsWith('>') && depth < 3) {
      flush();
      const quoted: string[] = [];
      for (; i < src.length && src[i].startsWith('>'); i++) quoted.push(src[i].slice(src[i].startsWith('> ') ? 2 : 1));
      i--;
      const quote = el('blockquote');
      blocks(quoted.join('\n'), quote, depth + 1);
      into.append(quote);
    } else if (!line.trim()) flush();
    else para.push(line);
  }
  flush();
}
