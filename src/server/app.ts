/**
 * The Colloquy server as a Hono app: the API under `/api`, and optionally the widget
 * bundle and demo pages. `main.ts` serves it over HTTP; tests call `app.request()`.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AdminErrorBody } from '../api/admin-contract.js';
import type { ErrorBody } from '../api/contract.js';
import { akismet } from './integrations/akismet.js';
import { clientAddress, nodeSocketAddress, type SocketAddress } from './http/client-address.js';
import type { AppConfig } from './app-config.js';
import type { SpamConfig } from './config.js';
import { cors } from './http/cors.js';
import { editTokens } from './security/edit-token.js';
import { ApiError, codeForStatus, notFound } from './http/errors.js';
import { formTokens } from './security/form-token.js';
import { sendJson } from './http/json.js';
import { keyedHashes } from './security/keyed-hash.js';
import { trustedOrigins } from './security/trusted-page.js';
import { PageCache } from './http/page-cache.js';
import { BodyAborted } from './http/request-body.js';
import { adminPageRoutes } from './routes/admin-page.js';
import { adminRoutes } from './routes/admin.js';
import { assetRoutes, type AssetFolders } from './routes/assets.js';
import { commentRoutes } from './routes/comments.js';
import { likeRoutes } from './routes/likes.js';
import { countRoutes } from './routes/counts.js';
import { threadRoutes } from './routes/threads.js';
import { notificationRoutes } from './routes/notifications.js';
import { mailListener } from './integrations/mail/notifications.js';
import { mailContextFor } from './integrations/mail/setup.js';
import type { CommentStore } from './store/comment-store.js';
import type { EventListener } from './outbox/events.js';
import { webhookListener } from './integrations/webhook.js';
import { signedLinks } from './integrations/mail/links.js';
import { linkEmailSender, myCommentLinks } from './domain/my-comments.js';
import { meRoutes } from './routes/me.js';
import { mailViewerRoutes } from './routes/mail-viewer.js';
import { streamRoutes } from './routes/stream.js';
import { LiveHub } from './live/hub.js';
import { toApiComment } from './http/comment-json.js';
import { DEFAULT_LIVE_MAX } from './config.js';
import { healthRoutes } from './routes/health.js';
import { rootRoutes } from './routes/root.js';

export type { AppConfig } from './app-config.js';

const NO_SPAM_RULES: SpamConfig = { minFormSeconds: 0, maxLinks: null, moderationWords: [], blockedWords: [], akismet: null };

export interface AppOptions {
  store: CommentStore;
  config: AppConfig;
  /** Serve the widget bundle (and the demo pages) too; omit for the API alone. */
  assets?: AssetFolders;
  /** Where to read the socket's peer address; defaults to @hono/node-server's connection info. */
  socketAddress?: SocketAddress;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  clock?: () => number;
  /** Characters of rendered pages kept in memory (default 16 Mi); 0 renders every request afresh. */
  pageCacheChars?: number;
  /** Where Akismet's and the webhook's background failures are reported; defaults to `console.error`. */
  log?: (message: string) => void;
  /**
   * Told of every new comment, approval and author's edit inside its transaction, to write the
   * messages it causes into the outbox (see src/server/outbox/events.ts). The webhook's listener
   * is added when `config.webhook` is set. The outbox worker (started beside the app, see
   * library.ts) sends what they write.
   */
  listeners?: EventListener[];
  /** Whether the server is stopping: `/healthz` then answers 503 `shutting_down` (main.ts sets it on SIGTERM). */
  stopping?: () => boolean;
}

const LIVE_HUBS = new WeakMap<Hono, LiveHub>();

/** Ends an app's live update streams (they would hold a closing server open) and refuses new ones. */
export async function closeLiveStreams(app: Hono): Promise<void> {
  await LIVE_HUBS.get(app)?.close();
}

