/**
 * Permalinks: the page's `#comment-<id>` is found (loading pages until it is), scrolled to
 * and highlighted. ("Copy link" is one of the on-demand interactions, interactions.ts.)
 */
import type { Comment } from '../../api/contract.js';
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

export interface PermalinkHost extends ReactiveControllerHost, HTMLElement {
  article(id: string): HTMLElement | null;
}

export class PermalinkController implements ReactiveController {
  /** The comment the page's `#comment-<id>` names, once it is shown. */
  highlightId = '';
  #host: PermalinkHost;
  #thread: ThreadController;
  /** Loads the thread's next page (on demand); the comments it added. */
  #more: () => Promise<Comment[]>;
  #handleHashChange = () => void this.reveal();

  constructor(host: PermalinkHost, thread: ThreadController, more: () => Promise<Comment[]>) {
    this.#host = host;
    this.#thread = thread;
    this.#more = more;
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('hashchange', this.#handleHashChange);
  }

  hostDisconnected(): void {
    removeEventListener('hashchange', this.#handleHashChange);
  }

  /** Scrolls to and highlights the comment the page names, loading pages until it is found. */
  async reveal(): Promise<void> {
    const id = permalinkTarget();
    const thread = this.#thread;
    const found = () => thread.comments.some((c) => c.id === id);
    if (!id || thread.state === 'loading') return;
    while (!found() && (await this.#more()).length);
    if (!found()) return;
    this.highlightId = id;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#host.article(id)?.scrollIntoView({ block: 'center' });
  }
}
