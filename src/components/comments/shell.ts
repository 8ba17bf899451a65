/**
 * The static pieces of `<colloquy-comments>`'s shell: the loading placeholder, the sort control,
 * the load error and "Load more comments" (templates only; the element decides when each shows),
 * and the thread key a page gives when the element names none.
 */
import { html } from 'lit/html.js';
import type { SortOrder } from '../../api/contract.js';
import type { Localized } from '../../i18n/i18n.js';

export const SKELETON = html`<ol part="skeleton" class="skeleton" aria-hidden="true">
  <li></li>
  <li></li>
  <li></li>
</ol>`;

/**
 * "Oldest first / Newest first / Top": in the shell from the first render, hidden while there is
 * nothing to sort, so the browser's scan of a page's form controls falls while the thread loads.
 */
export const sortControl = (s: Localized, order: SortOrder, hidden: boolean, noLikes: boolean, onChange: (event: Event) => void) =>
  html`<select part="sort" aria-label=${s.sort} ?hidden=${hidden} .value=${order} @change=${onChange}>
    <option value="oldest">${s.oldest}</option>
    <option value="newest">${s.newest}</option>
    <option value="top" ?hidden=${noLikes} ?disabled=${noLikes}>${s.top}</option>
  </select>`;

export const loadError = (message: string, s: Localized, onRetry: () => void) =>
  html`<div part="load-error" role="alert">
    <p>${message}</p>
    <button part="retry-button" type="button" @click=${onRetry}>${s.retry}</button>
  </div>`;

export const loadMore = (s: Localized, busy: boolean, onPress: () => void) =>
  html`<button part="load-more" type="button" ?disabled=${busy} @click=${onPress}>${s.loadMore}</button>`;

/** The thread key when none is given: the canonical URL's path, else the page's path. */
export function pageThreadKey(): string {
  const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href;
  if (canonical) {
    try {
      return new URL(canonical).pathname;
    } catch {
      /* fall through to the page's own path */
    }
  }
  return location.pathname;
}
