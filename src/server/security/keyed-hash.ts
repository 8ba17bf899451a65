/**
 * Keyed hashes under the server's secret: the public avatar seed of an email, and the
 * stored stand-in for a client's address. Without the secret neither can be reversed
 * by trying likely emails or the whole IPv4 space.
 */
import { createHmac } from 'node:crypto';

export interface KeyedHashes {
  /** Stable per email (case and surrounding spaces ignored); 32 hex characters. */
  avatar(email: string): string;
  /**
   * The seed an unpublished comment (held, spam, discarded) is answered with: stable per
   * comment, shaped like {@link avatar}'s, and no email's, so a post cannot learn an email's seed.
   */
  unlistedAvatar(commentId: number): string;
  /** The value stored for a client address, used only to slow down floods. */
  address(address: string): string;
  /**
   * What a like stores for the visitor key that gave it: per comment, so one visitor's likes of
   * two comments share nothing that links them, and without the secret no key can be tried.
   */
  likeVisitor(commentId: number, visitorKey: string): string;
  /** What a ban of an email stores (case and surrounding spaces ignored): never the email. */
  bannedEmail(email: string): string;
  /**
   * A stable `urn:uuid:` naming `text` for `purpose` on this server (a feed's or an entry's
   * Atom id). Keyed, so two servers' comment 42 never share an id.
   */
  urn(purpose: string, text: string): string;
}

// Avatars are drawn for every listed comment; the same few authors fill a page.
const AVATAR_CACHE_SIZE = 10_000;

export function keyedHashes(secret: string): KeyedHashes {
  const hmac = (purpose: string, text: string) => createHmac('sha256', secret).update(`${purpose}:${text}`);
  const avatars = new Map<string, string>();
  return {
    avatar(email) {
      const normalized = email.trim().toLowerCase();
      let avatar = avatars.get(normalized);
      if (avatar === undefined) {
        avatar = hmac('avatar', normalized).digest('hex').slice(0, 32);
        if (avatars.size >= AVATAR_CACHE_SIZE) avatars.clear();
        avatars.set(normalized, avatar);
      }
      return avatar;
    },
    unlistedAvatar(commentId) {
      return hmac('unlisted-avatar', String(commentId)).digest('hex').slice(0, 32);
    },
    address(address) {
      return hmac('address', address).digest('base64url').slice(0, 22);
    },
    likeVisitor(commentId, visitorKey) {
      return hmac('like-visitor', `${commentId}:${visitorKey}`).digest('base64url').slice(0, 22);
    },
    bannedEmail(email) {
      return hmac('ban-email', email.trim().toLowerCase()).digest('base64url').slice(0, 22);
    },
    urn(purpose, text) {
      const bytes = hmac(`urn:${purpose}`, text).digest().subarray(0, 16);
      // RFC 9562: version 8 (custom) and the variant bits, so it is a well-formed UUID.
      bytes[6] = (bytes[6]! & 0x0f) | 0x80;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
