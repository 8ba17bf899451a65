/**
 * Why a request got no answer, fetched by the client (client.ts) only when one did not:
 * offline, or an answer the browser withheld because the endpoint does not allow this page's
 * origin (CORS). Imports nothing, so the script tag carries none of it.
 */

const hinted = new Set<string>();

/**
 * An opaque `no-cors` request to the same URL tells the two apart: it succeeds whenever the
 * endpoint is reachable at all.
 */
export async function failure(url: string): Promise<'network' | 'forbidden_origin'> {
  try {
    await fetch(url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
  } catch {
    return 'network';
  }
  hint(url);
  return 'forbidden_origin';
}

/** Tells the site owner, once per endpoint, what to change on the server. */
export function hint(url: string): void {
  const { origin } = new URL(url);
  if (!hinted.has(origin)) {
    hinted.add(origin);
    console.warn(
      `[colloquy] ${origin} did not allow this page's origin, ${location.origin}: add ${location.origin} to COLLOQUY_ORIGINS on the comment server.`,
    );
  }
}
