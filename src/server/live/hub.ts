/**
 * Live updates: the readers connected to this instance's `GET /api/comments/stream`, by thread,
 * and what they are told. A commit that a reader would see (kysely-store.ts writes it to
 * live_events under the thread's new version) is announced by the store (`watchLive`: in process
 * on SQLite, LISTEN/NOTIFY on PostgreSQL, so a write through any instance reaches every reader);
 * the hub then reads the thread's events after the last it sent, once for all its readers of that
 * thread, and writes each to them as Server-Sent Events. Nothing runs while nobody is connected.
 */
import type { Comment } from '../../api/contract.js';
import { LIVE_RETENTION_MS, type CommentStore, type ListedComment, type LiveEvent, type LiveWatch } from '../store/comment-store.js';
import { sseComment, sseEvent } from './sse.js';

/** Streams one client address may hold open on one instance. */
export const LIVE_PER_ADDRESS = 8;
/** A comment line this often keeps proxies from closing an idle stream. */
export const HEARTBEAT_MS = 25_000;
/** The `retry:` hint: how long EventSource waits before reconnecting. */
export const RETRY_HINT_MS = 5_000;
/** Most events a reconnecting reader is sent to catch up; past that it is told to reload (`reset`). */
export const CATCH_UP_MAX = 200;
/**
 * A `Last-Event-ID` older than this asks for a reload (`reset`): its events may be forgotten
 * (they are kept {@link LIVE_RETENTION_MS}; the hour between covers instances' clocks disagreeing).
 */
export const CATCH_UP_WINDOW_MS = LIVE_RETENTION_MS - 60 * 60 * 1000;
/** A reader this far behind (bytes queued and not read) is disconnected; it reconnects and catches up. */
const MAX_QUEUED_BYTES = 1024 * 1024;
const EVENTS_PER_READ = 100;

export interface LiveHubOptions {
  store: CommentStore;
  /** The contract's Comment, exactly as lists carry it. */
  render: (comment: ListedComment) => Comment;
  /** COLLOQUY_LIVE_MAX. */
  max: number;
  perAddress?: number;
  log?: (message: string) => void;
}

/** Why a stream was refused: over the per-address or the instance's limit, or the hub is closed. */
export class LiveRefused extends Error {
  constructor(readonly reason: 'address' | 'instance' | 'closed') {
    super(`live stream refused (${reason})`);
  }
}

interface Reader {
  thread: string;
  address: string;
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** The last version it was sent (or told it needs nothing before). */
  version: number;
  /** Set once its first events (catch-up, or none) are sent: from then on it gets the thread's. */
  ready: boolean;
  ended: boolean;
}

interface ThreadState {
  readers: Set<Reader>;
  /** The last version read for this thread's readers. */
  version: number;
  /** This thread's reads and sends, one after the other, so events go out in version order. */
  chain: Promise<void>;
  /** A refresh is waiting in the chain already: another notification needs no second one. */
  queued: boolean;
}

const encoder = new TextEncoder();

export class LiveHub {
  private readonly threads = new Map<string, ThreadState>();
  private readonly perAddress = new Map<string, number>();
  private total = 0;
  private watch: Promise<LiveWatch> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly log: (message: string) => void;

  constructor(private readonly options: LiveHubOptions) {
    this.log = options.log ?? ((message) => console.error(message));
  }

  /** Streams open on this instance. */
  get size(): number {
    return this.total;
  }

