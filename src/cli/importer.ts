/**
 * Writes the comments of a WordPress or Disqus export into the store: all in one
 * transaction (a failure leaves the database as it was), parents before their replies,
 * skipping any comment a previous import already brought in.
 */
import { LIMITS } from '../api/contract.js';
import { charLength, hasUnstorableChars, isHttpUrl } from '../api/validate.js';
import { importKey } from '../server/security/import-key.js';
import type { CommentStore } from '../server/store/comment-store.js';
import type { Outcome, ParsedExport, SourceComment } from './source.js';

export interface ImportReport {
  imported: number;
  /** Threads that received at least one comment. */
  threads: number;
  skipped: Outcome[];
  failed: Outcome[];
  /** Replies imported as top-level comments: their parent is neither in the file nor in the database. */
  reparented: Outcome[];
}

export interface ImportOptions {
  /** The server's secret: comments are stored under {@link importKey}s of their source's ids. */
  secret: string;
  /** Do everything, then roll it back: the report says what an import would do. */
  dryRun?: boolean;
  progress?: (done: number, total: number) => void;
}

/** Thrown inside the transaction to undo a dry run; carries its report out. */
export class DryRun extends Error {
  constructor(readonly report: unknown) {
    super('dry run');
  }
}

/** Why a comment cannot be stored as it is, or `undefined`. Websites that are not http(s) are dropped, not refused. */
function problem(comment: SourceComment): string | undefined {
  if (comment.body === '') return 'the comment is empty';
  if (charLength(comment.body) > LIMITS.body) return `the comment is longer than ${LIMITS.body.toLocaleString('en')} characters`;
  if (charLength(comment.name) > LIMITS.name) return `the name is longer than ${LIMITS.name} characters`;
  if (charLength(comment.email) > LIMITS.email) return `the email is longer than ${LIMITS.email} characters`;
  if (charLength(comment.thread) > LIMITS.thread) return `the thread key is longer than ${LIMITS.thread} characters`;
  if ([comment.body, comment.name, comment.email, comment.thread, comment.key].some(hasUnstorableChars)) {
    return 'it holds characters no database keeps (NUL or a lone surrogate)';
  }
  return undefined;
}

/** Parents before their replies, keeping the file's order otherwise. A cycle is cut where it closes. */
function parentsFirst(comments: SourceComment[]): SourceComment[] {
  const byKey = new Map(comments.map((comment) => [comment.key, comment]));
  const placed = new Set<string>();
  const ordered: SourceComment[] = [];
  for (const start of comments) {
    // Walk up to the oldest ancestor not yet placed, then place them downwards; no recursion, so depth is no limit.
    const chain: SourceComment[] = [];
    const onChain = new Set<string>();
    let at: SourceComment | undefined = start;
    while (at && !placed.has(at.key) && !onChain.has(at.key)) {
      chain.push(at);
      onChain.add(at.key);
      at = at.parentKey ? byKey.get(at.parentKey) : undefined;
    }
    for (const comment of chain.reverse()) {
      placed.add(comment.key);
      ordered.push(comment);
    }
  }
  return ordered;
}

export async function importComments(store: CommentStore, parsed: ParsedExport, options: ImportOptions): Promise<ImportReport> {
  // Comments are told apart by their source's ids in here; the store sees only their keyed hashes.
  const keyOf = (source: string) => importKey(options.secret, source);
  const skipped = [...parsed.skipped];
  const failed = [...parsed.failed];
  const reparented: Outcome[] = [];
  const seen = new Set<string>();
  const valid: SourceComment[] = [];
  for (const comment of parsed.comments) {
    const reason = problem(comment);
    if (reason) failed.push({ where: comment.where, reason });
    else if (seen.has(comment.key)) skipped.push({ where: comment.where, reason: 'it appears twice in the file' });
    else {
      seen.add(comment.key);
      valid.push(comment);
    }
  }
  const ordered = parentsFirst(valid);

  const write = () =>
    store.write(async (tx) => {
      const placed = new Map<string, { id: number; rootId: number | null; thread: string; createdAt: number }>();
      const threads = new Set<string>();
      let imported = 0;
      for (const [index, comment] of ordered.entries()) {
        options.progress?.(index, ordered.length);
        const existing = await tx.findByIdempotencyKey(keyOf(comment.key));
        if (existing) {
          skipped.push({ where: comment.where, reason: 'already imported' });
          placed.set(comment.key, existing);
          continue;
        }
        let parent = comment.parentKey === null ? undefined : placed.get(comment.parentKey);
        if (comment.parentKey !== null && !parent) parent = await tx.findByIdempotencyKey(keyOf(comment.parentKey));
        if (comment.parentKey !== null && (!parent || parent.thread !== comment.thread)) {
          reparented.push({ where: comment.where, reason: 'its parent is neither in the file nor in the database' });
          parent = undefined;
        }
        // A reply never lists before its parent, whatever the clocks said.
        const createdAt = parent ? Math.max(comment.createdAt, parent.createdAt) : comment.createdAt;
        const id = await tx.insertImported({
          thread: comment.thread,
          parentId: parent ? parent.id : null,
          rootId: parent ? (parent.rootId ?? parent.id) : null,
          name: comment.name,
          email: comment.email,
          url: comment.url && charLength(comment.url) <= LIMITS.url && isHttpUrl(comment.url) ? comment.url : null,
          body: comment.body,
          status: comment.status,
          ipHash: null,
          idempotencyKey: keyOf(comment.key),
          createdAt,
          updatedAt: createdAt,
          authorDeletion: null,
          holdReason: null,
        });
        placed.set(comment.key, { id, rootId: parent ? (parent.rootId ?? parent.id) : null, thread: comment.thread, createdAt });
        threads.add(comment.thread);
        imported++;
      }
      options.progress?.(ordered.length, ordered.length);
      await tx.recountThreads([...threads]);
      const report: ImportReport = { imported, threads: threads.size, skipped, failed, reparented };
      if (options.dryRun) throw new DryRun(report);
      return report;
    });

  try {
    return await write();
  } catch (error) {
    if (error instanceof DryRun) return error.report as ImportReport;
    throw error;
  }
}
