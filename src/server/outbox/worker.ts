/**
 * The outbox worker: sends the messages changes wrote to the `outbox` table (webhook deliveries,
 * emails), with retries, in the server process.
 *
 * - A started worker claims every due message at once, then looks again every `pollMs`.
 * - A claim makes a message `sending` with a lease (OUTBOX_LEASE_MS), renewed while the send
 *   runs. A worker that dies mid-send (kill -9, a crash, a lost machine) stops renewing, and
 *   once the lease lapses any worker takes the message over. On PostgreSQL several instances
 *   claim side by side (`FOR UPDATE SKIP LOCKED`), never the same message at once; on SQLite
 *   there is one writer at a time.
 * - A try that fails is tried again after 30 s, then 4 times longer each time, at most 6 h
 *   apart, 8 tries in all; then the message is `failed`, with its last error, for the admin to
 *   see and retry. A sender throws {@link PermanentFailure} when trying again cannot help.
 * - Each message is sent once, unless a send went out but its end could not be recorded (the
 *   process died between the receiver's answer and the database's update, or the send outlived
 *   OUTBOX_SEND_TIMEOUT_MS): then it is sent again. Webhooks carry a `deliveryId` the same on
 *   every try, so receivers can drop such a repeat.
 */
import { OUTBOX_MAX_ATTEMPTS } from '../../api/admin-contract.js';
import type { CommentStore, OutboxClaim, OutboxOutcome, OutboxRow } from '../store/comment-store.js';

/** Delivers one message's payload; throws to have it tried again, or {@link PermanentFailure} to give up at once. */
export type Sender = (payload: unknown, context: SendContext) => Promise<void>;

export interface SendContext {
  /** The message's id: the same on every try. */
  id: number;
  /** 1 for the first try. */
  attempt: number;
  store: CommentStore;
  /** Aborted when the try has run past OUTBOX_SEND_TIMEOUT_MS. */
  signal: AbortSignal;
}

/** Thrown by a sender when the message can never be delivered (a 4xx, a refused address): it fails at once. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

/** Thrown by a sender that was told when to come back (`Retry-After`): the wait is at least that, at most RETRY_LATER_MAX_MS. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** The retry schedule (docs/server.md, "The outbox"). */
export const OUTBOX_SCHEDULE = {
  /** Tries in all, the first included; after the last fails, the message is `failed`. */
  attempts: OUTBOX_MAX_ATTEMPTS,
  firstRetryMs: 30_000,
  factor: 4,
  maxWaitMs: 6 * 60 * 60 * 1000,
} as const;
/** How long a claim holds without being renewed; renewed every third of it while the send runs. */
export const OUTBOX_LEASE_MS = 60_000;
/** How long one try may take before it counts as failed (and is tried again later). */
export const OUTBOX_SEND_TIMEOUT_MS = 60_000;
/** How often an idle worker looks for due messages. */
export const OUTBOX_POLL_MS = 1000;
/** Messages claimed (and sent side by side) at once. */
export const OUTBOX_BATCH = 10;
/** Sent messages are kept this long for the admin page, then forgotten; failed ones a while longer. */
export const OUTBOX_SENT_RETENTION_DAYS = 7;
export const OUTBOX_FAILED_RETENTION_DAYS = 30;
export const RETRY_LATER_MAX_MS = OUTBOX_SCHEDULE.maxWaitMs;
/** Characters of an error kept as `last_error`. */
const ERROR_CHARS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** The wait after try `attempt` failed: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, then 6 h. */
export function retryWait(attempt: number): number {
  const { firstRetryMs, factor, maxWaitMs } = OUTBOX_SCHEDULE;
  return Math.min(maxWaitMs, firstRetryMs * factor ** Math.max(0, attempt - 1));
}

