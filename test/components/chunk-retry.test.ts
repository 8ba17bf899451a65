/**
 * On-demand chunks after a failed download (shared/chunk.ts): browsers keep a failed
 * `import()` failed for the page's life, so the next attempt must ask again under a new URL.
 * Its own page (each test file gets one), since a module once loaded stays loaded.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import '../../src/index.js';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';

// Not ./helpers.js: it loads the writer up front, and this test needs it still to come.
const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
async function type(el: ColloquyComments, id: string, value: string) {
  const field = $<HTMLInputElement>(el, `#${id}`);
  field.focus();
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}
async function submit(el: ColloquyComments) {
  $<HTMLButtonElement>(el, '[part~="submit"]').click();
  await el.updateComplete;
}

const WRITER = '/src/components/comments/writer.ts';

describe('<colloquy-comments> after a chunk failed to download', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([makeComment({ id: '1', body: 'Great episode.' })]);
  });
  afterEach(async () => {
    fake.restore();
    await executeServerCommand('refuse-download', { path: WRITER, refuse: false });
  });

  it('posts once the writer can be downloaded again, without a reload, the draft kept meanwhile', async () => {
    await executeServerCommand('refuse-download', { path: WRITER, refuse: true });
    const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    await waitUntil(() => $(el, '#comment-1') && $(el, '[part~="submit"]'), 'the thread and the form');
    await type(el, 'body', 'Posted after the network came back.');
    await type(el, 'name', 'Jane Listener');
    await type(el, 'email', 'jane@example.com');
    await submit(el);
    await waitUntil(() => $(el, '.form-error')?.textContent?.includes('offline'), 'the offline note');
    expect(fake.posts, 'nothing sent without the writer').to.have.length(0);
    expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('Posted after the network came back.');

    await executeServerCommand('refuse-download', { path: WRITER, refuse: false });
    await submit(el);
    await waitUntil(() => fake.posts.length === 1, 'the post, once the writer arrived');
    expect(JSON.parse(fake.posts[0].body!).body).to.equal('Posted after the network came back.');
  });
});
