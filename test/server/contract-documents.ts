/**
 * Counts for listing pages, and the thread as HTML and Atom for crawlers and feed
 * readers (docs/api.md), as part of the contract suite: run against each engine from
 * contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS, REPLIES, type Comment } from '../../src/api/contract.js';
import type { NewStoredComment } from '../../src/server/store/index.js';
import type { SuiteContext } from './contract-suite.js';
import { ALLOWED_ORIGIN, assertError, uniqueEmail, uniqueKey, uniqueThread, type Reply } from './helpers.js';
import { child, findAll, parseMarkup, textOf, type MarkupElement } from './markup-check.js';

const CACHE_CONTROL = 'public, max-age=0, s-maxage=10, must-revalidate';
const ATOM = 'http://www.w3.org/2005/Atom';

function created(reply: Reply): Comment {
  assert.equal(reply.status, 201, reply.text);
  return reply.json.comment;
}

/** Text visitors can type that means something to HTML or XML. */
const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</noscript><script>alert(document.cookie)</script>',
  '</NOSCRIPT ><p>',
  '<!-- comment --> <![CDATA[ x ]]> ]]> <?php ?>',
  '&amp; &lt; &#x3c; &unknown; & &#0;',
  '</content></entry><entry><title>forged</title>',
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">click</a>',
  '\u2028\u2029 \u0085 \u202e reversed',
];

/** Characters a comment may hold (only NUL and lone surrogates are refused) but XML 1.0 may not. */
const NOT_XML = '\u0001\u0008\u000b\u000c\u001b\u001f\ufffe\uffff';

