import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { Ban } from '../../src/api/admin-client.js';
import type { AdminComment, AdminOutboxMessage, AdminOutboxStatus, AdminStatus, AdminThreadState } from '../../src/api/admin-contract.js';
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
  hostName = 'Studio';
  closed = new Map<string, AdminThreadState>();
  bans: Ban[] = [
    {
      id: '7',
      kind: 'email',
      action: 'spam',
      reason: 'Sells <b>watches</b>',
      createdAt: '2026-11-01T10:00:00.000Z',
      expiresAt: null,
      label: 's•••@spam.example',
      commentId: null,
      active: true,
    },
  ];
  private nextId = 100;
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
      pinned: false,
      role: null,
      pageUrl: null,
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
    if (url.pathname === '/api/admin/settings') {
      if (request.method === 'PATCH') this.hostName = (body as { hostName: string }).hostName;
      return this.json(200, { hostName: this.hostName });
    }
    if (url.pathname === '/api/admin/threads' && request.method === 'GET') {
      const threads = url.searchParams.getAll('thread').map((thread) => this.closed.get(thread) ?? { thread, closed: false, closedBy: null });
      return this.json(200, { threads: threads.map((t) => ({ ...t, count: 1, firstCommentAt: null, pageUrl: null })), nextAfter: null });
    }
    const close = /^\/api\/admin\/threads\/([^/]+)\/close$/.exec(url.pathname);
    if (close && request.method === 'POST') {
      const thread = decodeURIComponent(close[1]!);
      const { closed } = body as { closed: boolean };
      const state: AdminThreadState = { thread, closed, closedBy: closed ? 'moderator' : null };
      this.closed.set(thread, state);
      return this.json(200, state);
    }
    if (url.pathname === '/api/admin/comments' && request.method === 'POST') {
      const { thread, parentId, body: text } = body as { thread: string; parentId: string | null; body: string };
      const parent = parentId ? this.comments.find((c) => c.id === parentId)! : null;
      const comment: AdminComment = {
        id: String(this.nextId++),
        thread,
        parentId,
        parent: parent && { id: parent.id, name: parent.author.name, excerpt: parent.body, status: parent.status },
        author: { name: this.hostName, email: '', url: null, avatar: 'h' },
        body: text,
        status: 'approved',
        deletedByAuthor: false,
        heldFor: null,
        createdAt: '2026-11-21T10:00:00.000Z',
        updatedAt: '2026-11-21T10:00:00.000Z',
        pinned: false,
        role: 'host',
        pageUrl: parent?.pageUrl ?? null,
      };
      this.comments.push(comment);
      return this.json(201, { comment });
    }
    const pin = /^\/api\/admin\/comments\/([^/]+)\/pin$/.exec(url.pathname);
    if (pin && request.method === 'POST') {
      const c = this.comments.find((x) => x.id === pin[1])!;
      c.pinned = (body as { pinned: boolean }).pinned;
      return this.json(200, { comment: c });
    }
    const ban = /^\/api\/admin\/comments\/([^/]+)\/ban$/.exec(url.pathname);
    if (ban && request.method === 'POST') {
      const asked = body as { email: boolean; address: boolean; action: 'spam' | 'refuse'; reason?: string; days?: number };
      const made: Ban[] = [];
      for (const kind of ['email', 'address'] as const) {
        if (!asked[kind]) continue;
        made.push({
          id: String(this.nextId++),
          kind,
          action: asked.action,
          reason: asked.reason ?? null,
          createdAt: '2026-11-21T10:00:00.000Z',
          expiresAt: asked.days ? '2026-12-21T10:00:00.000Z' : kind === 'address' ? '2026-12-21T10:00:00.000Z' : null,
          label: kind === 'email' ? 'a•••@example.com' : `address of comment #${ban[1]}`,
          commentId: ban[1]!,
          active: true,
        });
      }
      this.bans = [...made, ...this.bans];
      return this.json(201, { bans: made });
    }
    if (url.pathname === '/api/admin/bans') return this.json(200, { bans: this.bans });
    const unban = /^\/api\/admin\/bans\/([^/]+)$/.exec(url.pathname);
    if (unban && request.method === 'DELETE') {
      this.bans = this.bans.filter((b) => b.id !== unban[1]);
      return new Response(null, { status: 204 });
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

  /** The last request for the list of comments (the page asks for more besides: the host name, the threads' state). */
  const lastList = () => api.requests.filter((r) => r.method === 'GET' && r.url.pathname === '/api/admin/comments').at(-1)!;

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
    expect(lastList().auth).to.equal(`Bearer ${TOKEN}`);
    expect(lastList().url.searchParams.getAll('status')).to.deep.equal(['pending']);
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

    // Approved, it left the Pending list; under All, nothing leaves.
    $$<HTMLButtonElement>(el, '[part~="tabs"] button').find((b) => b.textContent!.trim().startsWith('All'))!.click();
    await waitUntil(() => $$(el, '[part~="comment"]').length === 4);
    for (const box of $$<HTMLInputElement>(el, '[part~="comment"] input[type="checkbox"]').slice(0, 2)) box.click();
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
    await waitUntil(() => lastList().url.searchParams.get('q') === 'typo');
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

  describe('host replies, pins, bans, closing threads, undo, shortcuts and layout', () => {
    const text = (node: Element) => node.textContent!.replace(/\s+/g, ' ').trim();
    /** The button labelled `label` inside `root` (an element's shadow root, or a part). */
    const button = (root: Element, label: string, selector = 'button') =>
      [...(root.shadowRoot ?? root).querySelectorAll<HTMLButtonElement>(selector)].find((b) => text(b) === label)!;
    const comments = (el: ColloquyAdmin) => $$(el, '[part~="comment"]');
    async function open(status = '') {
      const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api" thread-url="https://example.com/episodes/{thread}"></colloquy-admin>`);
      await signIn(el);
      await waitUntil(() => comments(el).length === 2);
      if (status) {
        button(el, status, '[part~="tabs"] button').click();
        await waitUntil(() => lastList().url.searchParams.get('status') === status.split(' ')[0]!.toLowerCase());
        await waitUntil(() => comments(el).length === Number(status.split(' ')[1]));
      }
      return el;
    }
    afterEach(() => setViewport({ width: 800, height: 600 }));

    it('should pass accessibility tests with the reply, ban and compose forms open, the undo bar, the bans list and the settings', async () => {
      const el = await open();
      button(comments(el)[0]!, 'Reply as host').click();
      button(comments(el)[1]!, 'Ban…').click();
      await el.updateComplete;
      ($(el, '[part~="compose"]') as HTMLDetailsElement).open = true;
      ($(el, '[part~="shortcuts"]') as HTMLDetailsElement).open = true;
      expect($(el, '[part~="reply-form"]')).to.exist;
      expect($(el, '[part~="ban-form"]')).to.exist;
      await expect(el).to.be.accessible();
      button(comments(el)[0]!, 'Approve').click();
      await waitUntil(() => $(el, '[part~="undo"]'));
      await expect(el).to.be.accessible();
      button(el, 'Bans', '[part~="views"] button').click();
      await waitUntil(() => $$(el, '[part~="ban"]').length === 1);
      await expect(el).to.be.accessible();
      button(el, 'Settings', '[part~="views"] button').click();
      await waitUntil(() => $(el, '[part~="settings"]'));
      await expect(el).to.be.accessible();
      el.setAttribute('theme', 'dark');
      await el.updateComplete;
      await expect(el).to.be.accessible();
    });

    it('takes an approved comment out of the Pending list at once, with an announced Undo that puts it back', async () => {
      const el = await open();
      button(comments(el)[0]!, 'Approve').click();
      await waitUntil(() => comments(el).length === 1, 'the approved comment stayed in Pending');
      expect(text(comments(el)[0]!)).to.contain('Author 2');
      await waitUntil(() => $(el, '[part~="status"]').textContent === '1 comment now approved.');
      await waitUntil(() => text($(el, '[part~="tabs"] button')) === 'Pending 1');
      const undo = $<HTMLButtonElement>(el, '[part~="undo"] button');
      expect(undo.getAttribute('aria-label')).to.equal('Undo: put back the comment marked approved');
      undo.click();
      await waitUntil(() => comments(el).length === 2);
      expect(api.comments[0]!.status).to.equal('pending');
      expect(api.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).to.deep.equal([{ status: 'approved' }, { status: 'pending' }]);
      expect(text(comments(el)[0]!)).to.contain('Ada');
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Undone: 1 comment put back as before.');
      expect($(el, '[part~="undo"]')).to.equal(null);
      // Spam and delete leave at once too; a single delete asks nothing (Undo is the safety).
      button(comments(el)[1]!, 'Delete').click();
      await waitUntil(() => comments(el).length === 1);
      expect(api.comments[1]!.status).to.equal('deleted');
    });

    it('replies as host under the host name, and starts a comment as host in a thread', async () => {
      const el = await open('Approved 1');
      expect(comments(el)).to.have.length(1);
      button(comments(el)[0]!, 'Reply as host').click();
      await el.updateComplete;
      const form = $<HTMLFormElement>(el, '[part~="reply-form"]');
      form.querySelector('textarea')!.focus();
      await sendKeys({ type: 'Thanks for listening!' });
      const send = button(form, 'Reply as Studio');
      expect(send, 'the host name is on the button').to.exist;
      send.click();
      await waitUntil(() => comments(el).length === 2);
      const post = api.requests.find((r) => r.method === 'POST' && r.url.pathname === '/api/admin/comments')!;
      expect(post.body).to.deep.equal({ thread: 'podcast/ep-1', parentId: '4', body: 'Thanks for listening!' });
      const reply = comments(el)[1]!;
      expect(text(reply)).to.contain('Studio Host');
      expect(text(reply)).to.contain('Thanks for listening!');
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Reply published.');
      expect($(el, '[part~="reply-form"]')).to.equal(null);

      const compose = $<HTMLDetailsElement>(el, '[part~="compose"]');
      compose.querySelector('summary')!.click();
      (compose.querySelector('input[name="thread"]') as HTMLInputElement).value = 'podcast/ep-2';
      (compose.querySelector('textarea') as HTMLTextAreaElement).value = 'Episode 2 is out.';
      button(compose, 'Publish as Studio').click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Comment published.');
      expect(api.requests.filter((r) => r.url.pathname === '/api/admin/comments' && r.method === 'POST').at(-1)!.body).to.deep.equal({
        thread: 'podcast/ep-2',
        parentId: null,
        body: 'Episode 2 is out.',
      });
      expect(text(comments(el)[0]!)).to.contain('Episode 2 is out.');
    });

    it('edits the host name in the settings', async () => {
      const el = await open();
      button(el, 'Settings', '[part~="views"] button').click();
      await waitUntil(() => $<HTMLInputElement>(el, '#host-name')?.value === 'Studio');
      const input = $<HTMLInputElement>(el, '#host-name');
      input.value = '  The Hosts  ';
      button(el, 'Save name').click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Host name saved.');
      expect(api.requests.find((r) => r.method === 'PATCH' && r.url.pathname === '/api/admin/settings')!.body).to.deep.equal({ hostName: 'The Hosts' });
      button(el, 'Comments', '[part~="views"] button').click();
      await waitUntil(() => comments(el).length === 2);
      button(comments(el)[0]!, 'Reply as host').click();
      await el.updateComplete;
      expect(button($(el, '[part~="reply-form"]'), 'Reply as The Hosts')).to.exist;
    });

    it('pins and unpins an approved top-level comment, marked Pinned', async () => {
      const approved = await open();
      // Only approved top-level comments offer it.
      expect(comments(approved).map((c) => !!button(c, 'Pin'))).to.deep.equal([false, false]);
      button(approved, 'Approved 1', '[part~="tabs"] button').click();
      await waitUntil(() => comments(approved).length === 1);
      const pin = button(comments(approved)[0]!, 'Pin');
      expect(pin.getAttribute('aria-pressed')).to.equal('false');
      pin.click();
      await waitUntil(() => $(approved, '[part~="comment"] .badge.pinned'));
      expect(api.requests.find((r) => r.url.pathname === '/api/admin/comments/4/pin')!.body).to.deep.equal({ pinned: true });
      expect(text($(approved, '.badge.pinned'))).to.equal('Pinned');
      await waitUntil(() => $(approved, '[part~="status"]').textContent === 'Comment pinned: it is listed first in its thread.');
      const unpin = button(comments(approved)[0]!, 'Unpin');
      expect(unpin.getAttribute('aria-pressed')).to.equal('true');
      unpin.click();
      await waitUntil(() => !$(approved, '.badge.pinned'));
      expect(api.comments.find((c) => c.id === '4')!.pinned).to.equal(false);
    });

    it('bans a commenter by email and address, refused, with a reason and an expiry; lists the bans and lifts one', async () => {
      const el = await open();
      button(comments(el)[0]!, 'Ban…').click();
      await el.updateComplete;
      const form = $<HTMLFormElement>(el, '[part~="ban-form"]');
      expect(text(form.querySelector('h3')!)).to.equal('Ban Ada');
      (form.querySelector('input[name="email"]') as HTMLInputElement).checked = false;
      button(form, 'Ban').click();
      await waitUntil(() => $(el, '[role="alert"]'));
      expect(text($(el, '[role="alert"]'))).to.equal('Choose the email, the address, or both.');
      expect(api.requests.some((r) => r.url.pathname.endsWith('/ban'))).to.equal(false);
      (form.querySelector('input[name="email"]') as HTMLInputElement).checked = true;
      (form.querySelector('input[name="address"]') as HTMLInputElement).checked = true;
      (form.querySelector('input[value="refuse"]') as HTMLInputElement).checked = true;
      (form.querySelector('input[name="reason"]') as HTMLInputElement).value = 'Abuse';
      (form.querySelector('input[name="days"]') as HTMLInputElement).value = '30';
      button(form, 'Ban').click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === '2 bans added.');
      expect(api.requests.find((r) => r.url.pathname === '/api/admin/comments/1/ban')!.body).to.deep.equal({
        email: true,
        address: true,
        action: 'refuse',
        reason: 'Abuse',
        days: 30,
      });
      expect($(el, '[part~="ban-form"]')).to.equal(null);

      button(el, 'Bans', '[part~="views"] button').click();
      await waitUntil(() => $$(el, '[part~="ban"]').length === 3);
      const [email, address, old] = $$(el, '[part~="ban"]');
      expect(text(email!.querySelector('h3')!)).to.equal('a•••@example.com');
      expect(text(email!)).to.contain('Email');
      expect(text(email!)).to.contain('refused');
      expect(text(email!)).to.contain('Abuse');
      expect(text(address!.querySelector('h3')!)).to.equal('address of comment #1');
      expect(address!.querySelector('time[datetime="2026-12-21T10:00:00.000Z"]')).to.exist;
      expect(text(old!)).to.contain('no end');
      // A reason is text, never markup.
      expect(old!.querySelector('b')).to.equal(null);
      expect(text(old!)).to.contain('Sells <b>watches</b>');
      const lift = old!.querySelector('button')!;
      expect(lift.getAttribute('aria-label')).to.equal('Lift the ban on s•••@spam.example');
      lift.click();
      await waitUntil(() => $$(el, '[part~="ban"]').length === 2);
      expect(api.requests.find((r) => r.method === 'DELETE')!.url.pathname).to.equal('/api/admin/bans/7');
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Ban lifted.');
    });

    it('closes and reopens a thread', async () => {
      api.closed.set('podcast/ep-1', { thread: 'podcast/ep-1', closed: true, closedBy: 'age' });
      const el = await open();
      await waitUntil(() => button(comments(el)[0]!, 'Reopen thread'), 'the closed state was not shown');
      expect(text(comments(el)[0]!)).to.contain('closed (old)');
      const reopen = button(comments(el)[0]!, 'Reopen thread');
      expect(reopen.getAttribute('aria-label')).to.equal('Reopen thread podcast/ep-1');
      reopen.click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Thread podcast/ep-1 reopened.');
      const request = api.requests.find((r) => r.url.pathname.endsWith('/close'))!;
      expect(request.url.pathname).to.equal('/api/admin/threads/podcast%2Fep-1/close');
      expect(request.body).to.deep.equal({ closed: false });
      // Every comment of the thread says so.
      expect(comments(el).map((c) => !!button(c, 'Close thread'))).to.deep.equal([true, true]);
      button(comments(el)[1]!, 'Close thread').click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Thread podcast/ep-1 closed: no new comments.');
      expect(text(comments(el)[0]!)).to.contain('closed');
    });

    it('moves with j and k, approves with a, marks spam with s, deletes with d and undoes with u, never while typing', async () => {
      api.comments.push(
        { ...api.comments[1]!, id: '5', author: { ...api.comments[1]!.author, name: 'Eve' }, parentId: null, parent: null },
        { ...api.comments[1]!, id: '6', author: { ...api.comments[1]!.author, name: 'Finn' }, parentId: null, parent: null },
      );
      const el = await fixture<ColloquyAdmin>(html`<colloquy-admin endpoint="/api"></colloquy-admin>`);
      await signIn(el);
      await waitUntil(() => comments(el).length === 4);
      expect(text($(el, '[part~="shortcuts"]'))).to.contain('j next comment');
      expect(text($(el, '[part~="shortcuts"]'))).to.contain('u undo the last change');
      const focused = () => el.shadowRoot!.activeElement;
      // Typing in a field is typing.
      $<HTMLInputElement>(el, 'input[name="q"]').focus();
      await sendKeys({ type: 'jad' });
      expect($<HTMLInputElement>(el, 'input[name="q"]').value).to.equal('jad');
      expect(api.requests.some((r) => r.method === 'PATCH')).to.equal(false);
      expect(comments(el)).to.have.length(4);

      $<HTMLInputElement>(el, 'input[name="q"]').blur();
      await sendKeys({ press: 'j' });
      await el.updateComplete;
      expect(focused() === comments(el)[0], 'focus is on that comment').to.equal(true);
      expect(getComputedStyle(comments(el)[0]!).outlineStyle, 'focus stays visible').to.equal('solid');
      await sendKeys({ press: 'j' });
      await sendKeys({ press: 'j' });
      await sendKeys({ press: 'k' });
      await el.updateComplete;
      expect(focused() === comments(el)[1], 'focus is on that comment').to.equal(true);
      await sendKeys({ press: 'a' });
      await waitUntil(() => comments(el).length === 3);
      expect(api.comments.find((c) => c.id === '2')!.status).to.equal('approved');
      // The next comment takes its place, focused.
      await waitUntil(() => focused() === comments(el)[1]);
      expect(text(comments(el)[1]!)).to.contain('Eve');
      await sendKeys({ press: 's' });
      await waitUntil(() => api.comments.find((c) => c.id === '5')!.status === 'spam');
      await waitUntil(() => comments(el).length === 2);
      await sendKeys({ press: 'u' });
      await waitUntil(() => api.comments.find((c) => c.id === '5')!.status === 'pending');
      await waitUntil(() => comments(el).length === 3);
      await waitUntil(() => focused() === comments(el)[1]);
      expect(text(comments(el)[1]!)).to.contain('Eve');
      await sendKeys({ press: 'j' });
      await sendKeys({ press: 'd' });
      await waitUntil(() => api.comments.find((c) => c.id === '6')!.status === 'deleted');
      await waitUntil(() => $(el, '[part~="status"]').textContent === '1 comment now deleted.');
      // A modifier is the browser's, not ours.
      // (Dispatched: a real Ctrl+U opens the page's source in the test browser.)
      focused()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'u', ctrlKey: true, bubbles: true, composed: true }));
      await el.updateComplete;
      expect(api.requests.filter((r) => r.method === 'PATCH')).to.have.length(4);
      expect(api.comments.find((c) => c.id === '6')!.status).to.equal('deleted');
    });

    it('holds the filter row on one line at 1280 px, and nothing overflows at 375 px', async () => {
      await setViewport({ width: 1280, height: 800 });
      const el = await open();
      const oneLine = async (width: number) => {
        await setViewport({ width, height: 800 });
        await el.updateComplete;
        const tops = [...$(el, '[part~="filters"]').children].map((c) => c.getBoundingClientRect().top);
        expect(Math.max(...tops) - Math.min(...tops), `filter row tops at ${width} px: ${tops}`).to.be.below(4);
        expect($(el, 'input[name="q"]').getBoundingClientRect().width, 'the search field keeps room to type').to.be.above(120);
      };
      await oneLine(1280);
      // Down to a half-screen window, whatever the date fields' width in the browser's locale.
      await oneLine(900);
      await setViewport({ width: 1280, height: 800 });
      await el.updateComplete;
      // Each row's checkbox sits on the line of the name, not in the middle of the row.
      for (const row of comments(el)) {
        const box = row.querySelector('input[type="checkbox"]')!.getBoundingClientRect();
        const name = row.querySelector('h2')!.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(row.querySelector('h2')!).lineHeight);
        expect(Math.abs(box.top + box.height / 2 - (name.top + line / 2)), 'checkbox off the name line').to.be.below(2.5);
      }

      await setViewport({ width: 375, height: 700 });
      api.comments[0]!.author.email = 'a-very-long-address-that-goes-on-and-on@an-equally-long-domain.example';
      api.comments[0]!.body = 'x'.repeat(300);
      $<HTMLButtonElement>(el, '[part~="filters"] button').click();
      await waitUntil(() => text(el.shadowRoot!.querySelector('[part~="list"]')!).includes('xxxxx'));
      button(comments(el)[0]!, 'Ban…').click();
      button(comments(el)[1]!, 'Reply as host').click();
      await el.updateComplete;
      expect(document.documentElement.scrollWidth, 'the page scrolls sideways').to.be.at.most(375);
      for (const node of el.shadowRoot!.querySelectorAll<HTMLElement>('button, input, textarea, [part]')) {
        const r = node.getBoundingClientRect();
        if (r.width) expect(r.right, `${node.tagName} ${node.getAttribute('part') ?? text(node)} overflows`).to.be.at.most(375);
      }
      // Buttons and fields keep one height, and one field per line.
      const heights = new Set($$(el, '[part~="filters"] input, [part~="bulk"] button').map((n) => Math.round(n.getBoundingClientRect().height)));
      expect(heights.size, `heights ${[...heights]}`).to.equal(1);
    });

    it('shows dates as the widget does, links each thread key to its page, and no separator without a hold reason', async () => {
      api.comments[0]!.heldFor = null;
      const el = await open();
      const [first] = comments(el);
      const expected = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(new Date('2026-11-20T10:00:00.000Z'));
      expect(text(first!.querySelector('time')!)).to.equal(expected);
      const link = first!.querySelector<HTMLAnchorElement>('.thread a')!;
      expect(link.href).to.equal('https://example.com/episodes/podcast/ep-1');
      expect(link.rel).to.contain('noopener');
      const items = [...first!.querySelectorAll('.meta > li')].map(text);
      expect(items.every((item) => item.length > 0), `empty meta items in ${items}`).to.equal(true);
      expect(items).to.deep.equal(['Pending', 'podcast/ep-1', expected]);
      // A key that makes no http(s) URL stays text; a javascript: pattern never becomes a link.
      el.threadUrl = 'javascript:alert({thread})';
      await el.updateComplete;
      expect(first!.querySelector('.thread a')).to.equal(null);
    });

    it('links a thread key to the page the server recorded for the thread (pageUrl) ahead of the thread-url pattern', async () => {
      api.comments[0]!.pageUrl = 'https://blog.example/2026/11/episode-1?ref=feed';
      api.comments[1]!.pageUrl = 'javascript:alert(1)';
      const el = await open();
      const [first, second] = comments(el);
      const link = first!.querySelector<HTMLAnchorElement>('.thread a')!;
      expect(link.href).to.equal('https://blog.example/2026/11/episode-1?ref=feed');
      expect(text(link)).to.equal('podcast/ep-1');
      expect(link.rel).to.contain('noopener');
      // A page that is no http(s) URL is never a link: the pattern is used instead.
      expect(second!.querySelector<HTMLAnchorElement>('.thread a')!.href).to.equal('https://example.com/episodes/podcast/ep-1');
      // Without a pattern, the recorded page is still the link, and a thread without one is text.
      el.threadUrl = '';
      await el.updateComplete;
      expect(first!.querySelector<HTMLAnchorElement>('.thread a')!.href).to.equal('https://blog.example/2026/11/episode-1?ref=feed');
      expect(second!.querySelector('.thread a')).to.equal(null);
    });
  });

});
