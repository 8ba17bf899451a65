/**
 * `POST {endpoint}/comments/{id}/like`: a visitor likes a comment, or no longer does. Only the
 * reader's interactions (loaded on demand) import it, so the script tag carries none of it.
 */
import { request, url } from './client.js';
import type { LikeAnswer, LikeRequest } from './contract.js';

export const likeComment = (endpoint: string, id: string, like: LikeRequest) =>
  request<LikeAnswer>(url(endpoint, `/comments/${encodeURIComponent(id)}/like`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(like),
  });
