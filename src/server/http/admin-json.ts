import type { AdminComment } from '../../api/admin-contract.js';
import { shownWebsite } from './comment-json.js';
import type { AdminListedComment } from '../store/comment-store.js';
import { cut } from '../integrations/webhook.js';
import { isoTime } from './iso-time.js';

/** Characters of the parent's text shown beside a reply. */
export const PARENT_EXCERPT_CHARS = 100;

/** A comment as the admin API shows it: the email included, as only this API may. */
export function toAdminComment(comment: AdminListedComment, avatar: (email: string) => string): AdminComment {
  const parent = comment.parent;
  return {
    id: String(comment.id),
    thread: comment.thread,
    parentId: comment.parentId === null ? null : String(comment.parentId),
    parent: parent && {
      id: String(parent.id),
      name: parent.name,
      excerpt: cut(parent.bodyStart.replace(/\s+/g, ' ').trim(), PARENT_EXCERPT_CHARS),
      status: parent.status,
    },
    author: { name: comment.name, email: comment.email, url: shownWebsite(comment.url), avatar: avatar(comment.email) },
    body: comment.body,
    status: comment.status,
    deletedByAuthor: comment.authorDeletion !== null,
    heldFor: comment.holdReason,
    createdAt: isoTime(comment.createdAt),
    updatedAt: isoTime(comment.updatedAt),
    pinned: comment.pinnedAt != null,
    likes: Number(comment.likeCount ?? 0),
    role: comment.role ?? null,
    pageUrl: comment.pageUrl,
  };
}
