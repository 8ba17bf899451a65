/**
 * Reading an endpoint's answer, for both clients (the widget's ./client.ts and the admin page's
 * ./admin-client.ts): the body of a 2xx, or the contract's error body mapped once into a code,
 * its field problems, its message and `Retry-After`.
 */
import type { ErrorBody } from './contract.js';

type AnyErrorBody = { error: { code: string; message: string; fields?: object } };

export interface Refusal<E extends AnyErrorBody = ErrorBody> {
  /** The contract's code; `server_error` for a 5xx without the contract's body (a proxy's page), else `invalid_request`. */
  code: E['error']['code'] | 'server_error' | 'invalid_request';
  fields?: E['error']['fields'];
  message?: string;
  /** Seconds to wait, from `Retry-After`; 0 without one. */
  retryAfter: number;
}

/** The answer's body when it succeeded (`null` for a `204`), else what was refused and why. */
export async function readAnswer<T, E extends AnyErrorBody = ErrorBody>(response: Response): Promise<{ body: T } | { refused: Refusal<E> }> {
  const body = await response.json().catch(() => null);
  if (response.ok && (body || response.status === 204)) return { body: body as T };
  const problem = (body as E | null)?.error;
  return {
    refused: {
      code: problem?.code ?? (response.status >= 500 ? 'server_error' : 'invalid_request'),
      fields: problem?.fields,
      message: problem?.message,
      retryAfter: Math.ceil(Number(response.headers.get('Retry-After'))) || 0,
    },
  };
}
