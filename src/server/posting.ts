/**
 * Posting a comment: the checks after validation, in the contract's order (parent,
 * idempotency, duplicate, flood), then the insert, all in one transaction so concurrent
 * posts cannot slip between a check and the write.
 *
 * When Akismet is on, the same checks run once before it is asked, outside any
 * transaction: a retry, a duplicate or a flood is answered without a network call, and
 * no transaction (nor, with SQLite, every other writer) waits on Akismet. They run again
 * in the transaction, which settles any race with a post that arrived meanwhile.
 */
import type { Akismet, CommentFacts } from './akismet.js';
import type { ModerationMode } from './config.js';
import { duplicate, parentNotFound, tooFast } from './errors.js';
import { parseId } from './ids.js';
import type { CheckedComment } from './input.js';
import type { Verdict } from './spam-rules.js';
import {
  IdempotencyKeyTaken,
  type CommentStore,
  type CommentTransaction,
  type PostingFacts,
  type SpamCheck,
  type StoredComment,
  type StoredStatus,
} from './store/comment-store.js';

export interface PostingPolicy {
  moderation: ModerationMode;
  /** Minimum seconds between two comments of one author or address; 0 turns the check off. */
  floodSeconds: number;
}

export interface Poster {
  /** Keyed hash of the client's address, or `null` when it is unknown. */
  addressHash: string | null;
  clock: () => number;
}

/** What the spam defenses say before the comment is stored. */
export interface Screening {
  /** The local rules' verdict (spam-rules.ts). */
  verdict: Verdict;
  /** Akismet and what it is told about the poster, when it is on. */
  akismet: { client: Akismet; facts: Omit<CommentFacts, 'createdAt' | 'name' | 'email' | 'url' | 'body'> } | null;
}

export type PostResult =
  | {
      comment: StoredComment;
      /** `false` when the idempotency key was used before and `comment` is that original. */
      created: boolean;
    }
  /** Akismet called it blatant spam and COLLOQUY_AKISMET_DISCARD is on: nothing was stored. */
  | { discarded: true; at: number };

const UNSCREENED: Screening = { verdict: null, akismet: null };

type Reads = Pick<CommentTransaction, 'findById' | 'postingFacts'>;

export async function postComment(
  store: CommentStore,
  input: CheckedComment,
  policy: PostingPolicy,
  poster: Poster,
  screening: Screening = UNSCREENED,
): Promise<PostResult> {
  const parentId = input.parentId === null ? null : parseId(input.parentId);
  if (parentId === undefined) throw parentNotFound();
  let verdict = screening.verdict;
  let spamCheck: Omit<SpamCheck, 'commentId'> | null = null;

  // Akismet is not asked about what the local rules already call spam.
  if (screening.akismet && verdict?.status !== 'spam') {
    const early = await checkPost(store, input, parentId, poster.addressHash, poster.clock(), policy.floodSeconds);
    if (early.original) return { comment: early.original, created: false };
    const { client, facts } = screening.akismet;
    const params = client.params({ ...facts, name: input.name, email: input.email, url: input.url, body: input.body, createdAt: poster.clock() });
    const answer = await client.check(params);
    if (answer === 'discard') return { discarded: true, at: poster.clock() };
    spamCheck = { verdict: answer, params, checkedAt: poster.clock() };
    if (answer === 'spam') verdict = { status: 'spam', reason: 'akismet' };
    else if (answer === 'unknown' && verdict === null) verdict = { status: 'pending', reason: 'akismet_unavailable' };
  }

  // Read after any Akismet call, so the comment is not dated seconds before it was stored.
  const now = poster.clock();
  try {
    return await store.write(async (tx) => {
      const address = poster.addressHash ? [`address:${poster.addressHash}`] : [];
      // The parent's lock keeps its author from deleting it between the check below and the insert.
      const parentLock = parentId === null ? [] : [`comment:${parentId}`];
      await tx.lockKeys([`email:${input.email}`, `key:${input.idempotencyKey}`, ...address, ...parentLock]);
      const { original, parent, facts } = await checkPost(tx, input, parentId, poster.addressHash, now, policy.floodSeconds);
      if (original) return { comment: original, created: false };

      const status = verdict?.status ?? initialStatus(facts.knownAuthor, policy.moderation);
      const comment = await tx.insert({
        thread: input.thread,
        parentId,
        rootId: parent ? (parent.rootId ?? parent.id) : null,
        name: input.name,
        email: input.email,
        url: input.url,
        body: input.body,
        status,
        ipHash: poster.addressHash,
        idempotencyKey: input.idempotencyKey,
        // Never before the parent, even with clocks apart between instances: a thread lists in time order.
        createdAt: parent ? Math.max(now, parent.createdAt) : now,
        updatedAt: now,
        holdReason: verdict?.reason ?? (status === 'pending' ? 'moderation' : null),
      });
      if (spamCheck) await tx.saveSpamCheck({ commentId: comment.id, ...spamCheck });
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

/**
 * The contract's checks after validation: the parent, then idempotency (answered with the
 * original), duplicate (409) and flood (429).
 */
async function checkPost(
  reads: Reads,
  input: CheckedComment,
  parentId: number | null,
  addressHash: string | null,
  now: number,
  floodSeconds: number,
): Promise<{ original?: StoredComment; parent: StoredComment | null; facts: PostingFacts }> {
  let parent: StoredComment | null = null;
  if (parentId !== null) {
    parent = (await reads.findById(parentId)) ?? null;
    if (!parent || parent.thread !== input.thread || parent.status !== 'approved') throw parentNotFound();
  }
  const facts = await reads.postingFacts({
    idempotencyKey: input.idempotencyKey,
    email: input.email,
    thread: input.thread,
    parentId,
    body: input.body,
    ipHash: addressHash,
  });
  if (facts.originalId !== undefined) {
    const original = await reads.findById(facts.originalId);
    if (original) return { original, parent, facts };
  }
  if (facts.duplicateId !== undefined) throw duplicate();
  checkFlood(facts, now, floodSeconds);
  return { parent, facts };
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
