/**
 * Comments written as the site (the admin API's `POST /api/admin/comments`): published at once
 * with `role: 'host'` under the host's name, with no email and the site's address as website.
 * They go through a comment's usual side effects (the thread's version, the reply notification
 * to the parent's subscriber, the webhook) but not through the spam rules, flood control or a
 * thread's closing: the host may answer in a closed thread. A public post never gets a role.
 */
import { MAX_HOST_NAME } from '../../api/admin-contract.js';
import { MAX_REPLY_DEPTH } from '../../api/contract.js';
import { charLength, hasUnstorableChars } from '../../api/validate.js';
import { invalidRequest, parentNotFound, replyTooDeep } from '../http/errors.js';
import { announce, type EventListener } from '../outbox/events.js';
import type { CommentStore, StoredComment } from '../store/comment-store.js';

/** The settings key the admin page's host name is stored under. */
const HOST_NAME_KEY = 'hostName';

/** The name host comments are written under: the admin page's, once set, else `COLLOQUY_HOST_NAME`'s. */
export async function hostName(store: CommentStore, fallback: string): Promise<string> {
  return (await store.setting(HOST_NAME_KEY)) ?? fallback;
}

/** A host name as typed: trimmed, 1–80 characters on one line; anything else is a 400. */
export function checkHostName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : undefined;
  if (name === undefined) throw invalidRequest('hostName must be a string.', { name: 'invalid' });
  if (name === '') throw invalidRequest('Please fill in the host name.', { name: 'required' });
  if (charLength(name) > MAX_HOST_NAME) throw invalidRequest(`The host name can be at most ${MAX_HOST_NAME} characters long.`, { name: 'too_long' });
  if (hasUnstorableChars(name) || /[\u0000-\u001f\u007f]/.test(name)) throw invalidRequest('The host name must be one line of text.', { name: 'invalid' });
  return name;
}

export async function saveHostName(store: CommentStore, name: string): Promise<void> {
  await store.saveSetting(HOST_NAME_KEY, name);
}

export interface HostPost {
  thread: string;
  parentId: number | null;
  body: string;
}

/** Stores a comment written as the site, published at once, and tells the listeners in its transaction. */
export async function postAsHost(
  store: CommentStore,
  post: HostPost,
  as: { name: string; url: string | null },
  now: number,
  listeners: readonly EventListener[],
): Promise<StoredComment> {
  return store.write(async (tx) => {
    let parent: StoredComment | null = null;
    if (post.parentId !== null) {
      // Keeps the parent's author from deleting it between this check and the insert.
      await tx.lockKeys([`comment:${post.parentId}`]);
      parent = (await tx.findById(post.parentId)) ?? null;
      if (!parent || parent.thread !== post.thread || parent.status !== 'approved') throw parentNotFound();
      if (parent.depth >= MAX_REPLY_DEPTH) throw replyTooDeep(MAX_REPLY_DEPTH);
    }
    const comment = await tx.insert({
      thread: post.thread,
      parentId: post.parentId,
      rootId: parent ? (parent.rootId ?? parent.id) : null,
      name: as.name,
      // No one's address: the host gets no notifications and no one can post under it.
      email: '',
      url: as.url,
      body: post.body,
      status: 'approved',
      ipHash: null,
      idempotencyKey: null,
      createdAt: parent ? Math.max(now, parent.createdAt) : now,
      updatedAt: now,
      holdReason: null,
      role: 'host',
    });
    await announce(listeners, tx, { type: 'created', comment, previousStatus: null, notify: false });
    return comment;
  });
}
