/**
 * A moderator's changes through the admin API: status, and the name, website or text. All
 * the changes of one request run in one transaction holding the locks of all its comments
 * (which an author's edit or deletion and a reply to one take too), and every one moves its
 * thread's count and version, so public pages show it at once.
 */
import type { AdminChange } from '../http/admin-input.js';
import type { Akismet } from '../integrations/akismet.js';
import { invalidRequest } from '../http/errors.js';
import { announce, type EventListener } from '../outbox/events.js';
import type { CommentStore, StoredComment } from '../store/comment-store.js';

export interface Moderated {
  changed: { before: StoredComment; after: StoredComment }[];
  notFound: number[];
}

/** `listeners` are told, in the same transaction, of each comment the change approved. */
export function moderate(store: CommentStore, ids: number[], change: AdminChange, now: number, listeners: readonly EventListener[] = []): Promise<Moderated> {
  return store.write(async (tx) => {
    const changed: Moderated['changed'] = [];
    const notFound: number[] = [];
    // Every lock first, in one ordered step, before any write: a change that wrote its thread's
    // count and then waited for the next comment's lock could wait on an author who, holding that
    // lock, waits for the count.
    await tx.lockKeys(ids.map((id) => `comment:${id}`));
    for (const id of [...ids].sort((a, b) => a - b)) {
      const before = await tx.findById(id);
      if (!before) {
        notFound.push(id);
        continue;
      }
      let after = before;
      const fields = change.fields && differing(before, change.fields);
      if (fields) {
        if (before.authorDeletion !== null) throw invalidRequest('Its author deleted this comment; there is no text left to edit.');
        after = await tx.updateFields(after, fields, now);
      }
      if (change.status) after = (await tx.setStatus(id, change.status, now)) ?? after;
      if (after.status === 'approved' && before.status !== 'approved') {
        await announce(listeners, tx, { type: 'approved', comment: after, previousStatus: before.status });
      }
      changed.push({ before, after });
    }
    return { changed, notFound };
  });
}

/** The fields that would change, or `undefined` when none would. */
function differing(comment: StoredComment, fields: NonNullable<AdminChange['fields']>): AdminChange['fields'] {
  const out: NonNullable<AdminChange['fields']> = {};
  if (fields.name !== undefined && fields.name !== comment.name) out.name = fields.name;
  if (fields.url !== undefined && fields.url !== comment.url) out.url = fields.url;
  if (fields.body !== undefined && fields.body !== comment.body) out.body = fields.body;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Tells Akismet about a moderator's correction, as its plugin for WordPress does: a comment
 * marked as spam is reported as spam, and one taken out of spam (approved, or back to
 * pending) as ham, each with the data Akismet was sent when the comment arrived. Comments
 * Akismet never saw (posted while it was off, imported, or checked too long ago) are not
 * reported. Never throws: the moderator's change has been made whatever happens here.
 */
export async function reportCorrections(
  store: CommentStore,
  akismet: Akismet,
  changed: Moderated['changed'],
  log: (message: string) => void,
): Promise<void> {
  for (const { before, after } of changed) {
    const kind =
      after.status === 'spam' && before.status !== 'spam'
        ? 'spam'
        : before.status === 'spam' && (after.status === 'approved' || after.status === 'pending')
          ? 'ham'
          : undefined;
    if (!kind) continue;
    try {
      const check = await store.findSpamCheck(after.id);
      if (check) akismet.report(kind, check.params, after.id);
      else log(`[colloquy] Comment ${after.id} is not reported to Akismet as ${kind}: Akismet was not asked about it when it arrived, or too long ago.`);
    } catch (error) {
      log(`[colloquy] Could not report comment ${after.id} to Akismet: ${(error as Error).message}`);
    }
  }
}
