/**
 * A deliberately strict parser for the server's HTML fragments and Atom feeds: it accepts
 * well-formed XML 1.0 without DTDs, comments, CDATA or processing instructions (bar the
 * XML declaration), and throws on anything else. Output that passes it cannot hide a tag
 * in text or leave an attribute, and a feed that passes it is readable by any XML parser.
 */

export interface MarkupElement {
  name: string;
  attributes: Record<string, string>;
  children: MarkupNode[];
}
export type MarkupNode = MarkupElement | string;

export interface ParseOptions {
  /** Elements written without an end tag (`br` in HTML). */
  voidElements?: string[];
  /** Allow text and several elements at the top level (an HTML fragment). */
  fragment?: boolean;
}

// XML 1.0 Char: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = /[A-Za-z_][\w.:-]*/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseMarkup(text: string, options: ParseOptions = {}): MarkupElement {
  const voids = new Set(options.voidElements ?? []);
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} is not allowed at ${bad.index}`);
  let at = 0;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0 || !/^<\?xml version="1\.0" encoding="utf-8"\?>$/.test(text.slice(0, end + 2))) throw new Error('bad XML declaration');
    at = end + 2;
  }
  const root: MarkupElement = { name: '#root', attributes: {}, children: [] };
  const open: MarkupElement[] = [root];
  const fail = (why: string): never => {
    throw new Error(`${why} at ${at}: …${text.slice(Math.max(0, at - 40), at + 40)}…`);
  };
  const readName = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(text);
    if (!match) fail('expected a name');
    at += match![0].length;
    return match![0];
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);?/g, (ref, body: string) => {
      if (!ref.endsWith(';')) fail(`an unterminated reference ${JSON.stringify(ref.slice(0, 12))}`);
      if (body in PREDEFINED) return PREDEFINED[body]!;
      const code = /^#x([0-9a-fA-F]{1,6})$/.exec(body) ? parseInt(body.slice(2), 16) : /^#(\d{1,7})$/.test(body) ? Number(body.slice(1)) : NaN;
      if (Number.isNaN(code) || code > 0x10ffff) fail(`an unknown reference &${body};`);
      const char = String.fromCodePoint(code);
      if (NOT_XML_CHAR.test(char)) fail(`a reference to a character XML forbids (&${body};)`);
      return char;
    });

  while (at < text.length) {
    const parent = open.at(-1)!;
    if (text[at] !== '<') {
      const end = text.indexOf('<', at) < 0 ? text.length : text.indexOf('<', at);
      const raw = text.slice(at, end);
      if (raw.includes('>')) fail('a bare > in text');
      if (parent === root && !options.fragment && raw.trim() !== '') fail('text outside the root element');
      parent.children.push(decode(raw));
      at = end;
      continue;
    }
    if (text.startsWith('</', at)) {
      at += 2;
      const name = readName();
      skipSpace();
      if (text[at] !== '>') fail('expected > to end an end tag');
      at++;
      if (parent === root || parent.name !== name) fail(`</${name}> does not close <${parent.name}>`);
      open.pop();
      continue;
    }
    if (text.startsWith('<!', at) || text.startsWith('<?', at)) fail('a declaration, comment or CDATA section');
    at++;
    const element: MarkupElement = { name: readName(), attributes: {}, children: [] };
    for (;;) {
      const before = at;
      skipSpace();
      if (text.startsWith('/>', at) || text[at] === '>') break;
      if (at === before) fail('expected space before an attribute');
      const name = readName();
      if (name in element.attributes) fail(`a second ${name} attribute`);
      if (text[at] !== '=') fail('expected = after an attribute name');
      const quote = text[++at];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      const end = text.indexOf(quote!, at + 1);
      if (end < 0) fail('an unterminated attribute value');
      const raw = text.slice(at + 1, end);
      if (raw.includes('<')) fail('a < in an attribute value');
      element.attributes[name] = decode(raw);
      at = end + 1;
    }
    if (parent === root && !options.fragment && root.children.some((child) => typeof child !== 'string')) fail('a second root element');
    parent.children.push(element);
    if (text.startsWith('/>', at)) {
      at += 2;
    } else {
      at++;
      if (!voids.has(element.name)) open.push(element);
    }
  }
  if (open.length > 1) fail(`<${open.at(-1)!.name}> is never closed`);
  if (!options.fragment) {
    const element = root.children.find((child): child is MarkupElement => typeof child !== 'string');
    if (!element) fail('no root element');
    return element!;
  }
  return root;
}

/** Every element under `node` (itself included) named `name`, in document order. */
export function findAll(node: MarkupElement, name: string): MarkupElement[] {
  const found: MarkupElement[] = [];
  const walk = (element: MarkupElement) => {
    if (element.name === name) found.push(element);
    for (const child of element.children) if (typeof child !== 'string') walk(child);
  };
  walk(node);
  return found;
}

/** The first child element named `name`, or `undefined`. */
export function child(node: MarkupElement, name: string): MarkupElement | undefined {
  return node.children.find((c): c is MarkupElement => typeof c !== 'string' && c.name === name);
}

/** The text under `node`, with each `<br>` as a line break. */
export function textOf(node: MarkupNode): string {
  if (typeof node === 'string') return node;
  if (node.name === 'br') return '\n';
  return node.children.map(textOf).join('');
}
