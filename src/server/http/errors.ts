/**
 * The errors the API answers with. Routes throw them; `app.onError` shapes every one
 * into the contract's error body, so no handler builds an error response itself.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AdminErrorCode, AdminFieldName } from '../../api/admin-contract.js';
import type { ErrorCode, FieldName, FieldProblem } from '../../api/contract.js';

/** What is wrong with which field, in the public API's names or the admin API's. */
export type ErrorFields = Partial<Record<FieldName | AdminFieldName, FieldProblem>>;

/**
 * An error with the contract's `code` (and `fields` for a 400) and any headers to send.
 * `unauthorized` is the admin API's alone; the public API never answers with it.
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: AdminErrorCode,
    message: string,
    readonly fields?: ErrorFields,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
    this.name = 'ApiError';
  }
}

export const invalidRequest = (message: string, fields?: ErrorFields) =>
  new ApiError(400, 'invalid_request', message, fields && Object.keys(fields).length > 0 ? fields : undefined);

export const forbiddenOrigin = () =>
  new ApiError(403, 'forbidden_origin', 'This site is not allowed to send comments to this server.');

export const forbidden = () => new ApiError(403, 'forbidden', 'You can no longer edit or delete this comment.');

export const threadClosed = () => new ApiError(403, 'thread_closed', 'Comments are closed on this page.');

export const notFound = (message = 'There is nothing here.') => new ApiError(404, 'not_found', message);

export const commentNotFound = () => notFound('There is no such comment.');

export const parentNotFound = () =>
  notFound('The comment you are replying to does not exist, or is not published.');

export const replyTooDeep = (maxDepth: number) =>
  invalidRequest(`Replies can nest at most ${maxDepth} levels deep; reply to a comment higher up this conversation.`, { parentId: 'invalid' });

export const duplicate = () =>
  new ApiError(409, 'duplicate', "Duplicate comment detected; it looks as though you've already said that!");

/** A used idempotency key with a draft that is not the one stored under it: says nothing of that comment. */
export const idempotencyKeyTaken = () =>
  new ApiError(409, 'duplicate', 'This idempotencyKey was already used for another comment. Send each new comment with a new key.');

export const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'too_large', `The request body is larger than ${Math.floor(maxBytes / 1024)} KiB.`);

export const unsupportedMediaType = () =>
  new ApiError(415, 'unsupported_media_type', 'Send the comment as JSON, with Content-Type: application/json.');

export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'This needs the admin token: Authorization: Bearer <COLLOQUY_ADMIN_TOKEN>.', undefined, {
    'WWW-Authenticate': 'Bearer realm="colloquy-admin"',
  });

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new ApiError(429, 'too_fast', 'Too many attempts with a wrong admin token. Try again later.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

export const tooFast = (retryAfterSeconds: number) =>
  new ApiError(429, 'too_fast', 'You are posting comments too quickly. Slow down.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

export const tooFastLikes = (retryAfterSeconds: number) =>
  new ApiError(429, 'too_fast', 'You are liking comments too quickly. Slow down.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/** COLLOQUY_LIKES is off. */
export const likesOff = () => new ApiError(403, 'likes_off', 'Likes are turned off on this site.');

/** The poster is under a ban whose action is `refuse` (src/server/spam/bans.ts). */
export const banned = () => new ApiError(403, 'banned', 'You cannot comment on this site.');

/** The contract's code for an error status some middleware raised without one. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 403:
      return 'forbidden_origin';
    case 404:
      return 'not_found';
    case 409:
      return 'duplicate';
    case 413:
      return 'too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'too_fast';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request';
  }
}
