/**
 * The widget's fetch client for the contract in ./contract.ts. It sends no cookies
 * and talks to nothing but the endpoint it is given. Requests only some pages make live
 * beside the modules that make them, so the script tag carries none of them: replies.ts
 * (held-back replies), counts.ts (`<colloquy-count>`), writes.ts (the writer).
 */
import { readAnswer } from './answer.js';
import type {
  CommentPage,
  ErrorCode,
  FieldName,
  FieldProblem,
  ListCommentsQuery,
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

/**
 * No answer: offline, or refused by CORS. Telling the two apart is diagnose.ts's work,
 * fetched only then; when it cannot be fetched either, the visitor is offline.
 */
export const diagnose = () => import('./diagnose.js');

/** A JSON request to the endpoint; a `204` answers `null`. */
export async function request<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'omit', ...init });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(await diagnose().then((d) => d.failure(url), () => 'network' as const));
  }
  const answer = await readAnswer<T>(response);
  if ('body' in answer) return answer.body;
  const { code, fields, retryAfter } = answer.refused;
  if (code === 'forbidden_origin') void diagnose().then((d) => d.hint(url), () => {});
  throw new ApiError(code, fields, retryAfter);
}

export const url = (endpoint: string, path: string) => endpoint.replace(/\/+$/, '') + path;

export function listComments(endpoint: string, query: ListCommentsQuery, signal?: AbortSignal): Promise<CommentPage> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, String(value));
  // no-cache revalidates with the ETag, so a reload right after posting never shows a stale list.
  return request(url(endpoint, `/comments?${params}`), { signal, cache: 'no-cache' });
}
