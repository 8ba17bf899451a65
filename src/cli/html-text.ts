/**
 * Comment HTML (Disqus messages, WordPress comment content) as the plain text Colloquy
 * stores: tags dropped, entities decoded, paragraphs as blank lines, line breaks as line
 * breaks, and a link's address kept beside its words when they differ.
 */

export interface HtmlToTextOptions {
  /**
   * `keep`: a newline in the source is a line break (WordPress, which adds the paragraph
   * tags only when it shows a comment). `collapse`: newlines are spaces, as in HTML (Disqus).
   */
  newlines: 'keep' | 'collapse';
  /** Where a link really goes, given its `href` and its tag's attributes (Disqus wraps links in redirects). */
  linkTarget?: (href: string, attributes: string) => string;
}

// The named entities comment text is likely to hold; others are left as written.
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '',
  ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›', bull: '•', middot: '·', times: '×', divide: '÷', deg: '°',
  copy: '©', reg: '®', trade: '™', sect: '§', para: '¶', euro: '€', pound: '£', yen: '¥', cent: '¢',
  iexcl: '¡', iquest: '¿', frac12: '½', frac14: '¼', frac34: '¾', plusmn: '±', micro: 'µ',
  aacute: 'á', agrave: 'à', acirc: 'â', auml: 'ä', atilde: 'ã', aring: 'å', aelig: 'æ', ccedil: 'ç',
  eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', iacute: 'í', igrave: 'ì', icirc: 'î', iuml: 'ï',
  ntilde: 'ñ', oacute: 'ó', ograve: 'ò', ocirc: 'ô', ouml: 'ö', otilde: 'õ', oslash: 'ø',
  uacute: 'ú', ugrave: 'ù', ucirc: 'û', uuml: 'ü', yacute: 'ý', yuml: 'ÿ', szlig: 'ß',
  Aacute: 'Á', Agrave: 'À', Acirc: 'Â', Auml: 'Ä', Ccedil: 'Ç', Eacute: 'É', Egrave: 'È', Ecirc: 'Ê',
  Iacute: 'Í', Ntilde: 'Ñ', Oacute: 'Ó', Ouml: 'Ö', Oslash: 'Ø', Uacute: 'Ú', Uuml: 'Ü',
};

const BLOCK = new Set(['p', 'div', 'blockquote', 'pre', 'ul', 'ol', 'table', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'figure']);
// `<name` or `</name`, read where a `<` was found; what follows decides whether it is a tag.
const TAG_START = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/y;
const SKIPPED_START = /<(script|style)\b/gi;
const TRAILING_SLASH = /\s*\/?$/;
const PARAGRAPH = '\u0000p\u0000';
const LINE = '\u0000n\u0000';

/**
 * The next index of `needle` at or after `from`, remembered: callers ask with `from` never
 * going back, so each search goes on from where the last one stopped, and a page is scanned
 * once however many unclosed `<!--` or `<a ` it holds.
 */
function finder(text: string, needle: string | RegExp): (from: number) => number {
  let found = -1;
  let searchedFrom = Infinity;
  return (from) => {
    // What the last search found is still the answer when it started no later and found nothing before `from`.
    if (searchedFrom <= from && (found === -1 || found >= from)) return found;
    searchedFrom = from;
    if (typeof needle === 'string') found = text.indexOf(needle, from);
    else {
      needle.lastIndex = from;
      found = needle.exec(text)?.index ?? -1;
    }
    return found;
  };
}