export function createApp(options: AppOptions): Hono {
  const { store, config, assets, socketAddress = nodeSocketAddress, clock = Date.now, pageCacheChars } = options;
  const log = options.log ?? ((message: string) => console.error(message));
  const app = new Hono();
  const hashes = keyedHashes(config.secret);
  const pages = new PageCache(pageCacheChars);
  const address = (c: Context) => clientAddress(c, config.trustProxy, socketAddress);
  const spam = config.spam ?? NO_SPAM_RULES;
  const spamChecker = spam.akismet ? akismet(spam.akismet, log) : null;
  const webhook = config.webhook ?? null;
  const publicUrl = config.publicUrl ?? null;
  const adminPage = config.adminUrl ?? (publicUrl === null ? null : `${publicUrl}/admin`);
  if (webhook && adminPage === null) throw new Error('createApp: a webhook needs config.publicUrl (or config.adminUrl) to link to the admin page.');
  // Email: reply notifications with double opt-in, and the owner's emails (src/server/integrations/mail/).
  const mail = mailContextFor(config, clock);
  const listeners: EventListener[] = [
    ...(webhook ? [webhookListener({ hashes, adminLink: (id) => `${adminPage}#comment-${id}`, clock })] : []),
    ...(mail ? [mailListener(mail)] : []),
    ...(options.listeners ?? []),
  ];

  app.use(async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });
  if (config.trustProxy === 0) {
    let warned = false;
    app.use(async (c, next) => {
      if (!warned && c.req.header('X-Forwarded-For') !== undefined) {
        warned = true;
        log(
          '[colloquy] requests carry X-Forwarded-For but COLLOQUY_TRUST_PROXY is off: every client behind that proxy counts as the proxy, one address, for flood control and the admin brake. If you run the proxy, set COLLOQUY_TRUST_PROXY to the number of proxies in front (1 for one).',
        );
      }
      await next();
    });
  }

  // For the load balancer: no CORS, never cached (routes/health.ts).
  app.route('/', healthRoutes({ store, log, stopping: options.stopping }));

  // Before the public API's CORS: a mailbox's one-click unsubscribe comes from no browser; the token authorizes.
  if (mail) app.route('/api/notifications', notificationRoutes({ store, mail, clock }));

  // Before the public API, whose CORS lets other sites in: the admin API admits none.
  app.route(
    '/api/admin',
    adminRoutes({
      store,
      hashes,
      token: config.adminToken ?? null,
      trustProxy: config.trustProxy,
      publicUrl,
      clock,
      clientAddress: address,
      akismet: spamChecker,
      log,
      listeners,
      hostName: config.hostName,
      siteUrl: config.siteUrl ?? null,
      closeAfterDays: config.closeAfterDays ?? null,
    }),
  );

  const apiCors = cors({ origins: config.origins, trustProxy: config.trustProxy, publicUrl, log, clock });
  // Before the public API's CORS, which would refuse the pages' form posts (see routes/me.ts).
  app.route(
    '/api/me',
    meRoutes({
      store,
      hashes,
      secret: config.secret,
      links: myCommentLinks(config.secret, signedLinks(config.secret), mail?.publicUrl ?? publicUrl),
      // With email on (COLLOQUY_SMTP_URL, or the demo's folder); without, POST /api/me/link is a 404
      // and the pages still open links sent earlier.
      sendLink: mail ? linkEmailSender(config.secret, new URL(mail.settings.siteUrl ?? mail.publicUrl).host) : null,
      cors: apiCors,
      clock,
      clientAddress: address,
    }),
  );

  const api = new Hono();
  api.use(apiCors);
  // COLLOQUY_LIKES: on unless set off.
  const likes = config.likes ?? true;
  // Live updates (COLLOQUY_LIVE_MAX; 0 leaves the path to the 404 below): before /comments, whose routes take any path.
  const liveMax = config.liveMax ?? DEFAULT_LIVE_MAX;
  if (liveMax > 0) {
    const hub = new LiveHub({ store, render: (comment) => toApiComment(comment, hashes.avatar, likes), max: liveMax, log });
    LIVE_HUBS.set(app, hub);
    api.route('/comments/stream', streamRoutes({ hub, clientAddress: address }));
  }
  api.route('/comments', likeRoutes({ store, hashes, enabled: likes, clock, clientAddress: address }));
  api.route(
    '/comments',
    commentRoutes({
      store,
      hashes,
      tokens: editTokens(config.secret),
      pages,
      policy: {
        moderation: config.moderation,
        floodSeconds: config.floodSeconds,
        // The thread's page the admin page links to: only on the site's origins or the server's own.
        trustedOrigins: trustedOrigins({ origins: config.origins, publicUrl: mail?.publicUrl ?? publicUrl, siteUrl: config.siteUrl ?? null }),
      },
      clock,
      clientAddress: address,
      spamRules: spam,
      forms: spam.minFormSeconds > 0 ? formTokens(config.secret) : null,
      akismet: spamChecker,
      listeners,
      closeAfterDays: config.closeAfterDays ?? null,
      likes,
      live: liveMax > 0,
    }),
  );
  api.route('/counts', countRoutes({ store }));
  api.route('/threads', threadRoutes({ store, hashes, pages, likes }));
  api.all('*', () => {
    throw notFound();
  });
  app.route('/api', api);
  if (assets) {
    app.route('/', adminPageRoutes({ threadUrl: config.threadUrl ?? null }));
    // The demo writes its email to a folder: /mail shows it (demo only).
    if (assets.demoDir && mail?.settings.dir) app.route('/', mailViewerRoutes(mail.settings.dir));
    // `colloquy serve` says what it is at `/`; the demo has its own pages there.
    if (!assets.demoDir) app.route('/', rootRoutes({ publicUrl }));
    app.route('/', assetRoutes(assets));
  }

  app.notFound((c) => errorResponse(c, notFound(), log));
  app.onError((error, c) => errorResponse(c, error, log));
  return app;
}

/** Every error, whoever raised it, in the contract's error body. */
function errorResponse(c: Context, error: Error, log: (message: string) => void): Response {
  if (error instanceof BodyAborted) {
    // A client that hung up, or trickled past COLLOQUY_REQUEST_TIMEOUT_SECONDS: one line, no stack.
    log(`[colloquy] ${c.req.method} ${c.req.path}: the client stopped sending the request body (${error.reason}); nothing was stored.`);
  }
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    const body: AdminErrorBody = { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
    return sendJson(c, body, error.status);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const body: ErrorBody = { error: { code: codeForStatus(error.status), message: error.message || 'The request could not be handled.' } };
    return sendJson(c, body, error.status);
  }
  // The stack only: a database error's other fields can quote the row, email included.
  console.error(`[colloquy] ${c.req.method} ${c.req.path} failed: ${error.stack ?? String(error)}`);
  const body: ErrorBody = { error: { code: 'server_error', message: 'Something went wrong on the server. Please try again.' } };
  return sendJson(c, body, 500);
}
