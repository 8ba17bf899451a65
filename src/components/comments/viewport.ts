/**
 * Lazy loading: nothing is fetched before the element comes within about one screen of
 * the viewport (or at once with `loading="eager"`, or when the page opens at a permalink).
 */
import type { ReactiveController, ReactiveControllerHost } from '../shared/colloquy-element.js';

export class ViewportController implements ReactiveController {
  /** True once the element is near the viewport. */
  active = false;
  #observer?: IntersectionObserver;
  #host: ReactiveControllerHost & HTMLElement;
  #eager: () => boolean;
  #start: () => void;

  constructor(host: ReactiveControllerHost & HTMLElement, eager: () => boolean, start: () => void) {
    this.#host = host;
    this.#eager = eager;
    this.#start = start;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.active) return;
    const start = () => {
      this.#observer?.disconnect();
      this.active = true;
      this.#start();
    };
    if (this.#eager()) return start();
    // Already within a screen of view: no need to wait a frame for the observer to say so.
    const { top, bottom } = this.#host.getBoundingClientRect();
    if (bottom >= -innerHeight && top <= 2 * innerHeight) return start();
    this.#observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && start(), { rootMargin: '100% 0px' });
    this.#observer.observe(this.#host);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }
}
