/**
 * Closing threads: a moderator closes or reopens one by hand (`thread_stats.closed_state`), and
 * `COLLOQUY_CLOSE_AFTER_DAYS` closes a thread once its first approved comment is older than that
 * (WordPress's `close_comments_days_old`). A manual close wins over everything; a manual reopen
 * wins over age. A closed thread still lists and counts its comments; a post or reply to it is
 * refused (403 `thread_closed`), before any spam rule runs. The host may still answer in it.
 */
import type { AdminThreadState } from '../../api/admin-contract.js';
import { threadClosed } from '../http/errors.js';
import type { CommentStore, ThreadStats } from '../store/comment-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export type ClosedBy = AdminThreadState['closedBy'];

/** Why a thread is closed, from what is stored about it (`firstAt`: its first approved comment, ms). */
export function closedBy(closedState: ThreadStats['closedState'], firstAt: number | null, now: number, closeAfterDays: number | null): ClosedBy {
  if (closedState === 'closed') return 'moderator';
  if (closedState === 'open' || closeAfterDays === null || firstAt === null) return null;
  return now - firstAt > closeAfterDays * DAY_MS ? 'age' : null;
}

/** Whether `thread` is closed now; reads the first comment's time only when age could close it. */
export async function threadClosing(
  store: CommentStore,
  thread: string,
  stats: Pick<ThreadStats, 'closedState'>,
  now: number,
  closeAfterDays: number | null,
): Promise<ClosedBy> {
  if (stats.closedState !== null || closeAfterDays === null) return closedBy(stats.closedState, null, now, closeAfterDays);
  const firstAt = (await store.firstCommentTimes([thread])).get(thread) ?? null;
  return closedBy(null, firstAt, now, closeAfterDays);
}

/** Throws the 403 `thread_closed` when a visitor may not post to `thread` now. */
export async function assertOpen(store: CommentStore, thread: string, now: number, closeAfterDays: number | null): Promise<void> {
  const stats = await store.threadStats(thread);
  if ((await threadClosing(store, thread, stats, now, closeAfterDays)) !== null) throw threadClosed();
}

/** A moderator closes (`true`) or reopens (`false`) a thread; the version moves, so no cached page says otherwise. */
export async function setThreadClosed(
  store: CommentStore,
  thread: string,
  closed: boolean,
  now: number,
  closeAfterDays: number | null,
): Promise<AdminThreadState> {
  await store.write((tx) => tx.setThreadClosed(thread, closed ? 'closed' : 'open'));
  const by = await threadClosing(store, thread, { closedState: closed ? 'closed' : 'open' }, now, closeAfterDays);
  return { thread, closed: by !== null, closedBy: by };
}
