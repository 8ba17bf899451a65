/**
 * Bans: a moderator bans the email of a comment, the client address it was posted from, or
 * both. The email is stored as a keyed hash of it, the address as the keyed hash of its IPv4
 * address or IPv6 /64 that comments.ip_hash already holds (client-address.ts, rateLimitKey):
 * neither can be read back, so the ban list shows a masked email or which comment's address
 * it is. A new comment under a ban in force goes to spam silently (`spam`: the poster is told
 * it awaits moderation, as a honeypot catch is) or is refused (`refuse`: 403 `banned`).
 */
import type { BanRequest } from '../../api/admin-contract.js';
import { BAN_DAYS } from '../../api/admin-contract.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import type { BanAction, CommentStore, NewBan, StoredComment } from '../store/comment-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An email as the ban list shows it: its first character, then dots, then the domain (`j•••@example.com`). */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : email;
  const first = [...local][0] ?? '';
  return `${first}•••${at > 0 ? email.slice(at) : ''}`;
}

/** The bans a moderator's request makes of one comment: its email's, its address's, or both. `null` when the comment has no such value. */
export function bansFor(comment: StoredComment, request: BanRequest, hashes: KeyedHashes, now: number): NewBan[] | 'no_email' | 'no_address' {
  const bans: NewBan[] = [];
  const expiry = (days: number | null) => (days === null ? null : now + days * DAY_MS);
  const reason = request.reason ?? null;
  if (request.email) {
    if (comment.email === '') return 'no_email';
    bans.push({
      kind: 'email',
      valueHash: hashes.bannedEmail(comment.email),
      action: request.action,
      reason,
      label: maskedEmail(comment.email),
      commentId: comment.id,
      createdAt: now,
      expiresAt: expiry(request.days ?? BAN_DAYS.emailDefault),
    });
  }
  if (request.address) {
    if (comment.ipHash === null) return 'no_address';
    bans.push({
      kind: 'address',
      valueHash: comment.ipHash,
      action: request.action,
      reason,
      label: `address of comment #${comment.id}`,
      commentId: comment.id,
      createdAt: now,
      expiresAt: expiry(request.days ?? BAN_DAYS.addressDefault),
    });
  }
  return bans;
}

/** The ban in force on a poster's email or address at `now` (`refuse` over `spam`), or `null`. */
export function banOn(
  store: Pick<CommentStore, 'activeBan'>,
  hashes: KeyedHashes,
  poster: { email: string; addressHash: string | null },
  now: number,
): Promise<BanAction | null> {
  return store.activeBan({ email: hashes.bannedEmail(poster.email), address: poster.addressHash }, now);
}
