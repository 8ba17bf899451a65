/**
 * The server's configuration, read from the environment in one place. Every variable
 * is documented in docs/server.md; a bad value stops the server at start with a
 * message naming the variable.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAX_HOST_NAME } from '../api/admin-contract.js';
import { isEmail } from '../api/validate.js';

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

/** Akismet, when `AKISMET_KEY` is set. */
export interface AkismetConfig {
  key: string;
  /** The API's base URL, ending in `/` (`comment-check` and the others are under it). */
  endpoint: string;
  /** `COLLOQUY_SITE_URL`: Akismet's `blog`. */
  siteUrl: string;
  /** `blog_lang`. */
  lang: string;
  /** Drop, rather than keep as spam, what Akismet marks as blatant (`X-akismet-pro-tip: discard`). */
  discard: boolean;
  /** Send `is_test=1`, so Akismet learns nothing from these calls. */
  test: boolean;
  /** How long to wait for an answer before holding the comment for a person. */
  timeoutMs: number;
}

/** The local spam rules, and Akismet. */
export interface SpamConfig {
  /** A post sooner than this after its form token was issued is held; 0 turns the check off (and the token). */
  minFormSeconds: number;
  /** A body with more links than this is held; `null` turns the check off. */
  maxLinks: number | null;
  /** Lower-cased; any one found in a comment holds it. */
  moderationWords: string[];
  /** Lower-cased; any one found in a comment makes it spam. */
  blockedWords: string[];
  akismet: AkismetConfig | null;
}

export type WebhookFormat = 'json' | 'slack' | 'discord';

/** Where to announce new comments, when `COLLOQUY_WEBHOOK_URL` is set. */
export interface WebhookConfig {
  url: string;
  /** `COLLOQUY_WEBHOOK_SECRET`, or `null` to derive one from the server's secret. */
  secret: string | null;
  format: WebhookFormat;
  /** How long one try may take. Retries follow the outbox's schedule (src/server/outbox/worker.ts). */
  timeoutMs: number;
}

/**
 * How long a client may take, and how many may be connected at once: what keeps slow or
 * idle connections from piling up (Node's own defaults let a trickled body run for minutes).
 */
export interface HttpLimits {
  /** `COLLOQUY_REQUEST_TIMEOUT_SECONDS`: the whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number;
  /** `COLLOQUY_HEADERS_TIMEOUT_SECONDS`: the headers must arrive within this; at most the request timeout. */
  headersTimeoutMs: number;
  /** `COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS`: an idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** `COLLOQUY_MAX_CONNECTIONS`: connections beyond this many open ones are closed at once. */
  maxConnections: number;
}

/** Who of the comments the owner (`COLLOQUY_NOTIFY_EMAIL`) is emailed about. */
export type OwnerNotifyMode = 'all' | 'held' | 'none';

/**
 * Email (reply notifications, the owner's emails): on with `COLLOQUY_SMTP_URL`, and in the demo,
 * which writes `.eml` files instead (docs/server.md, "Email").
 */
export interface MailSettings {
  /** `COLLOQUY_SMTP_URL`; `null` in the demo without one (then `dir`). */
  smtpUrl: string | null;
  /** `COLLOQUY_MAIL_FROM`, or `Colloquy <no-reply@host of the link origin>`. */
  from: string;
  /** Where the demo writes its `.eml` files (`mail/` beside the database); `null` with SMTP. */
  dir: string | null;
  /** `COLLOQUY_NOTIFY_DAILY_CAP`: reply notifications per address per day. */
  dailyCap: number;
  /** `COLLOQUY_NOTIFY_EMAIL`: the owner's address, lower-cased, or `null`. */
  ownerEmail: string | null;
  /** `COLLOQUY_NOTIFY_OWNER`. */
  ownerMode: OwnerNotifyMode;
  /** `COLLOQUY_SITE_URL`, or `null`: its host names the site in emails. */
  siteUrl: string | null;
  /** The origin every link in an email is built from: `COLLOQUY_PUBLIC_URL`, or in the demo where it listens. */
  linkOrigin: string;
}

