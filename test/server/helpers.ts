/**
 * A test harness around `app.request()`: a movable clock, a client address per request
 * (given to the app as @hono/node-server's socket binding), and checks every response
 * must pass, whatever the test: JSON type (but for the HTML and Atom documents), nosniff,
 * the error body, no email.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AdminErrorCode } from '../../src/api/admin-contract.js';
import type { Comment, ErrorBody } from '../../src/api/contract.js';
import { createApp, type AppConfig } from '../../src/server/app.js';
import type { ErrorFields } from '../../src/server/http/errors.js';
import { outboxSenders } from '../../src/server/outbox/senders.js';
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from '../../src/server/outbox/worker.js';
import type { CommentStore } from '../../src/server/store/index.js';

export const SECRET = 'test-secret-that-is-at-least-32-characters';
export const ADMIN_TOKEN = 'test-admin-token-that-is-at-least-32-chars';
/** The origin `app.request()` requests appear to come to. */
export const OWN_ORIGIN = 'http://localhost';
export const ALLOWED_ORIGIN = 'https://blog.example';
export const FOREIGN_ORIGIN = 'https://evil.example';

/** The code of each error status; a 403 is `forbidden` instead for an edit token that does not fit. */
const ERROR_CODES: Record<number, AdminErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden_origin',
  404: 'not_found',
  409: 'duplicate',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_fast',
};

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** Every email handed out, to search responses for. */
export const issuedEmails = new Set<string>();

export const uniqueThread = (label = 'thread') => `${label}/${unique()}`;
export const uniqueKey = () => randomUUID();
export function uniqueEmail(): string {
  const email = `zq${unique()}@mail.example`;
  issuedEmails.add(email);
  return email;
}
/** An IPv6 /64 of its own (flood control and the admin brake count IPv6 clients by /64), as `2001:db8:x:y`. */
export const uniqueNetwork = () => `2001:db8:${((counter++ % 0xfffe) + 1).toString(16)}:${Math.floor(Math.random() * 0xfffe + 1).toString(16)}`;
/** A client address no other test uses, in its canonical spelling: one in a {@link uniqueNetwork}. */
export const uniqueAddress = () => `${uniqueNetwork()}::${Math.floor(Math.random() * 0xfffe + 1).toString(16)}`;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  /** A list page's `liveId`, set apart from `json` (see {@link TestServer.list}). */
  liveId?: string;
}

export interface PostOptions {
  address?: string | null;
  origin?: string;
  headers?: Record<string, string>;
}

/** Where the API answers with a document rather than JSON, and its type. */
const DOCUMENT_TYPES: Record<string, string> = {
  '/api/threads/html': 'text/html; charset=utf-8',
  '/api/threads/atom': 'application/atom+xml; charset=utf-8',
};

export interface Draft {
  thread: string;
  parentId?: string | null;
  author?: { name?: unknown; email?: unknown; url?: unknown };
  body?: unknown;
  idempotencyKey?: string;
  /** Reply notifications (docs/api.md): sent as given. */
  notify?: unknown;
  locale?: unknown;
  page?: unknown;
}

/** Every response text the harness saw in this process, for the privacy check. */
export const seenResponses: string[] = [];

export class TestServer {
  readonly app;
  readonly config: AppConfig;
  now = Date.parse('2026-03-01T09:00:00.000Z');

  constructor(
    readonly store: CommentStore,
    config: Partial<AppConfig> = {},
    options: Pick<Parameters<typeof createApp>[0], 'listeners'> = {},
  ) {
    this.config = { secret: SECRET, adminToken: ADMIN_TOKEN, origins: [ALLOWED_ORIGIN], moderation: 'none', floodSeconds: 0, trustProxy: 0, ...config };
    this.app = createApp({
      store,
      config: this.config,
      clock: () => this.now,
      log: (message) => this.logged.push(message),
      ...options,
    });
  }

  /**
   * Starts an outbox worker on this server's store and clock, logging where the app does: the
   * configuration's senders unless others are given, looking for due messages every 10 ms.
   * Stop it at the end of the test.
   */
  worker(options: Partial<Omit<OutboxWorkerOptions, 'store'>> = {}): OutboxWorker {
    // The configuration's senders are this worker's own: its stop() closes their SMTP transport.
    const own = options.senders ? null : outboxSenders(this.config);
    return startOutboxWorker({
      store: this.store,
      ...(own ? { senders: own.senders, closeSenders: own.close } : { senders: {} }),
      clock: () => this.now,
      log: (message) => this.logged.push(message),
      pollMs: 10,
      ...options,
    });
  }

  /** What the app reported in the background (Akismet, webhooks). */
  readonly logged: string[] = [];

  advance(seconds: number): void {
    this.now += seconds * 1000;
  }

