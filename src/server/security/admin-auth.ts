/**
 * The admin API's lock: a bearer token compared in constant time, and a brake on guessing.
 * After MAX_FAILURES wrong tokens from one client (an IPv4 address, or an IPv6 /64) within
 * FAILURE_WINDOW_MS, further wrong tokens from it are answered 429 for a minute, then for
 * twice as long after each further wrong token, up to an hour.
 *
 * The right token always gets in, braked or not, and costs no database work: the brake is
 * keyed by address, and an address is shared (a proxy without COLLOQUY_TRUST_PROXY, an office,
 * a carrier's NAT), so a lockout would let anyone beside the admin shut them out. Guessing is
 * still refused the answer it wants for as long as the brake lasts, and a token is at least
 * 32 characters.
 *
 * The records live in the database's `rate_limits` table, keyed by the address's keyed hash
 * (never the address), so every instance on the database shares one brake and a restart
 * forgets nothing: each wrong token is one window of kind `admin-failure` starting at its
 * own millisecond, and a brake is one window of kind `admin-brake` starting when the brake
 * ends (plus a per-client counter row that serializes concurrent guesses). Writing any of them
 * forgets its kind's windows that no longer matter, for every address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimitKey } from '../http/client-address.js';
import { tooManyAttempts, unauthorized } from '../http/errors.js';
import type { CommentStore } from '../store/comment-store.js';
import type { KeyedHashes } from './keyed-hash.js';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const FIRST_BLOCK_MS = 60 * 1000;
export const MAX_BLOCK_MS = 60 * 60 * 1000;
const FAILURE = 'admin-failure';
const BRAKE = 'admin-brake';
/** Wrong tokens per client in fixed windows: only a lock, see below. */
const GUESSES = 'admin-guesses';
/** The key of requests whose address is unknown: they share one brake. */
const UNKNOWN_CLIENT = 'unknown';
const BEARER = /^Bearer +(\S+) *$/i;

export interface AdminGuardOptions {
  /** `null` refuses every request. */
  token: string | null;
  /** Where the brake's records are kept, shared by every instance on the database. */
  store: Pick<CommentStore, 'rateWindowsSince' | 'write'>;
  /** Keys the records by a keyed hash of the client's address. */
  hashes: Pick<KeyedHashes, 'address'>;
  clock: () => number;
  clientAddress: (c: Context) => string | undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** How long the brake lasts after the `failures`-th wrong token in a window (0: not yet). */
export function brakeMs(failures: number): number {
  if (failures < MAX_FAILURES) return 0;
  return Math.min(MAX_BLOCK_MS, FIRST_BLOCK_MS * 2 ** Math.min(failures - MAX_FAILURES, 32));
}

export function adminGuard({ token, store, hashes, clock, clientAddress }: AdminGuardOptions): MiddlewareHandler {
  // Hashed first, so the comparison takes the same time whatever the length of the guess.
  const expected = token === null ? null : digest(token);

  return async (c, next) => {
    const offered = BEARER.exec(c.req.header('Authorization') ?? '')?.[1];
    if (offered !== undefined && expected !== null && timingSafeEqual(digest(offered), expected)) return next();

    const now = clock();
    const address = clientAddress(c);
    const key = address === undefined ? UNKNOWN_CLIENT : hashes.address(rateLimitKey(address));
    const brakedFor = async (reads: Pick<CommentStore, 'rateWindowsSince'>) => {
      const until = Math.max(0, ...(await reads.rateWindowsSince(BRAKE, key, now)).map((brake) => brake.windowStart));
      return until > now ? Math.ceil((until - now) / 1000) : 0;
    };
    // A braked guess is not counted: the brake grows with guesses it let through, not with retries.
    const braked = await brakedFor(store);
    if (braked > 0) throw tooManyAttempts(braked);

    const brakedMeanwhile = await store.write(async (tx) => {
      // One counter row per client and fixed window, written first: its row lock queues this
      // client's concurrent guesses (on any instance) behind each other, so each counts the others.
      const fixed = now - (now % FAILURE_WINDOW_MS);
      await tx.rateHit({ kind: GUESSES, key, windowStart: fixed }, fixed - FAILURE_WINDOW_MS);
      const already = await brakedFor(tx);
      if (already > 0) return already;
      await tx.rateHit({ kind: FAILURE, key, windowStart: now }, now - FAILURE_WINDOW_MS);
      const failures = (await tx.rateWindowsSince(FAILURE, key, now - FAILURE_WINDOW_MS)).reduce((sum, window) => sum + window.hits, 0);
      const length = brakeMs(failures);
      if (length > 0) await tx.rateHit({ kind: BRAKE, key, windowStart: now + length }, now);
      return 0;
    });
    if (brakedMeanwhile > 0) throw tooManyAttempts(brakedMeanwhile);
    throw unauthorized();
  };
}
