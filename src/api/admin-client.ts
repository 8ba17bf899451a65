/**
 * The admin page's client for the admin API (./admin-contract.ts). Same-origin only; the
 * token travels as a Bearer header and is never put in a URL.
 */
import type {
  AdminBulkChange,
  AdminComment,
  AdminBulkResult,
  AdminCommentChange,
  AdminCommentList,
  AdminCommentQuery,
  AdminCommentResult,
  AdminErrorBody,
  AdminErrorCode,
  AdminHostComment,
  AdminSettings,
  AdminThreadState,
  AdminOutboxList,
  AdminOutboxResult,
  AdminOutboxStatus,
  AdminSubscriberCounts,
  BanList,
  BanRequest,
} from './admin-contract.js';
import { readAnswer } from './answer.js';

export type { Ban, BanRequest } from './admin-contract.js';

/** A comment, and the page it was first shown on when the server says (a field issue 14's design leaves optional). */
export type ModeratedComment = AdminComment & {
  /** The page URL the widget reported when the thread was first used. */
  pageUrl?: string | null;
};

/** A thread's closed state: the answer to a close, and each item of `GET /api/admin/threads`. */
export type ThreadState = AdminThreadState;

export class AdminApiError extends Error {
  constructor(
    public readonly code: AdminErrorCode | 'network',
    message: string,
    /** Seconds to wait, from `Retry-After`. */
    public readonly retryAfter = 0,
  ) {
    super(message);
  }
}

export class AdminClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async #send<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.base.replace(/\/+$/, '') + path, {
        ...init,
        credentials: 'omit',
        cache: 'no-store',
        headers: { Authorization: `Bearer ${this.token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      });
    } catch {
      throw new AdminApiError('network', 'The comment server could not be reached.');
    }
    const answer = await readAnswer<T, AdminErrorBody>(response);
    if ('body' in answer) return answer.body;
    const { code, message, retryAfter } = answer.refused;
    throw new AdminApiError(code, message ?? `The server answered ${response.status}.`, retryAfter);
  }

  list(query: AdminCommentQuery): Promise<AdminCommentList> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined && v !== '') params.append(key, String(v));
    }
    return this.#send(`/admin/comments?${params}`);
  }

  change(id: string, change: AdminCommentChange): Promise<AdminCommentResult> {
    return this.#send(`/admin/comments/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify(change) });
  }

  remove(id: string): Promise<AdminCommentResult> {
    return this.#send(`/admin/comments/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  bulk(change: AdminBulkChange): Promise<AdminBulkResult> {
    return this.#send('/admin/comments/bulk', { method: 'POST', body: JSON.stringify(change) });
  }

  outbox(query: { status?: AdminOutboxStatus; limit?: number; cursor?: string } = {}): Promise<AdminOutboxList> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.append(key, String(value));
    return this.#send(`/admin/outbox?${params}`);
  }

  retry(id: string): Promise<AdminOutboxResult> {
    return this.#send(`/admin/outbox/${encodeURIComponent(id)}/retry`, { method: 'POST' });
  }

  /** Every thread's subscriber count when `threads` is empty. */
  subscribers(threads: string[] = []): Promise<AdminSubscriberCounts> {
    const params = new URLSearchParams();
    for (const thread of threads) params.append('thread', thread);
    return this.#send(`/admin/subscribers?${params}`);
  }

  /** A comment (`parentId: null`) or a reply as the site, under the host name. */
  postAsHost(comment: AdminHostComment): Promise<{ comment: ModeratedComment }> {
    return this.#send('/admin/comments', { method: 'POST', body: JSON.stringify(comment) });
  }

  settings(): Promise<AdminSettings> {
    return this.#send('/admin/settings');
  }

  saveSettings(settings: AdminSettings): Promise<AdminSettings> {
    return this.#send('/admin/settings', { method: 'PATCH', body: JSON.stringify(settings) });
  }

  pin(id: string, pinned: boolean): Promise<{ comment: ModeratedComment }> {
    return this.#send(`/admin/comments/${encodeURIComponent(id)}/pin`, { method: 'POST', body: JSON.stringify({ pinned }) });
  }

  /** Closes (or reopens) a thread; the key is one path segment, slashes and all. */
  close(thread: string, closed: boolean): Promise<ThreadState> {
    return this.#send(`/admin/threads/${encodeURIComponent(thread)}/close`, { method: 'POST', body: JSON.stringify({ closed }) });
  }

  /** The closed state of these threads. */
  threads(threads: string[]): Promise<{ threads: ThreadState[] }> {
    const params = new URLSearchParams();
    for (const thread of threads) params.append('thread', thread);
    return this.#send(`/admin/threads?${params}`);
  }

  ban(id: string, ban: BanRequest): Promise<BanList> {
    return this.#send(`/admin/comments/${encodeURIComponent(id)}/ban`, { method: 'POST', body: JSON.stringify(ban) });
  }

  bans(): Promise<BanList> {
    return this.#send('/admin/bans');
  }

  async unban(id: string): Promise<void> {
    await this.#send(`/admin/bans/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
}
