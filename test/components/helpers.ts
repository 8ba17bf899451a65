/**
 * Shared test set-up: the element under test, typing into its fields, and a guard that
 * fails any test during which the page threw an uncaught exception.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
// The widget downloads its writer when the form is first used; have it ready, as a
// visitor's browser would by the time they press "Post Comment".
import '../../src/components/comments/writer.js';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import type { FakeEndpoint } from './fake-endpoint.js';

const uncaught: unknown[] = [];
window.addEventListener('error', (event) => uncaught.push(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => uncaught.push(event.reason));

beforeEach(() => {
  uncaught.length = 0;
  localStorage.clear();
});

afterEach(() => {
  if (uncaught.length) throw new Error(`uncaught page exception: ${String(uncaught[0])}`);
});

export const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
export const $$ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  Array.from(el.shadowRoot!.querySelectorAll<T & Element>(selector)) as T[];

/** Renders the widget against the fake endpoint and waits until the thread has loaded. */
export async function renderWidget(
  fake: FakeEndpoint,
  thread = 'episode-1',
  extra = {} as { maxDepth?: number; noRemember?: boolean; noLikes?: boolean; live?: boolean; sort?: string },
) {
  const el = await fixture<ColloquyComments>(html`<colloquy-comments
    endpoint=${fake.base}
    thread=${thread}
    max-depth=${extra.maxDepth ?? 5}
    sort=${extra.sort ?? 'oldest'}
    ?no-remember=${extra.noRemember ?? false}
    ?no-likes=${extra.noLikes ?? false}
    ?live=${extra.live ?? false}
  ></colloquy-comments>`);
  await waitUntil(() => !$(el, '[part~="skeleton"]'), 'thread did not load');
  await el.updateComplete;
  await showForm(el);
  // The form's chunk may have come last: one frame, so the page is laid out as a visitor sees it
  // (axe reads the position of comments whose layout content-visibility has put off until then).
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  return el;
}

/**
 * The form is drawn once its place comes within a screen of view: a test's thread may push it
 * further down in the runner's small window, so its place is brought near, then the page back up.
 */
export async function showForm(el: ColloquyComments) {
  // The form's chunk comes once the thread's first page is in (form-slot.ts).
  await waitUntil(() => $(el, '.form-later') || $(el, '[part~="form"]') || $(el, '[part~="closed"]'), "the form's chunk did not come");
  const place = $(el, '.form-later');
  if (!place) return;
  place.scrollIntoView();
  await waitUntil(() => !$(el, '.form-later'), 'the form was not drawn when its place came into view');
  scrollTo(0, 0);
  await el.updateComplete;
}

/** Types a value into a field the way a browser does: set it, then fire `input`. */
export async function type(el: ColloquyComments, field: 'body' | 'name' | 'email' | 'url', value: string) {
  await waitUntil(() => $(el, `#${field}`), `the form has no #${field} field`);
  const control = $<HTMLInputElement>(el, `#${field}`);
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await nextTask(el);
}

/** One macrotask, then the element's update: enough for the (already downloaded) writer to act. */
export async function nextTask(el: ColloquyComments) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await el.updateComplete;
}

export async function fillValid(el: ColloquyComments, body = 'What a great episode.') {
  await type(el, 'body', body);
  await type(el, 'name', 'Jane Listener');
  await type(el, 'email', 'jane@example.com');
}

export async function submit(el: ColloquyComments) {
  await waitUntil(() => $(el, '[part~="submit"]'), 'the form has no submit button');
  $<HTMLButtonElement>(el, '[part~="submit"]').click();
  await settle(el);
}

/** Lets pending promises and the element's update settle. */
export async function settle(el: ColloquyComments) {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await el.updateComplete;
  }
}

export const activeInShadow = (el: Element) => el.shadowRoot!.activeElement as HTMLElement | null;
