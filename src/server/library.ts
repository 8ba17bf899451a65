/**
 * `colloquy/server`: the Colloquy server as a library, to mount in a Node app that already
 * runs (node:http, Express, Hono, Fastify, an Astro or Next custom server).
 *
 * ```js
 * import { createColloquy } from 'colloquy/server';
 * const colloquy = await createColloquy({ databaseUrl: 'sqlite:./data/comments.db', origins: ['https://blog.example.com'] });
 * expressApp.use('/comments', colloquy.handler);   // or: honoApp.mount('/comments', colloquy.app.fetch)
 * ```
 *
 * The options are the environment variables of `colloquy serve` in camelCase, without the
 * `COLLOQUY_` prefix (`COLLOQUY_ORIGINS` → `origins`, `DATABASE_URL` → `databaseUrl`), and are
 * checked by the very same parser ({@link parseConfig}): a bad value throws the same
 * {@link ConfigError}, naming the option instead of the variable.
 */
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeLiveStreams, createApp } from './app.js';
import { ConfigError, parseConfig, type ModerationMode, type ServerConfig, type WebhookFormat } from './config.js';
import { DEMO_THREAD, seedDemo } from './demo/demo.js';
import { outboxSenders } from './outbox/senders.js';
import { startOutboxWorker } from './outbox/worker.js';
import { demoDir, distDir } from './package-files.js';
import { loadOrCreateKeyFile, loadOrCreateSecret } from './security/secret.js';
import type { CommentStore } from './store/comment-store.js';
import { openStore } from './store/index.js';

export { ConfigError } from './config.js';
export type { ModerationMode, ServerConfig, WebhookFormat } from './config.js';

/** A list option: an array, or one comma-separated string as the variable takes it. */
export type ListOption = string | readonly string[];

/**
 * The settings of {@link createColloquy}. Each is the environment variable named beside it
 * (docs/server.md, "Configuration", says what it does and its default); leaving one out is
 * leaving the variable unset.
 */
