/**
 * The widget's fetch client for the contract in ./contract.ts. It sends no cookies
 * and talks to nothing but the endpoint it is given.
 */
import type {
  CommentPage,
  ErrorBody,
  ErrorCode,
  FieldName,
  FieldProblem,
  ListCommentsQuery,
  ListRepliesQuery,
  ReplyPage,
  ThreadCounts,
} from './contract.js';

/**
 * A failed request: an HTTP error with the contract's body, or `network` when no answer
 * came. The widget words its own message from `code`, so none is carried here.
 */
export class ApiError extends Error {
  constructor(
    public readonly code: ErrorCode | 'network',
    public readonly fields: Partial<Record<FieldName, FieldProblem>> = {},
    /** Seconds to wait, from `Retry-After`, when the endpoint gave one. */
    public readonly retryAfter = 0,
  ) {
    super(code);
  }
}

const hinted = new Set<string>();

/**
 * No answer: offline, or an answer the browser withheld because the endpoint does not
 * allow this page's origin (CORS). An opaque `no-cors` request to the same URL tells the
 * two apart: it succeeds whenever the endpoint is reachable at all.
 */
async function failure(url: string): Promise<ApiError> {
  try {
    await fetch(url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
  } catch {
    return new ApiError('network');
  }
  hint(url);
  return new ApiError('forbidden_origin');
}

/** Tells the site owner, once per endpoint, what to change on the server. */
function hint(url: string) {
  const { origin } = new URL(url);
  if (!hinted.has(origin)) {
    hinted.add(origin);
    console.warn(
      `[colloquy] ${origin} did not allow this page's origin, ${location.origin}: add ${location.origin} to COLLOQUY_ORIGINS on the comment server.`,
    );
  }
}

/** A JSON request to the endpoint; a `204` answers `null`. */
export async function request<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'omit', ...init });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw await failure(url);
  }
  const body = await response.json().catch(() => null);
  if (response.ok && (body || response.status === 204)) return body as T;
  const problem = (body as ErrorBody | null)?.error;
  if (problem?.code === 'forbidden_origin') hint(url);
  throw new ApiError(
    // A 5xx without the contract's body (a proxy's error page) is still the server's failure.
    problem?.code ?? (response.status >= 500 ? 'server_error' : 'invalid_request'),
    problem?.fields,
    Math.ceil(Number(response.headers.get('Retry-After'))) || 0,
  );
}

export const url = (endpoint: string, path: string) => endpoint.replace(/\/+$/, '') + path;

export function listComments(endpoint: string, query: ListCommentsQuery, signal?: AbortSignal): Promise<CommentPage> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, String(value));
  // no-cache revalidates with the ETag, so a reload right after posting never shows a stale list.
  return request(url(endpoint, `/comments?${params}`), { signal, cache: 'no-cache' });
}

/** The next replies of a conversation whose page held some back (`CommentPage.moreReplies`). */
export function listReplies(endpoint: string, query: ListRepliesQuery): Promise<ReplyPage> {
  return request(url(endpoint, `/comments/replies?${new URLSearchParams({ ...query })}`), { cache: 'no-cache' });
}

/** Approved-comment counts of several threads in one request. */
export function fetchCounts(endpoint: string, threads: string[]): Promise<ThreadCounts> {
  const params = new URLSearchParams();
  for (const thread of threads) params.append('thread', thread);
  return request(url(endpoint, `/counts?${params}`), {});
}
