/**
 * Posting a comment: the checks after validation, in the contract's order (parent, the brake
 * on repeated 409s, idempotency, flood, duplicate), then the insert, all in one transaction
 * so concurrent posts cannot slip between a check and the write.
 *
 * When Akismet is on, the same checks run once before it is asked, outside any
 * transaction: a retry, a duplicate or a flood is answered without a network call, and
 * no transaction (nor, with SQLite, every other writer) waits on Akismet. They run again
 * in the transaction, which settles any race with a post that arrived meanwhile.
 *
 * What a post is told gives away nothing about anyone else's comments: a used key is a
 * replay only when the whole draft matches (anything else is a 409 that shows nothing), flood
 * is checked before duplicate, and a duplicate is only ever the poster's own (same address).
 * Every 409 is counted per client address in the database, so all instances brake together.
 */
import { MAX_REPLY_DEPTH } from '../../api/contract.js';
import type { Akismet, CommentFacts } from '../integrations/akismet.js';
import type { ModerationMode } from '../config.js';
import { banned, duplicate, idempotencyKeyTaken, parentNotFound, replyTooDeep, threadClosed, tooFast } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { trustedPage } from '../security/trusted-page.js';
import type { CheckedComment } from '../http/input.js';
import { announce, type EventListener } from '../outbox/events.js';
import type { Verdict } from '../spam/spam-rules.js';
import { closedBy } from './closing.js';
import { fixedWindow, secondsLeft, windowsBefore } from './fixed-window.js';
import {
  IdempotencyKeyTaken,
  type BanAction,
  type CommentStore,
  type CommentTransaction,
  type PostingFacts,
  type RateWindow,
  type SpamCheck,
  type StoredComment,
  type StoredStatus,
} from '../store/comment-store.js';

/**
 * The brake on guessing: a client address that got this many 409s (a used key with another
 * draft, or a duplicate) within one window of CONFLICT_WINDOW_SECONDS has every further post
 * answered as a flood (429, `Retry-After` until the window ends) for the rest of that window.
 */
export const CONFLICT_LIMIT = 10;
/** Length of the brake's fixed windows (aligned to the epoch), in seconds. */
export const CONFLICT_WINDOW_SECONDS = 10 * 60;
const CONFLICT_KIND = 'post-conflict';

export interface PostingPolicy {
  moderation: ModerationMode;
  /** Minimum seconds between two comments of one author or address; 0 turns the check off. */
  floodSeconds: number;
  /**
   * Origins a post's `page` may be on to become its thread's page (security/trusted-page.ts);
   * none when absent, so no page is kept.
   */
  trustedOrigins?: readonly string[];
}

export interface Poster {
  /** Keyed hash of the client's address, or `null` when it is unknown. */
  addressHash: string | null;
  /** Keyed hash of the email as bans store it (KeyedHashes.bannedEmail); without it no ban is looked up. */
  emailBanHash?: string;
  /** The ban already looked up for this poster (admitPost); postComment then reads none. */
  ban?: BanAction | null;
  clock: () => number;
}

/**
 * What a post is checked against before any rule: throws the 403 `thread_closed` when its
 * thread takes no posts (closing.ts), and returns the poster with their ban, if any, for
 * postComment. One statement reads both (CommentStore.postingGate), not one each.
 */
export async function admitPost(store: CommentStore, thread: string, poster: Poster, closeAfterDays: number | null): Promise<Poster> {
  const now = poster.clock();
  const bans = poster.emailBanHash === undefined ? null : { email: poster.emailBanHash, address: poster.addressHash };
  const gate = await store.postingGate({ thread, firstAt: closeAfterDays !== null, bans }, now);
  if (closedBy(gate.closedState, gate.firstAt, now, closeAfterDays) !== null) throw threadClosed();
  return bans === null ? poster : { ...poster, ban: gate.ban };
}

/** What the spam defenses say before the comment is stored. */
export interface Screening {
  /** The local rules' verdict (spam-rules.ts). */
  verdict: Verdict;
  /** Akismet and what it is told about the poster, when it is on. */
  akismet: { client: Akismet; facts: Omit<CommentFacts, 'createdAt' | 'name' | 'email' | 'url' | 'body'> } | null;
  /**
   * Throws when the thread no longer takes posts (closing.ts, `assertOpen`). The route checks
   * before any rule; this asks again once Akismet has answered, which can take seconds, so a
   * thread a moderator closed meanwhile takes nothing.
   */
  stillOpen?: () => Promise<void>;
}

export type PostResult =
  | {
      comment: StoredComment;
      /** `false` when the idempotency key was used before, for this very draft, and `comment` is that original. */
      created: boolean;
    }
  /** Akismet called it blatant spam and COLLOQUY_AKISMET_DISCARD is on: nothing was stored; `id` was taken from the sequence. */
  | { discarded: true; id: number; at: number };

