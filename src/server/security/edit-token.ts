/**
 * Edit tokens: what lets a comment's author edit or delete it for EDIT_WINDOW_SECONDS.
 * A token is the comment's id and the end of its window, signed with an HMAC under the
 * server's secret, so the server keeps no session: 40 base64url characters,
 *
 *   id (8 bytes) · end of the window in ms (6 bytes) · HMAC-SHA256 of those, first 16 bytes.
 *
 * The same comment always gets the same token, so a retried post hands out the same one.
 *
 * A decoy is what a post is answered with when its author may not edit it (spam, a discarded
 * post, a retry after the window): the same bytes but for an HMAC under another purpose, so it
 * names the comment and its window like a real token, and {@link EditTokens.verify} refuses it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EDIT_WINDOW_SECONDS } from '../../api/contract.js';

const PAYLOAD_BYTES = 14;
const MAX_FIELD_TIME = 2 ** 48 - 1;

/**
 * A window's end as its 6 bytes hold it. Any stored time must give a token, never an exception
 * (an old database may hold an import dated before 1970): one outside what 6 bytes hold (before
 * 1970, after the year 10889) is pinned to the nearest end. `verify` still compares the real
 * time with the clock, so a window that ended before 1970 opens nothing.
 */
const fieldTime = (ms: number) => (Number.isFinite(ms) ? Math.min(Math.max(Math.trunc(ms), 0), MAX_FIELD_TIME) : 0);
const MAC_BYTES = 16;
const TOKEN = /^[A-Za-z0-9_-]{40}$/;
const BEARER = /^Bearer +([^ ]+) *$/i;

export interface EditGrant {
  token: string;
  /** Milliseconds since the epoch: the token works until just before this moment. */
  expiresAt: number;
}

export interface EditTokens {
  issue(comment: { id: number; createdAt: number }): EditGrant;
  /** A token shaped like {@link issue}'s for the same comment, the same each time, that opens nothing. */
  decoy(comment: { id: number; createdAt: number }): EditGrant;
  /**
   * Whether `authorization` (the request's header) carries a token for `comment` that is
   * still valid at `now`. Any malformed, foreign, tampered or expired token is simply false.
   */
  verify(authorization: string | undefined, comment: { id: number; createdAt: number }, now: number): boolean;
}

export function editTokens(secret: string): EditTokens {
  const macFor = (purpose: string) => (payload: Buffer) => createHmac('sha256', secret).update(purpose).update(payload).digest().subarray(0, MAC_BYTES);
  const mac = macFor('edit-token:');
  const decoyMac = macFor('edit-token-decoy:');
  const payloadFor = (id: number, expiresAt: number) => {
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeBigUInt64BE(Number.isSafeInteger(id) && id >= 0 ? BigInt(id) : 0n, 0);
    payload.writeUIntBE(fieldTime(expiresAt), 8, 6);
    return payload;
  };
  const windowEnd = (createdAt: number) => createdAt + EDIT_WINDOW_SECONDS * 1000;

  return {
    issue({ id, createdAt }) {
      const expiresAt = windowEnd(createdAt);
      const payload = payloadFor(id, expiresAt);
      return { token: Buffer.concat([payload, mac(payload)]).toString('base64url'), expiresAt };
    },
    decoy({ id, createdAt }) {
      const expiresAt = windowEnd(createdAt);
      const payload = payloadFor(id, expiresAt);
      return { token: Buffer.concat([payload, decoyMac(payload)]).toString('base64url'), expiresAt };
    },
    verify(authorization, comment, now) {
      const token = BEARER.exec(authorization ?? '')?.[1];
      if (!token || !TOKEN.test(token)) return false;
      const bytes = Buffer.from(token, 'base64url');
      const payload = bytes.subarray(0, PAYLOAD_BYTES);
      if (!timingSafeEqual(bytes.subarray(PAYLOAD_BYTES), mac(payload))) return false;
      const expiresAt = windowEnd(comment.createdAt);
      // Bound to the comment's creation too, so a token cannot outlive a database that reuses ids.
      return payload.equals(payloadFor(comment.id, expiresAt)) && now < expiresAt;
    },
  };
}
