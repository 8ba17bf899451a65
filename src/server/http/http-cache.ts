/**
 * Answers that shared caches and browsers may keep: a strong ETag over the exact bytes,
 * and `304 Not Modified` to a request that already holds them.
 */
import type { Context } from 'hono';
import { createHash } from 'node:crypto';

// Shared caches may keep an answer 10 s; browsers always revalidate (cheaply, by ETag).
export const CACHE_CONTROL = 'public, max-age=0, s-maxage=10, must-revalidate';

export function etagOf(text: string): string {
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
}

/** The weak form of a strong ETag: for answers that mean the same but may differ in bytes. */
export function weak(etag: string): string {
  return `W/${etag}`;
}

/** Sends `text` as `type` with its ETag, or a bodiless 304 when `If-None-Match` names that ETag. */
export function sendCacheable(c: Context, text: string, etag: string, type: string): Response {
  c.header('ETag', etag);
  c.header('Cache-Control', CACHE_CONTROL);
  if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  return c.body(text, 200, { 'Content-Type': type });
}

/** Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for this header). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}