/** Without HTML comments and script and style elements (their text is not the comment's). */
function withoutSkipped(html: string): string {
  let out = '';
  let copied = 0;
  const commentEnd = finder(html, '-->');
  for (let start = html.indexOf('<!--'); start !== -1; start = html.indexOf('<!--', copied)) {
    const end = commentEnd(start + 4);
    if (end === -1) break;
    out += html.slice(copied, start);
    copied = end + 3;
  }
  const text = out + html.slice(copied);

  out = '';
  copied = 0;
  const tagEnd = finder(text, '>');
  const closers = { script: finder(text, /<\/script\s*>/gi), style: finder(text, /<\/style\s*>/gi) };
  SKIPPED_START.lastIndex = 0;
  for (let match = SKIPPED_START.exec(text); match; match = SKIPPED_START.exec(text)) {
    const open = tagEnd(match.index + match[0].length);
    if (open === -1) break;
    const kind = match[1]!.toLowerCase() as keyof typeof closers;
    const close = closers[kind](open + 1);
    if (close === -1) {
      SKIPPED_START.lastIndex = match.index + 1;
      continue;
    }
    out += text.slice(copied, match.index);
    copied = text.indexOf('>', close) + 1;
    SKIPPED_START.lastIndex = copied;
  }
  return out + text.slice(copied);
}

/** `line` without the spaces at either end; a loop, as a `/ +$/` regex is quadratic on long runs of spaces. */
function trimSpaces(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && line[start] === ' ') start++;
  while (end > start && line[end - 1] === ' ') end--;
  return line.slice(start, end);
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (match, name: string) => {
    if (name.startsWith('#')) {
      const point = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      // NUL and lone surrogates cannot be stored; they are dropped rather than refused.
      return point > 0 && point <= 0x10ffff && (point < 0xd800 || point > 0xdfff) ? String.fromCodePoint(point) : '';
    }
    return NAMED[name] ?? match;
  });
}

export function htmlToText(html: string, { newlines, linkTarget = (href) => href }: HtmlToTextOptions): string {
  const source = withoutSkipped(html).replace(/\r\n?/g, '\n');
  let out = '';
  let link: { href: string; start: number } | null = null;
  let last = 0;
  const text = (raw: string) => {
    // Decoded first, so an &nbsp; next to a space folds into one space like any other.
    const decoded = decodeEntities(raw);
    out += newlines === 'keep' ? decoded.replace(/[ \t\f\v]+/g, ' ').replace(/\n/g, LINE) : decoded.replace(/\s+/g, ' ');
  };
  const tagEnd = finder(source, '>');
  // One pass over the `<`s: a tag is `<name>`, `<name/>` or `<name` and a space, up to the next `>`.
  for (let lt = source.indexOf('<'); lt !== -1; lt = source.indexOf('<', lt + 1)) {
    TAG_START.lastIndex = lt;
    const match = TAG_START.exec(source);
    if (!match) continue;
    const after = TAG_START.lastIndex;
    const next = source[after];
    let end: number;
    let attributes = '';
    if (next === '>') end = after + 1;
    else if (next === '/' && source[after + 1] === '>') end = after + 2;
    else if (next !== undefined && /\s/.test(next)) {
      const gt = tagEnd(after);
      if (gt === -1) break;
      end = gt + 1;
      attributes = next + source.slice(after + 1, gt).replace(TRAILING_SLASH, '');
    } else continue;
    text(source.slice(last, lt));
    last = end;
    lt = end - 1;
    const closing = match[1] === '/';
    const tag = match[2]!.toLowerCase();
    if (tag === 'br') out += LINE;
    else if (tag === 'li') out += closing ? '' : `${LINE}- `;
    else if (BLOCK.has(tag)) out += PARAGRAPH;
    else if (tag === 'a' && !closing) {
      const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attributes);
      const target = decodeEntities((href?.[1] ?? href?.[2] ?? href?.[3] ?? '').trim());
      link = { href: linkTarget(target, attributes), start: out.length };
    } else if (tag === 'a' && closing && link) {
      const words = out.slice(link.start).trim();
      const bare = (url: string) => url.replace(/^https?:\/\//i, '').replace(/\/$/, '');
      if (/^https?:\/\//i.test(link.href) && bare(words) !== bare(link.href)) out += ` (${link.href})`;
      link = null;
    }
  }
  text(source.slice(last));
  return out
    .split(PARAGRAPH)
    .map((block) =>
      block
        .split(LINE)
        .map(trimSpaces)
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
    )
    .filter((block) => block !== '')
    .join('\n\n');
}
