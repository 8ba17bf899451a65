/**
 * Requests for a visitor's own comments, during their edit window. Kept apart from
 * ./client.ts so only the on-demand editor chunk carries them.
 */
import { request, url } from './client.js';
import type { EditedComment } from './contract.js';

const send = <T>(method: string, endpoint: string, id: string, token: string, body?: unknown) =>
  request<T>(url(endpoint, `/comments/${encodeURIComponent(id)}`), {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Replaces a comment's text with the token its post returned. */
export const editComment = (endpoint: string, id: string, body: string, token: string) =>
  send<EditedComment>('PATCH', endpoint, id, token, { body });

/** Deletes a comment with the token its post returned. The endpoint answers 204. */
export const deleteComment = (endpoint: string, id: string, token: string) => send<object>('DELETE', endpoint, id, token);
