/**
 * A test double of a Colloquy endpoint, living in the browser: it replaces `fetch`,
 * answers by the contract in src/api/contract.ts, and records every request so tests can
 * check what was (and was not) sent. The real server is exercised by test/server and
 * test/e2e; here the widget's behaviour under each answer is what matters.
 */
import type { Comment, CommentPage, NewComment } from '../../src/api/contract.js';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | null;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'offline' | 'hold';

let seq = 100;

export function makeComment(overrides: Partial<Comment> & { id: string }): Comment {
  return {
    parentId: null,
    author: { name: `Author ${overrides.id}`, url: null, avatar: `seed-${overrides.id}` },
    body: `Comment ${overrides.id}`,
    createdAt: new Date(Date.UTC(2026, 10, 1, 12, Number(overrides.id) % 60)).toISOString(),
    status: 'approved',
    ...overrides,
  };
}

export class FakeEndpoint {
  readonly base = 'https://comments.test/api';
  comments: Comment[] = [];
  requests: RecordedRequest[] = [];
  /** The opaque `no-cors` requests the client sends to tell a CORS refusal from being offline. */
  probes: URL[] = [];
  /** Replies used, in order, for the next POSTs before the default behaviour. */
  postReplies: Reply[] = [];
  /** Replies used, in order, for the next GETs. */
  getReplies: Reply[] = [];
  /** Replies used, in order, for the next PATCHes and DELETEs before the default behaviour. */
  changeReplies: Reply[] = [];
  /** How long a new comment's edit token lasts, in ms (the contract's window is 15 minutes). */
  editWindow = 15 * 60 * 1000;
  /** What `/counts` answers per thread. */
  threadCounts: Record<string, number> = {};
  /**
   * Answers as an endpoint that does not allow the page's origin: the browser withholds every
   * answer (fetch fails), but an opaque `no-cors` request still gets through.
   */
  refuseOrigin = false;
  /** When set, a page carries at most this many replies of each top-level comment (the contract's `REPLIES.perRoot`). */
  repliesPerRoot: number | null = null;
  /** Replies in one answer of `GET /comments/replies` (the contract's `REPLIES.perPage`). */
  repliesPerPage = 50;
  /** The largest `limit` accepted; above it, a 400 (as a third-party endpoint might answer). */
  maxLimit = Infinity;
  /** Status an edit leaves its comment in (`pending`: the edit was held for moderation). */
  editStatus: 'approved' | 'pending' = 'approved';
  /** Status given to new comments. */
  newStatus: 'approved' | 'pending' = 'approved';
  /** The page says the thread is closed (`closed: true`). */
  closed = false;
  /** The page says where the live stream goes on from (`liveId`), when set. */
  liveId?: string;
  /** The visitor keys that like each comment (`POST /comments/{id}/like`). */
  likers = new Map<string, Set<string>>();
  /** What `GET /comments/stream` answers an EventSource: a stream, or 404 (an endpoint without one). */
  streamStatus: 200 | 404 | 503 = 200;
  /** Every EventSource the widget opened, in order. */
  streams: FakeEventSource[] = [];
  private originalEventSource = window.EventSource;
  private keys = new Map<string, Comment>();
  private held: Array<() => void> = [];
  private original = window.fetch;

  constructor(comments: Comment[] = []) {
    this.comments = comments;
    window.fetch = (input, init) => this.handle(new Request(input, init));
    const fake = this;
    window.EventSource = class extends FakeEventSource {
      constructor(url: string | URL) {
        super(String(url), fake);
      }
    } as unknown as typeof EventSource;
  }

  restore() {
    window.fetch = this.original;
    window.EventSource = this.originalEventSource;
    for (const stream of this.streams) stream.close();
  }

  /** The stream the widget has open now. */
  get stream(): FakeEventSource | undefined {
    return this.streams.filter((s) => s.readyState !== 2).at(-1);
  }

