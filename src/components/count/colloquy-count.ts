import { chunk } from '../shared/chunk.js';

/** The counting itself (count-queue.ts), fetched when the first count on a page connects; `undefined` while offline. */
let queue: Promise<typeof import('./count-queue.js') | undefined> | undefined;
const load = () =>
  (queue ??= chunk(import.meta.url, './count-queue.js', () => import('./count-queue.js')).catch(() => {
    console.warn('[colloquy] <colloquy-count> could not be downloaded (offline?); it tries again when it next connects.');
    return (queue = undefined);
  }));

/**
 * The number of comments on an episode, for listing pages: "3 Comments". Every count on
 * a page is fetched in one request per endpoint (count-queue.ts, downloaded when the first
 * count connects). It renders plain text (or a link) in the page's own DOM, so it takes the
 * page's styles like any text.
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

  /** Base URL of the Colloquy endpoint (reflects the `endpoint` attribute). */
  get endpoint(): string {
    return this.getAttribute('endpoint') ?? '';
  }

  // Frameworks (React 19, Vue, Solid) set a property when the element has one: it must take it.
  set endpoint(value: string) {
    this.setAttribute('endpoint', value);
  }

  /** The thread's key (reflects the `thread` attribute). */
  get thread(): string {
    return this.getAttribute('thread') ?? '';
  }

  set thread(value: string) {
    this.setAttribute('thread', value);
  }

  attributeChangedCallback(): void {
    if (this.isConnected && this.endpoint && this.thread) void load().then((counting) => counting?.ask(this));
  }

  connectedCallback(): void {
    this.attributeChangedCallback();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'colloquy-count': ColloquyCount;
  }
}