export interface ServerConfig {
  port: number;
  host: string;
  /**
   * `COLLOQUY_PUBLIC_URL`: the origin browsers reach this server at (`https://comments.example.com`),
   * or `null`. Links the server sends out are built from it, never from a request's `Host`;
   * when set it is also the server's own origin for CORS.
   */
  publicUrl: string | null;
  http: HttpLimits;
  database: DatabaseConfig;
  /** `COLLOQUY_SECRET`, or `null` to load (or create) the one saved at `secretPath`. */
  secret: string | null;
  secretPath: string;
  /** `COLLOQUY_ADMIN_TOKEN`, or `null` to load (or create) the one saved at `adminTokenPath`. */
  adminToken: string | null;
  adminTokenPath: string;
  /**
   * `COLLOQUY_ADMIN_URL`: the admin page notifications link to; `null` for `/admin` under
   * `publicUrl`. In the demo, without either, `/admin` where it listens.
   */
  adminUrl: string | null;
  /**
   * `COLLOQUY_THREAD_URL`: the page a thread is shown on, as a pattern holding `{thread}`
   * (`https://example.com/episodes/{thread}`), or `null`. The admin page links each thread key there.
   */
  threadUrl: string | null;
  /** Extra origins allowed to call the API, normalized (`https://example.com`). */
  origins: string[];
  /** `COLLOQUY_HOST_NAME`: the name comments written as the site appear under, until the admin page changes it. */
  hostName: string;
  /** `COLLOQUY_CLOSE_AFTER_DAYS`: threads whose first comment is older than this many days are closed; `null`: never. */
  closeAfterDays: number | null;
  /** `COLLOQUY_SITE_URL`, or `null`: the website host comments link to (and Akismet's and the emails' site). */
  siteUrl: string | null;
  moderation: ModerationMode;
  floodSeconds: number;
  trustProxy: TrustProxy;
  /** `COLLOQUY_LIKES`: `true` (`on`, the default) lets visitors like approved comments and sort by `top`. */
  likes: boolean;
  /** `COLLOQUY_LIVE_MAX`: live update streams one instance holds open at most; 0 turns `GET /api/comments/stream` off (404). */
  liveMax: number;
  spam: SpamConfig;
  webhook: WebhookConfig | null;
  /** Email, or `null` when none is sent (no `COLLOQUY_SMTP_URL`, and not the demo). */
  mail: MailSettings | null;
  demo: boolean;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_SQLITE_PATH = './data/colloquy.db';
export const DEFAULT_FLOOD_SECONDS = 15;
export const MIN_SECRET_LENGTH = 32;
export const DEFAULT_MIN_FORM_SECONDS = 3;
export const DEFAULT_MAX_LINKS = 1;
export const DEFAULT_AKISMET_URL = 'https://rest.akismet.com/1.1/';
export const AKISMET_TIMEOUT_MS = 5000;
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
export const DEFAULT_HEADERS_TIMEOUT_SECONDS = 10;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS = 5;
export const DEFAULT_MAX_CONNECTIONS = 512;
export const DEFAULT_NOTIFY_DAILY_CAP = 20;
export const DEFAULT_HOST_NAME = 'Host';
/** A hundred years: longer is a typo, and would overflow nothing but still mean "never". */
export const MAX_CLOSE_AFTER_DAYS = 36_500;
const MAX_NOTIFY_DAILY_CAP = 100_000;
const MAX_TIMEOUT_SECONDS = 3600;
const SECRET_FILE = 'colloquy.secret';
const ADMIN_TOKEN_FILE = 'colloquy.admin-token';

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
  // Kept beside the database, as the data they protect is.
  const dataDir = database.engine === 'sqlite' ? dirname(database.path) : './data';
  const port = parsePort(value(env, 'PORT'));
  const host = value(env, 'HOST') ?? DEFAULT_HOST;
  const publicUrl = parsePublicUrl(value(env, 'COLLOQUY_PUBLIC_URL'));
  let adminUrl = parseHttpUrl(env, 'COLLOQUY_ADMIN_URL') ?? null;
  const webhook = parseWebhook(env);
  // Links that leave the server come from here alone: built from a request's Host, an
  // attacker's request would pick where moderators are sent.
  if (webhook && publicUrl === null) {
    if (!demo) {
      throw new ConfigError(
        'COLLOQUY_PUBLIC_URL',
        'must be set to the origin this server is reached at (for example https://comments.example.com) when COLLOQUY_WEBHOOK_URL is: notifications link to the admin page there.',
      );
    }
    // The demo links to where it listens.
    if (adminUrl === null && port === 0) {
      throw new ConfigError('COLLOQUY_PUBLIC_URL', 'must be set when the demo sends webhooks and PORT is 0: the admin link needs the port.');
    }
    adminUrl ??= `${listenOrigin(host, port)}/admin`;
  }
  return {
    port,
    host,
    publicUrl,
    http: parseHttpLimits(env),
    database,
    secret: parseSecret('COLLOQUY_SECRET', value(env, 'COLLOQUY_SECRET')),
    secretPath: resolve(dataDir, SECRET_FILE),
    adminToken: parseSecret('COLLOQUY_ADMIN_TOKEN', value(env, 'COLLOQUY_ADMIN_TOKEN')),
    adminTokenPath: resolve(dataDir, ADMIN_TOKEN_FILE),
    adminUrl,
    threadUrl: parseThreadUrl(value(env, 'COLLOQUY_THREAD_URL')),
    origins: parseOrigins(value(env, 'COLLOQUY_ORIGINS')),
    hostName: parseHostName(value(env, 'COLLOQUY_HOST_NAME')),
    closeAfterDays: parseCloseAfterDays(value(env, 'COLLOQUY_CLOSE_AFTER_DAYS')),
    siteUrl: parseHttpUrl(env, 'COLLOQUY_SITE_URL') ?? null,
    moderation: parseModeration(value(env, 'COLLOQUY_MODERATION'), demo ? 'none' : 'first-time'),
    floodSeconds: parseWholeNumber(env, 'COLLOQUY_FLOOD_SECONDS', DEFAULT_FLOOD_SECONDS, '0 turns flood control off'),
    trustProxy: parseTrustProxy(value(env, 'COLLOQUY_TRUST_PROXY')),
    likes: parseLikes(value(env, 'COLLOQUY_LIKES')),
    liveMax: parseLiveMax(value(env, 'COLLOQUY_LIVE_MAX')),
    spam: {
      minFormSeconds: parseWholeNumber(env, 'COLLOQUY_MIN_FORM_SECONDS', DEFAULT_MIN_FORM_SECONDS, '0 turns the check off'),
      maxLinks: parseMaxLinks(value(env, 'COLLOQUY_MAX_LINKS')),
      moderationWords: parseWords(env, 'COLLOQUY_MODERATION_WORDS'),
      blockedWords: parseWords(env, 'COLLOQUY_BLOCKED_WORDS'),
      akismet: parseAkismet(env),
    },
    webhook,
    mail: parseMail(env, { demo, publicUrl, host, port, dataDir }),
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

function parseSecret(variable: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if ([...raw].length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      variable,
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
  return web && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password ? url.origin : undefined;
}

/** The origin a browser on this machine reaches `host:port` at. */
export function listenOrigin(host: string, port: number): string {
  const local = ['127.0.0.1', 'localhost', '0.0.0.0', '::', '::1', ''].includes(host);
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

function parsePublicUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const origin = bareOrigin(raw);
  if (origin === undefined) {
    throw new ConfigError(
      'COLLOQUY_PUBLIC_URL',
      `must be the origin this server is reached at: http(s), host and optional port, no path or credentials, such as https://comments.example.com; "${raw}" is not one.`,
    );
  }
  return origin;
}

function parseHttpLimits(env: Env): HttpLimits {
  const seconds = (variable: string, fallback: number) => {
    const raw = value(env, variable);
    if (raw === undefined) return fallback;
    if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_TIMEOUT_SECONDS) {
      throw new ConfigError(variable, `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not "${raw}".`);
    }
    return Number(raw);
  };
  const request = seconds('COLLOQUY_REQUEST_TIMEOUT_SECONDS', DEFAULT_REQUEST_TIMEOUT_SECONDS);
  const headers = seconds('COLLOQUY_HEADERS_TIMEOUT_SECONDS', Math.min(DEFAULT_HEADERS_TIMEOUT_SECONDS, request));
  if (headers > request) {
    throw new ConfigError('COLLOQUY_HEADERS_TIMEOUT_SECONDS', `must be no more than COLLOQUY_REQUEST_TIMEOUT_SECONDS (${request}), not "${headers}".`);
  }
  const keepAlive = seconds('COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS', DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS);
  const rawMax = value(env, 'COLLOQUY_MAX_CONNECTIONS');
  if (rawMax !== undefined && (!/^\d{1,7}$/.test(rawMax) || Number(rawMax) < 1)) {
    throw new ConfigError('COLLOQUY_MAX_CONNECTIONS', `must be a whole number of connections, 1 or more, not "${rawMax}".`);
  }
  return {
    requestTimeoutMs: request * 1000,
    headersTimeoutMs: headers * 1000,
    keepAliveTimeoutMs: keepAlive * 1000,
    maxConnections: rawMax === undefined ? DEFAULT_MAX_CONNECTIONS : Number(rawMax),
  };
}

function parseModeration(raw: string | undefined, fallback: ModerationMode): ModerationMode {
  if (raw === undefined) return fallback;
  if (raw === 'none' || raw === 'first-time' || raw === 'all') return raw;
  throw new ConfigError('COLLOQUY_MODERATION', `must be none, first-time or all, not "${raw}".`);
}

/** Default of COLLOQUY_LIVE_MAX: half of COLLOQUY_MAX_CONNECTIONS's default, leaving room for the other requests. */
export const DEFAULT_LIVE_MAX = 256;

function parseLiveMax(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIVE_MAX;
  if (!/^\d{1,7}$/.test(raw)) {
    throw new ConfigError('COLLOQUY_LIVE_MAX', `must be a whole number of live update streams, 0 or more (0 turns live updates off), not "${raw}".`);
  }
  return Number(raw);
}

function parseWholeNumber(env: Env, variable: string, fallback: number, zero: string): number {
  const raw = value(env, variable);
  if (raw === undefined) return fallback;
  if (!/^\d{1,7}$/.test(raw)) throw new ConfigError(variable, `must be a whole number of seconds, 0 or more (${zero}), not "${raw}".`);
  return Number(raw);
}

function parseMaxLinks(raw: string | undefined): number | null {
  if (raw === undefined) return DEFAULT_MAX_LINKS;
  if (raw.toLowerCase() === 'off') return null;
  if (!/^\d{1,4}$/.test(raw)) {
    throw new ConfigError('COLLOQUY_MAX_LINKS', `must be the most links a comment may hold unmoderated (0 or more), or off, not "${raw}".`);
  }
  return Number(raw);
}

/**
 * A word list from `variable` (comma-separated) and `variable_FILE` (a file of entries one
 * per line or comma-separated; `#` starts a comment line). Both may be set; the lists join.
 */
function parseWords(env: Env, variable: string): string[] {
  const fileVariable = `${variable}_FILE`;
  const path = value(env, fileVariable);
  let text = value(env, variable) ?? '';
  if (path !== undefined) {
    let file: string;
    try {
      file = readFileSync(resolve(path), 'utf8');
    } catch (error) {
      throw new ConfigError(fileVariable, `names a file that cannot be read: ${(error as Error).message}`);
    }
    const lines = file.split(/\r?\n/).filter((line) => !line.trimStart().startsWith('#'));
    text += `,${lines.join(',')}`;
  }
  const words = text
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '');
  return [...new Set(words)];
}

/** An http(s) URL pattern holding `{thread}` at least once; kept as written (`new URL` would encode the braces). */
function parseThreadUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let url: URL | undefined;
  try {
    url = raw.includes('{thread}') ? new URL(raw.replaceAll('{thread}', 'thread')) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || /[\s<>"'`]/.test(raw)) {
    throw new ConfigError('COLLOQUY_THREAD_URL', `must be an http: or https: URL holding {thread} (for example https://example.com/episodes/{thread}), not "${raw}".`);
  }
  return raw;
}

function parseHostName(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_HOST_NAME;
  // The same rule as the admin page's (PATCH /api/admin/settings).
  if ([...raw].length > MAX_HOST_NAME || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new ConfigError('COLLOQUY_HOST_NAME', `must be a name of 1 to ${MAX_HOST_NAME} characters on one line, not "${raw}".`);
  }
  return raw;
}

function parseCloseAfterDays(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_CLOSE_AFTER_DAYS) {
    throw new ConfigError('COLLOQUY_CLOSE_AFTER_DAYS', `must be a whole number of days from 1 to ${MAX_CLOSE_AFTER_DAYS} (unset: threads never close by age), not "${raw}".`);
  }
  return Number(raw);
}