/** An error as `last_error` keeps it: one line, no email address (an SMTP refusal quotes the recipient), cut. */
export function errorText(error: unknown): string {
  const raw = error instanceof Error ? error.message || error.name : String(error);
  const text = raw
    .replace(/<?[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+>?/g, '<address>')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS - 1)}…` : text || 'unknown error';
}

export interface OutboxWorkerOptions {
  store: CommentStore;
  /** One sender per message kind; the worker claims only kinds it has a sender for. */
  senders: Record<string, Sender>;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  clock?: () => number;
  log?: (message: string) => void;
  /** Defaults to OUTBOX_POLL_MS. */
  pollMs?: number;
  /** Defaults to OUTBOX_LEASE_MS. */
  leaseMs?: number;
  /** Defaults to OUTBOX_SEND_TIMEOUT_MS. */
  sendTimeoutMs?: number;
  /**
   * Closes what the senders hold open (outboxSenders' `close`: the SMTP transport and its pooled
   * connections): called once by `stop()`, after the sends in flight have ended.
   */
  closeSenders?: () => void | Promise<void>;
}

export interface OutboxWorker {
  /** Stops claiming, and resolves once the sends in flight have ended and the senders are closed. */
  stop(): Promise<void>;
  /** Looks for due messages now rather than at the next poll. */
  wake(): void;
  /** One claim-and-send pass now (after any pass running); resolves with how many messages it handled. */
  tick(): Promise<number>;
}

export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, senders, clock = Date.now, pollMs = OUTBOX_POLL_MS, leaseMs = OUTBOX_LEASE_MS, sendTimeoutMs = OUTBOX_SEND_TIMEOUT_MS } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  const kinds = Object.keys(senders);
  const stopping = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  let sleeping: (() => void) | null = null;
  let lastPrune = -Infinity;

  async function deliver(row: OutboxRow): Promise<void> {
    const claim: OutboxClaim = { id: row.id, attempt: row.attempts };
    const sender = senders[row.kind]!;
    const what = `Outbox message ${row.id} (${row.kind})`;
    // Not aborted by stop(): a send under way is let finish, so it is not sent twice.
    const timeout = new AbortController();
    const signal = timeout.signal;
    let timer: NodeJS.Timeout | undefined;
    let outcome: OutboxOutcome;
    try {
      await Promise.race([
        Promise.resolve().then(() => sender(row.payload, { id: row.id, attempt: row.attempts, store, signal })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timeout.abort();
            reject(new Error(`no end within ${Math.round(sendTimeoutMs / 1000)} s`));
          }, sendTimeoutMs);
          timer.unref();
        }),
      ]);
      outcome = { status: 'sent', at: clock() };
    } catch (error) {
      const problem = errorText(error);
      if (error instanceof PermanentFailure || row.attempts >= OUTBOX_SCHEDULE.attempts) {
        outcome = { status: 'failed', error: problem };
        const tries = `${row.attempts} ${row.attempts === 1 ? 'try' : 'tries'}`;
        log(`[colloquy] ${what} failed (${problem}); gave up after ${tries}. It is listed as failed in the admin page, where it can be retried.`);
      } else {
        const asked = error instanceof RetryLater && Number.isFinite(error.afterMs) ? Math.min(Math.max(0, error.afterMs), RETRY_LATER_MAX_MS) : 0;
        const wait = Math.max(retryWait(row.attempts), asked);
        outcome = { status: 'pending', dueAt: clock() + wait, error: problem };
        log(`[colloquy] ${what} failed (${problem}), try ${row.attempts} of ${OUTBOX_SCHEDULE.attempts}; trying again in ${formatWait(wait)}.`);
      }
    } finally {
      clearTimeout(timer);
    }
    try {
      if (!(await store.finishOutbox(claim, outcome))) {
        log(`[colloquy] ${what}: its lease lapsed during the try and another worker took it over; this try's end is not recorded.`);
      }
    } catch (error) {
      // Its lease will lapse, and it will be tried again: at least once, never lost.
      log(`[colloquy] ${what}: could not record the end of try ${row.attempts} (${errorText(error)}); it will be tried again.`);
    }
  }

  async function pass(): Promise<number> {
    if (stopping.signal.aborted || kinds.length === 0) return 0;
    const now = clock();
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      await store.pruneOutbox(now - OUTBOX_SENT_RETENTION_DAYS * DAY_MS, now - OUTBOX_FAILED_RETENTION_DAYS * DAY_MS);
    }
    const rows = await store.claimOutbox(kinds, now, now + leaseMs, OUTBOX_BATCH);
    if (rows.length === 0) return 0;
    const inFlight = new Map<number, OutboxClaim>(rows.map((row) => [row.id, { id: row.id, attempt: row.attempts }]));
    const heartbeat = setInterval(() => {
      store.renewOutboxLeases([...inFlight.values()], clock() + leaseMs).catch((error: unknown) => {
        log(`[colloquy] Could not renew the outbox leases (${errorText(error)}); another worker may take these messages over.`);
      });
    }, Math.max(1, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    try {
      await Promise.all(rows.map((row) => deliver(row).finally(() => inFlight.delete(row.id))));
    } finally {
      clearInterval(heartbeat);
    }
    return rows.length;
  }

  function tick(): Promise<number> {
    const run = chain.then(pass);
    chain = run.catch(() => undefined);
    return run;
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      let handled = 0;
      try {
        handled = await tick();
      } catch (error) {
        log(`[colloquy] The outbox worker could not read the outbox (${errorText(error)}); looking again in ${formatWait(pollMs)}.`);
      }
      // A full batch: more may be due right now.
      if (handled >= OUTBOX_BATCH || stopping.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        timer.unref();
        function done() {
          clearTimeout(timer);
          sleeping = null;
          resolve();
        }
        sleeping = done;
      });
    }
  }

  const running = loop();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        sleeping?.();
        await running;
        await chain;
        try {
          await options.closeSenders?.();
        } catch (error) {
          log(`[colloquy] The outbox worker could not close its senders (${errorText(error)}).`);
        }
      })();
      return stopped;
    },
    wake() {
      sleeping?.();
    },
    tick,
  };
}

function formatWait(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 60 * 60 * 1000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`;
}
