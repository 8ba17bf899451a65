/**
 * The language an element speaks: its `lang`, else the page's around it, else English;
 * the locale's strings downloaded once, with the site's own wording over them.
 */
import en, { type Strings } from '../../i18n/en.js';
import { commentDates } from '../../i18n/dates.js';
import { localeOf, numbers, stringsFor, type Localized } from '../../i18n/i18n.js';
import type { ReactiveController, ReactiveControllerHost } from '../shared/colloquy-element.js';

/**
 * Makes the page's locale formatters ahead of a thread: the first date formatter loads the
 * browser's locale data (10 to 20 ms, whichever the locale), the first number formatter some
 * more (about 5 ms). Both are kept (dates.ts, i18n.ts).
 */
export function warmLocale(locale = document.documentElement.lang || undefined): void {
  commentDates(locale);
  numbers(locale);
}

export class LocaleController implements ReactiveController {
  /** The locale in use, e.g. `de-CH`. */
  locale = '';
  #host: ReactiveControllerHost & HTMLElement & { strings: Partial<Strings> };
  #base?: Localized;
  #merged?: [base: Localized, overrides: Partial<Strings>, result: Localized];

  constructor(host: ReactiveControllerHost & HTMLElement & { strings: Partial<Strings> }) {
    this.#host = host;
    host.addController(this);
  }

  /** False until the locale's strings have arrived: nothing is worded meanwhile. */
  get ready(): boolean {
    return !!this.#base;
  }

  /**
   * The strings with the site's overrides; English until the locale has arrived, so a
   * failure that comes first is still worded. The same object while nothing changes, so
   * what was built with it can be kept.
   */
  get strings(): Localized {
    const base = this.#base ?? en;
    const overrides = this.#host.strings ?? {};
    if (this.#merged?.[0] !== base || this.#merged[1] !== overrides) this.#merged = [base, overrides, { ...base, ...overrides }];
    return this.#merged[2];
  }

  hostConnected(): void {
    void this.follow();
  }

  /** Switches to the element's language if it has changed. */
  async follow(): Promise<void> {
    const locale = localeOf(this.#host);
    if (locale === this.locale) return;
    this.locale = locale;
    const strings = await stringsFor(locale);
    if (this.locale !== locale) return;
    this.#base = strings;
    this.#host.requestUpdate();
  }
}