export interface ColloquyOptions {
  /** `PORT`: only `colloquy serve` listens; a mounted app ignores it (still checked). */
  port?: number | string;
  /** `HOST`: as `port`. */
  host?: string;
  /** `DATABASE_URL`: `sqlite:<path>` (default `sqlite:./data/colloquy.db`) or `postgres://…`. */
  databaseUrl?: string;
  /** `COLLOQUY_SECRET`: at least 32 characters; unset, generated and saved beside the database. */
  secret?: string;
  /** `COLLOQUY_ADMIN_TOKEN`: at least 32 characters; unset, generated, saved and logged once. */
  adminToken?: string;
  /** `COLLOQUY_ADMIN_URL`: the moderation page notifications link to. Mounted under a path, set it (`https://site/comments/admin`). */
  adminUrl?: string;
  /** `COLLOQUY_THREAD_URL`: the page of a thread, `{thread}` standing for its key; the admin page links there. */
  threadUrl?: string;
  /** `COLLOQUY_PUBLIC_URL`: the origin browsers reach this server at; the links it sends are built from it. */
  publicUrl?: string;
  /** `COLLOQUY_REQUEST_TIMEOUT_SECONDS`: only `colloquy serve` listens; mounted, the host server's limits apply. */
  requestTimeoutSeconds?: number | string;
  /** `COLLOQUY_HEADERS_TIMEOUT_SECONDS`: as `requestTimeoutSeconds`. */
  headersTimeoutSeconds?: number | string;
  /** `COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS`: as `requestTimeoutSeconds`. */
  keepAliveTimeoutSeconds?: number | string;
  /** `COLLOQUY_MAX_CONNECTIONS`: as `requestTimeoutSeconds`. */
  maxConnections?: number | string;
  /** `COLLOQUY_ORIGINS`: the sites that may call the API from a browser. */
  origins?: ListOption;
  /** `COLLOQUY_MODERATION`. */
  moderation?: ModerationMode;
  /** `COLLOQUY_FLOOD_SECONDS`. */
  floodSeconds?: number | string;
  /** `COLLOQUY_TRUST_PROXY`: `false`, `true` or a number of proxy hops. */
  trustProxy?: boolean | number | string;
  /** `COLLOQUY_LIKES`: `'on'` (default) or `'off'`. */
  likes?: 'on' | 'off' | string;
  /** `COLLOQUY_LIVE_MAX`: live update streams this instance holds open at most; 0 turns them off. */
  liveMax?: number | string;
  /** `COLLOQUY_HOST_NAME`: the name the host's comments appear under until the admin page sets one (default `Host`). */
  hostName?: string;
  /** `COLLOQUY_CLOSE_AFTER_DAYS`: threads whose first comment is older than this many days take no more posts; unset, never. */
  closeAfterDays?: number | string;
  /** `COLLOQUY_MIN_FORM_SECONDS`. */
  minFormSeconds?: number | string;
  /** `COLLOQUY_MAX_LINKS`: a number, or `'off'`. */
  maxLinks?: number | 'off' | string;
  /** `COLLOQUY_MODERATION_WORDS`. */
  moderationWords?: ListOption;
  /** `COLLOQUY_MODERATION_WORDS_FILE`. */
  moderationWordsFile?: string;
  /** `COLLOQUY_BLOCKED_WORDS`. */
  blockedWords?: ListOption;
  /** `COLLOQUY_BLOCKED_WORDS_FILE`. */
  blockedWordsFile?: string;
  /** `AKISMET_KEY`. */
  akismetKey?: string;
  /** `AKISMET_URL`. */
  akismetUrl?: string;
  /** `COLLOQUY_SITE_URL`. */
  siteUrl?: string;
  /** `COLLOQUY_SITE_LANG`. */
  siteLang?: string;
  /** `COLLOQUY_AKISMET_DISCARD`. */
  akismetDiscard?: boolean | string;
  /** `COLLOQUY_AKISMET_TEST`. */
  akismetTest?: boolean | string;
  /** `COLLOQUY_WEBHOOK_URL`. */
  webhookUrl?: string;
  /** `COLLOQUY_WEBHOOK_FORMAT`. */
  webhookFormat?: WebhookFormat;
  /** `COLLOQUY_WEBHOOK_SECRET`. */
  webhookSecret?: string;
  /** `COLLOQUY_SMTP_URL`: `smtp://user:pass@host:587` or `smtps://…`; turns email on (needs `publicUrl`). */
  smtpUrl?: string;
  /** `COLLOQUY_MAIL_FROM`. */
  mailFrom?: string;
  /** `COLLOQUY_NOTIFY_DAILY_CAP`. */
  notifyDailyCap?: number | string;
  /** `COLLOQUY_NOTIFY_EMAIL`. */
  notifyEmail?: string;
  /** `COLLOQUY_NOTIFY_OWNER`: `all`, `held` or `none`. */
  notifyOwner?: 'all' | 'held' | 'none';
}

/** Each option and the environment variable it stands for. */
export const OPTION_VARIABLES = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  secret: 'COLLOQUY_SECRET',
  adminToken: 'COLLOQUY_ADMIN_TOKEN',
  adminUrl: 'COLLOQUY_ADMIN_URL',
  threadUrl: 'COLLOQUY_THREAD_URL',
  publicUrl: 'COLLOQUY_PUBLIC_URL',
  requestTimeoutSeconds: 'COLLOQUY_REQUEST_TIMEOUT_SECONDS',
  headersTimeoutSeconds: 'COLLOQUY_HEADERS_TIMEOUT_SECONDS',
  keepAliveTimeoutSeconds: 'COLLOQUY_KEEP_ALIVE_TIMEOUT_SECONDS',
  maxConnections: 'COLLOQUY_MAX_CONNECTIONS',
  origins: 'COLLOQUY_ORIGINS',
  moderation: 'COLLOQUY_MODERATION',
  floodSeconds: 'COLLOQUY_FLOOD_SECONDS',
  trustProxy: 'COLLOQUY_TRUST_PROXY',
  likes: 'COLLOQUY_LIKES',
  liveMax: 'COLLOQUY_LIVE_MAX',
  hostName: 'COLLOQUY_HOST_NAME',
  closeAfterDays: 'COLLOQUY_CLOSE_AFTER_DAYS',
  minFormSeconds: 'COLLOQUY_MIN_FORM_SECONDS',
  maxLinks: 'COLLOQUY_MAX_LINKS',
  moderationWords: 'COLLOQUY_MODERATION_WORDS',
  moderationWordsFile: 'COLLOQUY_MODERATION_WORDS_FILE',
  blockedWords: 'COLLOQUY_BLOCKED_WORDS',
  blockedWordsFile: 'COLLOQUY_BLOCKED_WORDS_FILE',
  akismetKey: 'AKISMET_KEY',
  akismetUrl: 'AKISMET_URL',
  siteUrl: 'COLLOQUY_SITE_URL',
  siteLang: 'COLLOQUY_SITE_LANG',
  akismetDiscard: 'COLLOQUY_AKISMET_DISCARD',
  akismetTest: 'COLLOQUY_AKISMET_TEST',
  webhookUrl: 'COLLOQUY_WEBHOOK_URL',
  webhookFormat: 'COLLOQUY_WEBHOOK_FORMAT',
  webhookSecret: 'COLLOQUY_WEBHOOK_SECRET',
  smtpUrl: 'COLLOQUY_SMTP_URL',
  mailFrom: 'COLLOQUY_MAIL_FROM',
  notifyDailyCap: 'COLLOQUY_NOTIFY_DAILY_CAP',
  notifyEmail: 'COLLOQUY_NOTIFY_EMAIL',
  notifyOwner: 'COLLOQUY_NOTIFY_OWNER',
} as const satisfies Record<keyof ColloquyOptions, string>;

