/**
 * Starts the Colloquy server: `tsx src/server/main.ts [--demo]`.
 * Configuration comes from the environment (see config.ts and docs/server.md).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { ConfigError, parseConfig, type ServerConfig } from './config.js';
import { DEMO_THREAD, seedDemo } from './demo.js';
import { loadOrCreateKeyFile, loadOrCreateSecret } from './secret.js';
import { openStore } from './store/index.js';

const FORCED_SHUTDOWN_MS = 5000;

async function main(): Promise<void> {
  const demo = process.argv.slice(2).includes('--demo');
  let config: ServerConfig;
  let secret: string;
  let adminToken: string;
  try {
    config = parseConfig(process.env, { demo });
    secret = config.secret ?? loadSecret(config.secretPath);
    adminToken = config.adminToken ?? loadAdminToken(config.adminTokenPath);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[colloquy] Cannot start: ${error.message}`);
    process.exit(1);
  }

  const store = await openStore(config.database);
  if (demo && (await seedDemo(store))) console.log(`[colloquy] Added a first comment to the demo thread "${DEMO_THREAD}".`);

  const app = createApp({
    store,
    config: { ...config, secret, adminToken },
    assets: {
      distDir: fileURLToPath(new URL('../../dist/', import.meta.url)),
      demoDir: demo ? fileURLToPath(new URL('../../demo/', import.meta.url)) : undefined,
    },
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
    console.log(`[colloquy] Colloquy is running at ${publicUrl(config.host, info.port)}`);
  });
  server.on('error', async (error: NodeJS.ErrnoException) => {
    console.error(`[colloquy] Cannot listen on ${config.host}:${config.port}: ${error.message}`);
    await store.close();
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
      await store.close();
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function loadSecret(path: string): string {
  const { secret, created } = loadOrCreateSecret(path);
  if (created) console.log(`[colloquy] Generated a secret and saved it to ${path}; keep it with the database.`);
  return secret;
}

function loadAdminToken(path: string): string {
  const { secret: token, created } = loadOrCreateKeyFile(path, 'COLLOQUY_ADMIN_TOKEN');
  // Shown this once, when it is made; afterwards it is only in the file.
  if (created) console.log(`[colloquy] Generated an admin token and saved it to ${path}. Admin token: ${token}`);
  return token;
}

function publicUrl(host: string, port: number): string {
  const local = ['127.0.0.1', 'localhost', '0.0.0.0', '::', '::1', ''].includes(host);
  const name = local ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/`;
}

main().catch((error: unknown) => {
  console.error(`[colloquy] Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
