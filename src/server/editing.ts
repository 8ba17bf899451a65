/**
 * An author's edit or deletion of their own comment, within the edit window their
 * token grants. Each runs in one transaction holding the comment's lock, which a reply
 * to it and a moderator's decision on it also take, so none of them acts on a stale read.
 */
import type { EditTokens } from './edit-token.js';
import { commentNotFound, forbidden } from './errors.js';
import { parseId } from './ids.js';
import type { CommentStore, StoredComment } from './store/comment-store.js';

/** The comment `idText` names, if `authorization` holds a live edit token for it. */
export async function authorizeEdit(
  store: CommentStore,
  tokens: EditTokens,
  idText: string,
  authorization: string | undefined,
  now: number,
): Promise<StoredComment> {
  const id = parseId(idText);
  const comment = id === undefined ? undefined : await store.findById(id);
  if (!comment) throw commentNotFound();
  if (!tokens.verify(authorization, comment, now)) throw forbidden();
  return comment;
}

/** Replaces the body. A deleted comment cannot be edited; a held one can, and stays held. */
export function editComment(store: CommentStore, id: number, body: string, now: number): Promise<StoredComment> {
  return store.write(async (tx) => {
    await tx.lockKeys([`comment:${id}`]);
    const current = await tx.findById(id);
    if (!current) throw commentNotFound();
    if (current.status === 'deleted') throw forbidden();
    return current.body === body ? current : tx.updateBody(current, body, now);
  });
}

/** Deletes the comment; deleting it again (a retry, a second tab) changes nothing and succeeds. */
export function deleteComment(store: CommentStore, id: number, now: number): Promise<void> {
  return store.write(async (tx) => {
    await tx.lockKeys([`comment:${id}`]);
    const current = await tx.findById(id);
    if (!current) throw commentNotFound();
    if (current.authorDeletion === null) await tx.deleteByAuthor(current, now);
  });
}