/** Not settings of the server but of this call. */
export interface ColloquyExtras {
  /** Serve the demo pages at `/` and seed the demo thread, as `colloquy demo` does. */
  demo?: boolean;
  /** Where start-up notes (a generated secret, the admin token) and background failures go; `console` by default. */
  log?: { info(message: string): void; error(message: string): void };
}

/** A running Colloquy, ready to mount. */
export interface Colloquy {
  /**
   * The Hono app. It answers at its own root: `/api/…`, `/admin`, `/colloquy.js` and the files
   * beside it. Mount it with a prefix-stripping mount: `hono.mount('/comments', colloquy.app.fetch)`.
   */
  app: Hono;
  /** The same app as a Node `(req, res)` listener, for `http.createServer` and `express().use(path, …)`. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The configuration in force, secrets resolved. */
  config: ServerConfig & { secret: string; adminToken: string };
  /**
   * The first step of a graceful stop: from now on `/healthz` answers 503 `shutting_down`, so a
   * load balancer sends no new requests here, while requests still arriving are served.
   */
  beginShutdown(): void;
  /** Stops the outbox worker (letting a send under way finish) and closes the database. Requests after this fail. */
  close(): Promise<void>;
}

const consoleLog = { info: (message: string) => console.log(message), error: (message: string) => console.error(message) };

/**
 * Opens the database (running its migrations), resolves the secrets and builds the server.
 * Throws {@link ConfigError} for a bad option, naming it: `origins must be a comma-separated list…`.
 */
export async function createColloquy(options: ColloquyOptions = {}, extras: ColloquyExtras = {}): Promise<Colloquy> {
  let config: ServerConfig;
  try {
    config = parseConfig(optionsToEnv(options), { demo: extras.demo ?? false });
  } catch (error) {
    throw error instanceof ConfigError ? asOptionError(error) : error;
  }
  return start(config, extras, (error) => (error instanceof ConfigError ? asOptionError(error) : error));
}

/** {@link createColloquy} from environment variables, as `colloquy serve` reads them. */
export async function createColloquyFromEnv(env: Record<string, string | undefined>, extras: ColloquyExtras = {}): Promise<Colloquy> {
  return start(parseConfig(env, { demo: extras.demo ?? false }), extras, (error) => error);
}

