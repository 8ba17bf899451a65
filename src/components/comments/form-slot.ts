/**
 * The form's place in the element: its chunk (form.ts), fetched with the thread; its state
 * once here; and when it is drawn. Until its chunk arrives the place keeps the form's height;
 * once here, the form is drawn when its place comes within a screen of view (or when the
 * visitor replies), so a long thread's first paint does not pay for a form screens below.
 */
import { html, render } from 'lit/html.js';
import type { Localized } from '../../i18n/i18n.js';
import { chunk as onDemand } from '../shared/chunk.js';
import type { ReactiveController, ReactiveControllerHost } from '../shared/colloquy-element.js';
import type { FormHandler } from './form-view.js';
import type { FormHost, FormState } from './form-state.js';
import { findPlayer } from './media.js';
import type { ThreadController } from './thread-controller.js';

type Form = typeof import('./form.js');

/** What this module's chunk is resolved against, for its retries (shared/chunk.ts). */
const here = import.meta.url;
/** How long a thread's first page may take before the form's chunk is fetched anyway, in ms. */
const FORM_WAIT = 300;

/** The form's place while its chunk is on its way: about its height, so the page below moves little. */
const LOADING = html`<div class="form-place" aria-hidden="true"></div>`;

/** What the form's place needs from its element. */
export interface FormSlotHost extends FormHost, ReactiveControllerHost, HTMLElement {
  readonly renderRoot: ShadowRoot;
  readonly player: string;
  /** Says a failure in the visitor's words. */
  loadFailed(code: string): string;
}

export class FormSlot implements ReactiveController {
  /** The form's own container: under the comment being replied to, else after the thread. */
  readonly container = Object.assign(document.createElement('div'), { className: 'form-host' });
  /** The form's state, once its chunk has arrived. */
  state?: FormState;
  #host: FormSlotHost;
  #thread: ThreadController;
  #handle: FormHandler;
  #chunk?: Promise<Form | undefined>;
  #module?: Form;
  /** The chunk could not be downloaded: the place says so, with Retry. */
  #failed = false;
  /** The place came within a screen of view, or the form was needed: it is drawn from then on. */
  #near = false;
  /** Watching the place while it is out of sight; `first` settles at its first report. */
  #watch?: { observer: IntersectionObserver; first: Promise<void> };

  constructor(host: FormSlotHost, thread: ThreadController, handle: FormHandler) {
    this.#host = host;
    this.#thread = thread;
    this.#handle = handle;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#watch?.observer.disconnect();
    this.#watch = undefined;
  }

  /**
   * Fetches the chunk once the thread's first page is in, or after {@link FORM_WAIT} ms if it is
   * not: a visitor can write while a slow thread loads, and a fast one is not held up by the
   * form's download, compiling and drawing (12 % of a 50-comment page's time, measured).
   */
  loadAfter(page: Promise<unknown>): void {
    const waited = new Promise((resolve) => setTimeout(resolve, FORM_WAIT));
    const load = () => void this.load();
    void Promise.race([page, waited]).then(load, load);
  }

  /**
   * The chunk, fetched once. Once here, the form gets its state (saved details, the thread's
   * draft, a draft's reply once the thread is in) and its styles; a failed download is reported
   * like a failed load, and Retry (or the next load) tries again.
   */
  load(): Promise<Form | undefined> {
    if (this.#chunk) return this.#chunk;
    this.#failed = false;
    const fetched: Promise<Form> = onDemand(here, './form.js', () => import('./form.js'));
    const chunk = (this.#chunk = fetched.then(
      (module) => {
        if (!this.state) {
          this.#module = module;
          const form = (this.state = new module.FormState(this.#host));
          form.restoreIdentity();
          form.restoreDraft();
          if (this.#thread.comments.length) form.resumeReply(this.#thread.comments);
          const root = this.#host.renderRoot;
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, module.formStyles];
          this.#host.requestUpdate();
        }
        return module;
      },
      () => {
        this.#chunk = undefined;
        this.#failed = true;
        this.#thread.failed(null);
        return undefined;
      },
    ));
    this.#host.requestUpdate();
    return chunk;
  }

  /** Draws the place into its container: the form, its place until then, or Retry. */
  render(s: Localized): void {
    render(this.#template(s), this.container, { host: this.#host });
  }

  #template(s: Localized) {
    const module = this.#module;
    const form = this.state;
    if (this.#thread.closed) return html`<p part="closed" class="notice">${s.closed}</p>`;
    // Replying, the form is under the comment being read.
    if (form?.replyTo) this.#near = true;
    // Out of sight: its place, with the heading for those who jump to the form by headings.
    if (module && form && !this.#near) return html`<div class="form-later"><h3 part="form-heading" class="visually-hidden">${module.leaveComment(s)}</h3></div>`;
    if (module && form) return module.renderForm(form, this.#handle, s, this.#host.noRemember, !!findPlayer(this.#host.player));
    return this.#failed
      ? html`<div part="load-error">
          <p>${this.#host.loadFailed('network')}</p>
          <button part="retry-button" type="button" @click=${() => this.load()}>${s.retry}</button>
        </div>`
      : LOADING;
  }

  /** After each update: watches the place while the form waits out of sight. */
  watch(): void {
    const place = !this.#near && !this.#watch && this.container.querySelector('.form-later');
    if (!place) return;
    let seen!: () => void;
    const first = new Promise<void>((resolve) => (seen = resolve));
    const observer = new IntersectionObserver(
      (entries) => {
        seen();
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        this.#near = true;
        this.#host.requestUpdate();
      },
      { rootMargin: '100% 0px' },
    );
    observer.observe(place);
    this.#watch = { observer, first };
  }

  /**
   * For the element's `updateComplete`: true when an update it waited for is due (the chunk
   * arrived, or the place came into view at the watch's first report, a frame after it began).
   */
  async settled(): Promise<boolean> {
    if (this.#chunk && !this.state) {
      await this.#chunk;
      return true;
    }
    const watch = this.#watch;
    if (!watch || this.#near) return false;
    await watch.first;
    return this.#near;
  }
}
