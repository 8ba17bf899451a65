/**
 * The idempotency keys of imported comments. An importer names each comment by its source's
 * id (`wxr:<post guid>:<comment id>`, `disqus:<post id>`); stored as such, anyone could guess
 * the key and fetch or replay the comment through the public API. What is stored instead is an
 * HMAC of that id under the server's secret: the same for the same source on this server, so a
 * second import still finds the first's comments, and unknowable without the secret.
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'import:';
const HASH_CHARS = 32;

/** The key stored for the comment `source` names: `import:` and 32 base64url characters (192 bits). */
export function importKey(secret: string, source: string): string {
  return PREFIX + createHmac('sha256', secret).update(`import-key:${source}`).digest('base64url').slice(0, HASH_CHARS);
}

/**
 * Whether `key` is one of the guessable forms Colloquy stored before migration 005: a source's
 * own id, or the demo's seed comment's fixed key.
 */
export function isSourceKey(key: string): boolean {
  return key.startsWith('wxr:') || key.startsWith('disqus:') || key === 'colloquy-demo-seed';
}
