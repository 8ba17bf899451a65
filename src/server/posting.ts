/**
 * Posting a comment: the checks after validation, in the contract's order
 * (parent, idempotency, duplicate, flood), then the insert, all in one transaction
 * so concurrent posts cannot slip between a check and the write.
 */
import type { ModerationMode } from './config.js';
import { duplicate, parentNotFound, tooFast } from './errors.js';
import { parseId } from './ids.js';
import type { CheckedComment } from './input.js';
import { IdempotencyKeyTaken, type CommentStore, type PostingFacts, type StoredComment, type StoredStatus } from './store/comment-store.js';

export interface PostingPolicy {
  moderation: ModerationMode;
  /** Minimum seconds between two comments of one author or address; 0 turns the check off. */
  floodSeconds: number;
}

export interface Poster {
  /** Keyed hash of the client's address, or `null` when it is unknown. */
  addressHash: string | null;
  now: number;
}

export interface PostResult {
  comment: StoredComment;
  /** `false` when the idempotency key was used before and `comment` is that original. */
  created: boolean;
}

export async function postComment(store: CommentStore, input: CheckedComment, policy: PostingPolicy, poster: Poster): Promise<PostResult> {
  const parentId = input.parentId === null ? null : parseId(input.parentId);
  if (parentId === undefined) throw parentNotFound();
  try {
    return await store.write(async (tx) => {
      const address = poster.addressHash ? [`address:${poster.addressHash}`] : [];
      // The parent's lock keeps its author from deleting it between the check below and the insert.
      const parentLock = parentId === null ? [] : [`comment:${parentId}`];
      await tx.lockKeys([`email:${input.email}`, `key:${input.idempotencyKey}`, ...address, ...parentLock]);
      let parent: StoredComment | null = null;
      if (parentId !== null) {
        parent = (await tx.findById(parentId)) ?? null;
        if (!parent || parent.thread !== input.thread || parent.status !== 'approved') throw parentNotFound();
      }

      const facts = await tx.postingFacts({
        idempotencyKey: input.idempotencyKey,
        email: input.email,
        thread: input.thread,
        parentId,
        body: input.body,
        ipHash: poster.addressHash,
      });
      if (facts.originalId !== undefined) {
        const original = await tx.findById(facts.originalId);
        if (original) return { comment: original, created: false };
      }
      if (facts.duplicateId !== undefined) throw duplicate();
      checkFlood(facts, poster.now, policy.floodSeconds);

      const comment = await tx.insert({
        thread: input.thread,
        parentId,
        rootId: parent ? (parent.rootId ?? parent.id) : null,
        name: input.name,
        email: input.email,
        url: input.url,
        body: input.body,
        status: initialStatus(facts.knownAuthor, policy.moderation),
        ipHash: poster.addressHash,
        idempotencyKey: input.idempotencyKey,
        // Never before the parent, even with clocks apart between instances: a thread lists in time order.
        createdAt: parent ? Math.max(poster.now, parent.createdAt) : poster.now,
        updatedAt: poster.now,
      });
      return { comment, created: true };
    });
  } catch (error) {
    // Lost a race for the key: the winner's comment is the answer.
    if (error instanceof IdempotencyKeyTaken) {
      const original = await store.findByIdempotencyKey(input.idempotencyKey);
      if (original) return { comment: original, created: false };
    }
    throw error;
  }
}

function checkFlood(facts: PostingFacts, now: number, floodSeconds: number): void {
  if (floodSeconds === 0) return;
  const latest = Math.max(facts.lastByEmail ?? -Infinity, facts.lastByAddress ?? -Infinity);
  const wait = latest + floodSeconds * 1000 - now;
  if (wait > 0) throw tooFast(Math.min(floodSeconds, Math.max(1, Math.ceil(wait / 1000))));
}

function initialStatus(knownAuthor: boolean, moderation: ModerationMode): StoredStatus {
  if (moderation === 'none') return 'approved';
  if (moderation === 'all') return 'pending';
  return knownAuthor ? 'approved' : 'pending';
}
