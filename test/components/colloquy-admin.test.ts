import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AdminComment, AdminOutboxMessage, AdminOutboxStatus, AdminStatus } from '../../src/api/admin-contract.js';
import '../../src/admin.js';
import type { ColloquyAdmin } from '../../src/components/admin/colloquy-admin.js';
import { $, $$ } from './helpers.js';

const TOKEN = 'the-admin-token';

/** A test double of the admin API: same-origin, token-checked, answering by the admin contract. */
class FakeAdminApi {
  comments: AdminComment[];
  messages: AdminOutboxMessage[] = [
    {
      id: '12',
      kind: 'webhook',
      status: 'failed',
      attempts: 8,
      commentId: '4',
      createdAt: '2026-11-20T10:00:00.000Z',
      dueAt: '2026-11-21T02:00:00.000Z',
      sentAt: null,
      lastError: 'HTTP 500 from <script>alert(1)</script>',
    },
    {
      id: '11',
      kind: 'email',
      status: 'pending',
      attempts: 2,
      commentId: null,
      createdAt: '2026-11-20T09:00:00.000Z',
      dueAt: '2026-11-20T09:02:30.000Z',
      sentAt: null,
      lastError: '421 try again later',
    },
    {
      id: '10',
      kind: 'email',
      status: 'sent',
      attempts: 1,
      commentId: '1',
      createdAt: '2026-11-20T08:00:00.000Z',
      dueAt: '2026-11-20T08:00:00.000Z',
      sentAt: '2026-11-20T08:00:01.000Z',
      lastError: null,
    },
  ];
  subscribers: Record<string, number> = { 'podcast/ep-1': 3, 'podcast/ep-2': 1 };
  /** When set, the next retry answers with this error. */
  retryError: { status: number; code: string; message: string } | null = null;
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
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    const body = text ? JSON.parse(text) : null;
    this.requests.push({ method: request.method, url, auth: request.headers.get('Authorization'), body });
    if (request.headers.get('Authorization') !== `Bearer ${TOKEN}`) return this.json(401, { error: { code: 'unauthorized', message: 'No.' } });
    if (url.pathname === '/api/admin/subscribers') {
      const asked = url.searchParams.getAll('thread');
      const threads = Object.entries(this.subscribers)
        .filter(([thread]) => !asked.length || asked.includes(thread))
        .map(([thread, subscribers]) => ({ thread, subscribers }));
      return this.json(200, { threads });
    }
    if (url.pathname === '/api/admin/outbox') {
      const status = url.searchParams.get('status');
      const counts = { pending: 0, sending: 0, sent: 0, failed: 0 } as Record<AdminOutboxStatus, number>;
      for (const m of this.messages) counts[m.status]++;
      return this.json(200, { messages: this.messages.filter((m) => !status || m.status === status), counts, nextCursor: null });
    }
    const retry = /^\/api\/admin\/outbox\/([^/]+)\/retry$/.exec(url.pathname);
    if (retry && request.method === 'POST') {
      if (this.retryError) {
        const { status, code, message } = this.retryError;
        return this.json(status, { error: { code, message } });
      }
      const m = this.messages.find((x) => x.id === retry[1])!;
      Object.assign(m, { status: 'pending', dueAt: '2026-11-22T10:00:00.000Z' });
      return this.json(200, { message: m });
    }
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