const UNSCREENED: Screening = { verdict: null, akismet: null };

type Reads = Pick<CommentTransaction, 'findById' | 'postingFacts'>;

/** What the checks found: a replay of this very draft, a 409 to count, or a new comment. */
type Checked =
  | { replay: StoredComment }
  | { conflict: 'key' | 'duplicate' }
  | { parent: StoredComment | null; facts: PostingFacts };

/** A 409 found in a transaction: kept out of the transaction's result so its count commits. */
interface Conflict {
  conflict: 'key' | 'duplicate';
  /** The address's 409s in this window, this one included. */
  count: number;
}

export async function postComment(
  store: CommentStore,
  input: CheckedComment,
  policy: PostingPolicy,
  poster: Poster,
  screening: Screening = UNSCREENED,
  /** Told of the new comment inside its transaction (its outgoing messages: webhooks, emails). */
  listeners: readonly EventListener[] = [],
): Promise<PostResult> {
  const parentId = input.parentId === null ? null : parseId(input.parentId);
  if (parentId === undefined) throw parentNotFound();
  let verdict = screening.verdict;
  let spamCheck: Omit<SpamCheck, 'commentId'> | null = null;

  // A moderator's ban (spam/bans.ts) decides before every other rule: refused outright, or spam
  // that is answered as any held post is (so the poster cannot tell it from waiting for a person).
  if (poster.emailBanHash !== undefined) {
    const ban = poster.ban !== undefined ? poster.ban : await store.activeBan({ email: poster.emailBanHash, address: poster.addressHash }, poster.clock());
    if (ban === 'refuse') throw banned();
    if (ban === 'spam') verdict = { status: 'spam', reason: 'banned' };
  }

  // Akismet is not asked about what the local rules already call spam.
  if (screening.akismet && verdict?.status !== 'spam') {
    const at = poster.clock();
    const early = await checkPost(store, input, parentId, poster.addressHash, at, policy.floodSeconds);
    if ('replay' in early) return { comment: early.replay, created: false };
    if ('conflict' in early) {
      const count = await store.write((tx) => countConflict(tx, poster.addressHash, at));
      throw conflictError({ conflict: early.conflict, count }, at);
    }
    const { client, facts } = screening.akismet;
    const params = client.params({ ...facts, name: input.name, email: input.email, url: input.url, body: input.body, createdAt: poster.clock() });
    const answer = await client.check(params);
    if (answer === 'discard') {
      // A real id, as a held post's would be: the next post's id shows no gap that tells them apart.
      const id = await store.write((tx) => tx.reserveId());
      return { discarded: true, id, at: poster.clock() };
    }
    spamCheck = { verdict: answer, params, checkedAt: poster.clock() };
    if (answer === 'spam') verdict = { status: 'spam', reason: 'akismet' };
    else if (answer === 'unknown' && verdict === null) verdict = { status: 'pending', reason: 'akismet_unavailable' };
    await screening.stillOpen?.();
  }

  // Read after any Akismet call, so the comment is not dated seconds before it was stored.
  const now = poster.clock();
  let outcome: Extract<PostResult, { comment: unknown }> | Conflict;
  try {
    const address = poster.addressHash ? [`address:${poster.addressHash}`] : [];
    // The parent's lock keeps its author from deleting it between the check below and the insert.
    const parentLock = parentId === null ? [] : [`comment:${parentId}`];
    // Taken as the transaction opens (on PostgreSQL in the same round trip as `begin`), before the checks read anything.
    const lockKeys = [`email:${input.email}`, `key:${input.idempotencyKey}`, ...address, ...parentLock];
    outcome = await store.write(async (tx): Promise<Extract<PostResult, { comment: unknown }> | Conflict> => {
      const checked = await checkPost(tx, input, parentId, poster.addressHash, now, policy.floodSeconds);
      if ('replay' in checked) return { comment: checked.replay, created: false };
      // Returned, not thrown: a throw would roll the count back with the transaction.
      if ('conflict' in checked) return { conflict: checked.conflict, count: await countConflict(tx, poster.addressHash, now) };
      const { parent, facts } = checked;

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
      }, threadPage(input.page, status, policy));
      if (spamCheck) await tx.saveSpamCheck({ commentId: comment.id, ...spamCheck });
      await announce(listeners, tx, {
        type: 'created',
        comment,
        previousStatus: null,
        notify: input.notify,
        ...(input.locale ? { locale: input.locale } : {}),
        ...(input.page ? { page: input.page } : {}),
      });
      return { comment, created: true };
    }, { lockKeys });
  } catch (error) {
    // Lost a race for the key: the winner's comment is the answer if it is this very draft.
    if (!(error instanceof IdempotencyKeyTaken)) throw error;
    const original = await store.findByIdempotencyKey(input.idempotencyKey);
    if (!original) throw error;
    if (sameDraft(original, input, parentId)) return { comment: original, created: false };
    outcome = { conflict: 'key', count: await store.write((tx) => countConflict(tx, poster.addressHash, now)) };
  }
  if ('conflict' in outcome) throw conflictError(outcome, now);
  return outcome;
}

