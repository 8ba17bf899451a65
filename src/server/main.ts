/**
 * Starts the Colloquy server: `colloquy serve` (compiled, dist/server/server/main.js), or
 * `tsx src/server/main.ts [--demo]` from a source checkout.
 * Configuration comes from the environment (see config.ts and docs/server.md).
 */
import { serve } from '@hono/node-server';
import { existsSync, realpathSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config.js';
import { createColloquyFromEnv, type Colloquy } from './library.js';
import { distDir } from './package-files.js';

/**
 * How long requests in flight may take to finish once SIGTERM (or SIGINT) came; then their
 * connections are closed. Long-lived responses (a live stream) are cut at this bound.
 */
export const SHUTDOWN_GRACE_MS = 10_000;
/** Past the grace and the database's close, the process exits 1 whatever still runs. */
const FORCED_SHUTDOWN_MS = SHUTDOWN_GRACE_MS + 5000;
/** While draining, keep-alive connections that went idle are closed this often. */
const DRAIN_CHECK_MS = 50;
const CONNECTIONS_CHECK_MS = 1000;

/**
 * Why `colloquy serve` cannot serve the widget from `dir` (its `dist/` folder), or `null`:
 * a source checkout that was never built has no `colloquy.js`, and every page embedding
 * the widget would get a 404.
 */
export function missingBuild(dir: string): string | null {
  const script = join(dir, 'colloquy.js');
  if (existsSync(script)) return null;
  return `the built widget is missing: ${script} does not exist. In a source checkout, run "npm run build" first (an installed package ships it).`;
}

/** Runs the server until SIGINT or SIGTERM; exits the process with 1 on a bad configuration. */
export async function startServer({ demo = false, env = process.env }: { demo?: boolean; env?: Record<string, string | undefined> } = {}): Promise<void> {
  const problem = missingBuild(distDir());
  if (problem !== null) {
    console.error(`[colloquy] Cannot start: ${problem}`);
    process.exit(1);
  }
  let colloquy: Colloquy;
  try {
    colloquy = await createColloquyFromEnv(env, { demo });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[colloquy] Cannot start: ${error.message}`);
    process.exit(1);
  }
  const { app, config } = colloquy;

  const { http } = config;
  // An HTTP/1.1 server: serve() makes one unless told to make an HTTP/2 one.
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      // Node's defaults let a trickled body hold a connection for minutes, and any number of them.
      serverOptions: {
        requestTimeout: http.requestTimeoutMs,
        headersTimeout: http.headersTimeoutMs,
        keepAliveTimeout: http.keepAliveTimeoutMs,
        // How often Node looks for requests past their timeout (its default is every 30 s).
        connectionsCheckingInterval: Math.min(CONNECTIONS_CHECK_MS, http.headersTimeoutMs),
      },
    },
    (info: AddressInfo) => {
      console.log(`[colloquy] Colloquy is running at ${publicUrl(config.host, info.port)}`);
    },
  ) as Server;
  // Beyond this many open connections, new ones are closed as they arrive.
  server.maxConnections = http.maxConnections;
  server.on('error', async (error: NodeJS.ErrnoException) => {
    console.error(`[colloquy] Cannot listen on ${config.host}:${config.port}: ${error.message}`);
    await colloquy.close();
    process.exit(1);
  });

  // Connections that have not sent a request yet (a browser's preconnect, a client that never
  // speaks): Node's closeIdleConnections() leaves them open, and they would hold the drain.
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  server.on('request', (request: IncomingMessage) => unused.delete(request.socket));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[colloquy] ${signal} received: no new connections; finishing the requests in flight (at most ${SHUTDOWN_GRACE_MS / 1000} s).`);
    // A stuck request, or a close that never ends, must not hold the exit for ever.
    setTimeout(() => process.exit(1), FORCED_SHUTDOWN_MS).unref();
    colloquy.beginShutdown();
    // Stops listening; calls back once every connection has closed.
    server.close(async () => {
      clearInterval(drain);
      clearTimeout(cut);
      // The outbox worker lets a send under way finish; then the database closes.
      await colloquy.close();
      console.log('[colloquy] Stopped.');
      process.exit(0);
    });
    // A keep-alive connection goes idle once its response is sent: close it then, so each
    // request in flight ends its connection and none waits for the client to hang up.
    const closeIdle = () => {
      server.closeIdleConnections();
      for (const socket of unused) socket.destroy();
    };
    const drain = setInterval(closeIdle, DRAIN_CHECK_MS);
    closeIdle();
    const cut = setTimeout(() => {
      console.error(`[colloquy] Requests still running after ${SHUTDOWN_GRACE_MS / 1000} s were cut off.`);
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function publicUrl(host: string, port: number): string {
  const local = ['127.0.0.1', 'localhost', '0.0.0.0', '::', '::1', ''].includes(host);
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/`;
}

// Run as a program (not imported by the `colloquy` command).
if (isEntryPoint()) {
  startServer({ demo: process.argv.slice(2).includes('--demo') }).catch((error: unknown) => {
    console.error(`[colloquy] Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