  async request(path: string, init: RequestInit = {}, address: string | null = uniqueAddress(), record = true): Promise<Reply> {
    const env = address === null ? undefined : { incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: 'IPv6' } } };
    const res = await this.app.request(path, init, env);
    const text = await res.text();
    // Admin answers hold emails by design; the privacy check is about every other answer.
    if (record) seenResponses.push(text, [...res.headers].map(([name, value]) => `${name}: ${value}`).join('\n'));
    let json: any;
    if (text !== '' && res.headers.get('Content-Type')?.startsWith('application/json')) json = JSON.parse(text);
    checkInvariants(path, res, text, json);
    return { status: res.status, headers: res.headers, text, json };
  }

  /** A list page; its `liveId` (a fresh stamp on every page) is checked and set apart as `reply.liveId`, so pages compare whole. */
  async list(thread: string, params: Record<string, string> = {}, init: RequestInit = {}): Promise<Reply> {
    const query = new URLSearchParams({ thread, ...params });
    const reply = await this.request(`/api/comments?${query}`, init);
    if (reply.json && typeof reply.json === 'object' && 'liveId' in reply.json) {
      const { liveId, ...page } = reply.json as { liveId: unknown };
      assert.match(String(liveId), /^\d+-\d+$/, 'liveId is <version>-<ms>');
      return { ...reply, json: page, liveId: liveId as string };
    }
    return reply;
  }

  post(draft: Draft, options: PostOptions = {}): Promise<Reply> {
    const body = {
      parentId: null,
      body: 'A thoughtful comment.',
      idempotencyKey: uniqueKey(),
      ...draft,
      author: { name: 'Ada', email: uniqueEmail(), ...draft.author },
    };
    return this.postRaw(JSON.stringify(body), options);
  }

  postRaw(body: BodyInit, options: PostOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
    if (options.origin) headers.Origin = options.origin;
    return this.request('/api/comments', { method: 'POST', body, headers }, options.address === undefined ? uniqueAddress() : options.address);
  }

  /** `PATCH /api/comments/{id}` with `{"body": body}` and the token as a bearer token (none when `null`). */
  edit(id: string, body: unknown, token: string | null, options: PostOptions = {}): Promise<Reply> {
    return this.editRaw(id, JSON.stringify({ body }), token, options);
  }

  editRaw(id: string, body: BodyInit, token: string | null, options: PostOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (options.origin) headers.Origin = options.origin;
    return this.request(`/api/comments/${id}`, { method: 'PATCH', body, headers });
  }

  /** `DELETE /api/comments/{id}`, with no body. */
  remove(id: string, token: string | null, options: PostOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (options.origin) headers.Origin = options.origin;
    return this.request(`/api/comments/${id}`, { method: 'DELETE', headers });
  }

  /**
   * A request to the admin API (`path` after `/api/admin`), with the admin token unless
   * `token` says otherwise (`null` for none). A JSON `body` is sent as JSON.
   */
  admin(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | null; address?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    return this.request(`/api/admin${path}`, { method, headers, body }, options.address === undefined ? uniqueAddress() : options.address, false);
  }

  counts(threads: string[], init: RequestInit = {}): Promise<Reply> {
    const query = new URLSearchParams(threads.map((thread) => ['thread', thread]));
    return this.request(`/api/counts?${query}`, init);
  }

  /** `GET /api/threads/{format}?thread=…` */
  document(format: 'html' | 'atom', thread: string, params: Record<string, string> = {}, init: RequestInit = {}): Promise<Reply> {
    const query = new URLSearchParams({ thread, ...params });
    return this.request(`/api/threads/${format}?${query}`, init);
  }
}

/** Pages for a browser behind email links (see routes/me.ts): HTML whatever their status, or a JSON error. */
const HTML_PAGES = /^\/api\/(?:me(?:\/(?:delete|link\/form))?|notifications\/(?:confirm|unsubscribe))$/;

function checkInvariants(path: string, res: Response, text: string, json: unknown): void {
  assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff', `nosniff on ${path}`);
  const pathname = new URL(path, 'http://localhost').pathname;
  // /healthz answers 503 {"ok":false,"reason":…} by design when this instance cannot serve (routes/health.ts).
  if (pathname === '/healthz') return;
  assert.ok(res.status < 500, `no 5xx for ${path}: ${res.status} ${text}`);
  if ((HTML_PAGES.test(pathname) || pathname === '/api/me/export') && res.headers.get('Content-Type')?.toLowerCase() === 'text/html; charset=utf-8') {
    assert.equal(res.headers.get('Cache-Control'), 'no-store', `no-store on ${path}`);
    assert.ok(res.headers.get('Content-Security-Policy')?.includes("default-src 'none'"), `CSP on ${path}`);
    return;
  }
  if (text !== '' && path.startsWith('/api')) {
    const document = res.status < 300 ? DOCUMENT_TYPES[new URL(path, 'http://localhost').pathname] : undefined;
    assert.equal(res.headers.get('Content-Type'), document ?? 'application/json; charset=utf-8', `content type on ${path}`);
  }
  if (res.status >= 400) {
    const error = (json as ErrorBody).error;
    const codes = res.status === 403 ? ['forbidden_origin', 'forbidden', 'thread_closed', 'banned', 'likes_off'] : [ERROR_CODES[res.status]];
    assert.ok(codes.includes(error.code), `error code for ${res.status} on ${path}: ${error.code}`);
    assert.equal(typeof error.message, 'string');
    assert.deepEqual(Object.keys(json as object), ['error']);
  }
}

/** A comment as a list page shows it: the post's answer, and its like count (COLLOQUY_LIKES on). */
export const listed = (comment: Comment, likes = 0): Comment => ({ ...comment, likes });

/** Asserts `reply` is the error `status` with the contract's code and, when given, these fields. */
export function assertError(reply: Reply, status: number, fields?: ErrorFields): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.json.error.code, ERROR_CODES[status]);
  if (fields) assert.deepEqual(reply.json.error.fields, fields);
}

/** Asserts `reply` refuses an edit or deletion for want of a fitting, live edit token. */
export function assertForbidden(reply: Reply): void {
  assert.equal(reply.status, 403, reply.text);
  assert.deepEqual(reply.json, { error: { code: 'forbidden', message: 'You can no longer edit or delete this comment.' } });
}

/** Searches every response seen for any issued email or its local part. */
export function assertNoEmailSeen(): void {
  assert.ok(seenResponses.length > 0);
  const everything = seenResponses.join('\n').toLowerCase();
  for (const email of issuedEmails) {
    const local = email.split('@')[0]!.toLowerCase();
    const at = everything.indexOf(local);
    assert.equal(at, -1, `a response holds ${email}: …${everything.slice(Math.max(0, at - 100), at + 100)}…`);
  }
}
