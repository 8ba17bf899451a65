/**
 * A small streaming XML reader for export files (WordPress WXR, Disqus). It checks that the
 * document is well-formed and builds trees only for the elements asked for (a WXR `item`, a
 * Disqus `post`), so a file of any size is read in little memory.
 *
 * It reads what these exports hold: elements, attributes, text, CDATA, the five predefined
 * entities and character references; comments, processing instructions and a DOCTYPE are
 * skipped. Names keep their prefix as written (`wp:comment`), as exporters always write the
 * same prefixes; namespaces are not resolved. Every error names the line it was found on.
 */

export interface XmlElement {
  /** The name as written, prefix included: `wp:comment_id`. */
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** Line of the start tag, from 1. */
  line: number;
}

export type XmlNode = XmlElement | string;

export class XmlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlReaderOptions {
  /** Whether to build the element at `path` (names from the root down to it) with all it holds. */
  capture(path: readonly string[]): boolean;
  /** Receives each captured element once its end tag is read. */
  onElement(element: XmlElement, path: readonly string[]): void;
}

interface Open {
  name: string;
  line: number;
  /** The tree being built, when this element or an ancestor was captured. */
  element: XmlElement | null;
  /** Whether this element is the top of a captured tree. */
  captured: boolean;
}

const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);
const NAME = /^[^\s/>"'=<&!?]+/;
// Sticky, so a tag's attributes are read in one pass over it.
const ATTRIBUTE = /\s+([^\s/>"'=<&]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const ONLY_SPACE = /\s*$/y;
/** An entity's name, after its `&`: up to the `;` that must end it. */
const ENTITY_NAME = /[^;&\s<]*/y;
const NAME_START = /^[^\d.\-]/;
// Past this many consumed characters the buffer is trimmed, so memory follows the largest token, not the file.
const COMPACT_AT = 1 << 16;

export class XmlReader {
  private buffer = '';
  /** Text written but not yet looked at (see `write`). */
  private queued: string[] = [];
  private queuedLength = 0;
  private pos = 0;
  /** Where a search for the current token's end may resume, so a long token is not rescanned per chunk. */
  private resumeAt = 0;
  private line = 1;
  private readonly stack: Open[] = [];
  /** The open elements' names, root first: kept beside `stack`, so no tag costs more the deeper it is. */
  private readonly path: string[] = [];
  /** How far the scan for the end of the tag or DOCTYPE at `pos` got, so text arriving in chunks is read once. */
  private scan = { offset: 0, quote: '', depth: 0 };
  private rootName: string | undefined;
  private rootClosed = false;
  private started = false;

  constructor(private readonly options: XmlReaderOptions) {}

  /** The root element's name, once its start tag has been read. */
  get root(): string | undefined {
    return this.rootName;
  }

  write(chunk: string): void {
    if (!this.started) {
      this.started = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    this.queued.push(chunk);
    this.queuedLength += chunk.length;
    // Each run copies the whole buffer (a token still waiting for its end, and what came before it)
    // once; waiting for as much new text again keeps the copying linear in the file's size.
    if (this.queuedLength < this.buffer.length) return;
    this.flush();
    this.run(false);
  }

  end(): void {
    this.flush();
    this.run(true);
    const open = this.stack.at(-1);
    if (open) throw new XmlSyntaxError(`<${open.name}> (opened on line ${open.line}) is never closed`, this.line);
    if (this.rootName === undefined) throw new XmlSyntaxError('there is no root element: the file is empty or not XML', this.line);
  }

  private flush(): void {
    if (this.queued.length === 0) return;
    this.buffer += this.queued.join('');
    this.queued = [];
    this.queuedLength = 0;
  }

  private run(final: boolean): void {
    const text = this.buffer;
    while (this.pos < text.length) {
      // A construct still waiting for its end starts right at `pos`; text may be scanned on from where it stopped.
      const lt = text[this.pos] === '<' ? this.pos : text.indexOf('<', Math.max(this.pos, this.resumeAt));
      if (lt === -1) {
        if (!final) {
          // Text may end in the middle of an entity; it is handled once its end is known.
          this.resumeAt = text.length;
          break;
        }
        this.text(text.slice(this.pos));
        this.advance(text.length);
        break;
      }
      if (lt > this.pos) {
        this.text(text.slice(this.pos, lt));
        this.advance(lt);
      }
      if (!this.token(text, final)) break;
    }
    if (this.pos > COMPACT_AT) {
      this.buffer = this.buffer.slice(this.pos);
      this.resumeAt = Math.max(0, this.resumeAt - this.pos);
      this.pos = 0;
    }
  }

  /** Handles the construct at `pos` (a `<`); false when its end has not arrived yet. */
  private token(text: string, final: boolean): boolean {
    const at = this.pos;
    const starts = (prefix: string) => text.startsWith(prefix, at);
    // Until 9 characters have arrived (`<![CDATA[`, the longest prefix told apart below), wait.
    if (!final && text.length - at < 9) return false;
    let end: number;
    if (starts('<!--')) {
      end = this.find(text, '-->', at + 4, final, 'comment');
      if (end < 0) return false;
    } else if (starts('<![CDATA[')) {
      end = this.find(text, ']]>', at + 9, final, 'CDATA section');
      if (end < 0) return false;
      if (this.stack.length === 0) this.fail('text outside the root element');
      this.append(text.slice(at + 9, end - 3));
    } else if (starts('<?')) {
      end = this.find(text, '?>', at + 2, final, 'processing instruction');
      if (end < 0) return false;
      this.declaration(text.slice(at + 2, end - 2));
    } else if (starts('<!DOCTYPE') || starts('<!doctype')) {
      end = this.doctypeEnd(text, at, final);
      if (end < 0) return false;
    } else if (starts('<!')) {
      return this.fail('"<!" starts neither a comment, a CDATA section nor a DOCTYPE');
    } else {
      end = this.tagEnd(text, at, final);
      if (end < 0) return false;
      const tag = text.slice(at + 1, end - 1);
      if (tag.startsWith('/')) this.endTag(tag.slice(1));
      else this.startTag(tag);
    }
    this.advance(end);
    return true;
  }

  /** The index just past `terminator`, searching from `from`; -1 to wait for more text. */
  private find(text: string, terminator: string, from: number, final: boolean, what: string): number {
    const found = text.indexOf(terminator, Math.max(from, this.resumeAt));
    if (found >= 0) return found + terminator.length;
    if (final) this.fail(`a ${what} is never closed (no "${terminator}")`);
    this.resumeAt = Math.max(from, text.length - terminator.length + 1);
    return -1;
  }

  /** The index just past a tag's `>`, which may not be inside a quoted attribute value. */
  private tagEnd(text: string, at: number, final: boolean): number {
    let quote = this.scan.quote;
    let i = Math.max(at + 1, at + this.scan.offset);
    for (; i < text.length; i++) {
      const char = text[i]!;
      if (quote) {
        if (char === quote) quote = '';
      } else if (char === '"' || char === "'") quote = char;
      else if (char === '>') return i + 1;
      else if (char === '<') this.fail(`a tag is not closed before the next "<": ${JSON.stringify(text.slice(at, Math.min(i, at + 40)))}`);
    }
    if (final) this.fail(`a tag is never closed: ${JSON.stringify(text.slice(at, at + 40))}`);
    this.scan = { offset: i - at, quote, depth: 0 };
    return -1;
  }

  private doctypeEnd(text: string, at: number, final: boolean): number {
    let depth = this.scan.depth;
    let i = Math.max(at + 2, at + this.scan.offset);
    for (; i < text.length; i++) {
      const char = text[i];
      if (char === '[') depth++;
      else if (char === ']') depth--;
      else if (char === '>' && depth <= 0) return i + 1;
    }
    if (final) this.fail('the DOCTYPE is never closed');
    this.scan = { offset: i - at, quote: '', depth };
    return -1;
  }

  private advance(to: number): void {
    for (let i = this.buffer.indexOf('\n', this.pos); i !== -1 && i < to; i = this.buffer.indexOf('\n', i + 1)) this.line++;
    this.pos = to;
    this.resumeAt = to;
    this.scan = { offset: 0, quote: '', depth: 0 };
  }

  private fail(reason: string, line = this.line): never {
    throw new XmlSyntaxError(reason, line);
  }

  private declaration(body: string): void {
    if (!/^xml\s/i.test(body)) return;
    const encoding = /encoding\s*=\s*["']([^"']*)["']/i.exec(body)?.[1];
    if (encoding && !/^utf-?8$/i.test(encoding)) this.fail(`the file says it is in ${encoding}; only UTF-8 files can be read (convert it with iconv first)`);
  }

  private text(raw: string): void {
    if (this.stack.length === 0) {
      const start = raw.search(/\S/);
      if (start === -1) return;
      const line = this.line + (raw.slice(0, start).match(/\n/g)?.length ?? 0);
      this.fail(this.rootClosed ? 'text after the root element' : 'text before the root element', line);
    }
    this.append(this.decode(raw, this.line));
  }

  private append(text: string): void {
    const element = this.stack.at(-1)?.element;
    if (!element || text === '') return;
    const last = element.children.length - 1;
    if (typeof element.children[last] === 'string') element.children[last] += text;
    else element.children.push(text);
  }

  /**
   * Replaces entity and character references; anything else after an `&` is an error. One
   * pass: each character is looked at once, lines counted as it goes.
   */
  private decode(raw: string, line: number): string {
    let amp = raw.indexOf('&');
    if (amp === -1) return raw;
    let out = '';
    let copied = 0;
    let here = line;
    let newline = raw.indexOf('\n');
    const lineOf = (offset: number) => {
      while (newline !== -1 && newline < offset) {
        here++;
        newline = raw.indexOf('\n', newline + 1);
      }
      return here;
    };
    while (amp !== -1) {
      ENTITY_NAME.lastIndex = amp + 1;
      ENTITY_NAME.test(raw);
      const end = ENTITY_NAME.lastIndex;
      const name = raw.slice(amp + 1, end);
      if (raw[end] !== ';') this.fail(`"&" must be written as "&amp;" (found ${JSON.stringify(raw.slice(amp, amp + 12))})`, lineOf(amp));
      out += raw.slice(copied, amp) + this.entity(name, lineOf(amp));
      copied = end + 1;
      amp = raw.indexOf('&', copied);
    }
    return out + raw.slice(copied);
  }

  private entity(name: string, line: number): string {
    const predefined = PREDEFINED.get(name);
    if (predefined !== undefined) return predefined;
    const shown = name.length > 16 ? `${name.slice(0, 16)}…` : name;
    const code = /^#x([0-9a-f]{1,8})$/i.exec(name)?.[1];
    const decimal = /^#(\d{1,10})$/.exec(name)?.[1];
    const point = code !== undefined ? parseInt(code, 16) : decimal !== undefined ? Number(decimal) : NaN;
    if (Number.isNaN(point)) {
      if (/^#(x[0-9a-f]+|\d+)$/i.test(name)) this.fail(`&${shown}; is not a character`, line);
      this.fail(`unknown entity &${shown}; (XML knows only &lt; &gt; &amp; &quot; &apos; and numeric ones)`, line);
    }
    if (point === 0 || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) this.fail(`&${shown}; is not a character`, line);
    return String.fromCodePoint(point);
  }

  private startTag(body: string): void {
    const selfClosing = body.endsWith('/');
    const inner = selfClosing ? body.slice(0, -1) : body;
    const name = NAME.exec(inner)?.[0];
    if (!name || !NAME_START.test(name)) this.fail(`malformed start tag <${inner.slice(0, 40)}>`);
    if (this.stack.length === 0 && this.rootClosed) this.fail(`a second root element <${name}> after the first one closed`);
    // A Map, so an attribute called `constructor` or `__proto__` is one like any other.
    const attributes = new Map<string, string>();
    let at = name.length;
    for (;;) {
      ONLY_SPACE.lastIndex = at;
      if (ONLY_SPACE.test(inner)) break;
      ATTRIBUTE.lastIndex = at;
      const match = ATTRIBUTE.exec(inner);
      if (!match) this.fail(`malformed attribute in <${name}>: ${JSON.stringify(inner.slice(at).trim().slice(0, 40))}`);
      const attribute = match[1]!;
      if (attributes.has(attribute)) this.fail(`<${name}> has the attribute ${attribute} twice`);
      attributes.set(attribute, this.decode((match[2] ?? match[3]!).replace(/[\t\n\r]/g, ' '), this.line));
      at = ATTRIBUTE.lastIndex;
    }

    const parent = this.stack.at(-1);
    if (!parent) this.rootName = name;
    this.path.push(name);
    let element: XmlElement | null = null;
    let captured = false;
    if (parent?.element) {
      element = { name, attributes: Object.fromEntries(attributes), children: [], line: this.line };
      parent.element.children.push(element);
    } else if (this.options.capture(this.path)) {
      element = { name, attributes: Object.fromEntries(attributes), children: [], line: this.line };
      captured = true;
    }
    this.stack.push({ name, line: this.line, element, captured });
    if (selfClosing) this.close();
  }

  private endTag(body: string): void {
    const name = body.trim();
    const open = this.stack.at(-1);
    if (!open) this.fail(`</${name}> closes nothing`);
    if (open.name !== name) this.fail(`</${name}> does not close <${open.name}> (opened on line ${open.line})`);
    this.close();
  }

  private close(): void {
    const open = this.stack.pop()!;
    if (open.captured) this.options.onElement(open.element!, [...this.path]);
    this.path.pop();
    if (this.stack.length === 0) this.rootClosed = true;
  }
}

/** Reads a whole document into a tree: for small files and tests. */
export function parseXml(text: string): XmlElement {
  let root: XmlElement | undefined;
  const reader = new XmlReader({ capture: (path) => path.length === 1, onElement: (element) => (root = element) });
  reader.write(text);
  reader.end();
  return root!;
}

/** The first child element called `name`. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((node): node is XmlElement => typeof node !== 'string' && node.name === name);
}

/** Every child element called `name`. */
export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((node): node is XmlElement => typeof node !== 'string' && node.name === name);
}

/** All the text inside an element, its descendants' included. Walked with a stack of its own: nesting depth is no limit. */
export function textOf(element: XmlElement | undefined): string {
  if (!element) return '';
  let text = '';
  const pending: XmlNode[] = [element];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (typeof node === 'string') text += node;
    else for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]!);
  }
  return text;
}

/** The text of the child `name`, trimmed; `''` when there is none. */
export function childText(element: XmlElement, name: string): string {
  return textOf(child(element, name)).trim();
}