  describe('the outbox view', () => {
    async function openOutbox() {
      const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
      await signIn(el);
      await waitUntil(() => $$(el, '[part~="comment"]').length === 2);
      $$<HTMLButtonElement>(el, '[part~="views"] button').find((b) => b.textContent === 'Outbox')!.click();
      await waitUntil(() => $$(el, '[part~="message"]').length === 3, 'the outbox did not load');
      return el;
    }
    const text = (node: Element) => node.textContent!.replace(/\s+/g, ' ').trim();

    it('should pass accessibility tests, with messages, with none, and in the dark theme', async () => {
      const el = await openOutbox();
      await expect(el).to.be.accessible();
      $$<HTMLButtonElement>(el, '[part~="outbox-tabs"] button').find((b) => text(b) === 'Sending 0')!.click();
      await waitUntil(() => $$(el, '[part~="message"]').length === 0);
      await expect(el).to.be.accessible();
      el.setAttribute('theme', 'dark');
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });

    it('shows each message’s kind, status, tries, time and last error, with counts per status, and filters by status', async () => {
      const el = await openOutbox();
      expect(api.requests.some((r) => r.url.pathname === '/api/admin/outbox' && r.auth === `Bearer ${TOKEN}`)).to.equal(true);
      expect($$(el, '[part~="outbox-tabs"] button').map(text)).to.deep.equal(['Pending 1', 'Sending 0', 'Sent 1', 'Failed 1', 'All 3']);
      const [failed, pending, sent] = $$(el, '[part~="message"]');
      expect(text(pending.querySelector('h3')!)).to.equal('Message 11: Email');
      expect(text(failed.querySelector('h3')!)).to.equal('Message 12: Webhook');
      expect(text(failed)).to.contain('Failed · 8 of 8 tries · last tried');
      expect(text(failed)).to.contain('about comment 4');
      // Text, never markup: an error quoting HTML stays text.
      expect(failed.querySelector('.last-error code')!.textContent).to.equal('HTTP 500 from <script>alert(1)</script>');
      expect(failed.querySelector('script')).to.equal(null);
      expect(failed.querySelector('time')!.getAttribute('datetime')).to.equal('2026-11-21T02:00:00.000Z');
      expect(text(pending)).to.contain('Pending · 2 of 8 tries · due');
      expect(text(pending)).to.contain('Last error: 421 try again later');
      expect(text(sent)).to.contain('Sent · 1 of 8 tries · sent');
      expect(sent.querySelector('time')!.getAttribute('datetime')).to.equal('2026-11-20T08:00:01.000Z');
      expect(sent.querySelector('.last-error')).to.equal(null);
      // Only a failed message can be retried.
      expect($$(el, '[part~="message"] button').map((b) => b.getAttribute('aria-label'))).to.deep.equal(['Retry message 12']);

      $$<HTMLButtonElement>(el, '[part~="outbox-tabs"] button').find((b) => text(b) === 'Failed 1')!.click();
      await waitUntil(() => $$(el, '[part~="message"]').length === 1);
      expect(api.requests.filter((r) => r.url.pathname === '/api/admin/outbox').at(-1)!.url.searchParams.get('status')).to.equal('failed');
      expect($$(el, '[part~="outbox-tabs"] button[aria-pressed="true"]').map(text)).to.deep.equal(['Failed 1']);
    });

    it('retries a failed message through the API and announces it; a refused retry is announced too', async () => {
      const el = await openOutbox();
      $<HTMLButtonElement>(el, '[part~="message"] button').click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Message 12 will be tried again now.');
      const retry = api.requests.find((r) => r.method === 'POST')!;
      expect(retry.url.pathname).to.equal('/api/admin/outbox/12/retry');
      expect(retry.auth).to.equal(`Bearer ${TOKEN}`);
      await waitUntil(() => $$(el, '[part~="outbox-tabs"] button').map(text).join() === 'Pending 2,Sending 0,Sent 1,Failed 0,All 3');
      expect(text($$(el, '[part~="message"]')[0])).to.contain('Pending · 8 of 8 tries · due');
      expect($$(el, '[part~="message"] button')).to.have.length(0);
      await expect(el).to.be.accessible();

      api.messages[1]!.status = 'failed';
      $$<HTMLButtonElement>(el, '[part~="outbox-tabs"] button').find((b) => text(b).startsWith('Failed'))!.click();
      await waitUntil(() => $$(el, '[part~="message"]').length === 1);
      api.retryError = { status: 409, code: 'duplicate', message: 'A message for the same purpose is already waiting to be sent.' };
      $<HTMLButtonElement>(el, '[part~="message"] button').click();
      await waitUntil(() => $(el, '[role="alert"]'));
      expect($(el, '[role="alert"]').textContent).to.equal('That did not work: A message for the same purpose is already waiting to be sent.');
      await waitUntil(() => $(el, '[part~="status"]').textContent === $(el, '[role="alert"]').textContent);
    });

    it('counts reply-notification subscribers per thread, and for the thread the comments are filtered by', async () => {
      const el = await openOutbox();
      const rows = $$(el, '[part~="subscribers"] tbody tr').map((row) => [...row.querySelectorAll('td')].map(text));
      expect(rows).to.deep.equal([
        ['podcast/ep-1', '3'],
        ['podcast/ep-2', '1'],
      ]);
      expect(text($(el, '[part~="subscribers"] caption'))).to.equal('Confirmed email subscribers per thread');

      $$<HTMLButtonElement>(el, '[part~="views"] button').find((b) => b.textContent === 'Comments')!.click();
      await waitUntil(() => $$(el, '[part~="comment"]').length);
      expect($(el, '[part~="thread-subscribers"]')).to.equal(null);
      $<HTMLInputElement>(el, 'input[name="thread"]').value = 'podcast/ep-1';
      $<HTMLButtonElement>(el, '[part~="filters"] button').click();
      await waitUntil(() => $(el, '[part~="thread-subscribers"]'));
      expect(text($(el, '[part~="thread-subscribers"]'))).to.equal('3 people get reply notifications on this thread.');
      expect(api.requests.at(-1)!.url.search).to.equal('?thread=podcast%2Fep-1');
      await expect(el).to.be.accessible();

      api.subscribers = {};
      $$<HTMLButtonElement>(el, '[part~="views"] button').find((b) => b.textContent === 'Outbox')!.click();
      await waitUntil(() => el.shadowRoot!.textContent!.includes('Nobody has asked for reply notifications yet.'));
      expect($(el, '[part~="subscribers"]')).to.equal(null);
    });
  });
});
