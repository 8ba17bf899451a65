import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { FakeEndpoint } from './fake-endpoint.js';
import './helpers.js';

describe('<colloquy-count>', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint();
    fake.threadCounts = { a: 0, b: 1, c: 12 };
  });
  afterEach(() => fake.restore());

  it('should pass accessibility tests', async () => {
    const el = await fixture(html`<p><colloquy-count endpoint=${fake.base} thread="c" href="/c#comments"></colloquy-count></p>`);
    await waitUntil(() => el.textContent!.trim());
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests while loading, loaded, as a link, after a failure, right to left and on a dark page', async () => {
    fake.getReplies = ['hold'];
    const loading = await fixture(html`<p>Episode 1 · <colloquy-count endpoint=${fake.base} thread="c"></colloquy-count></p>`);
    await expect(loading).to.be.accessible();
    fake.release();
    await waitUntil(() => loading.textContent!.includes('12 Comments'));
    await expect(loading).to.be.accessible();

    const link = await fixture(html`<p><colloquy-count endpoint=${fake.base} thread="b" href="/b#comments"></colloquy-count></p>`);
    await waitUntil(() => link.querySelector('a'));
    expect(link.querySelector('a')!.getAttribute('href')).to.equal('/b#comments');
    await expect(link).to.be.accessible();

    fake.getReplies = [{ status: 500, body: {} }];
    const failed = await fixture(html`<p>Episode 2 <colloquy-count endpoint=${fake.base} thread="a"></colloquy-count></p>`);
    await new Promise((r) => setTimeout(r, 50));
    expect(failed.querySelector('colloquy-count')!.textContent).to.equal('');
    await expect(failed).to.be.accessible();

    const rtl = await fixture(html`<p dir="rtl" lang="he"><colloquy-count endpoint=${fake.base} thread="c" href="#c"></colloquy-count></p>`);
    await waitUntil(() => rtl.querySelector('a'));
    expect(rtl.textContent).to.match(/12/);
    await expect(rtl).to.be.accessible();

    const dark = await fixture(html`<p style="background:#0d1117;color:#e6edf3"
      ><style>.dark-count a { color: #7ea6f8; }</style><colloquy-count class="dark-count" endpoint=${fake.base} thread="c" href="#c"></colloquy-count
    ></p>`);
    await waitUntil(() => dark.querySelector('a'));
    await expect(dark).to.be.accessible();
  });

  it('shows each thread’s count, plural-correct, with one request for the whole page', async () => {
    const list = await fixture(html`<ul>
      <li><colloquy-count endpoint=${fake.base} thread="a"></colloquy-count></li>
      <li><colloquy-count endpoint=${fake.base} thread="b"></colloquy-count></li>
      <li><colloquy-count endpoint=${fake.base} thread="c"></colloquy-count></li>
      <li><colloquy-count endpoint=${fake.base} thread="c"></colloquy-count></li>
    </ul>`);
    const counts = () => Array.from(list.querySelectorAll('colloquy-count'), (c) => c.textContent);
    await waitUntil(() => counts().every(Boolean));
    expect(counts()).to.deep.equal(['No comments yet', '1 Comment', '12 Comments', '12 Comments']);
    expect(fake.requests).to.have.length(1);
    const request = fake.requests[0].url;
    expect(request.pathname).to.equal('/api/counts');
    expect(request.searchParams.getAll('thread')).to.deep.equal(['a', 'b', 'c']);
  });

  it('links to the episode’s comments when given href', async () => {
    const el = await fixture(html`<colloquy-count endpoint=${fake.base} thread="b" href="/episodes/b/#comments"></colloquy-count>`);
    await waitUntil(() => el.querySelector('a'));
    const link = el.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('/episodes/b/#comments');
    expect(link.textContent).to.equal('1 Comment');
  });

  it('shows nothing, and throws nothing, when the endpoint fails', async () => {
    fake.getReplies = ['offline'];
    const el = await fixture(html`<colloquy-count endpoint=${fake.base} thread="b"></colloquy-count>`);
    await waitUntil(() => fake.requests.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(el.textContent).to.equal('');
  });

  it('says in the console why it shows nothing when the endpoint does not allow this site', async () => {
    fake.refuseOrigin = true;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const el = await fixture(html`<colloquy-count endpoint=${'https://other-endpoint.test/api'} thread="b"></colloquy-count>`);
      await waitUntil(() => warnings.some((w) => w.includes('COLLOQUY_ORIGINS')), 'no hint in the console');
      expect(el.textContent).to.equal('');
    } finally {
      console.warn = warn;
    }
    const hint = warnings.find((w) => w.includes('COLLOQUY_ORIGINS'))!;
    expect(hint).to.match(/^\[colloquy\]/);
    expect(hint).to.contain(location.origin);
  });

  it('follows a change of thread', async () => {
    const el = await fixture(html`<colloquy-count endpoint=${fake.base} thread="a"></colloquy-count>`);
    await waitUntil(() => el.textContent);
    el.setAttribute('thread', 'c');
    await waitUntil(() => el.textContent === '12 Comments');
  });

  it('takes endpoint and thread as properties, as React 19, Vue and Solid set them', async () => {
    const el = document.createElement('colloquy-count');
    el.endpoint = fake.base;
    el.thread = 'b';
    document.body.append(el);
    try {
      await waitUntil(() => el.textContent === '1 Comment');
      expect(el.getAttribute('thread')).to.equal('b');
      el.thread = 'c';
      await waitUntil(() => el.textContent === '12 Comments');
    } finally {
      el.remove();
    }
  });
});
