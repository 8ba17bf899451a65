/**
 * Colloquy's own export: every stored field of every comment, one comment per line, so a
 * backup reads back into an identical database (on either engine) and diffs line by line.
 *
 *   {"format":"colloquy-comments","version":1,"comments":[
 *   {"id":1,"thread":"episode-42",…,"spamCheck":null},
 *   …
 *   ]}
 *
 * Threads' counts are not in it: an import counts them again from the comments.
 */
import { ADMIN_STATUSES, type HoldReason } from '../api/admin-contract.js';
import type { AuthorDeletion, CommentStore, ExportedRow, ImportedComment, SpamVerdict, StoredStatus } from '../server/store/comment-store.js';
import { importKey, isSourceKey } from '../server/security/import-key.js';
import { DryRun } from './importer.js';
import { isStorableTime } from './source.js';

export const BACKUP_FORMAT = 'colloquy-comments';
export const BACKUP_VERSION = 1;
const BATCH = 1000;

/** One comment as a backup holds it; times are ISO 8601 with milliseconds, UTC. */
export interface BackupComment {
  id: number;
  thread: string;
  parentId: number | null;
  rootId: number | null;
  name: string;
  email: string;
  url: string | null;
  body: string;
  status: StoredStatus;
  authorDeletion: AuthorDeletion | null;
  holdReason: HoldReason | null;
  ipHash: string | null;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
  spamCheck: { verdict: SpamVerdict; params: Record<string, string>; checkedAt: string } | null;
  /** `host` for a comment written as the site (the admin API); absent in backups made before host comments (read as null). */
  role: 'host' | null;
  /** When a moderator pinned it; absent in backups made before pins (read as null). */
  pinnedAt: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toBackup(row: ExportedRow): BackupComment {
  // Written field by field, so the order (and with it the file) never depends on the driver.
  return {
    id: row.id,
    thread: row.thread,
    parentId: row.parentId,
    rootId: row.rootId,
    name: row.name,
    email: row.email,
    url: row.url,
    body: row.body,
    status: row.status,
    authorDeletion: row.authorDeletion,
    holdReason: row.holdReason,
    ipHash: row.ipHash,
    idempotencyKey: row.idempotencyKey,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    spamCheck: row.spamCheck && { verdict: row.spamCheck.verdict, params: row.spamCheck.params, checkedAt: iso(row.spamCheck.checkedAt) },
    role: row.role ?? null,
    pinnedAt: row.pinnedAt == null ? null : iso(row.pinnedAt),
  };
}

/**
 * Writes every comment, in id order, a batch at a time. Comments changed while it runs are
 * written as they were when their batch was read.
 */
export async function writeBackup(store: CommentStore, write: (text: string) => Promise<void>, progress?: (done: number) => void): Promise<number> {
  await write(`{"format":${JSON.stringify(BACKUP_FORMAT)},"version":${BACKUP_VERSION},"comments":[`);
  let after = 0;
  let count = 0;
  for (;;) {
    const rows = await store.exportRows(after, BATCH);
    if (rows.length === 0) break;
    await write(rows.map((row, i) => `${count + i === 0 ? '\n' : ',\n'}${JSON.stringify(toBackup(row))}`).join(''));
    count += rows.length;
    after = rows.at(-1)!.id;
    progress?.(count);
  }
  await write('\n]}\n');
  return count;
}

/** A backup that cannot be read, with where: `line 3, column 7` or `comments[12] (id 57)`. */
export class BackupError extends Error {}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const VERDICTS = ['ham', 'spam', 'unknown'];

/** Reads and checks a whole backup; every comment must be exactly as an export writes it. */
export function parseBackup(text: string): (ImportedComment & { id: number })[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1]);
    if (Number.isNaN(position)) throw new BackupError(`it is not valid JSON: ${message}`);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    throw new BackupError(`line ${line}, column ${position - before.lastIndexOf('\n')}: it is not valid JSON (${message})`);
  }
  const top = value as { format?: unknown; version?: unknown; comments?: unknown };
  if (typeof value !== 'object' || value === null || top.format !== BACKUP_FORMAT) {
    throw new BackupError(`it is not a Colloquy export (no "format": "${BACKUP_FORMAT}")`);
  }
  if (top.version !== BACKUP_VERSION) {
    throw new BackupError(`it is version ${String(top.version)} of the export format; this Colloquy reads version ${BACKUP_VERSION}`);
  }
  if (!Array.isArray(top.comments)) throw new BackupError('its "comments" is not a list');
  return top.comments.map((item, index) => readComment(item, index));
}

