/**
 * CORS for the API, and the origin check that refuses writes from other sites.
 * The exact allowed origin is echoed (never `*`); a foreign origin gets no
 * `Access-Control-Allow-Origin` at all, and is logged (once in a while per origin), since
 * the page embedding the widget only sees a network error.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { TrustProxy } from '../config.js';
import { forbiddenOrigin } from './errors.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Content-Type, Authorization';
const PREFLIGHT_MAX_AGE_SECONDS = '600';
/** A refused origin is logged again after this long. */
export const REFUSED_ORIGIN_LOG_INTERVAL_MS = 5 * 60 * 1000;
// Bounds what a spray of made-up origins can take: this many remembered, each cut to this length.
const MAX_REFUSED_ORIGINS = 1000;
const MAX_LOGGED_ORIGIN_CHARS = 200;

export interface CorsOptions {
  /** Origins besides the server's own that may call from a browser. */
  origins: string[];
  trustProxy: TrustProxy;
  /** `COLLOQUY_PUBLIC_URL`: when set, the server's own origin, whatever the request's `Host` says. */
  publicUrl?: string | null;
  /** Where refused origins are reported; none are without it. */
  log?: (message: string) => void;
  clock?: () => number;
}

export function cors(options: CorsOptions): MiddlewareHandler {
  const allowed = new Set(options.origins);
  const publicUrl = options.publicUrl ?? null;
  const refused = options.log ? refusedOriginLog(options.log, options.clock ?? Date.now) : undefined;
  return async (c, next) => {
    c.header('Vary', 'Origin');
    const origin = c.req.header('Origin');
    const own = publicUrl ?? ownOrigin(c, options.trustProxy);
    const permitted = origin !== undefined && (allowed.has(origin) || origin === own);
    if (permitted) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', 'Retry-After');
    }
    // Requests without Origin (curl, server to server) are not from a browser page; CORS does not apply.
    const foreign = origin !== undefined && !permitted;
    if (foreign) refused?.(origin);
    if (c.req.method === 'OPTIONS') {
      if (foreign) throw forbiddenOrigin();
      c.header('Access-Control-Allow-Methods', ALLOWED_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      c.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
      return c.body(null, 204);
    }
    if (foreign && WRITE_METHODS.has(c.req.method)) throw forbiddenOrigin();
    await next();
  };
}

/**
 * Logs `[colloquy] refused a request from origin X…` at most once per origin per
 * {@link REFUSED_ORIGIN_LOG_INTERVAL_MS}, remembering at most MAX_REFUSED_ORIGINS origins.
 */
function refusedOriginLog(log: (message: string) => void, clock: () => number): (origin: string) => void {
  const lastLogged = new Map<string, number>();
  return (header) => {
    // The header is the client's to write: cut, and without control characters.
    const origin = [...header].slice(0, MAX_LOGGED_ORIGIN_CHARS).join('').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
    const now = clock();
    const last = lastLogged.get(origin);
    if (last !== undefined && now - last < REFUSED_ORIGIN_LOG_INTERVAL_MS) return;
    lastLogged.delete(origin);
    // Oldest first (each is moved to the end when logged): drop the expired, and the oldest
    // while full (an origin dropped early may be logged again early; memory stays bounded).
    for (const [name, at] of lastLogged) {
      if (lastLogged.size < MAX_REFUSED_ORIGINS && now - at < REFUSED_ORIGIN_LOG_INTERVAL_MS) break;
      lastLogged.delete(name);
    }
    lastLogged.set(origin, now);
    log(
      `[colloquy] refused a request from origin ${origin}: add it to COLLOQUY_ORIGINS if the widget is embedded there (this server allows only its own origin and COLLOQUY_ORIGINS).`,
    );
  };
}

/** The origin this server is reached at, as the browser sees it, from the request (no COLLOQUY_PUBLIC_URL). */
export function ownOrigin(c: Context, trustProxy: TrustProxy): string | undefined {
  const url = new URL(c.req.url);
  let scheme = url.protocol.slice(0, -1);
  let host = c.req.header('Host') ?? url.host;
  if (trustProxy !== 0) {
    // A TLS-terminating proxy talks plain HTTP to us; it says what the browser used.
    scheme = firstValue(c.req.header('X-Forwarded-Proto')) ?? scheme;
    host = firstValue(c.req.header('X-Forwarded-Host')) ?? host;
  }
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
}

function firstValue(header: string | undefined): string | undefined {
  const value = header?.split(',')[0]?.trim();
  return value ? value : undefined;
}
