/**
 * `GET /healthz`: whether this instance can serve, for a load balancer or an orchestrator.
 * One key-only read of the migrations table answers both questions: the database answers, and
 * the migrations it has applied are this code's (none pending, none from a newer version; a
 * keyed data migration waiting for the secret, see migrations.ts, does not count as pending). 200 `{"ok":true}`, else 503 `{"ok":false,"reason":…}`; never cached. It says
 * nothing else (no version, no counts, no error text), so it may be reachable by anyone.
 */
import { Hono } from 'hono';
import type { CommentStore } from '../store/comment-store.js';
import { migrationNames, requiredMigrationNames } from '../store/migrations.js';

/** A database that has not answered in this long counts as unreachable. */
export const HEALTH_TIMEOUT_MS = 2000;

export type HealthReason = 'shutting_down' | 'database_unreachable' | 'database_timeout' | 'migrations_pending' | 'migrations_unknown';

export interface HealthOptions {
  store: Pick<CommentStore, 'appliedMigrations'>;
  /** Where a failed check is reported (once per change of state); defaults to `console.error`. */
  log?: (message: string) => void;
  /** Answer 503 `shutting_down` from now on (set by a graceful stop, so the balancer stops sending). */
  stopping?: () => boolean;
}

export function healthRoutes({ store, log = (message) => console.error(message), stopping = () => false }: HealthOptions): Hono {
  const router = new Hono();
  const required = requiredMigrationNames();
  const known = new Set(migrationNames());
  let lastReason: string | null = null;

  async function check(): Promise<string | null> {
    if (stopping()) return 'shutting_down';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS);
    });
    let applied: string[] | 'timeout';
    try {
      applied = await Promise.race([store.appliedMigrations(), timeout]);
    } catch (error) {
      return report('database_unreachable', error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
    if (applied === 'timeout') return report('database_timeout', `no answer within ${HEALTH_TIMEOUT_MS} ms`);
    const have = new Set(applied);
    const pending = required.filter((name) => !have.has(name));
    if (pending.length > 0) return report('migrations_pending', `not applied: ${pending.join(', ')}`);
    const unknown = applied.filter((name) => !known.has(name));
    if (unknown.length > 0) return report('migrations_unknown', `applied by a newer version: ${unknown.join(', ')}`);
    lastReason = null;
    return null;
  }

  function report(reason: HealthReason, detail: string): HealthReason {
    if (lastReason !== reason) log(`[colloquy] /healthz: ${reason} (${detail}).`);
    lastReason = reason;
    return reason;
  }

  router.on(['GET', 'HEAD'], '/healthz', async (c) => {
    const reason = await check();
    c.header('Cache-Control', 'no-store');
    return reason === null ? c.json({ ok: true }, 200) : c.json({ ok: false, reason }, 503);
  });
  return router;
}
