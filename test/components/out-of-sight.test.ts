/**
 * Work the visitor cannot see yet is left until they get near it: the buttons of comments far
 * down a long thread (thread-view.ts) and the form below it (colloquy-comments.ts). What is
 * put off must never be missed: it is there as the browser starts drawing it, as the focus
 * reaches it, or, for the form, as its place comes within a screen of view.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import { buildTree, ThreadView } from '../../src/components/comments/thread-view.js';
import en from '../../src/i18n/en.js';
import '../../src/index.js';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';
import { $, renderWidget } from './helpers.js';

const buttonsOf = (el: ColloquyComments, id: string) => el.shadowRoot!.querySelectorAll(`#comment-${id} [part~="actions"] button`).length;

describe('<colloquy-comments> out of sight', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    // Forty comments: in the test runner's window, the last ones and the form are screens away.
    fake = new FakeEndpoint(Array.from({ length: 40 }, (_, i) => makeComment({ id: String(i + 1), body: `Comment number ${i + 1}.\n\nA second paragraph.` })));
  });
  afterEach(() => {
    fake.restore();
    scrollTo(0, 0);
  });

  async function load() {
    const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    await waitUntil(() => $(el, '[part~="heading"]')?.textContent === '40 Comments', 'the thread did not load');
    await el.updateComplete;
    await new Promise(requestAnimationFrame);
    await new Promise(requestAnimationFrame);
    return el;
  }

  it('should pass accessibility tests with buttons and the form still to come, and once they are there', async () => {
    const el = await load();
    await expect(el).to.be.accessible();
    $(el, '#comment-40')!.scrollIntoView();
    await waitUntil(() => buttonsOf(el, '40') > 0 && !$(el, '.form-later'), 'the buttons and the form did not come');
    await expect(el).to.be.accessible();
  });

  it('gives the first screenful its buttons at once, and a far comment its own as the browser starts drawing it', async () => {
    const el = await load();
    expect(buttonsOf(el, '1'), 'Reply and Copy link on the first comment').to.equal(2);
    expect(buttonsOf(el, '40'), 'not yet on the fortieth').to.equal(0);
    const before = $(el, '#comment-40 [part~="actions"]')!.getBoundingClientRect().height;
    $(el, '#comment-40')!.scrollIntoView();
    await waitUntil(() => buttonsOf(el, '40') === 2, 'the fortieth comment got no buttons when scrolled to');
    expect($(el, '#comment-40 [part~="actions"]')!.getBoundingClientRect().height, 'its row kept its height: nothing moves').to.equal(before);
    expect($(el, '#reply-40')!.getAttribute('aria-labelledby')).to.equal('reply-40 author-40');
  });

  it('gives a far comment its text as typed at once, so find-in-page finds it, and formats it as the browser starts drawing it', async () => {
    fake.restore();
    const body = (i: number) => `Comment **number ${i}** at 12:34, see https://example.com/${i}\n\nA second paragraph.`;
    fake = new FakeEndpoint(Array.from({ length: 40 }, (_, i) => makeComment({ id: String(i + 1), body: body(i + 1) })));
    const el = await load();
    const bodyOf = (id: string) => $(el, `#comment-${id} [part~="comment-body"]`)!;
    expect(bodyOf('1').querySelectorAll('p').length, 'the first screenful formatted at once').to.equal(2);
    expect(bodyOf('1').querySelector('strong')!.textContent).to.equal('number 1');
    const far = bodyOf('40');
    expect(far.textContent, 'the fortieth: its text, whole').to.equal(body(40));
    expect(far.children.length, 'not yet formatted').to.equal(0);
    expect($(el, '#comment-40 [part~="comment-avatar"]')!.textContent, 'its avatar not yet drawn').to.equal('');
    $(el, '#comment-40')!.scrollIntoView();
    await waitUntil(() => far.querySelector('strong'), 'the fortieth comment was not formatted when scrolled to');
    expect($(el, '#comment-40 [part~="comment-avatar"]')!.textContent, 'and its avatar drawn').to.equal('A4');
    expect(far.querySelectorAll('p').length).to.equal(2);
    expect(far.querySelector('a')!.getAttribute('href')).to.equal('https://example.com/40');
    expect(far.querySelector('[part~="timestamp"]')!.getAttribute('data-seek')).to.equal('754');
    expect(far.textContent, 'the text once, not twice').to.equal('Comment number 40 at 12:34, see https://example.com/40A second paragraph.');
  });

  it('gives a far comment its buttons as the focus reaches it, so Tab goes on to them', async () => {
    const el = await load();
    const date = $<HTMLAnchorElement>(el, '#date-35')!;
    expect(buttonsOf(el, '35')).to.equal(0);
    date.focus();
    expect(buttonsOf(el, '35'), 'there before the next Tab').to.equal(2);
    expect(el.shadowRoot!.activeElement, 'the focus stays where it went').to.equal(date);
  });

  it('draws the form once its place comes within a screen of view; its heading is there before', async () => {
    const el = await load();
    expect($(el, 'form'), 'the form waits, screens below').to.equal(null);
    expect($(el, '.form-later h3')!.textContent).to.equal('Leave a Comment');
    $(el, '.form-later')!.scrollIntoView();
    await waitUntil(() => $(el, '[part~="form"]'), 'the form was not drawn when its place came into view');
    await el.updateComplete;
    expect($(el, '#body'), 'its fields are there').to.not.equal(null);
  });

  it('draws the form at once under a short thread', async () => {
    fake.restore();
    fake = new FakeEndpoint([makeComment({ id: '1' })]);
    const el = await renderWidget(fake, 't');
    expect($(el, '[part~="form"]')).to.not.equal(null);
    expect($(el, '.form-later')).to.equal(null);
  });

  it('places the last conversations of a long thread as they are built, their room kept meanwhile', async () => {
    const comments = Array.from({ length: 600 }, (_, i) => makeComment({ id: String(i + 1) }));
    const view = new ThreadView();
    document.body.append(view.list);
    try {
      view.update(buildTree(comments), { strings: en, locale: 'en', maxDepth: 5, moreReplies: {}, target: '', decorated: [], noLikes: false, liked: () => false });
      const placed = [...view.list.children];
      const spacer = placed.at(-1)!;
      expect(placed.length, 'the first screenful and one place for the rest, not 600 empty ones').to.be.below(60);
      expect(spacer.getAttribute('aria-hidden')).to.equal('true');
      const em = parseFloat(getComputedStyle(view.list).fontSize);
      expect(spacer.getBoundingClientRect().height, 'the room of the conversations still to come').to.equal((600 - placed.length + 1) * 8 * em);
      expect(placed.slice(0, -1).every((li) => li.querySelector('article')), 'no empty place').to.equal(true);
      await view.done;
      expect(view.list.children.length, 'all of them, and the spacer gone').to.equal(600);
      expect([...view.list.querySelectorAll('article')].map((a) => a.id), 'in their order').to.deep.equal(comments.map((c) => `comment-${c.id}`));
    } finally {
      view.list.remove();
    }
  });

  it('keeps the thread in order when a permalink or a reply asks for a later conversation while the rest are still being built', async () => {
    const comments = Array.from({ length: 600 }, (_, i) => makeComment({ id: String(i + 1) }));
    const tree = buildTree(comments);
    const options = { strings: en, locale: 'en', maxDepth: 5, moreReplies: {}, target: '', decorated: [], noLikes: false, liked: () => false };
    const view = new ThreadView();
    document.body.append(view.list);
    try {
      view.update(tree, options);
      view.update(tree, { ...options, target: '400' });
      await view.done;
      expect(view.list.querySelector('.spacer'), 'the spacer gone').to.equal(null);
      expect([...view.list.querySelectorAll('article')].map((a) => a.id), 'in their order').to.deep.equal(comments.map((c) => `comment-${c.id}`));
    } finally {
      view.list.remove();
    }
  });

  it('keeps the thread whole when it changes while a long conversation is half built and not yet placed', async () => {
    // Sixty conversations (more than one page builds at once), the last a chain of 300 replies: built over many slices, placed in batches.
    const comments = Array.from({ length: 60 }, (_, i) => makeComment({ id: String(i + 1) }));
    for (let i = 1; i <= 300; i++) comments.push(makeComment({ id: String(1000 + i), parentId: String(i === 1 ? 60 : 999 + i) }));
    // The same comments and one more reply to the first: every conversation after it is laid out again.
    const next = buildTree([...comments, makeComment({ id: '999', parentId: '1' })]);
    const expected = next.conversations.flat().map((c) => `comment-${c.id}`);
    const options = { strings: en, locale: 'en', maxDepth: 5, moreReplies: {}, target: '', decorated: [], noLikes: false, liked: () => false };
    // A clock that runs 10 ms a reading: slices of a few comments, and the change lands in each of them in turn.
    let clock = 0;
    performance.now = () => (clock += 10);
    try {
      for (let tasks = 1; tasks < 500; tasks++) {
        const view = new ThreadView();
        document.body.append(view.list);
        view.update(buildTree(comments), options);
        // Tasks as the view's slices are queued (a timer would wait for hundreds of them).
        for (let i = 0; i < tasks; i++) await new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = resolve;
          channel.port2.postMessage(0);
        });
        const building = view.busy;
        view.update(next, options);
        await view.done;
        const ids = [...view.list.querySelectorAll('article')].map((a) => a.id);
        const places = [...view.list.querySelectorAll('li')].map((li) => li.firstElementChild?.id ?? 'empty');
        view.list.remove();
        expect(ids, `changed after ${tasks} tasks: every comment once, in order`).to.deep.equal(expected);
        expect(places, `changed after ${tasks} tasks: one place for each, none empty`).to.deep.equal(expected);
        if (!building) break;
      }
    } finally {
      delete (performance as { now?: unknown }).now;
    }
  });
});