/** Asserts the fragment parses strictly and holds only the tags and attributes the server writes. */
function parseFragment(html: string): MarkupElement {
  assert.doesNotMatch(html, /<\/noscript|<script|<style|<iframe|<img/i);
  const root = parseMarkup(html, { fragment: true, voidElements: ['br'] });
  const allowed: Record<string, string[]> = {
    '#root': [],
    section: ['class'],
    h2: [],
    ol: [],
    li: [],
    article: ['id'],
    header: [],
    strong: [],
    a: ['href', 'rel'],
    time: ['datetime'],
    p: [],
    br: [],
  };
  const walk = (element: MarkupElement) => {
    assert.ok(element.name in allowed, `no <${element.name}>`);
    for (const name of Object.keys(element.attributes)) assert.ok(allowed[element.name]!.includes(name), `no ${name} on <${element.name}>`);
    if (element.name === 'a') {
      assert.match(element.attributes.href!, /^https?:\/\//i);
      assert.equal(element.attributes.rel, 'nofollow ugc noopener');
    }
    for (const node of element.children) if (typeof node !== 'string') walk(node);
  };
  walk(root);
  return root;
}

/** Each article's id, author text and body text, in document order. */
function articles(root: MarkupElement) {
  return findAll(root, 'article').map((article) => {
    const header = child(article, 'header');
    return {
      id: article.attributes.id,
      author: header ? textOf(child(header, 'strong')!) : null,
      link: header ? (findAll(header, 'a')[0]?.attributes.href ?? null) : null,
      time: header ? child(header, 'time')!.attributes.datetime : null,
      body: article.children
        .filter((node): node is MarkupElement => typeof node !== 'string' && node.name === 'p')
        .map(textOf)
        .join('\n\n'),
    };
  });
}

function parseFeed(xml: string) {
  const feed = parseMarkup(xml);
  assert.equal(feed.name, 'feed');
  assert.equal(feed.attributes.xmlns, ATOM);
  const text = (element: MarkupElement, name: string) => {
    const found = child(element, name);
    return found ? textOf(found) : undefined;
  };
  const link = (element: MarkupElement) => child(element, 'link')?.attributes.href;
  return {
    id: text(feed, 'id'),
    title: text(feed, 'title'),
    updated: text(feed, 'updated'),
    link: link(feed),
    entries: findAll(feed, 'entry').map((entry) => {
      const author = child(entry, 'author')!;
      const content = child(entry, 'content')!;
      assert.equal(content.attributes.type, 'text');
      return {
        id: text(entry, 'id')!,
        title: text(entry, 'title'),
        name: text(author, 'name'),
        uri: text(author, 'uri'),
        published: text(entry, 'published'),
        updated: text(entry, 'updated'),
        link: link(entry),
        content: textOf(content),
      };
    }),
  };
}

export function documentsContract({ server, store }: SuiteContext): void {
  /** Stores a comment as an import might, bypassing the API's checks. */
  const insert = (row: Partial<NewStoredComment> & { thread: string }) =>
    store().write((tx) =>
      tx.insert({
        parentId: null,
        rootId: null,
        name: 'Imported',
        email: uniqueEmail(),
        url: null,
        body: 'Imported.',
        status: 'approved',
        ipHash: null,
        idempotencyKey: uniqueKey(),
        createdAt: Date.parse('2026-02-01T00:00:00.000Z'),
        updatedAt: Date.parse('2026-02-01T00:00:00.000Z'),
        ...row,
      }),
    );

  describe('counts', () => {
    it('counts approved comments per thread, replies included; unknown threads are 0; repeats collapse', async () => {
      const s = server();
      const [a, b, odd] = [uniqueThread('a'), uniqueThread('b'), `${uniqueThread('odd')} & ?=😀#`];
      const root = created(await s.post({ thread: a }));
      created(await s.post({ thread: a, parentId: root.id }));
      created(await server({ moderation: 'all' }).post({ thread: a }));
      const spam = created(await s.post({ thread: a }));
      await store().setStatus(Number(spam.id), 'spam');
      created(await s.post({ thread: odd }));
      const reply = await s.counts([a, b, a, odd]);
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.json), ['counts']);
      assert.deepEqual(Object.entries(reply.json.counts), [
        [a, 2],
        [b, 0],
        [odd, 1],
      ]);
    });

    it('counts a thread named like an object property as any other', async () => {
      const s = server();
      created(await s.post({ thread: '__proto__' }));
      const reply = await s.counts(['__proto__', 'constructor', 'toString']);
      assert.match(reply.text, /"__proto__":1/);
      assert.deepEqual(Object.entries(reply.json.counts), [
        ['__proto__', 1],
        ['constructor', 0],
        ['toString', 0],
      ]);
    });

    it('asks for 1 to 100 threads of at most 200 characters', async () => {
      const s = server();
      assertError(await s.request('/api/counts'), 400, { thread: 'required' });
      assertError(await s.counts(['']), 400, { thread: 'required' });
      assertError(await s.counts([uniqueThread(), '  ']), 400, { thread: 'required' });
      assertError(await s.counts(['😀'.repeat(LIMITS.thread + 1)]), 400, { thread: 'too_long' });
      assertError(await s.counts(['x\u0000']), 400, { thread: 'invalid' });
      assert.equal((await s.counts(['😀'.repeat(LIMITS.thread)])).status, 200);
      const hundred = Array.from({ length: 100 }, (_, i) => `t${i}`);
      const ok = await s.counts([...hundred, ...hundred]);
      assert.equal(ok.status, 200, 'repeats do not count against the limit');
      assert.equal(Object.keys(ok.json.counts).length, 100);
      assertError(await s.counts([...hundred, 't100']), 400);
    });

    it('is cacheable like a list: ETag, Cache-Control, 304, a new ETag once a count changes; CORS as the rest', async () => {
      const s = server();
      const thread = uniqueThread();
      const first = await s.counts([thread], { headers: { Origin: ALLOWED_ORIGIN } });
      assert.equal(first.headers.get('Cache-Control'), CACHE_CONTROL);
      assert.match(first.headers.get('ETag')!, /^"[^"]+"$/);
      assert.equal(first.headers.get('Access-Control-Allow-Origin'), ALLOWED_ORIGIN);
      const etag = first.headers.get('ETag')!;
      const same = await s.counts([thread], { headers: { 'If-None-Match': etag } });
      assert.equal(same.status, 304);
      assert.equal(same.text, '');
      created(await s.post({ thread }));
      const changed = await s.counts([thread], { headers: { 'If-None-Match': etag } });
      assert.equal(changed.status, 200);
      assert.deepEqual(changed.json.counts, { [thread]: 1 });
    });
  });

  describe('HTML for crawlers', () => {
    it('renders the thread: a counting heading, nested lists of articles, author, time and paragraphs', async () => {
      const s = server();
      const thread = uniqueThread();
      const root = created(await s.post({ thread, author: { name: 'Ada', url: 'https://ada.example/' }, body: 'First line\nsecond line\n\n\nNew paragraph.' }));
      const reply = created(await s.post({ thread, parentId: root.id, author: { name: 'Grace' }, body: 'A reply.' }));
      const deeper = created(await s.post({ thread, parentId: reply.id, body: 'Deeper.' }));
      const second = created(await s.post({ thread, body: 'Second root.' }));
      created(await server({ moderation: 'all' }).post({ thread, body: 'Held, never shown.' }));

      const page = await s.document('html', thread);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('Cache-Control'), CACHE_CONTROL);
      assert.equal(page.headers.get('Content-Security-Policy'), "default-src 'none'");
      const root$ = parseFragment(page.text);
      assert.equal(textOf(findAll(root$, 'h2')[0]!), '4 Comments');
      assert.deepEqual(articles(root$), [
        { id: `comment-${root.id}`, author: 'Ada', link: 'https://ada.example/', time: root.createdAt, body: 'First line\nsecond line\n\nNew paragraph.' },
        { id: `comment-${reply.id}`, author: 'Grace', link: null, time: reply.createdAt, body: 'A reply.' },
        { id: `comment-${deeper.id}`, author: 'Ada', link: null, time: deeper.createdAt, body: 'Deeper.' },
        { id: `comment-${second.id}`, author: 'Ada', link: null, time: second.createdAt, body: 'Second root.' },
      ]);
      // Nesting: the list of replies sits in the item of the comment they answer.
      const top = child(child(root$, 'section')!, 'ol')!;
      const items = top.children.filter((node): node is MarkupElement => typeof node !== 'string');
      assert.equal(items.length, 2);
      const replies = child(items[0]!, 'ol')!;
      assert.equal(child(child(replies, 'li')!, 'article')!.attributes.id, `comment-${reply.id}`);
      assert.equal(findAll(child(replies, 'li')!, 'article')[1]!.attributes.id, `comment-${deeper.id}`);
      assert.match(page.text, /<time datetime="[^"]+">[A-Z][a-z]+ \d{1,2}, \d{4}<\/time>/);

      const one = uniqueThread();
      created(await s.post({ thread: one }));
      assert.equal(textOf(findAll(parseFragment((await s.document('html', one)).text), 'h2')[0]!), '1 Comment');
      const none = parseFragment((await s.document('html', uniqueThread())).text);
      assert.equal(textOf(findAll(none, 'h2')[0]!), '0 Comments');
      assert.deepEqual(findAll(none, 'article'), []);
    });

    it('escapes every piece of visitor text, so it is safe in a page and inside <noscript>', async () => {
      const s = server();
      const thread = uniqueThread();
      const expected: { author: string; link: string | null; body: string }[] = [];
      for (const text of HOSTILE) {
        created(await s.post({ thread, author: { name: text.slice(0, 200) }, body: `${text}\n${text}` }));
        expected.push({ author: text.slice(0, 200).trim(), link: null, body: `${text}\n${text}`.trim() });
      }
      const tricky = 'https://x.example/?q="><script>alert(1)</script>&a=\'b\'';
      created(await s.post({ thread, author: { name: 'Linker', url: tricky }, body: 'Has a url.' }));
      // Stored normalized: the quotes and brackets arrive percent-encoded.
      expected.push({ author: 'Linker', link: 'https://x.example/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&a=%27b%27', body: 'Has a url.' });
      // An import could bring urls the API refuses; they must not become links.
      for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example', ' javascript:alert(1)']) {
        await insert({ thread, name: `Imported ${url}`, url, body: NOT_XML + 'kept', createdAt: s.now + 1, updatedAt: s.now + 1 });
        expected.push({ author: `Imported ${url}`, link: null, body: 'kept' });
      }
      const page = await s.document('html', thread, { limit: '100' });
      const found = articles(parseFragment(page.text)).map(({ author, link, body }) => ({ author, link, body }));
      assert.deepEqual(found, expected.map(({ author, link, body }) => ({ author: author.replace(/[\u0001-\u001f\ufffe\uffff]/g, ''), link, body: body.replace(/\n{2,}/g, '\n\n') })));
    });

    it('shows a page: `limit` top-level comments (default 50, at most 100) with all their replies, in either order', async () => {
      const s = server();
      const thread = uniqueThread();
      const roots: Comment[] = [];
      for (let i = 0; i < 3; i++) {
        roots.push(created(await s.post({ thread, body: `Root ${i}` })));
        created(await s.post({ thread, parentId: roots[i]!.id, body: `Reply ${i}` }));
        s.advance(1);
      }
      const ids = async (params: Record<string, string>) => articles(parseFragment((await s.document('html', thread, params)).text)).map((a) => a.body);
      assert.deepEqual(await ids({ limit: '2' }), ['Root 0', 'Reply 0', 'Root 1', 'Reply 1']);
      assert.deepEqual(await ids({ limit: '2', sort: 'newest' }), ['Root 2', 'Reply 2', 'Root 1', 'Reply 1']);
      assert.deepEqual((await ids({})).length, 6);
      assert.equal(textOf(findAll(parseFragment((await s.document('html', thread, { limit: '1' })).text), 'h2')[0]!), '6 Comments', 'the heading counts the whole thread');
      for (const limit of ['0', 'x']) assertError(await s.document('html', thread, { limit }), 400);
      assert.equal((await s.document('html', thread, { limit: '101' })).text, (await s.document('html', thread, { limit: '100' })).text, 'clamped to 100');
      assertError(await s.request('/api/threads/html'), 400, { thread: 'required' });
      assertError(await s.document('html', '😀'.repeat(LIMITS.thread + 1)), 400, { thread: 'too_long' });
    });

    it('bounds the page as a list does: 20 replies of a top-level comment, and a line saying how many more', async () => {
      const s = server();
      const thread = uniqueThread();
      const root = created(await s.post({ thread, body: 'Root' }));
      for (let i = 0; i < REPLIES.perRoot + 2; i++) created(await s.post({ thread, parentId: root.id, body: `Reply ${i}` }));
      const fragment = parseFragment((await s.document('html', thread)).text);
      const bodies = articles(fragment).map((a) => a.body);
      assert.deepEqual(bodies, ['Root', ...Array.from({ length: REPLIES.perRoot }, (_, i) => `Reply ${i}`)]);
      const li = findAll(fragment, 'li')[0]!;
      const note = li.children.filter((node): node is MarkupElement => typeof node !== 'string' && node.name === 'p');
      assert.deepEqual(note.map(textOf), ['2 more replies'], 'the top-level comment’s item ends with the count held back');
      created(await s.post({ thread, body: 'Another root' }));
      assert.ok(!(await s.document('html', thread)).text.includes('<p>1 more'), 'only a top-level comment with replies held back says so');
    });

    it('says "This comment was deleted." where a deleted comment keeps its replies’ place', async () => {
      const s = server();
      const thread = uniqueThread();
      const root = await s.post({ thread, author: { name: 'Gone Soon', url: 'https://gone.example/' }, body: 'Secret words.' });
      created(await s.post({ thread, parentId: root.json.comment.id, body: 'Still here.' }));
      assert.equal((await s.remove(root.json.comment.id, root.json.editToken)).status, 204);
      const page = await s.document('html', thread);
      const [placeholder, reply] = findAll(parseFragment(page.text), 'article');
      assert.equal(placeholder!.attributes.id, `comment-${root.json.comment.id}`);
      assert.equal(textOf(placeholder!), 'This comment was deleted.');
      assert.equal(textOf(child(reply!, 'p')!), 'Still here.');
      assert.doesNotMatch(page.text, /Gone Soon|gone\.example|Secret words/);
      assert.equal(textOf(findAll(parseFragment(page.text), 'h2')[0]!), '1 Comment');
    });

    it('carries an ETag: 304 when unchanged, a new one after an edit', async () => {
      const s = server();
      const thread = uniqueThread();
      const { json } = await s.post({ thread });
      const first = await s.document('html', thread);
      const etag = first.headers.get('ETag')!;
      assert.match(etag, /^"[^"]+"$/);
      assert.equal((await s.document('html', thread, {}, { headers: { 'If-None-Match': etag } })).status, 304);
      assert.notEqual(etag, (await s.list(thread)).headers.get('ETag'), 'the HTML and the JSON are different documents');
      assert.equal((await s.edit(json.comment.id, 'Edited.', json.editToken)).status, 200);
      const after = await s.document('html', thread, {}, { headers: { 'If-None-Match': etag } });
      assert.equal(after.status, 200);
      assert.match(after.text, /<p>Edited\.<\/p>/);
    });
  });

  describe('Atom feed', () => {
    it('lists the newest approved comments, replies included, as an Atom 1.0 feed', async () => {
      const s = server();
      const thread = uniqueThread();
      const url = 'https://blog.example/episodes/42?ref=feed#comments';
      const root = created(await s.post({ thread, author: { name: 'Ada', url: 'https://ada.example/' }, body: 'Root.' }));
      s.advance(60);
      const reply = created(await s.post({ thread, parentId: root.id, author: { name: 'Grace' }, body: 'Reply.' }));
      s.advance(60);
      created(await server({ moderation: 'all' }).post({ thread, body: 'Held.' }));
      const gone = await s.post({ thread, body: 'Deleted.' });
      await s.remove(gone.json.comment.id, gone.json.editToken);
      s.advance(60);
      created(await s.post({ thread, body: 'Latest.' }));

      const reply$ = await s.document('atom', thread, { url });
      assert.equal(reply$.status, 200);
      assert.equal(reply$.headers.get('Cache-Control'), CACHE_CONTROL);
      assert.match(reply$.text, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/);
      const feed = parseFeed(reply$.text);
      assert.match(feed.id!, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(feed.title, `Comments on ${thread}`);
      assert.equal(feed.link, 'https://blog.example/episodes/42?ref=feed');
      const [latest, ...rest] = feed.entries;
      assert.equal(latest!.content, 'Latest.', 'newest first');
      assert.deepEqual(rest, [
        {
          id: rest[0]!.id,
          title: 'Comment by Grace',
          name: 'Grace',
          uri: undefined,
          published: reply.createdAt,
          updated: reply.createdAt,
          link: `https://blog.example/episodes/42?ref=feed#comment-${reply.id}`,
          content: 'Reply.',
        },
        {
          id: rest[1]!.id,
          title: 'Comment by Ada',
          name: 'Ada',
          uri: 'https://ada.example/',
          published: root.createdAt,
          updated: root.createdAt,
          link: `https://blog.example/episodes/42?ref=feed#comment-${root.id}`,
          content: 'Root.',
        },
      ]);
      assert.equal(feed.updated, latest!.updated);
      assert.equal(new Set(feed.entries.map((entry) => entry.id)).size, 3);
      for (const entry of feed.entries) assert.match(entry.id, /^urn:uuid:[0-9a-f-]{36}$/);

      const again = parseFeed((await s.document('atom', thread)).text);
      assert.equal(again.id, feed.id, 'the feed id is stable');
      assert.deepEqual(again.entries.map((entry) => entry.id), feed.entries.map((entry) => entry.id), 'entry ids are stable');
      assert.equal(again.link, undefined, 'no page, no links');
      assert.ok(again.entries.every((entry) => entry.link === undefined));
      for (const bad of ['javascript:alert(1)', 'ftp://blog.example/', '/relative', 'https://']) {
        const feed$ = parseFeed((await s.document('atom', thread, { url: bad })).text);
        assert.equal(feed$.link, undefined, bad);
        assert.ok(feed$.entries.every((entry) => entry.link === undefined), bad);
      }
    });

    it('shows an edit as the entry’s update, and changes its ETag', async () => {
      const s = server();
      const thread = uniqueThread();
      const { json } = await s.post({ thread, body: 'Before.' });
      const first = await s.document('atom', thread);
      const etag = first.headers.get('ETag')!;
      assert.equal((await s.document('atom', thread, {}, { headers: { 'If-None-Match': etag } })).status, 304);
      s.advance(120);
      await s.edit(json.comment.id, 'After.', json.editToken);
      const after = await s.document('atom', thread, {}, { headers: { 'If-None-Match': etag } });
      assert.equal(after.status, 200);
      const [entry] = parseFeed(after.text).entries;
      assert.equal(entry!.content, 'After.');
      assert.equal(entry!.published, json.comment.createdAt);
      assert.equal(entry!.updated, new Date(s.now).toISOString());
    });

    it('holds at most 50 entries, and an empty thread is a valid feed', async () => {
      const s = server();
      const thread = uniqueThread();
      const start = Date.parse('2026-01-01T00:00:00.000Z');
      for (let i = 0; i < 55; i++) await insert({ thread, body: `Number ${i}`, createdAt: start + i * 1000, updatedAt: start + i * 1000 });
      const feed = parseFeed((await s.document('atom', thread)).text);
      assert.equal(feed.entries.length, 50);
      assert.equal(feed.entries[0]!.content, 'Number 54');
      assert.equal(feed.entries[49]!.content, 'Number 5');
      const empty = parseFeed((await s.document('atom', uniqueThread())).text);
      assert.deepEqual(empty.entries, []);
      assert.equal(empty.updated, '1970-01-01T00:00:00.000Z');
      assertError(await s.request('/api/threads/atom'), 400, { thread: 'required' });
    });

    it('holds fewer entries when their bodies would pass 250,000 characters, but always one', async () => {
      const s = server();
      const thread = uniqueThread();
      const start = Date.parse('2026-01-01T00:00:00.000Z');
      for (let i = 0; i < 6; i++) await insert({ thread, body: `${i} ${'é'.repeat(LIMITS.body - 2)}`, createdAt: start + i * 1000, updatedAt: start + i * 1000 });
      const reply = await s.document('atom', thread);
      const feed = parseFeed(reply.text);
      assert.deepEqual(
        feed.entries.map((entry) => entry.content[0]),
        ['5', '4', '3'],
        'as many of the newest as fit in 250,000 characters',
      );
      assert.ok(reply.text.length < REPLIES.maxChars + 10_000);
    });

    it('stays well-formed XML whatever the comments hold', async () => {
      const s = server();
      const thread = uniqueThread();
      const bodies: string[] = [];
      for (const text of [...HOSTILE, `${NOT_XML}between${NOT_XML}`, 'Tab\tand\r\nCRLF']) {
        created(await s.post({ thread, author: { name: `${text.slice(0, 100)}${NOT_XML}`, url: 'https://x.example/?a=1&b="2"' }, body: text }));
        bodies.push(text);
      }
      await insert({ thread, name: NOT_XML, url: 'javascript:alert(1)', body: NOT_XML, createdAt: Date.parse('2030-01-01T00:00:00.000Z') });
      const page = await s.document('atom', thread, { url: 'https://blog.example/a?x=1&y="2"<3>' });
      assert.doesNotMatch(page.text, /[\u0001-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
      const feed = parseFeed(page.text);
      const [imported, ...posted] = feed.entries;
      assert.equal(imported!.name, 'Anonymous', 'a name of nothing but forbidden characters');
      assert.equal(imported!.uri, undefined, 'only http(s) urls');
      assert.equal(imported!.content, '');
      const strip = (text: string) => text.replace(/[\u0001-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
      assert.deepEqual(
        posted.map((entry) => entry.content),
        bodies.reverse().map((body) => strip(body.trim())),
      );
      assert.ok(posted.every((entry) => entry.uri === 'https://x.example/?a=1&b=%222%22'), 'the website as stored: normalized');
      assert.ok(posted.every((entry) => entry.link?.startsWith('https://blog.example/a?x=1&y=%222%22%3C3%3E#comment-')));
    });
  });
}
