/**
 * The thread's view (thread-view.ts): fetched with the thread's first page, not in the script
 * tag. Its own page (each test file gets one), since a module once loaded stays loaded.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import type { ColloquyEvent } from '../../src/events/events.js';
import '../../src/index.js';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';

const VIEW_CHUNK = '/src/components/comments/thread-view.ts';
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);

describe('<colloquy-comments> thread view chunk', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([makeComment({ id: '1', body: 'Great episode.' })]);
  });
  afterEach(async () => {
    fake.restore();
    await executeServerCommand('refuse-download', { path: VIEW_CHUNK, refuse: false });
  });

  it('says the comments could not be loaded, with Retry, when the view cannot be downloaded; Retry shows the thread', async () => {
    await executeServerCommand('refuse-download', { path: VIEW_CHUNK, refuse: true });
    const errors: string[] = [];
    const loaded: number[] = [];
    const record = (event: Event) => errors.push((event as ColloquyEvent<'colloquy-error'>).detail.code);
    const count = (event: Event) => loaded.push((event as ColloquyEvent<'colloquy-loaded'>).detail.count);
    document.addEventListener('colloquy-error', record);
    document.addEventListener('colloquy-loaded', count);
    try {
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      await waitUntil(() => $(el, '[part~="load-error"] [part~="retry-button"]'), 'no Retry');
      expect($(el, '[part~="load-error"]')!.textContent).to.contain('could not be loaded');
      expect($(el, '[part~="skeleton"]'), 'never stuck on the skeleton').to.equal(null);
      expect(errors).to.deep.equal(['network']);
      expect(loaded, 'not loaded without its view').to.deep.equal([]);
      await expect(el).to.be.accessible();

      await executeServerCommand('refuse-download', { path: VIEW_CHUNK, refuse: false });
      $<HTMLButtonElement>(el, '[part~="retry-button"]')!.click();
      await waitUntil(() => $(el, '#comment-1'), 'Retry brought the thread');
      expect($(el, '#comment-1')!.textContent).to.contain('Great episode.');
      expect(loaded).to.deep.equal([1]);
    } finally {
      document.removeEventListener('colloquy-error', record);
      document.removeEventListener('colloquy-loaded', count);
    }
  });
});
