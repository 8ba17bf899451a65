/**
 * What `<colloquy-count>` does once it has an endpoint and a thread: every count on a page is
 * fetched in one request per endpoint, then worded in each element's language. Loaded by the
 * element when the first count connects, so a page without one never downloads it.
 */
import { fetchCounts } from '../../api/counts.js';
import { localeOf, say, stringsFor } from '../../i18n/i18n.js';

/** What the queue needs of a count element. */
export interface CountElement extends HTMLElement {
  readonly endpoint: string;
  readonly thread: string;
}

/** Threads asked for in this task, per endpoint, answered by one request when the task ends. */
const queued = new Map<string, Map<string, CountElement[]>>();

export function ask(element: CountElement): void {
  const { endpoint, thread } = element;
  let threads = queued.get(endpoint);
  if (!threads) {
    queued.set(endpoint, (threads = new Map()));
    setTimeout(() => void flush(endpoint, threads!));
  }
  threads.set(thread, [...(threads.get(thread) ?? []), element]);
}

async function flush(endpoint: string, threads: Map<string, CountElement[]>) {
  queued.delete(endpoint);
  const keys = [...threads.keys()];
  // The contract takes at most 100 threads a request.
  for (let i = 0; i < keys.length; i += 100) {
    const { counts } = await fetchCounts(endpoint, keys.slice(i, i + 100)).catch(() => ({ counts: {} as Record<string, number> }));
    for (const key of keys.slice(i, i + 100)) if (key in counts) for (const el of threads.get(key)!) void show(el, key, counts[key]);
  }
}

/** Shows a count in the element's language, unless it has moved on to another thread meanwhile. */
async function show(element: CountElement, thread: string, count: number): Promise<void> {
  const locale = localeOf(element);
  let { commentCount } = await stringsFor(locale);
  try {
    commentCount = JSON.parse(element.getAttribute('strings')!).commentCount ?? commentCount;
  } catch {
    // No overrides, or not JSON (<colloquy-comments> reports that): the locale's words.
  }
  if (thread !== element.thread) return;
  const text = say(commentCount, locale, count);
  const href = element.getAttribute('href');
  const link = href ? Object.assign(document.createElement('a'), { href }) : null;
  if (link) link.textContent = text;
  element.replaceChildren(link ?? text);
}
