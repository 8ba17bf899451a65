/**
 * Permalinks: the page's `#comment-<id>` is found (loading pages until it is), scrolled to
 * and highlighted; "Copy link" copies a comment's permalink and says so on the button.
 */
import type { Localized } from '../../i18n/i18n.js';
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

/** How long "Copy link" reads "Link copied.", in ms. */
export const COPIED_FOR = 2000;

export interface PermalinkHost extends ReactiveControllerHost, HTMLElement {
  /** The strings in use. */
  words(): Localized;
  article(id: string): HTMLElement | null;
  announce(message: string): void;
}

export class PermalinkController implements ReactiveController {
  /** The comment the page's `#comment-<id>` names, once it is shown. */
  highlightId = '';
  #host: PermalinkHost;
  #thread: ThreadController;
  #handleHashChange = () => void this.reveal();

  constructor(host: PermalinkHost, thread: ThreadController) {
    this.#host = host;
    this.#thread = thread;
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
    while (!found() && (await thread.loadMore()).length);
    if (!found()) return;
    this.highlightId = id;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#host.article(id)?.scrollIntoView({ block: 'center' });
  }

  /** Copies a comment's permalink; the button says "Link copied." for a moment. */
  async copy(id: string, button: HTMLElement): Promise<void> {
    const s = this.#host.words();
    const link = `${location.href.split('#')[0]}#comment-${id}`;
    try {
      await navigator.clipboard.writeText(link);
      this.#host.announce(s.linkCopied);
      button.textContent = s.linkCopied;
      setTimeout(() => (button.textContent = s.copyLink), COPIED_FOR);
    } catch {
      // No clipboard (a plain-http page, or permission refused): put the link where it can be copied.
      history.replaceState(history.state, '', link);
      this.#host.announce(s.copyFailed);
    }
  }
}
