/**
 * The changes that can cause outgoing messages, announced to listeners INSIDE the transaction
 * that makes them: a listener enqueues its messages there (`tx.enqueue`), so they are stored
 * with the change or, if it rolls back, not at all.
 */
import type { CommentTransaction, StoredComment, StoredStatus } from '../store/comment-store.js';

export interface CommentEvent {
  /**
   * `created`: a new comment was stored (with whatever status it got: approved, pending or spam);
   * `approved`: a moderator (one comment or a bulk change) moved one to approved from another status;
   * `edited`: its author changed its text (it may have been held again: see `comment.status`).
   */
  type: 'created' | 'approved' | 'edited';
  /** The comment as it is now, email included: for server code only. */
  comment: StoredComment;
  /** Its status before this change; `null` for a new comment. */
  previousStatus: StoredStatus | null;
  /** The widget's language, as posted (`created` only). */
  locale?: string;
  /** Whether its author asked for reply notifications (`created` only). */
  notify?: boolean;
  /** The page the thread is on, as posted (`created` only; an http(s) URL, its origin not yet checked): email links lead there. */
  page?: string;
}

/** Runs in the change's transaction; throwing rolls the change back (and answers 500), so a listener should not throw for a message it cannot make. */
export type EventListener = (tx: CommentTransaction, event: CommentEvent) => Promise<void>;

/** Tells every listener, one after the other, in the transaction `tx`. */
export async function announce(listeners: readonly EventListener[], tx: CommentTransaction, event: CommentEvent): Promise<void> {
  for (const listener of listeners) await listener(tx, event);
}
