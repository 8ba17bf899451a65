import { fetchCounts } from '../../api/client.js';
import { localeOf, say, stringsFor } from '../../i18n/i18n.js';

/** Threads asked for in this task, per endpoint, answered by one request when the task ends. */
const queued = new Map<string, Map<string, ColloquyCount[]>>();

function ask(element: ColloquyCount) {
  const { endpoint, thread } = element;
  let threads = queued.get(endpoint);
  if (!threads) {
    queued.set(endpoint, (threads = new Map()));
    setTimeout(() => void flush(endpoint, threads!));
  }
  threads.set(thread, [...(threads.get(thread) ?? []), element]);
}

async function flush(endpoint: string, threads: Map<string, ColloquyCount[]>) {
  queued.delete(endpoint);
  const keys = [...threads.keys()];
  // The contract takes at most 100 threads a request.
  for (let i = 0; i < keys.length; i += 100) {
    const { counts } = await fetchCounts(endpoint, keys.slice(i, i + 100)).catch(() => ({ counts: {} as Record<string, number> }));
    for (const key of keys.slice(i, i + 100)) if (key in counts) for (const el of threads.get(key)!) void el.show(key, counts[key]);
  }
}

/**
 * The number of comments on an episode, for listing pages: "3 Comments". Every count on
 * a page is fetched in one request per endpoint. It renders plain text (or a link) in
 * the page's own DOM, so it takes the page's styles like any text.
 *
 * @tagname colloquy-count
 * @summary A thread's comment count, localized, optionally a link.
 *
 * @attr endpoint - Base URL of the Colloquy endpoint. Required.
 * @attr thread - The thread's key, as given to `<colloquy-comments>` on the episode's page. Required.
 * @attr href - Makes the count a link, e.g. to the episode's `#comments`.
 * @attr strings - The site's own wording as JSON, as on `<colloquy-comments>`; only `commentCount` is used here.
 */
export class ColloquyCount extends HTMLElement {
  static observedAttributes = ['endpoint', 'thread', 'href'];

  /** Base URL of the Colloquy endpoint (the `endpoint` attribute). */
  get endpoint(): string {
    return this.getAttribute('endpoint') ?? '';
  }

  /** The thread's key (the `thread` attribute). */
  get thread(): string {
    return this.getAttribute('thread') ?? '';
  }

  attributeChangedCallback(): void {
    if (this.isConnected && this.endpoint && this.thread) ask(this);
  }

  connectedCallback(): void {
    this.attributeChangedCallback();
  }

  /** Shows a count in the element's language, unless it has moved on to another thread meanwhile. */
  async show(thread: string, count: number): Promise<void> {
    const locale = localeOf(this);
    let { commentCount } = await stringsFor(locale);
    try {
      commentCount = JSON.parse(this.getAttribute('strings')!).commentCount ?? commentCount;
    } catch {
      // No overrides, or not JSON (<colloquy-comments> reports that): the locale's words.
    }
    if (thread !== this.thread) return;
    const text = say(commentCount, locale, count);
    const href = this.getAttribute('href');
    const link = href ? Object.assign(document.createElement('a'), { href }) : null;
    if (link) link.textContent = text;
    this.replaceChildren(link ?? text);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'colloquy-count': ColloquyCount;
  }
}
