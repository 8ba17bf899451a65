/**
 * Which address a request came from, for flood control only. `X-Forwarded-For` is
 * believed only as far as COLLOQUY_TRUST_PROXY says: anyone can send the header, so
 * without a proxy that overwrites it a flooder could pick a new "address" per post.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { TrustProxy } from './config.js';

/** Reads the address of the socket's peer, or `undefined` when there is no socket. */
export type SocketAddress = (c: Context) => string | undefined;

/** The peer address @hono/node-server records; `app.request()` in tests has none. */
export const nodeSocketAddress: SocketAddress = (c) => {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
};

export function clientAddress(c: Context, trustProxy: TrustProxy, socketAddress: SocketAddress): string | undefined {
  const peer = socketAddress(c);
  if (trustProxy === 0) return normalize(peer);
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  // Nearest last: the socket's peer, then each address a proxy appended before it.
  const hops = [...forwarded, peer ?? ''];
  const chosen = trustProxy === 'all' ? hops[0] : hops[Math.max(0, hops.length - 1 - trustProxy)];
  return normalize(chosen);
}

function normalize(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const lower = address.toLowerCase();
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; count it as a.b.c.d.
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}
