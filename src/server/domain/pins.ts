/**
 * Pinned comments: a moderator pins up to MAX_PINNED approved top-level comments per thread.
 * They open the thread's first page, oldest pin first, whatever the sort (kysely-store.ts,
 * listThread); later pages never repeat them. A pinned comment held or deleted later keeps its
 * pin (and its place among the thread's MAX_PINNED) but is not listed until approved again.
 */
import { MAX_PINNED } from '../../api/contract.js';
import { commentNotFound, invalidRequest } from '../http/errors.js';
import type { CommentStore } from '../store/comment-store.js';

/** Pins or unpins comment `id`; setting the state it already has changes nothing. */
export async function setPinned(store: CommentStore, id: number, pinned: boolean, now: number): Promise<void> {
  const found = await store.findById(id);
  if (!found) throw commentNotFound();
  await store.write(async (tx) => {
    // One pin change per thread at a time, so two moderators cannot pin a 4th between them.
    await tx.lockKeys([`pins:${found.thread}`, `comment:${id}`]);
    const comment = await tx.findById(id);
    if (!comment) throw commentNotFound();
    const isPinned = comment.pinnedAt != null;
    if (isPinned === pinned) return;
    if (!pinned) return tx.setPinned(id, comment.thread, null);
    if (comment.parentId !== null) throw invalidRequest('Only a top-level comment can be pinned; this one is a reply.');
    if (comment.status !== 'approved' || comment.authorDeletion !== null) throw invalidRequest('Only a published comment can be pinned; approve it first.');
    if ((await tx.pinnedCount(comment.thread)) >= MAX_PINNED) {
      throw invalidRequest(`A thread can have at most ${MAX_PINNED} pinned comments; unpin one first.`);
    }
    await tx.setPinned(id, comment.thread, now);
  });
}
