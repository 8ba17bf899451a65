/**
 * "Show more replies": the next replies of a conversation whose page held some back
 * (`CommentPage.moreReplies`). Only the reader's interactions (loaded on demand) import it.
 */
import { request, url } from './client.js';
import type { ListRepliesQuery, ReplyPage } from './contract.js';

export const listReplies = (endpoint: string, query: ListRepliesQuery) =>
  request<ReplyPage>(url(endpoint, `/comments/replies?${new URLSearchParams({ ...query })}`), { cache: 'no-cache' });
