/**
 * Live updates (docs/api.md, "Live updates"): `GET /api/comments/stream` read over real HTTP with
 * fetch and a small Server-Sent Events parser. Part of the contract suite: run against each engine
 * from contract-suite.ts; the two-instance case needs PostgreSQL (SQLite's updates stay in one process).
 */
import { serve, type ServerType } from '@hono/node-server';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { closeLiveStreams } from '../../src/server/app.js';
import { LIVE_PER_ADDRESS } from '../../src/server/live/hub.js';
import type { SuiteContext } from './contract-suite.js';
import { ALLOWED_ORIGIN, TestServer, uniqueThread } from './helpers.js';

interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/** Events of one stream, in order, as EventSource would dispatch them (comment lines and `retry:` aside). */
class SseReader {
  private readonly events: SseEvent[] = [];
  private waiting: (() => void) | null = null;
  ended = false;
  comments = 0;

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', id: '', data: '' };
          let data = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              this.comments++;
              continue;
            }
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event.event = value;
            else if (field === 'id') event.id = value;
            else if (field === 'data') [event.data, data] = [data ? `${event.data}\n${value}` : value, true];
          }
          if (data) this.events.push(event);
        }
        this.waiting?.();
      }
    } catch {
      // Aborted by close().
    }
    this.ended = true;
    this.waiting?.();
  }

  /** The next event, skipping none; fails after `ms`. */
  async next(ms = 5000): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    while (this.events.length === 0) {
      if (this.ended) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no event in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = null;
    }
    return this.events.shift()!;
  }

  /** No event comes within `ms`. */
  async quiet(ms = 400): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    assert.deepEqual(this.events, [], 'no event expected');
  }

  close(): void {
    this.abort.abort();
  }
}

