/** The CLI's XML reader and HTML-to-text conversion, on their own. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlToText } from '../../src/cli/html-text.js';
import { disqusLinkTarget } from '../../src/cli/disqus.js';
import { XmlReader, XmlSyntaxError, childText, children, parseXml, textOf, type XmlElement } from '../../src/cli/xml.js';

/** Feeds `text` in chunks of `size` characters and returns the captured elements. */
function read(text: string, capture: (path: readonly string[]) => boolean, size = text.length): XmlElement[] {
  const found: XmlElement[] = [];
  const reader = new XmlReader({ capture, onElement: (element) => found.push(element) });
  for (let i = 0; i < text.length; i += size) reader.write(text.slice(i, i + size));
  reader.end();
  return found;
}

function syntaxError(text: string, line: number, reason: RegExp): void {
  for (const size of [text.length, 1, 7]) {
    assert.throws(
      () => read(text, () => true, size),
      (error: unknown) => error instanceof XmlSyntaxError && error.line === line && reason.test(error.reason),
      `${JSON.stringify(text.slice(0, 60))} in chunks of ${size}: line ${line}, ${reason}`,
    );
  }
}

const SAMPLE = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [ <!ELEMENT rss ANY> ]>
<!-- generator="WordPress/6.4.2" -->
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">
  <channel>
    <item>
      <title>Fish &amp; chips &lt;3 &#8217;&#x1F3A7;</title>
      <wp:comment kind='reply' note="a &quot;quoted&quot; 'one'">
        <wp:comment_content><![CDATA[<p>Raw <b>HTML</b> & ]] stays]]></wp:comment_content>
        <empty/><also-empty a="1" />
      </wp:comment>
      <?php echo "ignored"; ?>
    </item>
    <item><title>Second</title></item>
  </channel>
