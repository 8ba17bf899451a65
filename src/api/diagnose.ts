/**
 * What the site owner should change, told in the console, fetched by the client (client.ts)
 * only when there is something to tell: why a request got no answer (offline, or an answer
 * the browser withheld because the endpoint does not allow this page's origin, CORS), and a
 * page size the endpoint does not serve. Imports nothing, so the script tag carries none of it.
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

let sized = false;

/** Tells the site owner, once a page, that the endpoint serves fewer comments a page than asked. */
export function pageSize(endpoint: string, served: unknown, asked: number): void {
  // What an endpoint says of its page size is checked like the rest of its answer.
  if (sized || !Number.isInteger(served) || (served as number) <= 0 || served === asked) return;
  sized = true;
  console.warn(`[colloquy] ${endpoint} serves at most ${served} comments a page; page-size="${asked}" asked for more.`);
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
