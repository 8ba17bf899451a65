/**
 * The requests that change a thread: posting, and the author's edit or deletion within the
 * edit window. Only the writer (loaded when a visitor starts writing) imports this module,
 * so readers never download it.
 */
import { request, url } from './client.js';
import type { CommentEdit, EditedComment, ManageLinkRequest, NewComment, PostedComment } from './contract.js';

const json = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

export const postComment = (endpoint: string, comment: NewComment) =>
  request<PostedComment>(url(endpoint, '/comments'), json('POST', comment));

const commentUrl = (endpoint: string, id: string) => url(endpoint, `/comments/${encodeURIComponent(id)}`);

export const editComment = (endpoint: string, id: string, token: string, edit: CommentEdit) =>
  request<EditedComment>(commentUrl(endpoint, id), json('PATCH', edit, token));

export const deleteComment = (endpoint: string, id: string, token: string) =>
  request<null>(commentUrl(endpoint, id), { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });

/** "Manage my comments by email": `POST {endpoint}/me/link`, answered `202` whether or not the address wrote anything. */
export const requestManageLink = (endpoint: string, ask: ManageLinkRequest) => request<unknown>(url(endpoint, '/me/link'), json('POST', ask));
