/**
 * PostgreSQL's side of the live updates: one connection per store (per instance) that LISTENs on
 * the channel the writing transactions notify (kysely-store.ts, `touchThread`), made when the
 * first reader connects and kept until the store closes, made again (with backoff) when it drops.
 * A notification carries only the thread's key; the watchers read what changed from live_events.
 *
 * It lives beside the store, not in src/server/live/, because it is the store's connection: the
 * arrows stay routes → live → store.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { LiveHandlers, LiveWatch } from './comment-store.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/** The channel of a schema's database: schemas sharing one database do not hear each other. */
export function liveChannel(schema: string | undefined): string {
  return schema ? `colloquy_live_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}` : 'colloquy_live';
}

export interface PgListener {
  watch(handlers: LiveHandlers): Promise<LiveWatch>;
  close(): Promise<void>;
}

export function pgListener(config: pg.ClientConfig, channel: string, log: (message: string) => void = console.error): PgListener {
  const watchers = new Set<LiveHandlers>();
  let client: pg.Client | null = null;
  let started: Promise<void> | null = null;
  let retryMs = FIRST_RETRY_MS;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;
  // Whether a connection was ever listening and then lost: its watchers may have missed notifications.
  let lost = false;

  async function connect(): Promise<void> {
    if (closed) return;
    const next = new pg.Client({ ...config, keepAlive: true });
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped) return;
      dropped = true;
      if (client === next) client = null;
      next.end().catch(() => {});
      if (closed) return;
      log(`[colloquy] The live updates' PostgreSQL connection dropped${error ? ` (${error.message})` : ''}; connecting again in ${retryMs} ms.`);
      lost = true;
      schedule();
    };
    next.on('error', drop);
    next.on('end', () => drop());
    next.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      for (const watcher of watchers) watcher.changed(message.payload);
    });
    try {
      await next.connect();
      await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      drop(error as Error);
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    retryMs = FIRST_RETRY_MS;
    if (lost) for (const watcher of watchers) watcher.missed();
  }

  function schedule(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, retryMs);
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }

  return {
    async watch(handlers) {
      watchers.add(handlers);
      // A first connection that fails is retried in the background; the reader's stream stays open.
      await (started ??= connect());
      return { close: async () => void watchers.delete(handlers) };
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      watchers.clear();
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
