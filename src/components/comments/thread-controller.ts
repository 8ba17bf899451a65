/**
 * Loading a thread: its pages, checked, and the page size an endpoint accepts. It owns the
 * comments as the endpoint sent them; "Load more comments" and a conversation's held-back
 * replies (interactions.ts) append through it, and the writer adds, replaces and removes the
 * visitor's own (through the host's `edits`, made by interactions.ts).
 */
import { ApiError, diagnose, listComments } from '../../api/client.js';
import { LIMITS, PAGE_SIZE, type Comment, type CommentPage, type MoreReplies, type SortOrder } from '../../api/contract.js';
import { keyProblem } from '../../api/validate.js';
import { emit } from '../../events/events.js';
import type { ReactiveController, ReactiveControllerHost } from '../shared/colloquy-element.js';

const isString = (v: unknown): v is string => typeof v === 'string';

export type LoadState = 'loading' | 'loaded' | 'more' | 'error';

/** What loading needs from the element. */
export interface ThreadHost extends ReactiveControllerHost, HTMLElement {
  readonly endpoint: string;
  readonly threadKey: string;
  readonly pageSize: number;
  /** Says a failure in the visitor's words. */
  loadFailed(code: string): string;
  announce(message: string): void;
}

/** Why a request failed: a contract error code, or `network`. */
const codeOf = (error: unknown) => (error instanceof ApiError ? error.code : 'network');

/** The held-back replies of a page, keeping only entries of the contract's shape. */
export function moreOf(page: CommentPage): Record<string, MoreReplies> {
  const out: Record<string, MoreReplies> = {};
  // Object.entries of a number, a boolean or a string gives no entry of that shape.
  for (const [id, entry] of Object.entries(page.moreReplies ?? {})) {
    if (Number.isFinite(entry?.count) && entry.count > 0 && isString(entry.cursor)) out[id] = entry;
  }
  return out;
}

/** A page from an endpoint of anyone's writing: its shape is checked before use. */
function checked(page: CommentPage): CommentPage {
  if (!page || typeof page !== 'object' || !Array.isArray(page.comments)) throw new ApiError('server_error');
  return page;
}

export class ThreadController implements ReactiveController {
  state: LoadState = 'loading';
  /** Why the last load failed: a contract error code, or `network`. */
  failure = '';
  comments: Comment[] = [];
  count = 0;
  nextCursor: string | null = null;
  order: SortOrder = 'oldest';
  /** The endpoint's signed note of when the form was shown, sent back with the post. */
  formToken?: string;
  /** Where the live stream goes on from this thread's first page (`CommentPage.liveId`). */
  liveId?: string;
  moreReplies: Record<string, MoreReplies> = {};
  /** The endpoint says the thread takes no new comments (`CommentPage.closed`). */
  closed = false;
  #controller: AbortController | null = null;
  /** The contract's largest page size, once the endpoint has refused the one asked for. */
  #limit = 0;
  #host: ThreadHost;

  constructor(host: ThreadHost) {
    this.#host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#controller?.abort();
  }

  /** Changes some of the state and renders it. */
  set(patch: Partial<ThreadController>): void {
    Object.assign(this, patch);
    this.#host.requestUpdate();
  }

  /** One page; a size the endpoint refuses falls back once to the largest the contract promises. */
  async page(cursor: string | null, signal?: AbortSignal): Promise<CommentPage> {
    const { endpoint, threadKey, pageSize } = this.#host;
    // A key no endpoint would take (blank, too long): the site owner hears why, no request is made.
    const problem = keyProblem(threadKey, LIMITS.thread);
    if (problem) {
      console.warn(`[colloquy] The thread key "${threadKey.slice(0, 40)}…" is ${problem === 'too_long' ? `longer than ${LIMITS.thread} characters` : 'not valid'}: set a shorter thread attribute.`);
      throw new ApiError('invalid_request');
    }
    const ask = (limit: number) => listComments(endpoint, { thread: threadKey, limit, sort: this.order, cursor }, signal).then(checked);
    const limit = this.#limit || pageSize;
    const page = await ask(limit).catch((error) => {
      if (codeOf(error) === 'invalid_request' && limit > PAGE_SIZE.max) return ask((this.#limit = PAGE_SIZE.max));
      throw error;
    });
    // Fewer a page than asked: told in the console by diagnose.ts, fetched only then.
    const served = this.#limit || page.limit;
    if (served !== undefined && served !== pageSize) void diagnose().then((d) => d.pageSize(endpoint, served, pageSize), () => {});
    return page;
  }

  /**
   * Loads (or reloads) the thread's first page. True once loaded. `shown` starts what showing it
   * needs besides (the view's chunk), once the page's request is on its way: the page counts as
   * loaded with both.
   */
  async load(shown?: () => Promise<unknown>): Promise<boolean> {
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    this.set({ state: 'loading' });
    try {
      const [page, ready] = await Promise.all([this.page(null, controller.signal), shown?.() ?? true]);
      if (controller.signal.aborted) return false;
      if (!ready) throw new ApiError('network');
      const ids = new Set(page.comments.map((c) => c?.id));
      this.set({
        // The endpoint lists no pending comment: keep showing the visitor theirs, posted while this loaded.
        comments: [...page.comments, ...this.comments.filter((c) => c.status === 'pending' && !ids.has(c.id))],
        count: Number.isFinite(page.count) ? page.count : 0,
        nextCursor: isString(page.nextCursor) ? page.nextCursor : null,
        formToken: isString(page.formToken) ? page.formToken : undefined,
        liveId: isString(page.liveId) ? page.liveId : undefined,
        moreReplies: moreOf(page),
        closed: page.closed === true,
        state: 'loaded',
      });
      emit(this.#host, 'colloquy-loaded', { count: this.count });
      return true;
    } catch (error) {
      if (controller.signal.aborted) return false;
      const code = codeOf(error);
      this.set({ state: 'error', failure: code });
      emit(this.#host, 'colloquy-error', { code, message: this.#host.loadFailed(code) });
      return false;
    }
  }

  /** A failed request for more: announced, and fired as `colloquy-error`. */
  failed(error: unknown): void {
    const code = codeOf(error);
    const message = this.#host.loadFailed(code);
    this.#host.announce(message);
    emit(this.#host, 'colloquy-error', { code, message });
  }

  /** Empties the thread when the element moves to another one. */
  reset(): void {
    this.set({ comments: [], moreReplies: {}, nextCursor: null, count: 0 });
  }
}
