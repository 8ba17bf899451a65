import { html, nothing } from 'lit/html.js';
import { AdminApiError, AdminClient } from '../../api/admin-client.js';
import {
  ADMIN_STATUSES,
  OUTBOX_MAX_ATTEMPTS,
  OUTBOX_STATUSES,
  type AdminComment,
  type AdminCommentList,
  type AdminOutboxList,
  type AdminOutboxMessage,
  type AdminOutboxStatus,
  type AdminStatus,
  type AdminSubscriberCounts,
} from '../../api/admin-contract.js';
import { isHttpUrl } from '../../api/validate.js';
import s from '../../i18n/en-admin.js';
import { baseStyles } from '../shared/base-styles.js';
import { ColloquyElement } from '../shared/colloquy-element.js';
import { define } from '../shared/define.js';
import { tokenStyles } from '../shared/token-styles.js';
import { styles } from './colloquy-admin.styles.js';

const TOKEN_KEY = 'colloquy-admin-token';

interface Filters {
  status: AdminStatus | '';
  q: string;
  thread: string;
  since: string;
  before: string;
}

/**
 * The moderation page of the reference server: sign in with the admin token, list comments
 * across all threads by status, text, thread and date, see each in context with its
 * author's email, and approve, mark as spam or not spam, edit and delete, one by one or in bulk.
 * The outbox view shows how outgoing messages (webhooks, emails) are doing, retries a failed
 * one, and counts the reply-notification subscribers per thread (numbers, never addresses).
 *
 * @tagname colloquy-admin
 * @summary Comment moderation for the site's owner.
 *
 * @csspart sign-in - The sign-in form.
 * @csspart tabs - The status filter buttons with their counts.
 * @csspart filters - The search, thread and date filters.
 * @csspart bulk - The bulk actions bar.
 * @csspart list - The list of comments.
 * @csspart comment - One comment.
 * @csspart status - The live region announcing results.
 * @csspart views - The buttons switching between comments and the outbox.
 * @csspart outbox-tabs - The outbox's status filter buttons with their counts.
 * @csspart outbox - The list of outgoing messages.
 * @csspart message - One outgoing message.
 * @csspart subscribers - The table of subscribers per thread.
 * @csspart thread-subscribers - How many get reply notifications on the filtered thread.
 */
export class ColloquyAdmin extends ColloquyElement {
  static override styles = [baseStyles, tokenStyles, styles];

  static override properties = {
    endpoint: {},
    token: { state: true },
    list: { state: true },
    filters: { state: true },
    selected: { state: true },
    editing: { state: true },
    busy: { state: true },
    error: { state: true },
    announcement: { state: true },
    view: { state: true },
    outbox: { state: true },
    outboxStatus: { state: true },
    subscribers: { state: true },
    threadSubscribers: { state: true },
  };

  /** Base URL of the API, e.g. `/api`. */
  endpoint = '/api';

