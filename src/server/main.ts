/**
 * Starts the Colloquy server: `colloquy serve` (compiled, dist/server/server/main.js), or
 * `tsx src/server/main.ts [--demo]` from a source checkout.
 * Configuration comes from the environment (see config.ts and docs/server.md).
 */
import { serve } from '@hono/node-server';
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config.js';
import { createColloquyFromEnv, type Colloquy } from './library.js';

const FORCED_SHUTDOWN_MS = 5000;
/** How long requests in flight may take to finish once a stop signal came. */
const SHUTDOWN_GRACE_MS = 2000;
const CONNECTIONS_CHECK_MS = 1000;

/** Runs the server until SIGINT or SIGTERM; exits the process with 1 on a bad configuration. */
export async function startServer({ demo = false, env = process.env }: { demo?: boolean; env?: Record<string, string | undefined> } = {}): Promise<void> {
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
  );
  // Beyond this many open connections, new ones are closed as they arrive.
  server.maxConnections = http.maxConnections;
  server.on('error', async (error: NodeJS.ErrnoException) => {
    console.error(`[colloquy] Cannot listen on ${config.host}:${config.port}: ${error.message}`);
    await colloquy.close();
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[colloquy] ${signal} received, shutting down.`);
    // Keep-alive connections would hold close() open; a stuck request must not hold the exit.
    setTimeout(() => process.exit(1), FORCED_SHUTDOWN_MS).unref();
    server.close(async () => {
      await colloquy.close();
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    // A socket that has sent no request yet (a browser's preconnect) is not idle to Node and
    // would hold close() open until the forced exit; requests in flight get this long to finish.
    if ('closeAllConnections' in server) setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
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
