import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AdminComment, AdminStatus } from '../../src/api/admin-contract.js';
import '../../src/admin.js';
import type { ColloquyAdmin } from '../../src/components/admin/colloquy-admin.js';
import { $, $$ } from './helpers.js';

const TOKEN = 'the-admin-token';

/** A test double of the admin API: same-origin, token-checked, answering by the admin contract. */
class FakeAdminApi {
  comments: AdminComment[];
  requests: { method: string; url: URL; auth: string | null; body: unknown }[] = [];
  private original = window.fetch;

  constructor() {
    const make = (id: string, status: AdminStatus, extra: Partial<AdminComment> = {}): AdminComment => ({
      id,
      thread: 'podcast/ep-1',
      parentId: null,
      parent: null,
      author: { name: `Author ${id}`, email: `author${id}@example.com`, url: null, avatar: 'x' },
      body: `Body of ${id}`,
      status,
      deletedByAuthor: false,
      heldFor: status === 'pending' ? 'moderation' : null,
      createdAt: '2026-11-20T10:00:00.000Z',
      updatedAt: '2026-11-20T10:00:00.000Z',
      ...extra,
    });
    this.comments = [
      make('1', 'pending', { author: { name: 'Ada', email: 'ada@example.com', url: 'https://ada.example', avatar: 'a' } }),
      make('2', 'pending', { parentId: '4', parent: { id: '4', name: 'Grace', excerpt: 'What a show…', status: 'approved' } }),
      make('3', 'spam', { heldFor: 'honeypot' }),
      make('4', 'approved'),
    ];
    window.fetch = (input, init) => this.handle(new Request(input, init));
  }

  restore() {
    window.fetch = this.original;
  }

  private json(status: number, body: unknown) {
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'DELETE' ? null : await request.json();
    this.requests.push({ method: request.method, url, auth: request.headers.get('Authorization'), body });
    if (request.headers.get('Authorization') !== `Bearer ${TOKEN}`) return this.json(401, { error: { code: 'unauthorized', message: 'No.' } });
    if (request.method === 'GET') {
      const statuses = url.searchParams.getAll('status');
      const q = url.searchParams.get('q')?.toLowerCase() ?? '';
      const matching = this.comments.filter((c) => !q || `${c.author.name} ${c.author.email} ${c.body}`.toLowerCase().includes(q));
      const counts = { pending: 0, approved: 0, spam: 0, deleted: 0 } as Record<AdminStatus, number>;
      for (const c of matching) counts[c.status]++;
      return this.json(200, { comments: matching.filter((c) => !statuses.length || statuses.includes(c.status)), counts, nextCursor: null });
    }
    const set = (id: string, change: Partial<AdminComment> & { name?: string; url?: string }) => {
      const c = this.comments.find((x) => x.id === id)!;
      Object.assign(c, change.status ? { status: change.status } : {}, change.body ? { body: change.body } : {});
      if (change.name) c.author = { ...c.author, name: change.name, url: change.url || null };
      return c;
    };
    if (url.pathname.endsWith('/bulk')) {
      const { ids, status } = body as { ids: string[]; status: AdminStatus };
      return this.json(200, { comments: ids.map((id) => set(id, { status })), notFound: [] });
    }
    const id = url.pathname.split('/').at(-1)!;
    return this.json(200, { comment: set(id, body as Partial<AdminComment>) });
  }
}

