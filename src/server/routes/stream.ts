/**
 * `GET /comments/stream?thread=<key>`: live updates of a thread as Server-Sent Events
 * (docs/api.md, "Live updates"; the readers and their events are src/server/live/hub.ts).
 */
import { Hono, type Context } from 'hono';
import { rateLimitKey } from '../http/client-address.js';
import { ApiError } from '../http/errors.js';
import { parseThreadKey } from '../http/input.js';
import { LiveRefused, type LiveHub } from '../live/hub.js';

export interface StreamRoutesOptions {
  hub: LiveHub;
  /** The client's address as far as the configuration trusts proxies. */
  clientAddress: (c: Context) => string | undefined;
}

const REFUSALS: Record<LiveRefused['reason'], { message: string; retryAfter: number }> = {
  address: { message: 'Too many live streams from your network. Close some pages and try again.', retryAfter: 30 },
  instance: { message: 'The server is holding as many live streams as it can. Try again later.', retryAfter: 60 },
  closed: { message: 'The server is restarting. Try again in a moment.', retryAfter: 5 },
};

export function streamRoutes({ hub, clientAddress }: StreamRoutesOptions): Hono {
  const router = new Hono();
  router.get('/', (c) => {
    const thread = parseThreadKey(c.req.query('thread'));
    const address = clientAddress(c);
    // A reconnecting EventSource sends the header; a new one cannot, so it passes the id in the query (the header wins).
    let body: ReadableStream<Uint8Array>;
    try {
      body = hub.open(thread, address ? rateLimitKey(address) : 'unknown', c.req.header('Last-Event-ID') ?? c.req.query('lastEventId'));
    } catch (error) {
      if (!(error instanceof LiveRefused)) throw error;
      const { message, retryAfter } = REFUSALS[error.reason];
      throw new ApiError(429, 'too_fast', message, undefined, { 'Retry-After': String(retryAfter) });
    }
    return c.body(body, 200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // nginx buffers proxied responses unless told not to; a buffered stream arrives late or never.
      'X-Accel-Buffering': 'no',
    });
  });
  return router;
}
