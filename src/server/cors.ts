/**
 * CORS for the API, and the origin check that refuses writes from other sites.
 * The exact allowed origin is echoed (never `*`); a foreign origin gets no
 * `Access-Control-Allow-Origin` at all.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { TrustProxy } from './config.js';
import { forbiddenOrigin } from './errors.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Content-Type, Authorization';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export function cors(options: { origins: string[]; trustProxy: TrustProxy }): MiddlewareHandler {
  const allowed = new Set(options.origins);
  return async (c, next) => {
    c.header('Vary', 'Origin');
    const origin = c.req.header('Origin');
    const permitted = origin !== undefined && (allowed.has(origin) || origin === ownOrigin(c, options.trustProxy));
    if (permitted) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', 'Retry-After');
    }
    // Requests without Origin (curl, server to server) are not from a browser page; CORS does not apply.
    const foreign = origin !== undefined && !permitted;
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

/** The origin this server is reached at, as the browser sees it. */
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