  /** Sends an event on the open stream, with an id as the server's (`<version>-<ms>`). */
  send(type: 'ready' | 'comment' | 'edit' | 'delete' | 'reset', data: unknown, id = `${++this.version}-${Date.now()}`) {
    const stream = this.stream;
    if (!stream) throw new Error('no stream is open');
    stream.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id }));
    return id;
  }

  version = 1;

  get posts() {
    return this.requests.filter((r) => r.method === 'POST');
  }

  get lastPost(): NewComment {
    const post = this.posts.at(-1);
    if (!post?.body) throw new Error('no POST was sent');
    return JSON.parse(post.body) as NewComment;
  }

  /** Lets a held request ('hold') go on. */
  release() {
    this.held.shift()?.();
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.mode === 'no-cors') {
      this.probes.push(url);
      if (this.refuseOrigin) return new Response(null, { status: 200 });
      throw new TypeError('Failed to fetch');
    }
    if (this.refuseOrigin) throw new TypeError('Failed to fetch');
    const body = request.method === 'GET' ? null : await request.text();
    this.requests.push({ method: request.method, url, headers: request.headers, body });
    const queue = request.method === 'POST' ? this.postReplies : request.method === 'GET' ? this.getReplies : this.changeReplies;
    let reply = queue.shift();
    if (reply === 'hold') {
      await new Promise<void>((resolve) => this.held.push(resolve));
      reply = queue.shift();
    }
    if (reply === 'offline') throw new TypeError('Failed to fetch');
    if (reply && reply !== "hold") return json(reply.status, reply.body ?? {}, reply.headers);
    if (request.method === 'GET' && url.pathname.endsWith('/comments/replies')) return this.replies(url);
    if (request.method === 'GET' && url.pathname.endsWith('/comments')) {
      if (Number(url.searchParams.get('limit') ?? 50) > this.maxLimit) {
        return json(400, { error: { code: 'invalid_request', message: `limit must be at most ${this.maxLimit}.` } });
      }
      return json(200, this.page(url));
    }
    if (request.method === 'GET' && url.pathname.endsWith('/counts')) {
      const counts: Record<string, number> = {};
      for (const thread of url.searchParams.getAll('thread')) counts[thread] = this.threadCounts[thread] ?? 0;
      return json(200, { counts });
    }
    if (request.method === 'POST' && url.pathname.endsWith('/comments')) return this.post(JSON.parse(body ?? '{}'));
    const liked = /\/comments\/([^/]+)\/like$/.exec(url.pathname);
    if (liked && request.method === 'POST') return this.like(decodeURIComponent(liked[1]), JSON.parse(body ?? '{}'));
    if (url.pathname.endsWith('/comments/stream') && this.streamStatus === 200) {
      return new Response('', { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } });
    }
    const own = /\/comments\/([^/]+)$/.exec(url.pathname);
    if (own && (request.method === 'PATCH' || request.method === 'DELETE')) {
      return this.change(request.method, decodeURIComponent(own[1]), request.headers.get('Authorization'), body);
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  }

  /** Pages of top-level comments, each followed by its replies, as the contract says. */
  private page(url: URL): CommentPage {
    const thread = url.searchParams.get('thread') ?? '';
    // Listed: approved comments and the placeholders of deleted ones; counted: approved only.
    const approved = this.comments.filter((c) => c.status !== 'pending');
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const from = Number(url.searchParams.get('cursor') ?? 0);
    let roots = approved.filter((c) => c.parentId === null);
    const sort = url.searchParams.get('sort');
    if (sort === 'newest') roots.reverse();
    if (sort === 'top') roots = roots.map((c, i) => [c, i] as const).sort(([a, i], [b, j]) => (b.likes ?? 0) - (a.likes ?? 0) || i - j).map(([c]) => c);
    // Pinned comments first, whatever the order (as the reference server lists them).
    roots = [...roots.filter((c) => c.pinned), ...roots.filter((c) => !c.pinned)];
    const moreReplies: NonNullable<CommentPage['moreReplies']> = {};
    const comments = roots.slice(from, from + limit).flatMap((root) => {
      const replies = this.repliesOf(root.id);
      const shown = this.repliesPerRoot === null ? replies : replies.slice(0, this.repliesPerRoot);
      if (shown.length < replies.length) moreReplies[root.id] = { count: replies.length - shown.length, cursor: `${root.id}:${shown.length}` };
      return [root, ...shown];
    });
    const nextCursor = from + limit < roots.length ? String(from + limit) : null;
    const count = approved.filter((c) => c.status === 'approved').length;
    return {
      thread,
      count,
      comments,
      nextCursor,
      formToken: 'signed-form-time',
      ...(Object.keys(moreReplies).length ? { moreReplies } : {}),
      ...(this.closed ? { closed: true as const } : {}),
      ...(this.liveId ? { liveId: this.liveId } : {}),
    };
  }

  /** Every listed reply under a top-level comment, oldest first (so parents come before children). */
  private repliesOf(rootId: string): Comment[] {
    const listed = this.comments.filter((c) => c.status !== 'pending');
    const inside = new Set([rootId]);
    const out: Comment[] = [];
    for (const c of listed) {
      if (c.parentId !== null && inside.has(c.parentId)) {
        inside.add(c.id);
        out.push(c);
      }
    }
    return out;
  }

  /** `GET /comments/replies?thread=&cursor=`: the next held-back replies of one conversation. */
  private replies(url: URL): Response {
    const [rootId, offset] = (url.searchParams.get('cursor') ?? '').split(':');
    const all = this.repliesOf(rootId);
    const from = Number(offset);
    const comments = all.slice(from, from + this.repliesPerPage);
    const next = from + comments.length;
    const more = next < all.length ? { count: all.length - next, cursor: `${rootId}:${next}` } : null;
    return json(200, { thread: url.searchParams.get('thread') ?? '', rootId, comments, more });
  }

  private post(input: NewComment): Response {
    const again = this.keys.get(input.idempotencyKey);
    if (again) return json(201, { comment: again });
    const comment: Comment = {
      id: String(seq++),
      parentId: input.parentId,
      author: { name: input.author.name, url: input.author.url ?? null, avatar: 'seed-new' },
      body: input.body,
      createdAt: new Date().toISOString(),
      status: this.newStatus,
    };
    this.keys.set(input.idempotencyKey, comment);
    this.comments.push(comment);
    return json(201, { comment, ...this.grant(comment) });
  }

  /** `POST /comments/{id}/like`: one like per visitor key; setting the state one has changes nothing. */
  private like(id: string, input: { visitor?: string; liked?: boolean }): Response {
    const index = this.comments.findIndex((c) => c.id === id && c.status === 'approved');
    if (index < 0) return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    if (typeof input.visitor !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(input.visitor) || typeof input.liked !== 'boolean') {
      return json(400, { error: { code: 'invalid_request', message: 'visitor and liked are required.' } });
    }
    const set = this.likers.get(id) ?? new Set<string>();
    this.likers.set(id, set);
    if (input.liked) set.add(input.visitor);
    else set.delete(input.visitor);
    const base = this.baseLikes.get(id) ?? this.comments[index].likes ?? 0;
    this.baseLikes.set(id, base);
    this.comments[index] = { ...this.comments[index], likes: base + set.size };
    return json(200, { likes: base + set.size, liked: input.liked });
  }

  /** Likes a comment had before any visitor of the test pressed. */
  private baseLikes = new Map<string, number>();

  /** What the contract's 201 carries besides the comment: a token for this comment only. */
  private grant(comment: Comment) {
    return { editToken: `token-for-${comment.id}`, editableUntil: new Date(Date.now() + this.editWindow).toISOString() };
  }

  /** The author's PATCH or DELETE: 403 unless the bearer token is this comment's. */
  private change(method: string, id: string, authorization: string | null, body: string | null): Response {
    const index = this.comments.findIndex((c) => c.id === id);
    if (index < 0) return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    if (authorization !== `Bearer token-for-${id}`) {
      return json(403, { error: { code: 'forbidden', message: 'You can no longer edit or delete this comment.' } });
    }
    if (method === 'DELETE') {
      const hasReplies = this.comments.some((c) => c.parentId === id);
      if (hasReplies) this.comments[index] = { ...this.comments[index], status: 'deleted', body: '', author: { name: '', url: null, avatar: '' } };
      else this.comments.splice(index, 1);
      return new Response(null, { status: 204 });
    }
    const text = String((JSON.parse(body ?? '{}') as { body?: unknown }).body ?? '').trim();
    if (!text) return json(400, { error: { code: 'invalid_request', message: 'Type a comment.', fields: { body: 'required' } } });
    this.comments[index] = { ...this.comments[index], body: text, status: this.editStatus };
    return json(200, { comment: this.comments[index], ...(this.editStatus === 'pending' ? { status: 'pending' } : {}) });
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/** A thread with nested replies, seven levels deep at one point. */
export function fixtureThread(): Comment[] {
  const chain: Comment[] = [];
  let parent = '1';
  for (let i = 10; i < 16; i++) {
    chain.push(makeComment({ id: String(i), parentId: parent, body: `Depth reply ${i}` }));
    parent = String(i);
  }
  return [
    makeComment({ id: '1', author: { name: 'Ada Lovelace', url: 'https://ada.example/', avatar: 'seed-ada' }, body: 'First paragraph.\nSecond line.\n\nSecond paragraph.' }),
    makeComment({ id: '2', author: { name: 'Grace Hopper', url: null, avatar: 'seed-grace' }, body: 'Top-level two.' }),
    makeComment({ id: '3', parentId: '2', author: { name: 'Alan Turing', url: null, avatar: 'seed-alan' }, body: 'A reply to Grace.' }),
    ...chain,
  ];
}

/**
 * The stream of `GET {endpoint}/comments/stream`, as an EventSource sees it: the fake endpoint
 * opens it (`ready`, with an id) or refuses it as the browser would report a non-stream answer
 * (an error, then closed), and tests send events with `FakeEndpoint.send`.
 */
export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readonly withCredentials = false;
  readyState = 0;
  onerror: ((event: Event) => void) | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;

  constructor(
    readonly url: string,
    fake: FakeEndpoint,
  ) {
    super();
    fake.streams.push(this);
    fake.requests.push({ method: 'GET', url: new URL(url), headers: new Headers(), body: null });
    setTimeout(() => {
      if (this.readyState === 2) return;
      if (fake.streamStatus !== 200) return this.error(true);
      this.readyState = 1;
      this.dispatchEvent(new Event('open'));
      this.onopen?.(new Event('open'));
      fake.send('ready', {});
    });
  }

  /** The connection failed: `closed` as after an answer that is no stream, else EventSource retries. */
  error(closed: boolean) {
    this.readyState = closed ? 2 : 0;
    const event = new Event('error');
    this.dispatchEvent(event);
    this.onerror?.(event);
  }

  close() {
    this.readyState = 2;
  }
}
