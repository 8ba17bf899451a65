/**
 * The server's configuration, read from the environment in one place. Every variable
 * is documented in docs/server.md; a bad value stops the server at start with a
 * message naming the variable.
 */
import { dirname, resolve } from 'node:path';

/** When comments wait for a moderator. */
export type ModerationMode = 'none' | 'first-time' | 'all';

/** Where comments are stored. */
export type DatabaseConfig =
  | { engine: 'sqlite'; path: string }
  | { engine: 'postgres'; url: string };

/**
 * How many reverse proxies in front of the server to believe about the client's
 * address: `0` ignores `X-Forwarded-For`, `n` takes the address `n` hops from the
 * socket, `'all'` takes the left-most (the original client as the first proxy saw it).
 */
export type TrustProxy = number | 'all';

export interface ServerConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** `COLLOQUY_SECRET`, or `null` to load (or create) the one saved at `secretPath`. */
  secret: string | null;
  secretPath: string;
  /** Extra origins allowed to call the API, normalized (`https://example.com`). */
  origins: string[];
  moderation: ModerationMode;
  floodSeconds: number;
  trustProxy: TrustProxy;
  demo: boolean;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_SQLITE_PATH = './data/colloquy.db';
export const DEFAULT_FLOOD_SECONDS = 15;
export const MIN_SECRET_LENGTH = 32;
const SECRET_FILE = 'colloquy.secret';

/** A configuration value the server cannot start with; `variable` names it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads the configuration from `env`; throws a {@link ConfigError} for the first bad value. */
export function parseConfig(env: Env = process.env, options: { demo?: boolean } = {}): ServerConfig {
  const demo = options.demo ?? false;
  const database = parseDatabase(value(env, 'DATABASE_URL'));
  return {
    port: parsePort(value(env, 'PORT')),
    host: value(env, 'HOST') ?? DEFAULT_HOST,
    database,
    secret: parseSecret(value(env, 'COLLOQUY_SECRET')),
    secretPath: resolve(database.engine === 'sqlite' ? dirname(database.path) : './data', SECRET_FILE),
    origins: parseOrigins(value(env, 'COLLOQUY_ORIGINS')),
    moderation: parseModeration(value(env, 'COLLOQUY_MODERATION'), demo ? 'none' : 'first-time'),
    floodSeconds: parseFloodSeconds(value(env, 'COLLOQUY_FLOOD_SECONDS')),
    trustProxy: parseTrustProxy(value(env, 'COLLOQUY_TRUST_PROXY')),
    demo,
  };
}

// An empty variable (`PORT=`) means "use the default", as it does in most shells' tools.
function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === '' ? undefined : raw;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new ConfigError('PORT', `must be a port number from 0 to 65535 (0 picks a free port), not "${raw}".`);
  }
  return port;
}

function parseDatabase(raw: string | undefined): DatabaseConfig {
  if (raw === undefined) return { engine: 'sqlite', path: resolve(DEFAULT_SQLITE_PATH) };
  if (/^postgres(ql)?:\/\//i.test(raw)) return { engine: 'postgres', url: raw };
  const file = /^(?:sqlite|file):(.*)$/i.exec(raw);
  if (file) {
    // `sqlite:///abs/path.db` and `file:///abs/path.db` are the URL spellings of `/abs/path.db`.
    const path = file[1]!.startsWith('//') ? file[1]!.slice(2) : file[1]!;
    if (path !== '') return { engine: 'sqlite', path: resolve(path) };
    throw new ConfigError('DATABASE_URL', 'names no file: write sqlite:<path>, for example sqlite:./data/colloquy.db.');
  }
  throw new ConfigError(
    'DATABASE_URL',
    'must start with postgres://, postgresql://, sqlite: or file: (unset, it is sqlite:./data/colloquy.db).',
  );
}

function parseSecret(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if ([...raw].length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      'COLLOQUY_SECRET',
      `must be at least ${MIN_SECRET_LENGTH} characters long (try: openssl rand -base64 32), or unset to have one generated.`,
    );
  }
  return raw;
}

function parseOrigins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const origins = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return origins.map((item) => {
    const origin = bareOrigin(item);
    if (origin === undefined) {
      throw new ConfigError(
        'COLLOQUY_ORIGINS',
        `must be a comma-separated list of origins such as https://example.com (scheme, host and optional port, no path); "${item}" is not one.`,
      );
    }
    return origin;
  });
}

/** `scheme://host[:port]` of an http(s) URL that has nothing else, or `undefined`. */
function bareOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && url.pathname === '/' && !url.search && !url.hash && !url.username ? url.origin : undefined;
}

function parseModeration(raw: string | undefined, fallback: ModerationMode): ModerationMode {
  if (raw === undefined) return fallback;
  if (raw === 'none' || raw === 'first-time' || raw === 'all') return raw;
  throw new ConfigError('COLLOQUY_MODERATION', `must be none, first-time or all, not "${raw}".`);
}

function parseFloodSeconds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_FLOOD_SECONDS;
  if (!/^\d{1,7}$/.test(raw)) {
    throw new ConfigError(
      'COLLOQUY_FLOOD_SECONDS',
      `must be a whole number of seconds, 0 or more (0 turns flood control off), not "${raw}".`,
    );
  }
  return Number(raw);
}

function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined) return 0;
  const lower = raw.toLowerCase();
  if (lower === 'false') return 0;
  if (lower === 'true') return 'all';
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  throw new ConfigError('COLLOQUY_TRUST_PROXY', `must be false, true or a number of proxy hops such as 1, not "${raw}".`);
}