/** A TestServer's app over real HTTP on 127.0.0.1. */
async function listen(s: TestServer): Promise<{ url: string; server: ServerType; close(): Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    const started: ServerType = serve({ fetch: s.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: async () => {
      await closeLiveStreams(s.app);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function stream(base: string, thread: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(`${base}/api/comments/stream?thread=${encodeURIComponent(thread)}`, { headers, signal: abort.signal });
  return new SseReader(response, abort);
}

/** Opens a stream and waits for its first event (`ready`, `reset`, or a catch-up). */
async function connected(base: string, thread: string, headers: Record<string, string> = {}): Promise<{ reader: SseReader; first: SseEvent }> {
  const reader = await stream(base, thread, headers);
  assert.equal(reader.response.status, 200);
  return { reader, first: await reader.next() };
}

export function liveContract({ server, store, another }: SuiteContext): void {
  describe('live updates (GET /comments/stream)', () => {
    it('streams a new approved comment, an author’s edit and deletion, as lists carry them and never an email', async () => {
      const s = server();
      const http = await listen(s);
      try {
        const thread = uniqueThread('live');
        const reader = await stream(http.url, thread, { Origin: ALLOWED_ORIGIN });
        assert.equal(reader.response.status, 200);
        assert.equal(reader.response.headers.get('Content-Type'), 'text/event-stream; charset=utf-8');
        assert.equal(reader.response.headers.get('Cache-Control'), 'no-store');
        assert.equal(reader.response.headers.get('X-Accel-Buffering'), 'no');
        assert.equal(reader.response.headers.get('Access-Control-Allow-Origin'), ALLOWED_ORIGIN);
        const ready = await reader.next();
        assert.equal(ready.event, 'ready');
        assert.match(ready.id, /^\d+-\d+$/);

        const email = 'live-reader-secret@mail.example';
        const posted = await s.post({ thread, author: { name: 'Ada', email }, body: 'First, live.' });
        assert.equal(posted.status, 201, posted.text);
        const comment = await reader.next();
        assert.equal(comment.event, 'comment');
        assert.ok(!comment.data.includes(email) && !comment.data.includes('@'), 'no email');
        const listed = (await s.list(thread)).json.comments[0];
        assert.deepEqual(JSON.parse(comment.data), listed, 'the Comment exactly as the list carries it');

        const id = posted.json.comment.id as string;
        assert.equal((await s.edit(id, 'First, live, edited.', posted.json.editToken)).status, 200);
        const edit = await reader.next();
        assert.equal(edit.event, 'edit');
        assert.equal(JSON.parse(edit.data).body, 'First, live, edited.');
        assert.ok(Number(edit.id.split('-')[0]) > Number(comment.id.split('-')[0]), 'ids grow');

        assert.equal((await s.remove(id, posted.json.editToken)).status, 204);
        const gone = await reader.next();
        assert.equal(gone.event, 'delete');
        assert.deepEqual(JSON.parse(gone.data), { id });
        reader.close();
      } finally {
        await http.close();
      }
    });

    it('streams a pin, an unpin and a like count change as edit events carrying the comment as lists do', async () => {
      const s = server();
      const http = await listen(s);
      try {
        const thread = uniqueThread('live');
        const { reader } = await connected(http.url, thread);
        const posted = await s.post({ thread, body: 'Pin me, like me.' });
        assert.equal(posted.status, 201, posted.text);
        const id = posted.json.comment.id as string;
        assert.equal((await reader.next()).event, 'comment');

        assert.equal((await s.admin('POST', `/comments/${id}/pin`, { body: { pinned: true } })).status, 200);
        const pinned = await reader.next();
        assert.equal(pinned.event, 'edit');
        assert.equal(JSON.parse(pinned.data).pinned, true);
        assert.deepEqual(JSON.parse(pinned.data), (await s.list(thread)).json.comments[0]);

        const like = (liked: boolean) =>
          s.request(`/api/comments/${id}/like`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ visitor: 'live-visitor-key-0001', liked }) });
        assert.equal((await like(true)).status, 200);
        const liked = await reader.next();
        assert.equal(liked.event, 'edit');
        assert.equal(JSON.parse(liked.data).likes, 1);
        // The same state again changes nothing, and says nothing.
        assert.equal((await like(true)).status, 200);
        await reader.quiet();
        assert.equal((await like(false)).status, 200);
        assert.equal(JSON.parse((await reader.next()).data).likes, 0);

        assert.equal((await s.admin('POST', `/comments/${id}/pin`, { body: { pinned: false } })).status, 200);
        const unpinned = await reader.next();
        assert.equal(unpinned.event, 'edit');
        assert.equal(JSON.parse(unpinned.data).pinned, undefined);
        reader.close();
      } finally {
        await http.close();
      }
    });

    it('sends no pending comment, and sends it when a moderator approves it; another thread’s comments never', async () => {
      const s = server({ moderation: 'all' });
      const http = await listen(s);
      try {
        const thread = uniqueThread('live');
        const { reader } = await connected(http.url, thread);
        const held = await s.post({ thread, body: 'Waiting for a moderator.' });
        assert.equal(held.status, 201, held.text);
        assert.equal(held.json.comment.status, 'pending');
        await s.post({ thread: uniqueThread('elsewhere'), body: 'Another thread.' });
        await reader.quiet();

        assert.equal((await s.admin('PATCH', `/comments/${held.json.comment.id}`, { body: { status: 'approved' } })).status, 200);
        const approved = await reader.next();
        assert.equal(approved.event, 'comment');
        assert.equal(JSON.parse(approved.data).id, held.json.comment.id);
        assert.equal(JSON.parse(approved.data).body, 'Waiting for a moderator.');

        assert.equal((await s.admin('PATCH', `/comments/${held.json.comment.id}`, { body: { status: 'spam' } })).status, 200);
        assert.deepEqual(JSON.parse((await reader.next()).data), { id: held.json.comment.id });
        reader.close();
      } finally {
        await http.close();
      }
    });

    it('catches a reconnecting reader up from Last-Event-ID, and tells one too far behind to reload', async () => {
      const s = server();
      const http = await listen(s);
      try {
        const thread = uniqueThread('live');
        const { reader, first } = await connected(http.url, thread);
        const one = await s.post({ thread, body: 'One.' });
        const seen = await reader.next();
        assert.equal(JSON.parse(seen.data).id, one.json.comment.id);
        reader.close();

        // Missed while away: a new comment, and an edit of the one it saw.
        const two = await s.post({ thread, body: 'Two.' });
        assert.equal((await s.edit(one.json.comment.id, 'One, edited.', one.json.editToken)).status, 200);
        const back = await stream(http.url, thread, { 'Last-Event-ID': seen.id });
        const missed = [await back.next(), await back.next()];
        assert.deepEqual(
          missed.map((event) => [event.event, JSON.parse(event.data).id, JSON.parse(event.data).body]),
          [
            ['comment', two.json.comment.id, 'Two.'],
            ['edit', one.json.comment.id, 'One, edited.'],
          ],
        );
        assert.equal((await back.next()).event, 'ready');
        await back.quiet(200);
        back.close();

        // The same from the query (a new EventSource cannot set Last-Event-ID; the widget sends lastEventId).
        const abort = new AbortController();
        const query = new URLSearchParams({ thread, lastEventId: seen.id });
        const byQuery = new SseReader(await fetch(`${http.url}/api/comments/stream?${query}`, { signal: abort.signal }), abort);
        assert.deepEqual([(await byQuery.next()).event, (await byQuery.next()).event, (await byQuery.next()).event], ['comment', 'edit', 'ready']);
        byQuery.close();

        // From the very first cursor: everything since, the first comment included.
        const again = await stream(http.url, thread, { 'Last-Event-ID': first.id });
        assert.equal(JSON.parse((await again.next()).data).id, one.json.comment.id);
        again.close();

        for (const stale of [`${seen.id.split('-')[0]}-1000`, '999999999-' + Date.now(), 'not-an-id']) {
          const { reader: lost, first: told } = await connected(http.url, thread, { 'Last-Event-ID': stale });
          assert.equal(told.event, 'reset', stale);
          lost.close();
        }
      } finally {
        await http.close();
      }
    });

    it('goes on from a list page’s liveId: a comment written after the page was read and before the stream opened still arrives', async () => {
      const s = server();
      const http = await listen(s);
      try {
        const thread = uniqueThread('live');
        await s.post({ thread, body: 'Listed.' });
        const { liveId } = await s.list(thread);
        assert.ok(liveId, 'the page says where the stream goes on from');
        const between = await s.post({ thread, body: 'Written in between.' });
        const query = new URLSearchParams({ thread, lastEventId: liveId! });
        const abort = new AbortController();
        const reader = new SseReader(await fetch(`${http.url}/api/comments/stream?${query}`, { signal: abort.signal }), abort);
        const caught = await reader.next();
        assert.deepEqual([caught.event, JSON.parse(caught.data).id], ['comment', between.json.comment.id]);
        assert.equal((await reader.next()).event, 'ready');
        reader.close();

        // A page cached for hours with nothing written since is no reason to reload.
        const version = (await s.list(thread)).liveId!.split('-')[0];
        const { reader: still, first } = await connected(http.url, thread, { 'Last-Event-ID': `${version}-1000` });
        assert.equal(first.event, 'ready');
        still.close();
      } finally {
        await http.close();
      }
    });

    it(`refuses more than ${LIVE_PER_ADDRESS} streams from one address with 429 too_fast, and an unknown thread is an empty stream`, async () => {
      const s = server();
      const http = await listen(s);
      const readers: SseReader[] = [];
      try {
        for (let i = 0; i < LIVE_PER_ADDRESS; i++) readers.push((await connected(http.url, uniqueThread('never-written'))).reader);
        const refused = await fetch(`${http.url}/api/comments/stream?thread=${uniqueThread('live')}`);
        assert.equal(refused.status, 429);
        assert.ok(Number(refused.headers.get('Retry-After')) > 0);
        assert.equal((await refused.json()).error.code, 'too_fast');
        // One closed leaves room for one more.
        readers.pop()!.close();
        let status = 0;
        for (let i = 0; i < 50 && status !== 200; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const retried = await fetch(`${http.url}/api/comments/stream?thread=x`);
          status = retried.status;
          if (status === 200) readers.push(new SseReader(retried, new AbortController()));
          else await retried.body?.cancel();
        }
        assert.equal(status, 200);
        const bad = await fetch(`${http.url}/api/comments/stream`);
        assert.equal(bad.status, 400);
      } finally {
        for (const reader of readers) reader.close();
        await http.close();
      }
    });

    it('caps the streams of an instance (COLLOQUY_LIVE_MAX), and 0 turns the path off', async () => {
      const capped = server({ liveMax: 1 });
      const http = await listen(capped);
      try {
        const { reader } = await connected(http.url, uniqueThread('live'));
        const refused = await fetch(`${http.url}/api/comments/stream?thread=t`);
        assert.equal(refused.status, 429);
        await refused.body?.cancel();
        reader.close();
      } finally {
        await http.close();
      }
      assert.equal((await server({ liveMax: 0 }).request('/api/comments/stream?thread=t')).status, 404);
    });

    it('ends its streams when the server closes, so nothing holds the process', async () => {
      const s = server();
      const http = await listen(s);
      const { reader } = await connected(http.url, uniqueThread('live'));
      const closed = http.close();
      const within = await Promise.race([closed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 3000))]);
      assert.equal(within, true, 'server.close() returned with a stream open');
      for (let i = 0; i < 100 && !reader.ended; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(reader.ended, true, 'the reader saw its stream end');
    });

    it('reaches a reader of another instance on the same database (PostgreSQL: LISTEN/NOTIFY)', async (t) => {
      if (store().engine !== 'postgres') {
        t.skip('SQLite: one process serves the database, and its updates stay in it');
        return;
      }
      const writer = server();
      const other = new TestServer(await another(), writer.config);
      const http = await listen(other);
      try {
        const thread = uniqueThread('live');
        const { reader } = await connected(http.url, thread);
        const posted = await writer.post({ thread, body: 'Through the other instance.' });
        assert.equal(posted.status, 201, posted.text);
        const event = await reader.next();
        assert.equal(event.event, 'comment');
        assert.equal(JSON.parse(event.data).body, 'Through the other instance.');

        // A write that rolls back announces nothing.
        await assert.rejects(
          writer.store.write(async (tx) => {
            const now = Date.now();
            await tx.insert({
              thread,
              parentId: null,
              rootId: null,
              name: 'Rolled back',
              email: 'rolled-back@mail.example',
              url: null,
              body: 'Never stored.',
              status: 'approved',
              ipHash: null,
              idempotencyKey: null,
              createdAt: now,
              updatedAt: now,
            });
            throw new Error('roll back');
          }),
          /roll back/,
        );
        await reader.quiet();
        reader.close();
      } finally {
        await http.close();
      }
    });
  });
}
