/**
 * Fixed windows of the rate_limits table (aligned to the epoch), keyed by a keyed client-address
 * hash: the brake on 409s and the like limit count in them, so every instance counts together.
 */
import type { RateWindow } from '../store/comment-store.js';

// Requests from no known address share one count: they cannot be told apart.
const UNKNOWN_ADDRESS = 'unknown';

/** The window of `seconds` that `now` falls in, for `kind` and this address. */
export function fixedWindow(kind: string, seconds: number, addressHash: string | null, now: number): RateWindow {
  const length = seconds * 1000;
  return { kind, key: addressHash ?? UNKNOWN_ADDRESS, windowStart: Math.floor(now / length) * length };
}

/** Where windows of `seconds` before `window` end: older ones may be forgotten. */
export function windowsBefore(window: RateWindow, seconds: number): number {
  return window.windowStart - seconds * 1000;
}

/** Whole seconds (at least 1) until `window` of `seconds` ends: a 429's `Retry-After`. */
export function secondsLeft(window: RateWindow, seconds: number, now: number): number {
  return Math.max(1, Math.ceil((window.windowStart + seconds * 1000 - now) / 1000));
}
