/**
 * Stored times as the contract's ISO 8601 strings. `Date#toISOString` throws outside
 * ±8.64e15 ms (and on NaN); a hand-edited or foreign database may hold such a value, and
 * no stored data may turn an answer into a 5xx, so the time is pinned into range instead.
 */
const LATEST = 8.64e15;

export function isoTime(ms: number): string {
  const pinned = Number.isNaN(ms) ? 0 : Math.min(LATEST, Math.max(-LATEST, ms));
  return new Date(pinned).toISOString();
}
