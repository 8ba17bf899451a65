/**
 * Approved-comment counts of several threads in one request. Only `<colloquy-count>`'s
 * counting (count-queue.ts, loaded when the first count connects) imports it.
 */
import { request, url } from './client.js';
import type { ThreadCounts } from './contract.js';

export function fetchCounts(endpoint: string, threads: string[]): Promise<ThreadCounts> {
  const params = new URLSearchParams();
  for (const thread of threads) params.append('thread', thread);
  return request(url(endpoint, `/counts?${params}`), {});
}