  /**
   * A new reader of `thread` from `address` (a rate-limit key: the IPv4 address or IPv6 /64).
   * Throws {@link LiveRefused} over a limit. `lastEventId` is EventSource's `Last-Event-ID`.
   */
  open(thread: string, address: string, lastEventId: string | undefined): ReadableStream<Uint8Array> {
    if (this.closed) throw new LiveRefused('closed');
    if ((this.perAddress.get(address) ?? 0) >= (this.options.perAddress ?? LIVE_PER_ADDRESS)) throw new LiveRefused('address');
    if (this.total >= this.options.max) throw new LiveRefused('instance');
    let reader!: Reader;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          reader = { thread, address, controller, version: 0, ready: false, ended: false };
          this.add(reader);
          // At once, so the response starts (and a proxy sees bytes) before the database answers.
          this.send(reader, `: colloquy live updates\nretry: ${RETRY_HINT_MS}\n\n`);
          this.enqueue(thread, () => this.start(reader, lastEventId));
        },
        cancel: () => this.remove(reader),
      },
      { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
    );
  }

  /** Ends every stream and stops listening; streams asked for afterwards are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.threads.values()) for (const reader of [...state.readers]) this.end(reader);
    const watch = this.watch;
    this.watch = null;
    await (await watch?.catch(() => null))?.close();
  }

  private add(reader: Reader): void {
    this.total++;
    this.perAddress.set(reader.address, (this.perAddress.get(reader.address) ?? 0) + 1);
    let state = this.threads.get(reader.thread);
    if (!state) {
      state = { readers: new Set(), version: -1, chain: Promise.resolve(), queued: false };
      this.threads.set(reader.thread, state);
    }
    state.readers.add(reader);
    this.watch ??= this.options.store.watchLive({
      changed: (changed) => this.refresh(changed),
      missed: () => {
        for (const changed of this.threads.keys()) this.refresh(changed);
      },
    });
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const state of this.threads.values()) for (const each of state.readers) this.send(each, ': ping\n\n');
      }, HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  private remove(reader: Reader): void {
    if (reader.ended) return;
    reader.ended = true;
    this.total--;
    const left = (this.perAddress.get(reader.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(reader.address, left);
    else this.perAddress.delete(reader.address);
    const state = this.threads.get(reader.thread);
    state?.readers.delete(reader);
    if (state && state.readers.size === 0) this.threads.delete(reader.thread);
    if (this.total === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  private end(reader: Reader): void {
    if (reader.ended) return;
    this.remove(reader);
    try {
      reader.controller.close();
    } catch {
      // Already closed or errored by the client going away.
    }
  }

  private send(reader: Reader, text: string): void {
    if (reader.ended) return;
    try {
      reader.controller.enqueue(encoder.encode(text));
    } catch {
      this.remove(reader);
      return;
    }
    const room = reader.controller.desiredSize;
    if (room !== null && room < -MAX_QUEUED_BYTES) this.end(reader);
  }

  /** Runs `work` in the thread's chain; a failure is logged and the chain goes on. */
  private enqueue(thread: string, work: () => Promise<void>): void {
    const state = this.threads.get(thread);
    if (!state) return;
    state.chain = state.chain.then(work).catch((error: unknown) => {
      this.log(`[colloquy] Live updates of a thread failed: ${(error as Error).stack ?? String(error)}`);
    });
  }

  /** A reader's first events: nothing (a cursor to come back with), its catch-up, or `reset`. */
  private async start(reader: Reader, lastEventId: string | undefined): Promise<void> {
    if (reader.ended) return;
    await this.watch;
    // Read after listening began: a change committed from here on is announced, one before is in this read.
    const { version: current } = await this.options.store.threadStats(reader.thread);
    const now = Date.now();
    const state = this.threads.get(reader.thread);
    if (!state) return;
    if (state.version < 0) state.version = current;
    const ready = (version: number, kind: 'ready' | 'reset') => {
      reader.version = version;
      this.send(reader, sseEvent(kind, `${version}-${now}`, '{}'));
    };
    const cursor = parseEventId(lastEventId);
    if (lastEventId === undefined) ready(current, 'ready');
    // An old id is fine when nothing happened since (a page cached for hours says so).
    else if (!cursor || cursor.version > current || (cursor.version < current && now - cursor.at > CATCH_UP_WINDOW_MS)) ready(current, 'reset');
    else {
      const events = await this.options.store.liveEvents(reader.thread, cursor.version, CATCH_UP_MAX + 1);
      if (events.length > CATCH_UP_MAX) ready(current, 'reset');
      else {
        for (const event of events) this.send(reader, this.frame(event));
        ready(Math.max(current, events.at(-1)?.version ?? 0), 'ready');
      }
    }
    reader.ready = true;
    // What the thread's other readers were sent while this one caught up, it has: its version is past it.
  }

  /** A commit may have added events to `thread`: its readers here get them. */
  private refresh(thread: string): void {
    const state = this.threads.get(thread);
    if (!state || state.queued) return;
    state.queued = true;
    this.enqueue(thread, async () => {
      state.queued = false;
      if (state.version < 0) return;
      for (;;) {
        const events = await this.options.store.liveEvents(thread, state.version, EVENTS_PER_READ);
        for (const event of events) {
          const frame = this.frame(event);
          for (const reader of state.readers) {
            if (!reader.ready || reader.version >= event.version) continue;
            reader.version = event.version;
            this.send(reader, frame);
          }
          state.version = event.version;
        }
        if (events.length < EVENTS_PER_READ) return;
      }
    });
  }

  /** An event as its readers get it: the comment as it is now, or its deletion when it is no longer listed. */
  private frame(event: LiveEvent): string {
    const id = `${event.version}-${event.createdAt}`;
    if (event.kind === 'delete' || event.comment === null) return sseEvent('delete', id, JSON.stringify({ id: String(event.commentId) }));
    return sseComment(event.kind, id, this.options.render(event.comment));
  }
}

/** `<version>-<ms>` as the stream's ids are written; anything else is `null`. */
function parseEventId(text: string | undefined): { version: number; at: number } | null {
  const match = text === undefined ? null : /^(\d{1,15})-(\d{1,15})$/.exec(text);
  return match ? { version: Number(match[1]), at: Number(match[2]) } : null;
}
