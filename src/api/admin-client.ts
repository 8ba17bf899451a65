/**
 * The admin page's client for the admin API (./admin-contract.ts). Same-origin only; the
 * token travels as a Bearer header and is never put in a URL.
 */
import type {
  AdminBulkChange,
  AdminBulkResult,
  AdminCommentChange,
  AdminCommentList,
  AdminCommentQuery,
  AdminCommentResult,
  AdminErrorBody,
  AdminErrorCode,
  AdminOutboxList,
  AdminOutboxResult,
  AdminOutboxStatus,
  AdminSubscriberCounts,
} from './admin-contract.js';

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
    const body = await response.json().catch(() => null);
    if (response.ok) return body as T;
    const error = (body as AdminErrorBody | null)?.error;
    throw new AdminApiError(
      error?.code ?? (response.status >= 500 ? 'server_error' : 'invalid_request'),
      error?.message ?? `The server answered ${response.status}.`,
      Math.ceil(Number(response.headers.get('Retry-After'))) || 0,
    );
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
}
