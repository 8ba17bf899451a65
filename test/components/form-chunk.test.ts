/**
 * The form's chunk (form.ts): fetched with the thread, not in the script tag. Its own page
 * (each test file gets one), since a module once loaded stays loaded.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import type { ColloquyEvent } from '../../src/events/events.js';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';
import { $ } from './helpers.js';

const FORM_CHUNK = '/src/components/comments/form.ts';

describe('<colloquy-comments> form chunk', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([makeComment({ id: '1', body: 'Great episode.' })]);
  });
  afterEach(async () => {
    fake.restore();
    await executeServerCommand('refuse-download', { path: FORM_CHUNK, refuse: false });
  });

  it('says so with Retry when the form cannot be downloaded; Retry brings it, with the draft and the saved details', async () => {
    localStorage.setItem(`colloquy-draft:${fake.base}|t`, JSON.stringify({ body: 'Half a thought', parentId: null, idempotencyKey: 'k1' }));
    localStorage.setItem('colloquy-author', JSON.stringify({ name: 'Jane Listener', email: 'jane@example.com', url: '' }));
    await executeServerCommand('refuse-download', { path: FORM_CHUNK, refuse: true });
    const errors: { code: string; message: string }[] = [];
    const record = (event: Event) => errors.push((event as ColloquyEvent<'colloquy-error'>).detail);
    document.addEventListener('colloquy-error', record);
    try {
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      await waitUntil(() => $(el, '.form-host [part~="retry-button"]'), 'no Retry in the form area');
      await el.updateComplete;
      // The thread is there all the same; only the form's place tells of the failure.
      expect($(el, '#comment-1')).to.exist;
      expect($(el, '[part~="form"]')).to.equal(null);
      expect($(el, '.form-host [part~="load-error"]').textContent).to.contain('could not be loaded');
      expect(errors.map((e) => e.code)).to.deep.equal(['network']);
      await expect(el).to.be.accessible();

      await executeServerCommand('refuse-download', { path: FORM_CHUNK, refuse: false });
      $<HTMLButtonElement>(el, '.form-host [part~="retry-button"]').click();
      await el.updateComplete;
      expect($(el, '[part~="form"]'), 'Retry brought the form').to.exist;
      expect($(el, '.form-host [part~="load-error"]')).to.equal(null);
      expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('Half a thought');
      expect($(el, '[part~="identity"]').textContent).to.contain('Jane Listener');
    } finally {
      document.removeEventListener('colloquy-error', record);
    }
  });
});
