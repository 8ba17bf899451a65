import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, MIN_SECRET_LENGTH } from '../config.js';

/**
 * Returns the secret saved at `path`, creating it on first start. The secret keys
 * the avatar and IP hashes, so it must survive restarts and be shared by every
 * instance serving the same database.
 */
export function loadOrCreateSecret(path: string): { secret: string; created: boolean } {
  return loadOrCreateKeyFile(path, 'COLLOQUY_SECRET');
}

/**
 * Returns the random key saved at `path` (readable by its owner only), creating it when
 * there is none; `variable` is the setting that replaces the file, named in errors.
 */
export function loadOrCreateKeyFile(path: string, variable: string): { secret: string; created: boolean } {
  const existing = readKeyFile(path, variable);
  if (existing !== undefined) return { secret: existing, created: false };
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // `wx` fails if another instance wrote the file first; then that one wins.
    writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'wx' });
    return { secret, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: readKeyFile(path, variable)!, created: false };
  }
}

/** The key saved at `path`, or `undefined` when there is no such file. */
export function readKeyFile(path: string, variable: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      variable,
      `is unset and the saved value in ${path} is shorter than ${MIN_SECRET_LENGTH} characters; delete the file or set ${variable}.`,
    );
  }
  return secret;
}
