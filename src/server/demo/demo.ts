/** The demo's thread, and the one comment it starts with so the page is not empty. */
import type { CommentStore } from '../store/comment-store.js';

/** The thread key the demo episode page uses. */
export const DEMO_THREAD = 'podcast-of-the-day/p2p-governance';

/** Adds the seed comment when the database holds no comment at all; returns whether it did. */
export async function seedDemo(store: CommentStore, now: number = Date.now()): Promise<boolean> {
  return store.write(async (tx) => {
    if (!(await tx.isEmpty())) return false;
    await tx.insert({
      thread: DEMO_THREAD,
      parentId: null,
      rootId: null,
      // A made-up listener: the demo names no real person.
      name: 'Marta Ruiz',
      email: 'marta.ruiz@example.org',
      url: null,
      body:
        'Such a good episode. The part about open source communities deciding things without a boss (from 17:45) ' +
        'made me rethink how our food co-op runs its meetings. Would love a follow-up on how they handle disagreements!',
      status: 'approved',
      ipHash: null,
      // No key: it was never posted, and a fixed one would let anyone name it in a post.
      idempotencyKey: null,
      createdAt: now,
      updatedAt: now,
    });
    return true;
  });
}