describe('<colloquy-admin>', () => {
  let api: FakeAdminApi;
  beforeEach(() => {
    sessionStorage.clear();
    api = new FakeAdminApi();
  });
  afterEach(() => api.restore());

  async function signIn(el: ColloquyAdmin, token = TOKEN) {
    const input = $<HTMLInputElement>(el, '#token');
    input.focus();
    await sendKeys({ type: token });
    await sendKeys({ press: 'Enter' });
  }

  it('should pass accessibility tests, signed out and signed in', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
    await expect(el).to.be.accessible();
    await signIn(el);
    await waitUntil(() => $$(el, '[part~="comment"]').length);
    await expect(el).to.be.accessible();
  });

  it('should pass accessibility tests in the dark theme and right to left', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api" theme="dark"></colloquy-admin>`);
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(13, 17, 23)');
    await expect(el).to.be.accessible();
    await signIn(el);
    await waitUntil(() => $$(el, '[part~="comment"]').length);
    await expect(el).to.be.accessible();
    el.remove();
    const rtl = await fixture<HTMLElement>(html`<div dir="rtl"><colloquy-admin endpoint="/api"></colloquy-admin></div>`);
    const mirrored = rtl.querySelector('colloquy-admin') as ColloquyAdmin;
    await waitUntil(() => $$(mirrored, '[part~="comment"]').length, 'the session did not carry over');
    await expect(mirrored).to.be.accessible();
  });

  it('should pass accessibility tests while editing, with an empty tab, and when the list fails', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
    await signIn(el);
    await waitUntil(() => $$(el, '[part~="comment"]').length === 2);
    $$<HTMLButtonElement>(el, '[part~="comment"] button').find((b) => b.textContent === 'Edit')!.click();
    await el.updateComplete;
    expect($(el, 'form.edit')).to.exist;
    await expect(el).to.be.accessible();
    const search = $<HTMLInputElement>(el, 'input[name="q"]');
    search.value = 'nothing matches this';
    $<HTMLButtonElement>(el, '[part~="filters"] button').click();
    await waitUntil(() => $$(el, '[part~="comment"]').length === 0);
    await expect(el).to.be.accessible();
    api.restore();
    window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    search.value = 'offline';
    $<HTMLButtonElement>(el, '[part~="filters"] button').click();
    await waitUntil(() => $(el, '[part~="status"]').textContent);
    await expect(el).to.be.accessible();
  });

  it('refuses a wrong token and keeps nothing', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
    await signIn(el, 'wrong');
    await waitUntil(() => $(el, '[role="alert"]'));
    expect($(el, '[role="alert"]').textContent).to.equal('That token is not right.');
    expect(sessionStorage.getItem('colloquy-admin-token')).to.equal(null);
    expect(document.cookie).to.equal('');
  });

  it('lists pending comments with emails, context and counts per status, sending the token as a Bearer header', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
    await signIn(el);
    await waitUntil(() => $$(el, '[part~="comment"]').length === 2);
    expect(api.requests.at(-1)!.auth).to.equal(`Bearer ${TOKEN}`);
    expect(api.requests.at(-1)!.url.searchParams.getAll('status')).to.deep.equal(['pending']);
    expect(el.shadowRoot!.textContent).to.contain('ada@example.com');
    expect(el.shadowRoot!.textContent).to.contain('In reply to Grace: “What a show…”');
    const tabs = $$(el, '[part~="tabs"] button').map((b) => b.textContent!.replace(/\s+/g, ' ').trim());
    expect(tabs).to.deep.equal(['Pending 2', 'Approved 1', 'Spam 1', 'Deleted 0', 'All 4']);
    expect(sessionStorage.getItem('colloquy-admin-token')).to.equal(TOKEN);
  });

  it('approves one comment, and marks several as spam in one bulk request', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
    await signIn(el);
    await waitUntil(() => $$(el, '[part~="comment"]').length === 2);
    const approve = $$<HTMLButtonElement>(el, '[part~="comment"] button').find((b) => b.textContent === 'Approve')!;
    approve.click();
    await waitUntil(() => api.comments[0].status === 'approved');
    expect(api.requests.find((r) => r.method === 'PATCH')!.body).to.deep.equal({ status: 'approved' });
    await waitUntil(() => $(el, '[part~="status"]').textContent === '1 comment now approved.');

    for (const box of $$<HTMLInputElement>(el, '[part~="comment"] input[type="checkbox"]')) box.click();
    await el.updateComplete;
    $$<HTMLButtonElement>(el, '[part~="bulk"] button').find((b) => b.textContent === 'Mark selected as spam')!.click();
    await waitUntil(() => api.requests.some((r) => r.url.pathname.endsWith('/bulk')));
    expect(api.requests.find((r) => r.url.pathname.endsWith('/bulk'))!.body).to.deep.equal({ ids: ['1', '2'], status: 'spam' });
    await waitUntil(() => $(el, '[part~="status"]').textContent === '2 comments now spam.');
  });

  it('edits a comment and filters by text', async () => {
    const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
    await signIn(el);
    await waitUntil(() => $$(el, '[part~="comment"]').length === 2);
    $$<HTMLButtonElement>(el, '[part~="comment"] button').find((b) => b.textContent === 'Edit')!.click();
    await el.updateComplete;
    const body = $<HTMLTextAreaElement>(el, 'form.edit textarea');
    body.value = 'Fixed a typo';
    $<HTMLButtonElement>(el, 'form.edit button[type="submit"]').click();
    await waitUntil(() => api.comments[0].body === 'Fixed a typo');
    await waitUntil(() => $(el, '[part~="status"]').textContent === 'Comment saved.');

    const search = $<HTMLInputElement>(el, 'input[name="q"]');
    search.value = 'typo';
    $<HTMLButtonElement>(el, '[part~="filters"] button').click();
    await waitUntil(() => api.requests.at(-1)!.url.searchParams.get('q') === 'typo');
    await waitUntil(() => $$(el, '[part~="comment"]').length === 1);
  });
});
