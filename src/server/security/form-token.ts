/**
 * Form tokens: the moment a thread's form was handed out, signed, so a post can tell how
 * long its author took. A person needs more than a few seconds to read and type; a bot
 * that posts at once does not. 32 base64url characters:
 *
 *   issue time in ms (6 bytes) · HMAC-SHA256 of it under the server's secret, first 18 bytes.
 *
 * (24 bytes in all, a multiple of 3, so every character carries signed bits and none can be
 * changed unnoticed.)
 *
 * The token says nothing about who got it: it only dates the form.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TIME_BYTES = 6;
const MAC_BYTES = 18;
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** What a post's token says: absent (an older client), unreadable or altered, or its age. */
export type FormTokenCheck = { kind: 'missing' } | { kind: 'invalid' } | { kind: 'age'; ms: number };

export interface FormTokens {
  issue(now: number): string;
  check(token: unknown, now: number): FormTokenCheck;
}

export function formTokens(secret: string): FormTokens {
  const mac = (time: Buffer) => createHmac('sha256', secret).update('form-token:').update(time).digest().subarray(0, MAC_BYTES);
  return {
    issue(now) {
      const time = Buffer.alloc(TIME_BYTES);
      time.writeUIntBE(now, 0, TIME_BYTES);
      return Buffer.concat([time, mac(time)]).toString('base64url');
    },
    check(token, now) {
      if (token === undefined || token === null || token === '') return { kind: 'missing' };
      if (typeof token !== 'string' || !TOKEN.test(token)) return { kind: 'invalid' };
      const bytes = Buffer.from(token, 'base64url');
      const time = bytes.subarray(0, TIME_BYTES);
      if (!timingSafeEqual(bytes.subarray(TIME_BYTES), mac(time))) return { kind: 'invalid' };
      return { kind: 'age', ms: now - time.readUIntBE(0, TIME_BYTES) };
    },
  };
}

/**
 * Adds `"formToken"` to a serialized list page. Pages are cached and shared, so the token
 * is added to each answer rather than kept in the cached text.
 */
export function withFormToken(pageJson: string, token: string): string {
  return `${pageJson.slice(0, -1)},"formToken":${JSON.stringify(token)}}`;
}
