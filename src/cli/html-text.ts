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
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s[^>]*?)?)\s*\/?>/g;
const PARAGRAPH = '\u0000p\u0000';
const LINE = '\u0000n\u0000';

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
  const source = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\r\n?/g, '\n');
  let out = '';
  let link: { href: string; start: number } | null = null;
  let last = 0;
  const text = (raw: string) => {
    // Decoded first, so an &nbsp; next to a space folds into one space like any other.
    const decoded = decodeEntities(raw);
    out += newlines === 'keep' ? decoded.replace(/[ \t\f\v]+/g, ' ').replace(/\n/g, LINE) : decoded.replace(/\s+/g, ' ');
  };
  for (const match of source.matchAll(TAG)) {
    text(source.slice(last, match.index));
    last = match.index + match[0].length;
    const closing = match[1] === '/';
    const tag = match[2]!.toLowerCase();
    if (tag === 'br') out += LINE;
    else if (tag === 'li') out += closing ? '' : `${LINE}- `;
    else if (BLOCK.has(tag)) out += PARAGRAPH;
    else if (tag === 'a' && !closing) {
      const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(match[3] ?? '');
      const target = decodeEntities((href?.[1] ?? href?.[2] ?? href?.[3] ?? '').trim());
      link = { href: linkTarget(target, match[3] ?? ''), start: out.length };
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
        .map((line) => line.replace(/^ +| +$/g, ''))
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
    )
    .filter((block) => block !== '')
    .join('\n\n');
}
