/**
 * Likes: one per visitor key and approved comment, given or taken back. The visitor key is the
 * widget's random per-site key (no cookie, no login); only a keyed hash of it per comment is
 * stored, and nothing answers who liked what. Every like request counts against its client
 * address, in the database, so all instances brake together.
 */
import { likesOff, notFound, tooFastLikes } from '../http/errors.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import type { CommentStore } from '../store/comment-store.js';
import { fixedWindow, secondsLeft, windowsBefore } from './fixed-window.js';

/** Like requests one client address (an IPv4 address, an IPv6 /64) may make in one window. */
export const LIKE_LIMIT = 60;
/** Length of the like brake's fixed windows (aligned to the epoch), in seconds. */
export const LIKE_WINDOW_SECONDS = 10 * 60;
const LIKE_KIND = 'like';

export interface LikeChange {
  commentId: number;
  visitorKey: string;
  liked: boolean;
}

export interface LikeResult {
  likes: number;
  liked: boolean;
}

/**
 * Sets whether a visitor likes a comment. Refused with 403 `likes_off` when likes are off, 429
 * past {@link LIKE_LIMIT} requests per window from one address, 404 unless the comment is approved
 * (held, spam, deleted and unknown comments are all alike: nothing tells them apart).
 */
export async function setLike(
  store: CommentStore,
  hashes: KeyedHashes,
  change: LikeChange,
  context: { enabled: boolean; addressHash: string | null; now: number },
): Promise<LikeResult> {
  if (!context.enabled) throw likesOff();
  const window = fixedWindow(LIKE_KIND, LIKE_WINDOW_SECONDS, context.addressHash, context.now);
  const outcome = await store.write(async (tx): Promise<LikeResult | 'too_fast' | 'not_found'> => {
    // Counted whatever follows, and returned rather than thrown, so the count commits.
    if ((await tx.rateHit(window, windowsBefore(window, LIKE_WINDOW_SECONDS))) > LIKE_LIMIT) return 'too_fast';
    // Serialized with moderation of the comment (setStatus takes the same lock).
    await tx.lockKeys([`comment:${change.commentId}`]);
    const comment = await tx.findById(change.commentId);
    if (!comment || comment.status !== 'approved' || comment.authorDeletion !== null) return 'not_found';
    const { likes } = await tx.setLike(comment.id, comment.thread, hashes.likeVisitor(comment.id, change.visitorKey), change.liked);
    return { likes, liked: change.liked };
  });
  if (outcome === 'too_fast') throw tooFastLikes(secondsLeft(window, LIKE_WINDOW_SECONDS, context.now));
  if (outcome === 'not_found') throw notFound('There is no such published comment.');
  return outcome;
}

