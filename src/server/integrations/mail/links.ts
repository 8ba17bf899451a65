/**
 * Signed links: the tokens in the confirmation, unsubscribe and "my comments" links of
 * every email. A token is its purpose, its data and when it stops working, signed with an
 * HMAC under a key derived from the server's secret, so the server keeps no session for it:
 *
 *   base64url(JSON {p: purpose, d: data, x: expires-at ms | 0 for never}) "." base64url(HMAC-SHA256, 16 bytes)
 *
 * A token made for one purpose opens nothing of another's. Single use is the caller's: it
 * puts a nonce it stores into `data` and forgets the nonce when the link is used (the
 * confirmation does). Data is readable by whoever holds the link (it is signed, not
 * encrypted), so no caller puts an email address in it: links travel in mailboxes, browser
 * histories and proxies' logs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Longest token accepted: no link of ours comes near it, and nothing longer is parsed. */
export const MAX_TOKEN_CHARS = 1024;
const MAC_BYTES = 16;
const TOKEN = /^[A-Za-z0-9_-]{1,1000}\.[A-Za-z0-9_-]{22}$/;

export interface SignedLinks {
  /** A token for `purpose` carrying `data` (JSON-serialisable), working until `expiresAt` (ms), or for good when `null`. */
  sign(purpose: string, data: unknown, expiresAt: number | null): string;
  /**
   * The data of `token` when it was made here for `purpose` and has not expired at `now`;
   * `undefined` for anything else (malformed, foreign, tampered with, another purpose's, expired).
   */
  verify(token: unknown, purpose: string, now: number): unknown;
}

export function signedLinks(secret: string): SignedLinks {
  const key = createHmac('sha256', secret).update('mail-links').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
  return {
    sign(purpose, data, expiresAt) {
      const payload = Buffer.from(JSON.stringify({ p: purpose, d: data, x: expiresAt ?? 0 })).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(token, purpose, now) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !TOKEN.test(token)) return undefined;
      const [payload, signature] = token.split('.') as [string, string];
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(payload))) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return undefined;
      }
      if (typeof parsed !== 'object' || parsed === null) return undefined;
      const { p, d, x } = parsed as { p?: unknown; d?: unknown; x?: unknown };
      if (p !== purpose || typeof x !== 'number') return undefined;
      if (x !== 0 && !(now < x)) return undefined;
      return d;
    },
  };
}
