import type { Comment } from '../api/contract.js';
import type { ListedComment, StoredStatus } from './store/comment-store.js';

/**
 * A comment as responses carry it: no email, no address hash, no key. A listed comment
 * has no `status` of its own; only approved comments are listed.
 */
export function toApiComment(comment: ListedComment & { status?: StoredStatus }, avatar: (email: string) => string): Comment {
  return {
    id: String(comment.id),
    parentId: comment.parentId === null ? null : String(comment.parentId),
    author: { name: comment.name, url: comment.url, avatar: avatar(comment.email) },
    body: comment.body,
    createdAt: new Date(comment.createdAt).toISOString(),
    // Spam and deleted are the moderator's business; to the author they are still waiting.
    status: comment.status === undefined || comment.status === 'approved' ? 'approved' : 'pending',
  };
}