function readComment(item: unknown, index: number): ImportedComment & { id: number } {
  const at = `comments[${index}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new BackupError(`${at} is not an object`);
  const c = item as Record<string, unknown>;
  const where = typeof c.id === 'number' ? `${at} (id ${c.id})` : at;
  const bad = (field: string, expected: string): never => {
    throw new BackupError(`${where}: ${field} must be ${expected}, not ${JSON.stringify(c[field]) ?? 'missing'}`);
  };
  const id = (field: string, nullable: boolean) => {
    const v = c[field];
    if (v === null && nullable) return null;
    return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : bad(field, `a positive whole number${nullable ? ' or null' : ''}`);
  };
  const text = (field: string, nullable: boolean) => {
    const v = c[field];
    if (v === null && nullable) return null;
    return typeof v === 'string' ? v : bad(field, `a string${nullable ? ' or null' : ''}`);
  };
  const time = (field: string, v: unknown = c[field]) =>
    typeof v === 'string' && ISO_MS.test(v) && isStorableTime(Date.parse(v)) && iso(Date.parse(v)) === v
      ? Date.parse(v)
      : bad(field, 'an ISO 8601 time from 1970 to 9999 such as 2026-03-01T09:00:00.000Z');
  const oneOf = <T extends string>(field: string, values: readonly string[], nullable: boolean): T | null => {
    const v = c[field];
    if (v === null && nullable) return null;
    return typeof v === 'string' && values.includes(v) ? (v as T) : bad(field, `one of ${values.join(', ')}${nullable ? ' or null' : ''}`);
  };

  let spamCheck: ImportedComment['spamCheck'] = null;
  if (c.spamCheck !== null) {
    const check = c.spamCheck as Record<string, unknown> | undefined;
    const params = check?.params as Record<string, unknown> | undefined;
    if (
      typeof check !== 'object' ||
      check === null ||
      !VERDICTS.includes(check.verdict as string) ||
      typeof params !== 'object' ||
      params === null ||
      Object.values(params).some((v) => typeof v !== 'string')
    ) {
      bad('spamCheck', 'null or {"verdict", "params", "checkedAt"}');
    }
    spamCheck = { verdict: check!.verdict as SpamVerdict, params: params as Record<string, string>, checkedAt: time('spamCheck.checkedAt', check!.checkedAt) };
  }
  return {
    id: id('id', false)!,
    thread: text('thread', false)!,
    parentId: id('parentId', true),
    rootId: id('rootId', true),
    name: text('name', false)!,
    email: text('email', false)!,
    url: text('url', true),
    body: text('body', false)!,
    status: oneOf<StoredStatus>('status', ADMIN_STATUSES, false)!,
    authorDeletion: oneOf<AuthorDeletion>('authorDeletion', ['hidden', 'placeholder'], true),
    holdReason: text('holdReason', true) as HoldReason | null,
    ipHash: text('ipHash', true),
    idempotencyKey: text('idempotencyKey', true),
    createdAt: time('createdAt'),
    updatedAt: time('updatedAt'),
    spamCheck,
    // Added to version 1 with host comments and pins: a backup made before has neither.
    role: c.role === undefined ? null : oneOf<'host'>('role', ['host'], true),
    pinnedAt: c.pinnedAt === undefined || c.pinnedAt === null ? null : time('pinnedAt'),
  };
}

export interface RestoreReport {
  imported: number;
  /** Comments already in the database (the same idempotency key, or the same id, thread and time). */
  skipped: number;
  /** Comments whose id was taken by another comment, stored under a new one. */
  renumbered: number;
}

/**
 * Restores a backup, in one transaction. Into an empty database it is exact: same ids, same
 * everything, so exporting again gives the same file (but for the guessable keys of a backup
 * made before migration 005, stored as an import now stores them). Into one that has
 * comments, those already there are skipped and any whose id is taken get a new one
 * (replies follow).
 */
export async function restoreBackup(
  store: CommentStore,
  comments: (ImportedComment & { id: number })[],
  options: { secret: string; dryRun?: boolean; progress?: (done: number, total: number) => void },
): Promise<RestoreReport> {
  // A backup made before migration 005 holds imported comments under their source's ids: they are
  // stored, and looked for, under the keys an import makes now, so such a file restores once.
  comments = comments.map((comment) =>
    comment.idempotencyKey !== null && isSourceKey(comment.idempotencyKey) ? { ...comment, idempotencyKey: importKey(options.secret, comment.idempotencyKey) } : comment,
  );
  const inFile = new Map(comments.map((comment, index) => [comment.id, index]));
  for (const [index, comment] of comments.entries()) {
    if (inFile.get(comment.id) !== index) throw new BackupError(`comments[${index}] (id ${comment.id}): the id appears twice in the file`);
    for (const field of ['parentId', 'rootId'] as const) {
      const ref = comment[field];
      if (ref !== null && !inFile.has(ref)) throw new BackupError(`comments[${index}] (id ${comment.id}): its ${field} ${ref} is not in the file`);
    }
  }
  // Ids grow with time, so id order puts parents first; a parent with a larger id (a hand-made file) is waited for.
  const ordered = [...comments].sort((a, b) => a.id - b.id);

  const write = () =>
    store.write(async (tx) => {
      const ids = new Map<number, number>();
      const threads = new Set<string>();
      const report: RestoreReport = { imported: 0, skipped: 0, renumbered: 0 };
      let queue = ordered;
      let done = 0;
      while (queue.length > 0) {
        const waiting: typeof ordered = [];
        for (const comment of queue) {
          const waits = (ref: number | null) => ref !== null && !ids.has(ref);
          if (waits(comment.parentId) || waits(comment.rootId)) {
            waiting.push(comment);
            continue;
          }
          options.progress?.(done++, ordered.length);
          const existing = comment.idempotencyKey === null ? await tx.findById(comment.id) : await tx.findByIdempotencyKey(comment.idempotencyKey);
          const same = existing && (comment.idempotencyKey !== null || (existing.thread === comment.thread && existing.createdAt === comment.createdAt));
          if (existing && same) {
            ids.set(comment.id, existing.id);
            report.skipped++;
            continue;
          }
          const keep = !(await tx.idTaken(comment.id));
          const id = await tx.insertImported({
            ...comment,
            id: keep ? comment.id : undefined,
            parentId: comment.parentId === null ? null : ids.get(comment.parentId)!,
            rootId: comment.rootId === null ? null : ids.get(comment.rootId)!,
          });
          ids.set(comment.id, id);
          threads.add(comment.thread);
          report.imported++;
          if (!keep) report.renumbered++;
        }
        if (waiting.length === queue.length) {
          throw new BackupError(`comment ${waiting[0]!.id} and ${waiting.length - 1} more wait on parents that wait on them`);
        }
        queue = waiting;
      }
      options.progress?.(ordered.length, ordered.length);
      await tx.recountThreads([...threads]);
      await tx.syncIds();
      if (options.dryRun) throw new DryRun(report);
      return report;
    });

  try {
    return await write();
  } catch (error) {
    if (error instanceof DryRun) return error.report as RestoreReport;
    throw error;
  }
}
