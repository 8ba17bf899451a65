import type { Comment } from '../api/contract.js';
import type { ListedComment, StoredStatus } from './store/comment-store.js';

/**
 * A comment as responses carry it: no email, no address hash, no key. A listed comment
 * has no `status` of its own; listed comments are approved, or placeholders.
 */
export function toApiComment(comment: ListedComment & { status?: StoredStatus }, avatar: (email: string) => string): Comment {
  // Erased by its author: shown as deleted, as a placeholder in a thread or to the author retrying the post.
  const deleted = comment.authorDeletion !== null;
  return {
    id: String(comment.id),
    parentId: comment.parentId === null ? null : String(comment.parentId),
    author: deleted ? { name: '', url: null, avatar: '' } : { name: comment.name, url: comment.url, avatar: avatar(comment.email) },
    body: deleted ? '' : comment.body,
    createdAt: new Date(comment.createdAt).toISOString(),
    // Spam and a moderator's deletion are the moderator's business; to the author they are still waiting.
    status: deleted ? 'deleted' : comment.status === undefined || comment.status === 'approved' ? 'approved' : 'pending',
  };
}
