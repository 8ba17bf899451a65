/** `/comments/{id}/like`: a visitor likes an approved comment, or no longer does (docs/api.md, "Likes"). */
import { Hono, type Context } from 'hono';
import { VISITOR_KEY, type LikeAnswer } from '../../api/contract.js';
import { setLike } from '../domain/likes.js';
import { rateLimitKey } from '../http/client-address.js';
import { invalidRequest, likesOff, notFound } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { isObject } from '../http/input.js';
import { sendJson } from '../http/json.js';
import { parseJson, readBody, requireJson } from '../http/request-body.js';
import type { KeyedHashes } from '../security/keyed-hash.js';
import type { CommentStore } from '../store/comment-store.js';

/** `{"visitor": <64 characters>, "liked": false}` with room for spaces; anything longer is no like. */
export const MAX_LIKE_BODY_BYTES = 1024;

export interface LikeRoutesOptions {
  store: CommentStore;
  hashes: KeyedHashes;
  /** COLLOQUY_LIKES: `false` answers every like with 403 `likes_off`. */
  enabled: boolean;
  clock: () => number;
  /** The client's address as far as the configuration trusts proxies. */
  clientAddress: (c: Context) => string | undefined;
}

export function likeRoutes({ store, hashes, enabled, clock, clientAddress }: LikeRoutesOptions): Hono {
  const router = new Hono();

  router.post('/:id/like', requireJson, async (c) => {
    if (!enabled) throw likesOff();
    const input = parseJson(await readBody(c, MAX_LIKE_BODY_BYTES));
    const commentId = parseId(c.req.param('id'));
    if (!isObject(input) || typeof input.visitor !== 'string' || !VISITOR_KEY.test(input.visitor) || typeof input.liked !== 'boolean') {
      throw invalidRequest('Send {"visitor": "<16 to 64 letters, digits, _ or ->", "liked": true or false}.');
    }
    if (commentId === undefined) throw notFound('There is no such published comment.');
    const address = clientAddress(c);
    const result = await setLike(
      store,
      hashes,
      { commentId, visitorKey: input.visitor, liked: input.liked },
      // Keyed by the IPv6 /64, as flood control is: one subscriber holds a whole /64.
      { enabled, addressHash: address ? hashes.address(rateLimitKey(address)) : null, now: clock() },
    );
    const body: LikeAnswer = { likes: result.likes, liked: result.liked };
    return sendJson(c, body);
  });

  return router;
}
