/**
 * Live updates (the `live` attribute): the endpoint's stream, served by the fake endpoint as an
 * EventSource would see it. New comments wait behind a "n new comments" button; edits and
 * deletions apply in place; the stream goes on from its last event after a failure or a pause.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';
import { $, $$, activeInShadow, renderWidget, settle } from './helpers.js';

describe('<colloquy-comments live>', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([makeComment({ id: '1', body: 'First.' }), makeComment({ id: '2', body: 'Second.' })]);
  });
  afterEach(() => fake.restore());

  const live = async () => {
    const el = await renderWidget(fake, 'episode-1', { live: true });
    await waitUntil(() => fake.stream?.readyState === 1, 'no stream opened');
    return el;
  };
  const ids = (el: Element) => $$(el, '[part~="comment"]').map((a) => a.id);

  it('should pass accessibility tests with the new comments button', async () => {
    const el = await live();
    fake.send('comment', makeComment({ id: '7', body: 'Just in.' }));
    await waitUntil(() => $(el, '[part~="new-comments"]'));
    await expect(el).to.be.accessible();
  });

  it('opens no stream without the attribute, and one for the thread with it, after the first page', async () => {
    const plain = await renderWidget(fake);
    await settle(plain);
    expect(fake.streams).to.have.length(0);
    plain.remove();
    await live();
    expect(fake.streams).to.have.length(1);
    const url = new URL(fake.streams[0].url);
    expect(url.origin + url.pathname).to.equal(`${fake.base}/comments/stream`);
    expect(url.searchParams.get('thread')).to.equal('episode-1');
    const listed = fake.requests.findIndex((r) => r.url.pathname.endsWith('/comments'));
    const streamed = fake.requests.findIndex((r) => r.url.pathname.endsWith('/comments/stream'));
    expect(listed).to.be.lessThan(streamed);
  });

  it('opens the stream from where the first page was read (its liveId), so a comment written in between is not missed', async () => {
    fake.liveId = '41-1764590000000';
    await live();
    expect(new URL(fake.streams[0].url).searchParams.get('lastEventId')).to.equal('41-1764590000000');
  });

  it('announces new comments with a button instead of inserting them, and inserts them when pressed', async () => {
    const el = await live();
    fake.send('comment', makeComment({ id: '7', body: 'Just in.' }));
    await waitUntil(() => $(el, '[part~="new-comments"]'));
    expect(ids(el), 'not under the reader\'s eyes').to.deep.equal(['comment-1', 'comment-2']);
    expect($(el, '[part~="new-comments"]').textContent).to.equal('1 new comment');
    await settle(el);
    expect($(el, '[part~="status"]').textContent).to.equal('1 new comment');
    fake.send('comment', makeComment({ id: '8', parentId: '1', body: 'A reply.' }));
    // Pending ones and replies to comments the page does not hold are not counted.
    fake.send('comment', makeComment({ id: '9', status: 'pending' }));
    fake.send('comment', makeComment({ id: '10', parentId: '99' }));
    // A comment already shown (the reader's own) is not new.
    fake.send('comment', makeComment({ id: '2', body: 'Second.' }));
    await waitUntil(() => $(el, '[part~="new-comments"]').textContent === '2 new comments');
    await settle(el);
    expect($(el, '[part~="status"]').textContent).to.equal('2 new comments');
    expect($(el, '[part~="heading"]').textContent).to.equal('2 Comments');
    $<HTMLButtonElement>(el, '[part~="new-comments"]').click();
    await waitUntil(() => ids(el).length === 4);
    expect(ids(el)).to.deep.equal(['comment-1', 'comment-8', 'comment-2', 'comment-7']);
    expect($(el, '[part~="heading"]').textContent).to.equal('4 Comments');
    expect($(el, '[part~="new-comments"]')).to.not.exist;
    expect(activeInShadow(el)?.id).to.equal('comment-7');
  });

  it('applies edits and deletions in place', async () => {
    const el = await live();
    fake.send('edit', makeComment({ id: '1', body: 'First, edited.' }));
    await waitUntil(() => $(el, '#comment-1 [part~="comment-body"]').textContent === 'First, edited.');
    fake.send('delete', { id: '2' });
    await waitUntil(() => ids(el).length === 1);
    expect($(el, '[part~="heading"]').textContent).to.equal('1 Comment');
    fake.send('edit', makeComment({ id: '1', status: 'deleted', body: '', author: { name: '', url: null, avatar: '' } }));
    await waitUntil(() => $(el, '#comment-1[part~="deleted"]'));
  });

  it('reconnects after a failure, sending the last event id', async () => {
    const el = await live();
    const id = fake.send('comment', makeComment({ id: '7' }));
    await waitUntil(() => $(el, '[part~="new-comments"]'));
    fake.stream!.error(true);
    await waitUntil(() => fake.streams.length === 2, 'no new stream', { timeout: 4000 });
    expect(new URL(fake.streams[1].url).searchParams.get('lastEventId')).to.equal(id);
  });

  it('takes over from EventSource\'s own retries when they keep failing, waiting longer each time', async () => {
    await live();
    fake.streamStatus = 503;
    const first = fake.stream!;
    first.error(false);
    first.error(false);
    expect(first.readyState, 'EventSource retries by itself at first').to.not.equal(2);
    first.error(false);
    expect(first.readyState, 'closed, to wait').to.equal(2);
    expect(fake.streams).to.have.length(1);
  });

  it('closes the stream while the page is hidden and catches up when it is shown', async () => {
    const el = await live();
    const id = fake.send('edit', makeComment({ id: '1', body: 'Edited.' }));
    await waitUntil(() => $(el, '#comment-1 [part~="comment-body"]').textContent === 'Edited.');
    const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!;
    try {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
      expect(fake.streams[0].readyState).to.equal(2);
      expect(fake.stream).to.equal(undefined);
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
      expect(fake.streams).to.have.length(2);
      expect(new URL(fake.streams[1].url).searchParams.get('lastEventId')).to.equal(id);
    } finally {
      delete (document as { hidden?: boolean }).hidden;
      void hidden;
    }
  });

  it('in a page hidden before its first event, still connects once for an id to catch up from', async () => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    try {
      const el = renderWidget(fake, 'episode-1', { live: true });
      await waitUntil(() => fake.streams.length === 1, 'no stream while hidden from the start');
      document.dispatchEvent(new Event('visibilitychange'));
      await el;
      await waitUntil(() => fake.streams[0].readyState === 2, 'not closed after its first event');
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
      expect(fake.streams).to.have.length(2);
      expect(new URL(fake.streams[1].url).searchParams.get('lastEventId')).to.match(/^\d+-\d+$/);
    } finally {
      delete (document as { hidden?: boolean }).hidden;
    }
  });

  it('goes without live updates, quietly, when the endpoint has no stream', async () => {
    fake.streamStatus = 404;
    const notes: unknown[] = [];
    const info = console.info;
    console.info = (...args: unknown[]) => notes.push(args.join(' '));
    try {
      const el = await renderWidget(fake, 'episode-1', { live: true });
      await waitUntil(() => notes.length === 1);
      expect(String(notes[0])).to.match(/^\[colloquy\] .*no live stream/);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(fake.streams).to.have.length(1);
      expect(notes).to.have.length(1);
      expect($(el, '[part~="load-error"]')).to.not.exist;
    } finally {
      console.info = info;
    }
  });

  it('reloads the list when the stream says it is too far behind', async () => {
    const el = await live();
    const before = fake.requests.filter((r) => r.url.pathname.endsWith('/comments')).length;
    fake.comments.push(makeComment({ id: '5', body: 'Missed.' }));
    fake.send('reset', {});
    await waitUntil(() => ids(el).includes('comment-5'));
    expect(fake.requests.filter((r) => r.url.pathname.endsWith('/comments')).length).to.equal(before + 1);
    expect(fake.streams.filter((s) => s.readyState !== 2)).to.have.length(1);
  });
});
