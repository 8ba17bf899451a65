/**
 * The widget's fetch client for the contract in ./contract.ts. It sends no cookies
 * and talks to nothing but the endpoint it is given.
 */
import type { CommentPage, ErrorBody, ErrorCode, FieldName, FieldProblem, ListCommentsQuery, NewComment, PostedComment } from './contract.js';

/** A failed request: an HTTP error with the contract's body, or `network` when no answer came. */
export class ApiError extends Error {
  constructor(
    public readonly code: ErrorCode | 'network',
    message: string,
    public readonly status = 0,
    public readonly fields: Partial<Record<FieldName, FieldProblem>> = {},
    /** Seconds to wait, from `Retry-After`, when the endpoint gave one. */
    public readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

function join(endpoint: string, path: string): string {
  return endpoint.replace(/\/+$/, '') + path;
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'omit', ...init });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('network', 'No answer from the comment server.');
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body) return body as T;
  const problem = (body as ErrorBody | null)?.error;
  const retry = Number(response.headers.get('Retry-After'));
  throw new ApiError(
    problem?.code ?? (response.status >= 500 ? 'server_error' : 'invalid_request'),
    problem?.message ?? `The comment server answered ${response.status}.`,
    response.status,
    problem?.fields ?? {},
    Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : null,
  );
}

export function listComments(endpoint: string, query: ListCommentsQuery, signal?: AbortSignal): Promise<CommentPage> {
  const params = new URLSearchParams({ thread: query.thread });
  if (query.limit) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.sort) params.set('sort', query.sort);
  // no-cache revalidates with the ETag, so a reload right after posting never shows a stale list.
  return request(join(endpoint, `/comments?${params}`), { signal, cache: 'no-cache' });
}

export function postComment(endpoint: string, comment: NewComment): Promise<PostedComment> {
  return request(join(endpoint, '/comments'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(comment),
  });
}