</rss>
`;

describe('the XML reader', () => {
  it('reads elements, attributes, entities, character references, CDATA and prefixed names', () => {
    const [first, second] = read(SAMPLE, (path) => path.at(-1) === 'item');
    assert.equal(first!.line, 6);
    assert.equal(childText(first!, 'title'), 'Fish & chips <3 ’🎧');
    const [comment] = children(first!, 'wp:comment');
    assert.deepEqual(comment!.attributes, { kind: 'reply', note: `a "quoted" 'one'` });
    assert.equal(comment!.line, 8);
    assert.equal(childText(comment!, 'wp:comment_content'), '<p>Raw <b>HTML</b> & ]] stays');
    assert.deepEqual(children(comment!, 'empty')[0]!.children, []);
    assert.deepEqual(children(comment!, 'also-empty')[0]!.attributes, { a: '1' });
    assert.equal(childText(second!, 'title'), 'Second');
  });

  it('gives the same result however the text is cut into chunks', () => {
    const whole = read(SAMPLE, (path) => path.length === 3);
    for (const size of [1, 2, 3, 8, 9, 10, 64]) assert.deepEqual(read(SAMPLE, (path) => path.length === 3, size), whole, `chunks of ${size}`);
  });

  it('builds only what is captured, and still checks the rest', () => {
    assert.deepEqual(read(SAMPLE, () => false), []);
    syntaxError('<a><skipped><b></skipped></a>', 1, /<\/skipped> does not close <b>/);
  });

  it('reads a whole document into a tree', () => {
    const root = parseXml('<a x="1">one<b>two</b><![CDATA[three]]><!-- no -->four</a>');
    assert.equal(root.name, 'a');
    assert.equal(textOf(root), 'onetwothreefour');
  });

  it('names the line of every kind of malformed markup', () => {
    syntaxError('<rss>\n<item>\n<title>x</item>\n</rss>', 3, /^<\/item> does not close <title> \(opened on line 3\)$/);
    syntaxError('<rss>\n<item>\n<title>x</title>\n', 4, /^<item> \(opened on line 2\) is never closed$/);
    syntaxError('<rss>\n<t>AT&T</t></rss>', 2, /"&" must be written as "&amp;"/);
    syntaxError('<rss>\n\n<t>caf&eacute;</t></rss>', 3, /unknown entity &eacute;/);
    syntaxError('<rss><t>&#0;</t></rss>', 1, /is not a character/);
    syntaxError('<rss>\n<t a=1>x</t></rss>', 2, /malformed attribute in <t>/);
    syntaxError('<rss>\n<t a="1" a="2">x</t></rss>', 2, /has the attribute a twice/);
    syntaxError('<rss>\n<t a="x<y">x</t></rss>', 2, /malformed attribute/);
    syntaxError('<rss></rss>\ntrailing', 2, /text after the root element/);
    syntaxError('<rss></rss>\n<rss></rss>', 2, /a second root element <rss>/);
    syntaxError('<rss>\n<t><![CDATA[never closed</t></rss>', 2, /CDATA section is never closed/);
    syntaxError('<rss>\n<!-- never closed</rss>', 2, /comment is never closed/);
    syntaxError('<rss>\n<t\n</rss>', 2, /tag is not closed before the next "<"/);
    syntaxError('<rss>\n<1t>x</1t></rss>', 2, /malformed start tag/);
    syntaxError('</rss>', 1, /closes nothing/);
    syntaxError('', 1, /no root element/);
    syntaxError('just text', 1, /text before the root element/);
    syntaxError('<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss/>', 1, /only UTF-8 files/);
    syntaxError('<rss>\n<t>&amp;\n&amp;\n&bogus;</t></rss>', 4, /unknown entity &bogus;/);
    syntaxError('<rss>\n<t a="&amp;&quot;\n&x">x</t></rss>', 2, /"&" must be written as "&amp;"/);
    syntaxError('<rss><t>&#x110000;</t></rss>', 1, /is not a character/);
    syntaxError(`<rss><t>&#${'9'.repeat(5000)};</t></rss>`, 1, /is not a character/);
  });

  it('knows only XML’s own entities, whatever Object.prototype holds', () => {
    syntaxError('<rss><t>&constructor;</t></rss>', 1, /unknown entity &constructor;/);
    syntaxError('<rss><t>&__proto__;</t></rss>', 1, /unknown entity &__proto__;/);
    const [t] = read('<rss><t constructor="c" __proto__="p" toString="s">x</t></rss>', (path) => path.length === 2);
    assert.equal(t!.attributes.constructor, 'c');
    assert.equal(Object.getOwnPropertyDescriptor(t!.attributes, '__proto__')?.value, 'p');
    assert.equal(t!.attributes.toString, 's');
  });

  // Not timed (a loaded machine must not fail it); the durations are printed for the record.
  it('reads in one pass: 240 KB of entities on 40,000 lines, 40,000 levels of nesting, a 2 MB tag in chunks', () => {
    const lines = 40_000;
    let started = performance.now();
    const [t] = read(`<rss>\n<t>${'&amp;\n'.repeat(lines)}</t></rss>`, (path) => path.length === 2, 64 * 1024);
    assert.equal(textOf(t!), '&\n'.repeat(lines));
    syntaxError(`<rss>\n<t>${'&amp;\n'.repeat(lines)}&nope;</t></rss>`, lines + 2, /unknown entity &nope;/);
    console.log(`[colloquy] 240 KB of "&amp;" and newlines: ${Math.round(performance.now() - started)} ms (read, and read to an error)`);

    started = performance.now();
    const depth = 40_000;
    const nested = `<rss><channel><item>${'<x>'.repeat(depth)}deep${'</x>'.repeat(depth)}</item></channel></rss>`;
    const [item] = read(nested, (path) => path.at(-1) === 'item', 64 * 1024);
    assert.equal(textOf(item!), 'deep');
    let levels = 0;
    for (let node: XmlElement | undefined = item; node; node = node.children[0] as XmlElement | undefined) {
      if (typeof node === 'string') break;
      levels++;
    }
    assert.equal(levels, depth + 1);
    syntaxError(`<rss>${'<x>'.repeat(depth)}${'</x>'.repeat(depth - 1)}</rss>`, 1, /^<\/rss> does not close <x>/);
    console.log(`[colloquy] ${depth.toLocaleString('en')} levels of nesting: ${Math.round(performance.now() - started)} ms (read, and read to an error)`);

    started = performance.now();
    const value = 'v'.repeat(2 * 1024 * 1024);
    const [tag] = read(`<rss><t a="${value}" b='>'/></rss>`, (path) => path.length === 2, 4096);
    assert.equal(tag!.attributes.a!.length, value.length);
    assert.equal(tag!.attributes.b, '>');
    console.log(`[colloquy] a 2 MB start tag in 4 KB chunks: ${Math.round(performance.now() - started)} ms`);
  });
});