/**
 * The contract's checks after validation: the parent, the brake on 409s (429), idempotency
 * (a replay, or a 409 for another draft), flood (429), then duplicate (409).
 */
async function checkPost(
  reads: Reads,
  input: CheckedComment,
  parentId: number | null,
  addressHash: string | null,
  now: number,
  floodSeconds: number,
): Promise<Checked> {
  let parent: StoredComment | null = null;
  if (parentId !== null) {
    parent = (await reads.findById(parentId)) ?? null;
    if (!parent || parent.thread !== input.thread || parent.status !== 'approved') throw parentNotFound();
    if (parent.depth >= MAX_REPLY_DEPTH) throw replyTooDeep(MAX_REPLY_DEPTH);
  }
  const window = conflictWindow(addressHash, now);
  // One statement reads the brake's count and every fact below; the brake is still checked first.
  const facts = await reads.postingFacts({
    idempotencyKey: input.idempotencyKey,
    name: input.name,
    email: input.email,
    thread: input.thread,
    parentId,
    body: input.body,
    ipHash: addressHash,
    conflictWindow: window,
  });
  if (facts.conflictHits >= CONFLICT_LIMIT) throw tooFast(retryAfter(window, now));
  if (facts.originalId !== undefined) {
    const original = await reads.findById(facts.originalId);
    if (original) return sameDraft(original, input, parentId) ? { replay: original } : { conflict: 'key' };
  }
  // Flood first: a duplicate found while flooding would say who wrote what.
  checkFlood(facts, now, floodSeconds);
  if (facts.duplicateId !== undefined) return { conflict: 'duplicate' };
  return { parent, facts };
}

/**
 * Whether a retry is of the very draft stored under its key. The widget resends a draft
 * unchanged; anything else with a used key is someone else's key, or a new comment.
 */
function sameDraft(original: StoredComment, input: CheckedComment, parentId: number | null): boolean {
  return (
    original.thread === input.thread &&
    original.parentId === parentId &&
    original.name === input.name &&
    original.email === input.email &&
    original.url === input.url &&
    original.body === input.body
  );
}

const conflictWindow = (addressHash: string | null, now: number) => fixedWindow(CONFLICT_KIND, CONFLICT_WINDOW_SECONDS, addressHash, now);

function countConflict(tx: CommentTransaction, addressHash: string | null, now: number): Promise<number> {
  const window = conflictWindow(addressHash, now);
  return tx.rateHit(window, windowsBefore(window, CONFLICT_WINDOW_SECONDS));
}

const retryAfter = (window: RateWindow, now: number) => secondsLeft(window, CONFLICT_WINDOW_SECONDS, now);

/** The 409, or the brake's 429 once this 409 is one more than the window allows. */
function conflictError({ conflict, count }: Conflict, now: number): Error {
  if (count > CONFLICT_LIMIT) {
    // Any window of this length: the count's own, which `now` falls in.
    return tooFast(retryAfter(conflictWindow(null, now), now));
  }
  return conflict === 'key' ? idempotencyKeyTaken() : duplicate();
}

function checkFlood(facts: PostingFacts, now: number, floodSeconds: number): void {
  if (floodSeconds === 0) return;
  const latest = Math.max(facts.lastByEmail ?? -Infinity, facts.lastByAddress ?? -Infinity);
  const wait = latest + floodSeconds * 1000 - now;
  if (wait > 0) throw tooFast(Math.min(floodSeconds, Math.max(1, Math.ceil(wait / 1000))));
}

/**
 * The page a new comment gives its thread, if the thread has none yet (the store keeps the first):
 * a trusted one only, so a visitor cannot make the admin page link elsewhere, and never from a post
 * the spam rules caught.
 */
function threadPage(page: string | null | undefined, status: StoredStatus, policy: PostingPolicy): string | null {
  return status === 'spam' ? null : trustedPage(page, policy.trustedOrigins ?? []);
}

function initialStatus(knownAuthor: boolean, moderation: ModerationMode): StoredStatus {
  if (moderation === 'none') return 'approved';
  if (moderation === 'all') return 'pending';
  return knownAuthor ? 'approved' : 'pending';
}
