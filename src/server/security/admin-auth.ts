/**
 * The admin API's lock: a bearer token compared in constant time, and a brake on guessing.
 * After MAX_FAILURES wrong tokens from one client (an IPv4 address, or an IPv6 /64) within
 * FAILURE_WINDOW_MS, further wrong tokens from it are answered 429 for a minute, then for
 * twice as long after each further wrong token, up to an hour.
 *
 * The right token always gets in, braked or not: the brake is keyed by address, and an
 * address is shared (a proxy without COLLOQUY_TRUST_PROXY, an office, a carrier's NAT), so a
 * lockout would let anyone beside the admin shut them out. Guessing is still refused the
 * answer it wants for as long as the brake lasts, and a token is at least 32 characters.
 * The records live in this process's memory (each instance keeps its own, and a restart
 * forgets them).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimitKey } from '../http/client-address.js';
import { tooManyAttempts, unauthorized } from '../http/errors.js';

export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const FIRST_BLOCK_MS = 60 * 1000;
const MAX_BLOCK_MS = 60 * 60 * 1000;
// Bounds the memory a spray of addresses can take; the oldest records go first.
const MAX_TRACKED = 10_000;
const BEARER = /^Bearer +(\S+) *$/i;

interface Failures {
  count: number;
  last: number;
  blockedUntil: number;
}

export interface AdminGuardOptions {
  /** `null` refuses every request. */
  token: string | null;
  clock: () => number;
  clientAddress: (c: Context) => string | undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function adminGuard({ token, clock, clientAddress }: AdminGuardOptions): MiddlewareHandler {
  // Hashed first, so the comparison takes the same time whatever the length of the guess.
  const expected = token === null ? null : digest(token);
  const failures = new Map<string, Failures>();

  function forget(now: number): void {
    for (const [address, record] of failures) {
      if (failures.size < MAX_TRACKED) return;
      if (record.blockedUntil <= now && now - record.last > FAILURE_WINDOW_MS) failures.delete(address);
    }
    while (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value!);
  }

  return async (c, next) => {
    const offered = BEARER.exec(c.req.header('Authorization') ?? '')?.[1];
    if (offered !== undefined && expected !== null && timingSafeEqual(digest(offered), expected)) return next();

    const now = clock();
    const address = clientAddress(c);
    const key = address === undefined ? '' : rateLimitKey(address);
    let record = failures.get(key);
    if (record && record.blockedUntil <= now && now - record.last > FAILURE_WINDOW_MS) {
      failures.delete(key);
      record = undefined;
    }
    if (record && record.blockedUntil > now) throw tooManyAttempts(Math.ceil((record.blockedUntil - now) / 1000));
    if (!record) {
      forget(now);
      record = { count: 0, last: now, blockedUntil: 0 };
      failures.set(key, record);
    }
    record.count++;
    record.last = now;
    if (record.count >= MAX_FAILURES) {
      record.blockedUntil = now + Math.min(MAX_BLOCK_MS, FIRST_BLOCK_MS * 2 ** (record.count - MAX_FAILURES));
    }
    throw unauthorized();
  };
}