describe('comment HTML as plain text', () => {
  it('turns paragraphs into blank lines and <br> into line breaks, decoding entities once', () => {
    assert.equal(
      htmlToText('<p>One &amp; two.</p>\n<p>Three<br/>four &lt;b&gt; &#8220;five&#8221; &hellip; &nbsp;six&copy;</p>', { newlines: 'collapse' }),
      'One & two.\n\nThree\nfour <b> “five” … six©',
    );
    assert.equal(htmlToText('&amp;lt; stays &amp;lt; &unknown; too', { newlines: 'collapse' }), '&lt; stays &lt; &unknown; too');
  });

  it('keeps WordPress’s newlines as line breaks, or folds them as HTML does', () => {
    const text = 'Line one\r\nline two\n\n\n\nNew   paragraph';
    assert.equal(htmlToText(text, { newlines: 'keep' }), 'Line one\nline two\n\nNew paragraph');
    assert.equal(htmlToText(text, { newlines: 'collapse' }), 'Line one line two New paragraph');
  });

  it('keeps a link’s address beside its words when they differ, and drops scripts, styles and comments', () => {
    assert.equal(
      htmlToText('See <a href="https://x.example/notes">the notes</a> or <a href=\'https://y.example/\'>y.example</a>.<script>alert(1)</script><style>p{}</style><!-- hidden -->', {
        newlines: 'collapse',
      }),
      'See the notes (https://x.example/notes) or y.example.',
    );
    assert.equal(htmlToText('<a href="javascript:alert(1)">click</a>', { newlines: 'collapse' }), 'click');
    assert.equal(htmlToText('<ul><li>one</li><li>two</li></ul>a < b', { newlines: 'collapse' }), '- one\n- two\n\na < b');
  });

  // Not timed; the duration is printed for the record.
  it('converts in one pass, however many unclosed comments, scripts and tags a message holds', () => {
    const started = performance.now();
    const n = 100_000;
    assert.equal(htmlToText(`a${'<!--'.repeat(n)}`, { newlines: 'collapse' }), `a${'<!--'.repeat(n)}`);
    assert.equal(htmlToText(`<script>x</script>${'<style>'.repeat(n)}b`, { newlines: 'collapse' }), 'b');
    assert.equal(htmlToText(`c${' <a'.repeat(n)}`, { newlines: 'collapse' }), `c${' <a'.repeat(n)}`);
    assert.equal(htmlToText(`${' <b>'.repeat(n)}d\ne${'<b> '.repeat(n)}`, { newlines: 'keep' }), 'd\ne');
    assert.equal(htmlToText(`${'<a href="https://x.example/">'.repeat(n)}x</a>`, { newlines: 'collapse' }), 'x (https://x.example/)');
    assert.equal(htmlToText('&amp;\n'.repeat(n), { newlines: 'keep' }), Array(n).fill('&').join('\n'));
    console.log(`[colloquy] six messages of 100,000 unclosed or repeated tags as text: ${Math.round(performance.now() - started)} ms`);
  });

  it('follows Disqus’s redirect links to where they point', () => {
    const wrapped = 'https://disq.us/url?url=https%3A%2F%2Fguide.example%2Fa%3Fb%3D1%3AeQ7Yj5uxRsG7fCgOUEUoL5l7a0E&cuid=123';
    assert.equal(disqusLinkTarget(wrapped, ''), 'https://guide.example/a?b=1');
    assert.equal(disqusLinkTarget(wrapped, ' title="https://guide.example/titled"'), 'https://guide.example/titled');
    assert.equal(disqusLinkTarget('https://plain.example/', ''), 'https://plain.example/');
  });
});
