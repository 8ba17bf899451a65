/**
 * An author's edit or deletion of their own comment, within the edit window their
 * token grants. Each runs in one transaction holding the comment's lock, which a reply
 * to it and a moderator's decision on it also take, so none of them acts on a stale read.
 *
 * An edit is screened as a post is: the word lists and the link limit (spam-rules.ts), then
 * Akismet when it is on, asked before the transaction starts, so no transaction (nor, with
 * SQLite, every other writer) waits on it. A hit sends a published comment back to the
 * queue (or to spam) with the reason, exactly as if it had been posted with that text.
 */
import type { Akismet, CommentFacts } from '../integrations/akismet.js';
import type { EditTokens } from '../security/edit-token.js';
import { commentNotFound, forbidden } from '../http/errors.js';
import { parseId } from '../http/ids.js';
import { announce, type EventListener } from '../outbox/events.js';
import { screenText, type SpamRules, type Verdict } from '../spam/spam-rules.js';
import type { CommentStore, SpamCheck, StoredComment } from '../store/comment-store.js';

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
  // An id handed out with nothing stored under it (a discarded post) answers as an expired
  // token does, so the post cannot be told apart from a held one here either.
  if (!comment) throw id !== undefined && (await store.idIssued(id)) ? forbidden() : commentNotFound();
  if (!tokens.verify(authorization, comment, now)) throw forbidden();
  return comment;
}

/** What screens an edit: the local rules, and Akismet with what it is told about the editor, when it is on. */
export interface EditScreening {
  rules: SpamRules;
  akismet: { client: Akismet; facts: Omit<CommentFacts, 'createdAt' | 'name' | 'email' | 'url' | 'body' | 'recheckReason'> } | null;
}

const UNSCREENED: EditScreening = { rules: { minFormSeconds: 0, maxLinks: null, moderationWords: [], blockedWords: [] }, akismet: null };

/**
 * Replaces the body of `comment` (as read when the edit was authorized). A deleted comment
 * cannot be edited. A new text is screened; when a rule objects, a published or held comment
 * is held (or called spam) with that rule's reason, and spam stays spam whatever the text.
 */
export async function editComment(
  store: CommentStore,
  comment: StoredComment,
  body: string,
  clock: () => number,
  screening: EditScreening = UNSCREENED,
  /** Told of the edit inside its transaction. */
  listeners: readonly EventListener[] = [],
): Promise<StoredComment> {
  const { id } = comment;
  let verdict: Verdict = null;
  let spamCheck: Omit<SpamCheck, 'commentId'> | null = null;
  // The author's fields as stored: an edit changes the text, but the words may be in the name.
  const textOf = (c: StoredComment) => ({ name: c.name, email: c.email, url: c.url, body });
  const screened = comment.status !== 'deleted' && comment.body !== body;
  if (screened) {
    const text = textOf(comment);
    verdict = screenText(text, screening.rules);
    if (screening.akismet && verdict?.status !== 'spam') {
      const { client, facts } = screening.akismet;
      const params = client.params({ ...facts, ...text, createdAt: comment.createdAt, recheckReason: 'edit' });
      const answer = await client.check(params);
      // An edit cannot be discarded as a post is: the comment exists. It goes to spam instead.
      spamCheck = { verdict: answer === 'discard' ? 'spam' : answer, params, checkedAt: clock() };
      if (answer === 'spam' || answer === 'discard') verdict = { status: 'spam', reason: 'akismet' };
      else if (answer === 'unknown' && verdict === null) verdict = { status: 'pending', reason: 'akismet_unavailable' };
    }
  }

  // Read after any Akismet call, as a post's time is.
  const now = clock();
  return store.write(async (tx) => {
    await tx.lockKeys([`comment:${id}`]);
    const current = await tx.findById(id);
    if (!current) throw commentNotFound();
    if (current.status === 'deleted') throw forbidden();
    if (current.body === body) return current;
    if (!screened) {
      // The text was the stored one when read, and another edit changed it since: this one
      // was never screened. The local rules are quick; Akismet is not asked under the lock,
      // so the comment waits for a person rather than be published unchecked.
      verdict = screenText(textOf(current), screening.rules);
      if (screening.akismet && verdict === null) verdict = { status: 'pending', reason: 'akismet_unavailable' };
    }
    // Decided on the status as it is now: a moderator may have acted while Akismet was asked.
    const held = verdict && current.status !== 'spam' ? verdict : undefined;
    const edited = await tx.updateBody(current, body, now, held);
    if (spamCheck) await tx.saveSpamCheck({ commentId: id, ...spamCheck });
    await announce(listeners, tx, { type: 'edited', comment: edited, previousStatus: current.status });
    return edited;
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