function parseHttpUrl(env: Env, variable: string): string | undefined {
  const raw = value(env, variable);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(variable, `must be an http: or https: URL, not "${raw}".`);
  }
  return url.href;
}

function parseBoolean(env: Env, variable: string): boolean {
  const raw = value(env, variable)?.toLowerCase();
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(variable, `must be true or false, not "${value(env, variable)}".`);
}

function parseAkismet(env: Env): AkismetConfig | null {
  const key = value(env, 'AKISMET_KEY');
  const siteUrl = parseHttpUrl(env, 'COLLOQUY_SITE_URL');
  const endpoint = parseHttpUrl(env, 'AKISMET_URL') ?? DEFAULT_AKISMET_URL;
  const discard = parseBoolean(env, 'COLLOQUY_AKISMET_DISCARD');
  const test = parseBoolean(env, 'COLLOQUY_AKISMET_TEST');
  if (key === undefined) return null;
  if (siteUrl === undefined) {
    throw new ConfigError('COLLOQUY_SITE_URL', 'must be set to the address of your site (for example https://blog.example.com/) when AKISMET_KEY is.');
  }
  return {
    key,
    endpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/`,
    siteUrl,
    lang: value(env, 'COLLOQUY_SITE_LANG') ?? 'en',
    discard,
    test,
    timeoutMs: AKISMET_TIMEOUT_MS,
  };
}

function parseWebhook(env: Env): WebhookConfig | null {
  const url = parseHttpUrl(env, 'COLLOQUY_WEBHOOK_URL');
  const format = value(env, 'COLLOQUY_WEBHOOK_FORMAT') ?? 'json';
  if (format !== 'json' && format !== 'slack' && format !== 'discord') {
    throw new ConfigError('COLLOQUY_WEBHOOK_FORMAT', `must be json, slack or discord, not "${format}".`);
  }
  const secret = parseSecret('COLLOQUY_WEBHOOK_SECRET', value(env, 'COLLOQUY_WEBHOOK_SECRET'));
  if (url === undefined) return null;
  return { url, secret, format, timeoutMs: WEBHOOK_TIMEOUT_MS };
}

function parseLikes(raw: string | undefined): boolean {
  if (raw === undefined) return true;
  const lower = raw.toLowerCase();
  if (lower === 'on') return true;
  if (lower === 'off') return false;
  throw new ConfigError('COLLOQUY_LIKES', `must be on or off, not "${raw}".`);
}

function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined) return 0;
  const lower = raw.toLowerCase();
  if (lower === 'false') return 0;
  if (lower === 'true') return 'all';
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  throw new ConfigError('COLLOQUY_TRUST_PROXY', `must be false, true or a number of proxy hops such as 1, not "${raw}".`);
}

function parseMail(env: Env, where: { demo: boolean; publicUrl: string | null; host: string; port: number; dataDir: string }): MailSettings | null {
  const smtpUrl = parseSmtpUrl(value(env, 'COLLOQUY_SMTP_URL'));
  const fromRaw = value(env, 'COLLOQUY_MAIL_FROM');
  const from = fromRaw === undefined ? undefined : parseMailFrom(fromRaw);
  const capRaw = value(env, 'COLLOQUY_NOTIFY_DAILY_CAP');
  if (capRaw !== undefined && (!/^\d{1,6}$/.test(capRaw) || Number(capRaw) > MAX_NOTIFY_DAILY_CAP)) {
    throw new ConfigError('COLLOQUY_NOTIFY_DAILY_CAP', `must be a whole number of emails from 0 to ${MAX_NOTIFY_DAILY_CAP} (0 sends no reply notification), not "${capRaw}".`);
  }
  const ownerRaw = value(env, 'COLLOQUY_NOTIFY_EMAIL');
  if (ownerRaw !== undefined && (ownerRaw.length > 254 || !isEmail(ownerRaw))) {
    throw new ConfigError('COLLOQUY_NOTIFY_EMAIL', `must be one email address such as owner@example.com, not "${ownerRaw}".`);
  }
  const modeRaw = value(env, 'COLLOQUY_NOTIFY_OWNER') ?? 'all';
  if (modeRaw !== 'all' && modeRaw !== 'held' && modeRaw !== 'none') {
    throw new ConfigError('COLLOQUY_NOTIFY_OWNER', `must be all, held or none, not "${modeRaw}".`);
  }
  const siteUrl = parseHttpUrl(env, 'COLLOQUY_SITE_URL') ?? null;
  if (smtpUrl === null && !where.demo) {
    if (ownerRaw !== undefined) throw new ConfigError('COLLOQUY_NOTIFY_EMAIL', 'needs COLLOQUY_SMTP_URL: without an SMTP server no email is sent.');
    return null;
  }
  let linkOrigin = where.publicUrl;
  if (linkOrigin === null) {
    if (!where.demo) {
      throw new ConfigError(
        'COLLOQUY_PUBLIC_URL',
        'must be set to the origin this server is reached at (for example https://comments.example.com) when COLLOQUY_SMTP_URL is: the links in every email lead there.',
      );
    }
    // The demo on a port picked at start cannot know its links beforehand: it sends no email.
    if (where.port === 0) return null;
    linkOrigin = listenOrigin(where.host, where.port);
  }
  return {
    smtpUrl,
    from: from ?? `Colloquy <no-reply@${new URL(linkOrigin).hostname}>`,
    dir: smtpUrl === null ? resolve(where.dataDir, 'mail') : null,
    dailyCap: capRaw === undefined ? DEFAULT_NOTIFY_DAILY_CAP : Number(capRaw),
    ownerEmail: ownerRaw === undefined ? null : ownerRaw.toLowerCase(),
    ownerMode: modeRaw,
    siteUrl,
    linkOrigin,
  };
}

function parseSmtpUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    // Never echo the value: it may hold the SMTP password.
    throw new ConfigError('COLLOQUY_SMTP_URL', 'must be an smtp:// or smtps:// URL with a host, such as smtp://user:password@mail.example.com:587 (smtps:// for port 465).');
  }
  return raw;
}

/** `address` or `Name <address>`, on one line. */
function parseMailFrom(raw: string): string {
  const match = /^(?:[^<>\r\n"]{0,100}<([^<>\s]+)>|([^<>\s]+))$/.exec(raw);
  const address = match?.[1] ?? match?.[2];
  if (!address || !isEmail(address)) {
    throw new ConfigError('COLLOQUY_MAIL_FROM', `must be an address, or a name and an address such as Colloquy <comments@example.com>, not "${raw}".`);
  }
  return raw;
}
