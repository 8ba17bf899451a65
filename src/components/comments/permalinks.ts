/**
 * Permalinks: the page's `#comment-<id>`, when it names one, is found (loading pages until it
 * is), scrolled to and highlighted. Finding it is one of the on-demand interactions
 * (interactions.ts, `findPermalink`), as is "Copy link": only a visitor who arrives at or follows
 * a permalink downloads it.
 */
import type { ReactiveController, ReactiveControllerHost } from '../shared/colloquy-element.js';
import type { ThreadController } from './thread-controller.js';

const PERMALINK = /^#comment-(.+)$/;

/** The comment the page's address names, or `''`. */
export const permalinkTarget = () => {
  const id = PERMALINK.exec(location.hash)?.[1] ?? '';
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
};

export class PermalinkController implements ReactiveController {
  #thread: ThreadController;
  /** Finds, scrolls to and highlights a comment (on demand). */
  #reveal: (id: string) => unknown;
  #handleHashChange = () => this.reveal();

  constructor(host: ReactiveControllerHost, thread: ThreadController, reveal: (id: string) => unknown) {
    this.#thread = thread;
    this.#reveal = reveal;
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('hashchange', this.#handleHashChange);
  }

  hostDisconnected(): void {
    removeEventListener('hashchange', this.#handleHashChange);
  }

  /** Shows the comment the page names, if it names one and the thread is in. */
  reveal(): void {
    const id = permalinkTarget();
    if (id && this.#thread.state !== 'loading') void this.#reveal(id);
  }
}
