import type { Comment } from '../../api/contract.js';
import { websiteHref } from '../../api/validate.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import type { ListedComment, StoredComment, StoredStatus } from '../store/comment-store.js';
import { isoTime } from './iso-time.js';

/**
 * A stored website as every response shows it: normalized, or `null` when it is not one a
 * comment could be posted with now (a user name or password, another scheme). Rows stored
 * before websites were normalized, or brought in by an import, are shown the same way.
 */
export function shownWebsite(url: string | null): string | null {
  return url === null ? null : (websiteHref(url) ?? null);
}

/**
 * A comment as responses carry it: no email, no address hash, no key. A listed comment
 * has no `status` of its own; listed comments are approved, or placeholders. With `likes`
 * (COLLOQUY_LIKES on), an approved comment read with its count carries it.
 */
export function toApiComment(
  comment: Omit<ListedComment, 'likeCount'> & { likeCount?: number; status?: StoredStatus },
  avatar: (email: string) => string,
  likes = false,
): Comment {
  // Erased by its author: shown as deleted, as a placeholder in a thread or to the author retrying the post.
  const deleted = comment.authorDeletion !== null;
  return {
    id: String(comment.id),
    parentId: comment.parentId === null ? null : String(comment.parentId),
    author: deleted ? { name: '', url: null, avatar: '' } : { name: comment.name, url: shownWebsite(comment.url), avatar: avatar(comment.email) },
    body: deleted ? '' : comment.body,
    createdAt: isoTime(comment.createdAt),
    // Spam and a moderator's deletion are the moderator's business; to the author they are still waiting.
    status: deleted ? 'deleted' : comment.status === undefined || comment.status === 'approved' ? 'approved' : 'pending',
    // Only the site's own comments, written through the admin API, carry a role: no post can set one.
    ...(comment.role === 'host' && !deleted ? { role: 'host' as const } : {}),
    ...(comment.pinnedAt != null && comment.parentId === null && !deleted && (comment.status === undefined || comment.status === 'approved')
      ? { pinned: true as const }
      : {}),
    ...(likes && !deleted && comment.likeCount !== undefined && (comment.status === undefined || comment.status === 'approved')
      ? { likes: Number(comment.likeCount) }
      : {}),
  };
}

/**
 * A comment as its author is answered with, after a post or an edit. Published, it shows its
 * email's avatar seed, as the thread does; otherwise (held, spam, deleted by a moderator) a seed
 * of its own, so posting or editing under someone's email never tells what their seed is.
 */
export function toAuthorComment(comment: StoredComment, hashes: Pick<KeyedHashes, 'avatar' | 'unlistedAvatar'>): Comment {
  // No `likes`: an answer to its author looks the same whatever became of the comment.
  return toApiComment({ ...comment, likeCount: undefined }, comment.status === 'approved' ? hashes.avatar : () => hashes.unlistedAvatar(comment.id));
}