async function start(config: ServerConfig, extras: ColloquyExtras, rename: (error: unknown) => unknown): Promise<Colloquy> {
  const log = extras.log ?? consoleLog;
  let secret: string;
  let adminToken: string;
  try {
    secret = config.secret ?? loadSecret(config.secretPath, log);
    adminToken = config.adminToken ?? loadAdminToken(config.adminTokenPath, log);
    // Every start says where the token is, never the token itself (only its first start, below, shows it).
    if (config.adminToken !== null) log.info('[colloquy] The admin token comes from COLLOQUY_ADMIN_TOKEN.');
  } catch (error) {
    throw rename(error);
  }
  const store: CommentStore = await openStore(config.database, { secret });
  if (config.demo && (await seedDemo(store))) log.info(`[colloquy] Added a first comment to the demo thread "${DEMO_THREAD}".`);
  const resolved = { ...config, secret, adminToken };
  let stopping = false;
  const app = createApp({
    stopping: () => stopping,
    store,
    config: resolved,
    assets: { distDir: distDir(), demoDir: config.demo ? demoDir() : undefined },
    log: (message) => log.error(message),
  });
  // Sends what the app writes to the outbox; every instance runs one, and they share the work.
  const outbox = outboxSenders(resolved);
  // stop() closes the senders' SMTP transport once the sends in flight end, so close() leaves no socket open.
  const worker = startOutboxWorker({ store, senders: outbox.senders, closeSenders: outbox.close, log: (message) => log.error(message) });
  // Leave the host app's global Request and Response alone: it may rely on them.
  const handler = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  let closed: Promise<void> | undefined;
  let liveClosed: Promise<void> | undefined;
  const beginShutdown = () => {
    stopping = true;
    // Live update streams never end by themselves: ended here, they hold no server.close() open.
    liveClosed ??= closeLiveStreams(app);
  };
  return {
    app,
    handler,
    config: resolved,
    beginShutdown,
    close: () => (closed ??= (beginShutdown(), liveClosed!.then(() => worker.stop()).then(() => store.close()))),
  };
}

function loadSecret(path: string, log: NonNullable<ColloquyExtras['log']>): string {
  const { secret, created } = loadOrCreateSecret(path);
  if (created) log.info(`[colloquy] Generated a secret and saved it to ${path}; keep it with the database.`);
  return secret;
}

function loadAdminToken(path: string, log: NonNullable<ColloquyExtras['log']>): string {
  const { secret: token, created } = loadOrCreateKeyFile(path, 'COLLOQUY_ADMIN_TOKEN');
  // Shown this once, when it is made; afterwards it is only in the file.
  if (created) log.info(`[colloquy] Generated an admin token and saved it to ${path}. Admin token: ${token}`);
  else log.info(`[colloquy] The admin token is kept in ${path} (shown only on the start that generated it).`);
  return token;
}

const VARIABLE_OPTIONS = new Map<string, string>(Object.entries(OPTION_VARIABLES).map(([option, variable]) => [variable, option]));

/**
 * The options as the environment would hold them, for {@link parseConfig}. Numbers and
 * booleans become their text, lists are joined with commas; anything else is refused.
 */
export function optionsToEnv(options: ColloquyOptions): Record<string, string | undefined> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('options', 'must be an object such as { databaseUrl: "sqlite:./data/colloquy.db" }.');
  }
  const env: Record<string, string | undefined> = {};
  for (const [option, raw] of Object.entries(options) as [string, unknown][]) {
    const variable = (OPTION_VARIABLES as Record<string, string>)[option];
    if (variable === undefined || !Object.hasOwn(OPTION_VARIABLES, option)) {
      throw new ConfigError(option, `is not a Colloquy option; the options are ${Object.keys(OPTION_VARIABLES).join(', ')}.`);
    }
    if (raw === undefined || raw === null) continue;
    if (typeof raw === 'string') env[variable] = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) env[variable] = String(raw);
    else if (typeof raw === 'boolean') env[variable] = String(raw);
    else if (Array.isArray(raw) && raw.every((item) => typeof item === 'string' && !item.includes(','))) env[variable] = raw.join(',');
    else if (Array.isArray(raw)) throw new ConfigError(option, 'must be a list of strings, none of them holding a comma.');
    else throw new ConfigError(option, `must be a string${option === 'port' ? ' or a number' : ''}, not ${typeof raw === 'number' ? String(raw) : typeof raw}.`);
  }
  return env;
}

/** The parser's error with each variable it names replaced by its option: `origins must be…`. */
function asOptionError(error: ConfigError): ConfigError {
  if (!VARIABLE_OPTIONS.has(error.variable)) return error;
  const problem = error.message.slice(error.variable.length + 1);
  const rename = (text: string) => text.replace(/\b[A-Z][A-Z_]*[A-Z]\b/g, (name) => VARIABLE_OPTIONS.get(name) ?? name);
  return new ConfigError(VARIABLE_OPTIONS.get(error.variable)!, rename(problem));
}
