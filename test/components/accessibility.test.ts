/**
 * Accessibility of <colloquy-comments> in the states the other tests do not cover:
 * loading, posting, posted, pending, a failed post, a long thread with load-more, and a
 * narrow 320 px viewport. axe runs in each (expect(el).to.be.accessible()).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import { FakeEndpoint, fixtureThread, makeComment } from './fake-endpoint.js';
import { $, $$, fillValid, renderWidget, settle, submit } from './helpers.js';

describe('<colloquy-comments> accessibility in every state', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint();
  });
  afterEach(() => fake.restore());

  it('should pass accessibility tests while loading', async () => {
    fake.getReplies = ['hold'];
    const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    await el.updateComplete;
    expect($(el, '[part~="skeleton"]')).to.exist;
    await expect(el).to.be.accessible();
    fake.release();
  });

  it('should pass accessibility tests while posting, after posting, and when held for moderation', async () => {
    fake.comments = fixtureThread();
    const el = await renderWidget(fake);
    await fillValid(el);
    fake.postReplies = ['hold'];
    await submit(el);
    await waitUntil(() => fake.posts.length === 1);
    expect($(el, '[part~="form"]').getAttribute('aria-busy')).to.equal('true');
    await expect(el).to.be.accessible();
    fake.release();
    await waitUntil(() => $(el, '[part~="status"]').textContent === 'Comment posted.');
    await expect(el).to.be.accessible();

    fake.newStatus = 'pending';
    await fillValid(el, 'Another thought');
    await submit(el);
    await waitUntil(() => $(el, '[part~="pending"]'));
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests after a failed post, with field errors from the endpoint', async () => {
    const el = await renderWidget(fake);
    await fillValid(el);
    fake.postReplies = [{ status: 500, body: {} }];
    await submit(el);
    await waitUntil(() => $(el, '.form-error'));
    await expect(el).to.be.accessible();
    fake.postReplies = [{ status: 400, body: { error: { code: 'invalid_request', message: 'x', fields: { email: 'invalid' } } } }];
    await submit(el);
    await waitUntil(() => $(el, '#email-error'));
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests with a long thread and its load-more button', async () => {
    fake.comments = Array.from({ length: 60 }, (_, i) => makeComment({ id: String(i + 1) }));
    const el = await renderWidget(fake);
    expect($(el, '[part~="load-more"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('labels each comment by its author and date, and nests replies as lists', async () => {
    fake.comments = fixtureThread();
    const el = await renderWidget(fake);
    const article = $(el, '#comment-3');
    const ids = article.getAttribute('aria-labelledby')!.split(' ');
    expect(ids.map((id) => $(el, `#${id}`).textContent!.trim()).join(' ')).to.match(/^Alan Turing November \d+, 2026/);
    expect(article.closest('ol')!.closest('li')).to.exist;
  });

  it('fits a 320 px wide viewport without horizontal scrolling', async () => {
    await setViewport({ width: 320, height: 640 });
    try {
      fake.comments = [
        ...fixtureThread(),
        makeComment({ id: '90', body: 'A very long link https://example.com/' + 'x'.repeat(200) + ' and `a_long_unbroken_code_span_that_goes_on_and_on_and_on`' }),
      ];
      const el = await renderWidget(fake);
      await settle(el);
      expect(document.documentElement.scrollWidth, 'page width').to.be.at.most(320);
      for (const node of $$(el, 'article, form, input, textarea, button')) {
        expect(node.getBoundingClientRect().right, node.outerHTML.slice(0, 80)).to.be.at.most(321);
      }
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});

describe('<colloquy-comments> right to left', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint(fixtureThread());
  });
  afterEach(() => fake.restore());

  it('mirrors its layout in a right-to-left page, with logical properties only', async () => {
    const wrapper = await fixture(html`<div dir="rtl" lang="he">
      <colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>
    </div>`);
    const el = wrapper.querySelector('colloquy-comments')!;
    await waitUntil(() => $(el, '#comment-3'));
    // Let layout settle (content-visibility sizes the off-screen comments lazily) before measuring.
    await settle(el as ColloquyComments);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const replies = getComputedStyle($(el, '#comment-3').closest('ol')!);
    expect(replies.borderRightWidth, 'the reply guide is on the right').to.equal('2px');
    expect(replies.borderLeftWidth).to.equal('0px');
    const host = el.getBoundingClientRect();
    const avatar = $(el, '#comment-1 [part~="comment-avatar"]').getBoundingClientRect();
    expect(host.right - avatar.right, 'the avatar starts at the right edge').to.be.below(2);
    await expect(el).to.be.accessible();
  });
});

describe('<colloquy-comments> from the keyboard alone', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([
      makeComment({ id: '1', author: { name: 'Ada', url: 'https://ada.example/', avatar: 'a' }, body: 'At 12:34 it gets good.' }),
      makeComment({ id: '2', parentId: '1', body: 'Agreed.' }),
    ]);
  });
  afterEach(() => fake.restore());

  /** What has focus, described: inside the widget by part or id, outside by id. */
  function focused(el: Element): string {
    const inner = el.shadowRoot!.activeElement as HTMLElement | null;
    if (document.activeElement !== el || !inner) return `outside:${(document.activeElement as HTMLElement).id}`;
    const article = inner.closest('article');
    const name = inner.matches('input, textarea') ? inner.id : (inner.getAttribute('part') ?? inner.id);
    return `${name}${article ? `@${article.id}` : ''}`;
  }

  it('reaches every action in reading order with Tab, and Tab leaves at the end (no trap)', async () => {
    const page = await fixture<HTMLElement>(html`<div>
      <button id="before">before</button>
      <colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>
      <button id="after">after</button>
    </div>`);
    const el = page.querySelector('colloquy-comments') as ColloquyComments;
    await waitUntil(() => $(el, '#comment-2'));
    await settle(el);
    page.querySelector<HTMLButtonElement>('#before')!.focus();
    const order: string[] = [];
    const unringed: string[] = [];
    for (let i = 0; i < 24 && !order.includes('outside:after'); i++) {
      await sendKeys({ press: 'Tab' });
      order.push(focused(el));
      const active = el.shadowRoot!.activeElement;
      // Visible focus: every stop inside the widget draws its 2px ring.
      if (document.activeElement === el && active) {
        const style = getComputedStyle(active);
        if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) unringed.push(focused(el));
      }
    }
    expect(unringed, 'focus stops without a visible ring').to.deep.equal([]);
    expect(order).to.deep.equal([
      'sort',
      'comment-author@comment-1',
      'comment-date@comment-1',
      'timestamp@comment-1',
      'reply-button@comment-1',
      'copy-link@comment-1',
      'comment-date@comment-2',
      'reply-button@comment-2',
      'copy-link@comment-2',
      'body',
      'name',
      'email',
      'url',
      'remember',
      'notify',
      'submit',
      'manage',
      'outside:after',
    ]);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(focused(el), 'Shift+Tab comes back in').to.equal('manage');
  });

  it('posts with the keyboard: focus lands on the new comment and the result is announced once', async () => {
    const el = await renderWidget(fake);
    $<HTMLTextAreaElement>(el, '#body').focus();
    await sendKeys({ type: 'Typed without a mouse.' });
    for (const value of ['Kay Board', 'kay@example.com']) {
      await sendKeys({ press: 'Tab' });
      await sendKeys({ type: value });
    }
    const announced: string[] = [];
    new MutationObserver(() => {
      const text = $(el, '[part~="status"]').textContent!.trim();
      if (text) announced.push(text);
    }).observe($(el, '[part~="status"]'), { childList: true, characterData: true, subtree: true });
    await sendKeys({ press: 'Tab' }); // website
    await sendKeys({ press: 'Tab' }); // remember
    await sendKeys({ press: 'Tab' }); // notify me of replies
    await sendKeys({ press: 'Tab' }); // Post Comment
    expect(focused(el)).to.equal('submit');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => fake.posts.length === 1 && $(el, `#comment-${fake.comments.at(-1)!.id}`));
    await settle(el);
    const id = fake.comments.at(-1)!.id;
    expect(el.shadowRoot!.activeElement, 'focus is on the new comment').to.equal($(el, `#comment-${id}`));
    expect(announced).to.deep.equal(['Comment posted.']);
  });

  it('announces posted, pending and each error exactly once in the live region', async () => {
    const el = await renderWidget(fake);
    const announced: string[] = [];
    const status = $(el, '[part~="status"]');
    expect(status.getAttribute('role')).to.equal('status');
    new MutationObserver(() => {
      const text = status.textContent!.trim();
      if (text) announced.push(text);
    }).observe(status, { childList: true, characterData: true, subtree: true });
    const settleAnnouncements = async () => {
      await settle(el);
      await new Promise((r) => setTimeout(r, 50));
    };

    await submit(el);
    await settleAnnouncements();
    expect(announced).to.deep.equal(['Please correct the 3 highlighted fields.']);

    await fillValid(el);
    await submit(el);
    await waitUntil(() => fake.posts.length === 1);
    await settleAnnouncements();
    fake.newStatus = 'pending';
    await fillValid(el, 'Second thought.');
    await submit(el);
    await waitUntil(() => fake.posts.length === 2);
    await settleAnnouncements();
    fake.postReplies = [{ status: 503, body: {} }];
    await fillValid(el, 'Third thought.');
    await submit(el);
    await settleAnnouncements();
    expect(announced).to.deep.equal([
      'Please correct the 3 highlighted fields.',
      'Comment posted.',
      'Your comment is awaiting moderation.',
      'The comment server failed. Your comment is kept; try again.',
    ]);
  });
});
