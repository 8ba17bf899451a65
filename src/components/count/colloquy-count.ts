import { fetchCounts } from '../../api/client.js';
import en from '../../i18n/en.js';

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
    for (const key of keys.slice(i, i + 100)) if (key in counts) for (const el of threads.get(key)!) el.show(key, counts[key]);
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

  /** Shows a count, unless the element has moved on to another thread meanwhile. */
  show(thread: string, count: number): void {
    if (thread !== this.thread) return;
    const text = en.commentCount(count, new Intl.PluralRules(this.closest<HTMLElement>('[lang]')?.lang || 'en'));
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