  private token = '';
  private list: AdminCommentList | null = null;
  private filters: Filters = { status: 'pending', q: '', thread: '', since: '', before: '' };
  private selected = new Set<string>();
  private editing = '';
  private busy = false;
  private error = '';
  private announcement = '';
  private view: 'comments' | 'outbox' = 'comments';
  private outbox: AdminOutboxList | null = null;
  private outboxStatus: AdminOutboxStatus | '' = '';
  private subscribers: AdminSubscriberCounts | null = null;
  /** Subscribers of the thread the comments are filtered by; `null` without that filter. */
  private threadSubscribers: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // The session's tab only: closing it signs out, and no cookie is ever set.
    this.token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    if (this.token) void this.#load();
  }

  get #client() {
    return new AdminClient(this.endpoint, this.token);
  }

  async #load(more = false) {
    const { status, q, thread, since, before } = this.filters;
    this.busy = true;
    try {
      const page = await this.#client.list({
        status: status || undefined,
        q,
        thread,
        since,
        before: before && `${before}T23:59:59.999Z`,
        cursor: more ? (this.list?.nextCursor ?? undefined) : undefined,
      });
      this.list = more && this.list ? { ...page, comments: [...this.list.comments, ...page.comments] } : page;
      if (!more) this.selected = new Set();
      if (!more) this.threadSubscribers = thread ? ((await this.#client.subscribers([thread])).threads[0]?.subscribers ?? 0) : null;
      this.error = '';
    } catch (error) {
      this.#fail(error);
    } finally {
      this.busy = false;
    }
  }

  async #loadOutbox(more = false) {
    this.busy = true;
    try {
      const [page, subscribers] = await Promise.all([
        this.#client.outbox({ status: this.outboxStatus || undefined, cursor: more ? (this.outbox?.nextCursor ?? undefined) : undefined }),
        more ? this.subscribers : this.#client.subscribers(),
      ]);
      this.outbox = more && this.outbox ? { ...page, messages: [...this.outbox.messages, ...page.messages] } : page;
      this.subscribers = subscribers;
      this.error = '';
    } catch (error) {
      this.#fail(error);
    } finally {
      this.busy = false;
    }
  }

  #showView(view: 'comments' | 'outbox') {
    this.view = view;
    this.error = '';
    if (view === 'outbox') void this.#loadOutbox();
    else void this.#load();
  }

  #showOutboxStatus(status: AdminOutboxStatus | '') {
    this.outboxStatus = status;
    void this.#loadOutbox();
  }

  async #retry(message: AdminOutboxMessage) {
    try {
      const { message: retried } = await this.#client.retry(message.id);
      const { counts } = await this.#client.outbox({ limit: 1 });
      if (this.outbox) {
        this.outbox = { ...this.outbox, counts, messages: this.outbox.messages.map((m) => (m.id === retried.id ? retried : m)) };
      }
      this.#announce(s.retried(retried.id));
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown) {
    const e = error instanceof AdminApiError ? error : new AdminApiError('network', String(error));
    if (e.code === 'unauthorized') {
      this.#signOut();
      this.error = s.wrongToken;
    } else if (e.code === 'too_fast') {
      this.error = s.tooManyTries(e.retryAfter);
    } else {
      this.error = s.failed(e.message);
    }
    this.#announce(this.error);
  }

  #announce(message: string) {
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = message));
  }

  async #handleSignIn(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    this.token = input.value.trim();
    if (!this.token) return;
    await this.#load();
    if (this.token) sessionStorage.setItem(TOKEN_KEY, this.token);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(this.token ? 'h1' : '#token')?.focus();
  }

  #signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = '';
    this.list = null;
    this.outbox = null;
    this.subscribers = null;
    this.view = 'comments';
  }

  #handleFilter(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.filters = { ...this.filters, q: `${data.get('q')}`, thread: `${data.get('thread')}`, since: `${data.get('since')}`, before: `${data.get('before')}` };
    void this.#load();
  }

  #showStatus(status: AdminStatus | '') {
    this.filters = { ...this.filters, status };
    void this.#load();
  }

  #toggle(id: string, on: boolean) {
    const selected = new Set(this.selected);
    if (on) selected.add(id);
    else selected.delete(id);
    this.selected = selected;
  }

  #toggleAll(on: boolean) {
    this.selected = new Set(on ? (this.list?.comments ?? []).map((c) => c.id) : []);
  }

  /** Puts changed comments in place; ones that no longer match the status shown stay until the next load, marked. */
  #replace(changed: AdminComment[]) {
    if (!this.list) return;
    const byId = new Map(changed.map((c) => [c.id, c]));
    this.list = { ...this.list, comments: this.list.comments.map((c) => byId.get(c.id) ?? c) };
  }

  async #setStatus(ids: string[], status: AdminStatus) {
    if (!ids.length) return;
    if (status === 'deleted' && !confirm(s.confirmDelete(ids.length))) return;
    try {
      const changed = ids.length === 1 ? [(await this.#client.change(ids[0], { status })).comment] : (await this.#client.bulk({ ids, status })).comments;
      this.#replace(changed);
      this.selected = new Set();
      this.#announce(s.changed(changed.length, s.statuses[status]));
      await this.#refreshCounts();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** The tabs' numbers after a change, without losing the visitor's place in the list. */
  async #refreshCounts() {
    const { status: _status, ...rest } = this.filters;
    const page = await this.#client.list({ ...rest, before: rest.before && `${rest.before}T23:59:59.999Z`, limit: 1 });
    if (this.list) this.list = { ...this.list, counts: page.counts };
  }

  async #handleSave(event: SubmitEvent, comment: AdminComment) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    try {
      const { comment: saved } = await this.#client.change(comment.id, {
        name: `${data.get('name')}`,
        url: `${data.get('url')}`,
        body: `${data.get('body')}`,
      });
      this.#replace([saved]);
      this.editing = '';
      this.#announce(s.saved);
    } catch (error) {
      this.#fail(error);
    }
  }

  #renderSignIn() {
    return html`<form part="sign-in" class="sign-in" @submit=${this.#handleSignIn}>
      <h1>${s.title}</h1>
      <label for="token">${s.token}</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required aria-describedby="token-help" />
      <p id="token-help" class="muted">${s.tokenHelp}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button type="submit">${s.signIn}</button>
    </form>`;
  }

  #renderComment(c: AdminComment) {
    const date = new Date(c.createdAt).toLocaleString();
    const label = `author-${c.id}`;
    if (this.editing === c.id) {
      return html`<li>
        <form part="comment" class="comment edit" aria-labelledby=${label} @submit=${(e: SubmitEvent) => this.#handleSave(e, c)}>
          <h2 id=${label} class="visually-hidden">${s.edit} ${c.author.name}</h2>
          <label>${s.name} <input name="name" .value=${c.author.name} required /></label>
          <label>${s.website} <input name="url" type="url" .value=${c.author.url ?? ''} /></label>
          <label>${s.comment} <textarea name="body" rows="5" .value=${c.body} required></textarea></label>
          <div class="actions">
            <button type="submit">${s.save}</button>
            <button type="button" class="quiet" @click=${() => (this.editing = '')}>${s.cancel}</button>
          </div>
        </form>
      </li>`;
    }
    const action = (label: string, status: AdminStatus) =>
      html`<button type="button" class="quiet" @click=${() => this.#setStatus([c.id], status)}>${label}</button>`;
    return html`<li>
      <article part="comment" class="comment status-${c.status}" aria-labelledby=${label}>
        <input
          type="checkbox"
          aria-label=${s.select(c.author.name || c.id)}
          .checked=${this.selected.has(c.id)}
          @change=${(e: Event) => this.#toggle(c.id, (e.target as HTMLInputElement).checked)}
        />
        <div>
          <h2 id=${label} class="author">
            ${c.author.name}
            <span class="muted">&lt;${c.author.email}&gt;</span>
            ${c.author.url && isHttpUrl(c.author.url)
              ? html`<a href=${c.author.url} rel="nofollow ugc noopener noreferrer" target="_blank">${c.author.url}</a>`
              : nothing}
          </h2>
          <p class="muted">
            <span class="badge">${s.statuses[c.status]}</span>
            ${c.heldFor ? html`<span>${s.heldFor[c.heldFor] ?? c.heldFor}</span>` : nothing}
            ${c.deletedByAuthor ? html`<span>${s.deletedByAuthor}</span>` : nothing} · ${s.on} <code>${c.thread}</code> ·
            <time datetime=${c.createdAt}>${date}</time>
          </p>
          ${c.parent
            ? html`<p class="parent muted">${s.inReplyTo} <strong>${c.parent.name}</strong>: “${c.parent.excerpt}”</p>`
            : nothing}
          <p class="body">${c.body}</p>
          <div class="actions">
            ${c.status !== 'approved' ? action(s.approve, 'approved') : nothing}
            ${c.status === 'spam' ? action(s.notSpam, 'approved') : action(s.spam, 'spam')}
            ${c.deletedByAuthor ? nothing : html`<button type="button" class="quiet" @click=${() => (this.editing = c.id)}>${s.edit}</button>`}
            ${c.status !== 'deleted' ? action(s.delete, 'deleted') : nothing}
          </div>
        </div>
      </article>
    </li>`;
  }

  #renderMessage(m: AdminOutboxMessage) {
    const label = `message-${m.id}`;
    const when = m.status === 'sent' ? s.sent : m.status === 'failed' ? s.lastTried : s.due;
    const at = m.status === 'sent' && m.sentAt ? m.sentAt : m.dueAt;
    return html`<li>
      <article part="message" class="message status-${m.status}" aria-labelledby=${label}>
        <h3 id=${label}>${s.message(m.id, s.kinds[m.kind] ?? m.kind)}</h3>
        <p class="muted">
          <span class="badge">${s.outboxStatuses[m.status] ?? m.status}</span>
          · ${s.tries(m.attempts, OUTBOX_MAX_ATTEMPTS)} · ${when} <time datetime=${at}>${new Date(at).toLocaleString()}</time>
          ${m.commentId ? html`· ${s.aboutComment(m.commentId)}` : nothing}
        </p>
        ${m.lastError ? html`<p class="last-error">${s.lastError} <code>${m.lastError}</code></p>` : nothing}
        ${m.status === 'failed'
          ? html`<div class="actions">
              <button type="button" aria-label=${s.retryLabel(m.id)} @click=${() => this.#retry(m)}>${s.retry}</button>
            </div>`
          : nothing}
      </article>
    </li>`;
  }

  #renderOutbox() {
    const outbox = this.outbox;
    const error = this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing;
    if (!outbox) return html`${error}<p>${this.busy ? s.loading : nothing}</p>`;
    const { messages, counts, nextCursor } = outbox;
    const total = OUTBOX_STATUSES.reduce((n, status) => n + (counts[status] ?? 0), 0);
    const tab = (status: AdminOutboxStatus | '', label: string, n: number) =>
      html`<button type="button" aria-pressed=${this.outboxStatus === status ? 'true' : 'false'} @click=${() => this.#showOutboxStatus(status)}>
        ${label} <span class="count">${n}</span>
      </button>`;
    const threads = this.subscribers?.threads ?? [];
    return html`<section aria-labelledby="outbox-title">
        <h2 id="outbox-title">${s.outboxTitle}</h2>
        <p class="muted">${s.outboxHelp}</p>
        <nav part="outbox-tabs" class="tabs" aria-label=${s.outboxFilterBy}>
          ${OUTBOX_STATUSES.map((status) => tab(status, s.outboxStatuses[status] ?? status, counts[status] ?? 0))} ${tab('', s.all, total)}
        </nav>
        ${error}
        ${messages.length
          ? html`<ol part="outbox" class="list" aria-busy=${this.busy ? 'true' : 'false'}>
              ${messages.map((m) => this.#renderMessage(m))}
            </ol>`
          : html`<p>${s.noMessages}</p>`}
        ${nextCursor ? html`<button type="button" @click=${() => this.#loadOutbox(true)}>${s.loadMore}</button>` : nothing}
      </section>
      <section aria-labelledby="subscribers-title">
        <h2 id="subscribers-title">${s.subscribersTitle}</h2>
        ${threads.length
          ? html`<table part="subscribers" class="subscribers">
              <caption>
                ${s.subscribersCaption}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${s.thread}</th>
                  <th scope="col">${s.subscribers}</th>
                </tr>
              </thead>
              <tbody>
                ${threads.map(
                  (t) =>
                    html`<tr>
                      <td><code>${t.thread}</code></td>
                      <td class="count">${t.subscribers}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>${s.noSubscribers}</p>`}
      </section>`;
  }

  protected override render() {
    if (!this.token || !this.list) {
      return html`${this.token && !this.error ? html`<p>${s.loading}</p>` : this.#renderSignIn()}
        <div part="status" class="visually-hidden" role="status">${this.announcement}</div>`;
    }
    const header = html`<header>
        <h1 tabindex="-1">${s.title}</h1>
        <button type="button" class="quiet" @click=${() => this.#signOut()}>${s.signOut}</button>
      </header>
      <nav part="views" class="views" aria-label=${s.views}>
        <button type="button" aria-pressed=${this.view === 'comments' ? 'true' : 'false'} @click=${() => this.#showView('comments')}>${s.commentsView}</button>
        <button type="button" aria-pressed=${this.view === 'outbox' ? 'true' : 'false'} @click=${() => this.#showView('outbox')}>${s.outboxView}</button>
      </nav>`;
    if (this.view === 'outbox') {
      return html`${header} ${this.#renderOutbox()}
        <div part="status" class="visually-hidden" role="status">${this.announcement}</div>`;
    }
    const { comments, counts, nextCursor } = this.list;
    const total = ADMIN_STATUSES.reduce((n, status) => n + (counts[status] ?? 0), 0);
    const ids = [...this.selected];
    const tab = (status: AdminStatus | '', label: string, n: number) =>
      html`<button type="button" aria-pressed=${this.filters.status === status ? 'true' : 'false'} @click=${() => this.#showStatus(status)}>
        ${label} <span class="count">${n}</span>
      </button>`;
    return html`${header}
      <nav part="tabs" class="tabs" aria-label=${s.filterBy}>
        ${ADMIN_STATUSES.map((status) => tab(status, s.statuses[status], counts[status] ?? 0))} ${tab('', s.all, total)}
      </nav>
      <form part="filters" class="filters" role="search" @submit=${this.#handleFilter}>
        <label>${s.search} <input type="search" name="q" .value=${this.filters.q} /></label>
        <label>${s.thread} <input name="thread" .value=${this.filters.thread} /></label>
        <label>${s.since} <input type="date" name="since" .value=${this.filters.since} /></label>
        <label>${s.before} <input type="date" name="before" .value=${this.filters.before} /></label>
        <button type="submit">${s.filter}</button>
      </form>
      ${this.threadSubscribers !== null ? html`<p part="thread-subscribers" class="muted">${s.threadSubscribers(this.threadSubscribers)}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div part="bulk" class="bulk">
        <label
          ><input
            type="checkbox"
            .checked=${comments.length > 0 && ids.length === comments.length}
            @change=${(e: Event) => this.#toggleAll((e.target as HTMLInputElement).checked)}
          />
          ${s.selectAll}</label
        >
        <span class="muted">${s.selected(ids.length)}</span>
        <button type="button" ?disabled=${!ids.length} @click=${() => this.#setStatus(ids, 'approved')}>${s.approveSelected}</button>
        <button type="button" ?disabled=${!ids.length} @click=${() => this.#setStatus(ids, 'spam')}>${s.spamSelected}</button>
        <button type="button" ?disabled=${!ids.length} @click=${() => this.#setStatus(ids, 'deleted')}>${s.deleteSelected}</button>
      </div>
      ${comments.length
        ? html`<ol part="list" class="list" aria-busy=${this.busy ? 'true' : 'false'}>
            ${comments.map((c) => this.#renderComment(c))}
          </ol>`
        : html`<p>${s.none}</p>`}
      ${nextCursor ? html`<button type="button" @click=${() => this.#load(true)}>${s.loadMore}</button>` : nothing}
      <div part="status" class="visually-hidden" role="status">${this.announcement}</div>`;
  }
}

define('colloquy-admin', ColloquyAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'colloquy-admin': ColloquyAdmin;
  }
}
