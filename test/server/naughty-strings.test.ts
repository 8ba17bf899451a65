/**
 * The Big List of Naughty Strings (test/fixtures/blns.json, MIT) through the real API,
 * on SQLite and, when COLLOQUY_TEST_DATABASE_URL is set, PostgreSQL: every string in every
 * visitor-typed field. Nothing may answer 5xx (the harness asserts that on every request);
 * what is accepted must come back exactly as sent (after trimming); what is refused must
 * be a 400 naming the field. Strings are also checked in the crawler HTML and Atom feed,
 * which must stay well-formed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Comment, CommentPage } from '../../src/api/contract.js';
import { charLength } from '../../src/api/validate.js';
import { openSqliteStore, type CommentStore } from '../../src/server/store/index.js';
import { TestServer, uniqueEmail, uniqueThread } from './helpers.js';
import { openThrowawayStore } from './postgres-schema.js';

const NAUGHTY: string[] = JSON.parse(readFileSync(new URL('../fixtures/blns.json', import.meta.url), 'utf8'));

interface Engine {
  name: string;
  open(): Promise<{ store: CommentStore; close(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'colloquy-naughty-'));
      const store = await openSqliteStore(join(dir, 'colloquy.db'));
      return { store, close: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
    },
  },
];
const pgUrl = process.env.COLLOQUY_TEST_DATABASE_URL;
if (pgUrl) {
  engines.push({
    name: 'PostgreSQL',
    open: () => openThrowawayStore(pgUrl, 'naughty'),
  });
}

/** What the server may accept for a text field, as it must then store it. */
const expected = (s: string) => s.trim();
const hasUnpairedSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

for (const engine of engines) {
  describe(`naughty strings through the API on ${engine.name}`, () => {
    let harness: Awaited<ReturnType<Engine['open']>>;
    let server: TestServer;
    before(async () => {
      harness = await engine.open();
      server = new TestServer(harness.store);
    });
    after(async () => harness?.close());

    it(`round-trips every one of the ${NAUGHTY.length} strings as a body and as a name, or refuses it as a 400`, async () => {
      const thread = uniqueThread('naughty');
      const accepted = new Map<string, string>();
      let refused = 0;
      for (const [i, text] of NAUGHTY.entries()) {
        for (const field of ['body', 'name'] as const) {
          const reply = await server.post({
            thread,
            body: field === 'body' ? text : `body ${i}`,
            author: { name: field === 'name' ? text : `name ${i}`, email: uniqueEmail() },
          });
          const value = expected(text);
          if (reply.status === 201) {
            const comment: Comment = reply.json.comment;
            const got = field === 'body' ? comment.body : comment.author.name;
            assert.equal(got, value, `string #${i} as ${field} changed on the way in`);
            accepted.set(comment.id, value);
          } else {
            refused++;
            assert.equal(reply.status, 400, `string #${i} as ${field}: ${reply.text}`);
            assert.ok(reply.json.error.fields?.[field], `string #${i} refused without naming ${field}: ${reply.text}`);
            // Only what no store can keep exactly, or what is empty once trimmed, may be refused.
            assert.ok(value === '' || hasUnpairedSurrogate(value) || value.includes('\u0000') || charLength(value) > 245, `string #${i} refused: ${JSON.stringify(text)}`);
          }
        }
      }
      assert.ok(accepted.size > NAUGHTY.length, 'most strings are accepted');

      // And they come back the same from the list, page by page.
      const listed = new Map<string, Comment>();
      let cursor: string | null = null;
      do {
        const page: CommentPage = (await server.list(thread, { limit: '100', ...(cursor ? { cursor } : {}) })).json;
        for (const comment of page.comments) listed.set(comment.id, comment);
        cursor = page.nextCursor;
      } while (cursor);
      for (const [id, value] of accepted) {
        const comment = listed.get(id);
        assert.ok(comment, `comment ${id} listed`);
        assert.ok(comment.body === value || comment.author.name === value, `comment ${id} listed unchanged`);
      }
      assert.ok(refused >= 0);
    });

    it('keeps the crawler HTML and the Atom feed of naughty comments well-formed and inert', async () => {
      const thread = uniqueThread('naughty-docs');
      for (const text of NAUGHTY.slice(0, 200)) {
        await server.post({ thread, body: text.trim() ? text : 'empty', author: { name: text.trim() ? text.slice(0, 200) : 'n', email: uniqueEmail() } });
      }
      const html = await server.document('html', thread, { limit: '100' });
      assert.equal(html.status, 200);
      assert.doesNotMatch(html.text, /<script/i, 'no script element in the HTML');
      assert.doesNotMatch(html.text, /\son\w+=/i, 'no event-handler attribute in the HTML');
      const atom = await server.document('atom', thread);
      assert.equal(atom.status, 200);
      assert.doesNotMatch(atom.text, /<script/i);
      // Control characters that XML 1.0 forbids must not reach the feed.
      assert.doesNotMatch(atom.text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    });
  });
}
