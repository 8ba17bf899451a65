/**
 * Which address a request came from, for flood control, the admin brake and Akismet.
 * `X-Forwarded-For` is believed only as far as COLLOQUY_TRUST_PROXY says: anyone can send
 * the header, so without a proxy that overwrites it a flooder could pick a new "address"
 * per post.
 *
 * Every address is brought to one spelling ({@link canonicalAddress}) so `2001:DB8::1` and
 * `2001:db8:0:0:0:0:0:1`, or `::ffff:192.0.2.1` and `192.0.2.1`, are not different clients;
 * and since one IPv6 subscriber is handed a whole /64, the limits key an IPv6 client by
 * its /64 ({@link rateLimitKey}).
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIPv4, isIPv6 } from 'node:net';
import type { TrustProxy } from '../config.js';

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

/**
 * The client's address in its canonical spelling, as far as the configuration trusts
 * proxies; `undefined` when nothing usable is known.
 */
export function clientAddress(c: Context, trustProxy: TrustProxy, socketAddress: SocketAddress): string | undefined {
  const peer = canonicalAddress(socketAddress(c));
  if (trustProxy === 0) return peer;
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  // Nearest last: the socket's peer, then each address a proxy appended before it.
  const hops = [...forwarded, peer ?? ''];
  const chosen = trustProxy === 'all' ? hops[0] : hops[Math.max(0, hops.length - 1 - trustProxy)];
  // A hop that is no address (a typo in a proxy's config, or made up by the client when
  // every hop is trusted) counts as the peer: unknown would escape the address limit.
  return canonicalAddress(chosen) ?? peer;
}

/**
 * One spelling per address: IPv4 as dotted decimal; an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`) as the IPv4 address it maps; any other IPv6 address in RFC 5952's
 * form (lower case, no leading zeros, the longest run of two or more zero groups as `::`),
 * without a zone. A port (`1.2.3.4:5678`, `[::1]:443`), as some proxies write, is dropped.
 * Anything else is `undefined`.
 */
export function canonicalAddress(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address.toLowerCase());
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  return rfc5952(groups);
}

/**
 * What the limits count a client by, from a {@link canonicalAddress}: an IPv4 address
 * itself, an IPv6 address's /64 network (`2001:db8:1:2::/64`).
 */
export function rateLimitKey(address: string): string {
  if (!address.includes(':')) return address;
  return `${rfc5952([...ipv6Groups(address).slice(0, 4), 0, 0, 0, 0])}/64`;
}

function rfc5952(groups: number[]): string {
  // The longest run of zero groups, the first of equals; a lone zero group stays.
  let start = -1;
  let length = 0;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > length) [start, length] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (part: number[]) => part.map((group) => group.toString(16)).join(':');
  return length < 2 ? hex(groups) : `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}
