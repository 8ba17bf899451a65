import { html, nothing } from 'lit/html.js';
import { AdminApiError, AdminClient, type Ban, type BanRequest, type ModeratedComment, type ThreadState } from '../../api/admin-client.js';
import {
  ADMIN_STATUSES,
  BAN_DAYS,
  MAX_BAN_REASON,
  MAX_HOST_NAME,
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
import { LIMITS } from '../../api/contract.js';
import { isHttpUrl } from '../../api/validate.js';
import { commentDates } from '../../i18n/dates.js';
import s from '../../i18n/en-admin.js';
import { baseStyles } from '../shared/base-styles.js';
import { ColloquyElement } from '../shared/colloquy-element.js';
import { define } from '../shared/define.js';
import { tokenStyles } from '../shared/token-styles.js';
import { styles } from './colloquy-admin.styles.js';

const TOKEN_KEY = 'colloquy-admin-token';

type View = 'comments' | 'bans' | 'outbox' | 'settings';

/** The last status change, until the next: what `Undo` (and `u`) puts back. */
interface UndoRecord {
  status: AdminStatus;
  /** Each comment as it was, and where it stood in the list. */
  items: { before: AdminComment; index: number }[];
}

/** Typing in these never triggers a shortcut. */
const isTextField = (node: EventTarget | undefined) =>
  node instanceof HTMLTextAreaElement ||
  node instanceof HTMLSelectElement ||
  (node instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(node.type)) ||
  (node instanceof HTMLElement && node.isContentEditable);

/** A thread key in a URL pattern: each `/`-separated part encoded, the slashes kept. */
const fillThread = (pattern: string, thread: string) =>
  pattern.replaceAll('{thread}', thread.split('/').map(encodeURIComponent).join('/'));

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
 * A moderator replies (or writes a comment) as the site under the host name, pins comments,
 * closes threads and bans a commenter's email or address; an approved, spammed or deleted
 * comment leaves the list at once with an Undo. Shortcuts: `j`/`k` move, `a` approve,
 * `s` spam, `d` delete, `u` undo (never while typing in a field).
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
 * @csspart undo - The bar offering to undo the last status change.
 * @csspart shortcuts - The list of keyboard shortcuts.
 * @csspart compose - The form writing a new comment as host.
 * @csspart reply-form - The form replying to a comment as host.
 * @csspart ban-form - The form banning a comment's author.
 * @csspart bans - The list of bans.
 * @csspart ban - One ban.
 * @csspart settings - The settings form (the host name).
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
    threadUrl: { attribute: 'thread-url' },
    undo: { state: true },
    current: { state: true },
    replying: { state: true },
    banning: { state: true },
    bans: { state: true },
    hostName: { state: true },
    threadStates: { state: true },
  };

  /** Base URL of the API, e.g. `/api`. */
  endpoint = '/api';

  /** The page a thread is shown on, `{thread}` standing for its key (`https://example.com/episodes/{thread}`); a comment's own page URL wins. */
  threadUrl = '';

  private token = '';
  private list: AdminCommentList | null = null;
  private filters: Filters = { status: 'pending', q: '', thread: '', since: '', before: '' };
  private selected = new Set<string>();
  private editing = '';
  private busy = false;
  private error = '';
  private announcement = '';
  private view: View = 'comments';
  private outbox: AdminOutboxList | null = null;
  private outboxStatus: AdminOutboxStatus | '' = '';
  private subscribers: AdminSubscriberCounts | null = null;
  /** Subscribers of the thread the comments are filtered by; `null` without that filter. */
  private threadSubscribers: number | null = null;
  private undo: UndoRecord | null = null;
  /** The comment the shortcuts act on, by its place in the list; -1 for none yet. */
  private current = -1;
  private replying = '';
  private banning = '';
  private bans: Ban[] | null = null;
  private hostName = s.host;
  private threadStates = new Map<string, ThreadState>();

  override connectedCallback(): void {
    super.connectedCallback();
    // The session's tab only: closing it signs out, and no cookie is ever set.
    this.token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    if (this.token) void this.#load().then(() => this.#loadHostName());
    // On the document: with nothing focused (the page itself), the keys still reach the queue.
    document.addEventListener('keydown', this.#handleKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.#handleKeydown);
  }

  /** The queue's shortcuts, in the style of WordPress's and Gmail's: never while typing, never with a modifier. */
  #handleKeydown = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const path = event.composedPath();
    const mine = path.includes(this) || path[0] === document.body || path[0] === document.documentElement;
    if (!mine || this.view !== 'comments' || !this.list || isTextField(path[0])) return;
    const comments = this.list.comments;
    const c = comments[this.current] as AdminComment | undefined;
    const acts: Record<string, () => void> = {
      j: () => this.#moveTo(Math.min(this.current + 1, comments.length - 1)),
      k: () => this.#moveTo(Math.max(this.current - 1, 0)),
      a: () => c && c.status !== 'approved' && void this.#setStatus([c.id], 'approved'),
      s: () => c && c.status !== 'spam' && void this.#setStatus([c.id], 'spam'),
      d: () => c && c.status !== 'deleted' && void this.#setStatus([c.id], 'deleted'),
      u: () => void this.#undo(),
    };
    const act = acts[event.key];
    if (!act) return;
    event.preventDefault();
    act();
  };

  async #moveTo(index: number) {
    if (!this.list?.comments.length) return;
    this.current = Math.max(0, Math.min(index, this.list.comments.length - 1));
    await this.updateComplete;
    this.renderRoot.querySelectorAll<HTMLElement>('[part~="comment"]')[this.current]?.focus();
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
      if (!more) this.current = -1;
      void this.#loadThreadStates(page.comments);
      if (!more) this.threadSubscribers = thread ? ((await this.#client.subscribers([thread])).threads[0]?.subscribers ?? 0) : null;
      this.error = '';
    } catch (error) {
      this.#fail(error);
    } finally {
      this.busy = false;
    }
  }

  /** The host name and the threads' closed state: extras the list works without (an older server has neither). */
  async #loadThreadStates(comments: AdminComment[]) {
    const threads = [...new Set(comments.map((c) => c.thread))].filter((t) => !this.threadStates.has(t)).slice(0, 100);
    if (!threads.length) return;
    try {
      const { threads: states } = await this.#client.threads(threads);
      const known = new Map(this.threadStates);
      for (const state of states) known.set(state.thread, state);
      this.threadStates = known;
    } catch {
      // Unknown: shown as open, and closing still works.
    }
  }

  async #loadHostName() {
    try {
      this.hostName = (await this.#client.settings()).hostName;
    } catch {
      this.hostName = s.host;
    }
  }

  async #loadBans() {
    this.busy = true;
    try {
      this.bans = (await this.#client.bans()).bans;
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

  #showView(view: View) {
    this.view = view;
    this.error = '';
    if (view === 'outbox') void this.#loadOutbox();
    else if (view === 'bans') void this.#loadBans();
    else if (view === 'settings') void this.#loadHostName();
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
    if (this.token) void this.#loadHostName();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(this.token ? 'h1' : '#token')?.focus();
  }

  #signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = '';
    this.list = null;
    this.outbox = null;
    this.subscribers = null;
    this.bans = null;
    this.undo = null;
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

  /** Puts changed comments in place. */
  #replace(changed: AdminComment[]) {
    if (!this.list) return;
    const byId = new Map(changed.map((c) => [c.id, c]));
    this.list = { ...this.list, comments: this.list.comments.map((c) => byId.get(c.id) ?? c) };
  }

  /** Whether the list shown (its status tab) holds a comment of this status. */
  #shows(status: AdminStatus) {
    return !this.filters.status || this.filters.status === status;
  }

  /**
   * Changes the status of comments; those that no longer belong in the tab shown leave it at
   * once, and the change can be undone (the Undo button, or `u`) until the next one.
   */
  async #setStatus(ids: string[], status: AdminStatus) {
    if (!ids.length || !this.list) return;
    if (status === 'deleted' && ids.length > 1 && !confirm(s.confirmDelete(ids.length))) return;
    const hadFocus = this.renderRoot instanceof ShadowRoot && this.renderRoot.activeElement !== null;
    const before = this.list.comments.map((c, index) => ({ before: c, index })).filter(({ before: c }) => ids.includes(c.id));
    try {
      const changed = ids.length === 1 ? [(await this.#client.change(ids[0], { status })).comment] : (await this.#client.bulk({ ids, status })).comments;
      this.#replace(changed);
      if (!this.#shows(status) && this.list) {
        const gone = new Set(changed.map((c) => c.id));
        this.list = { ...this.list, comments: this.list.comments.filter((c) => !gone.has(c.id)) };
      }
      this.undo = before.length ? { status, items: before } : null;
      this.selected = new Set();
      this.#announce(s.changed(changed.length, s.statuses[status]));
      // Focus stays in the queue: on the comment that took the place of the one acted on.
      if (hadFocus) {
        const first = before[0]?.index ?? 0;
        if (this.list?.comments.length) void this.#moveTo(first);
        else void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="undo"] button')?.focus());
      }
      await this.#refreshCounts();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Puts the comments of the last status change back as they were, and where they were. */
  async #undo() {
    const undo = this.undo;
    if (!undo || !this.list) {
      this.#announce(s.nothingToUndo);
      return;
    }
    this.undo = null;
    try {
      const restored: AdminComment[] = [];
      for (const status of new Set(undo.items.map((i) => i.before.status))) {
        const ids = undo.items.filter((i) => i.before.status === status).map((i) => i.before.id);
        restored.push(...(ids.length === 1 ? [(await this.#client.change(ids[0]!, { status })).comment] : (await this.#client.bulk({ ids, status })).comments));
      }
      const byId = new Map(restored.map((c) => [c.id, c]));
      const comments = [...this.list.comments];
      for (const { before, index } of undo.items) {
        const now = byId.get(before.id) ?? before;
        const at = comments.findIndex((c) => c.id === now.id);
        if (at >= 0) comments[at] = now;
        else if (this.#shows(now.status)) comments.splice(Math.min(index, comments.length), 0, now);
      }
      this.list = { ...this.list, comments };
      this.#announce(s.undone(restored.length));
      const first = undo.items[0]!;
      const at = comments.findIndex((c) => c.id === first.before.id);
      if (at >= 0) void this.#moveTo(at);
      await this.#refreshCounts();
    } catch (error) {
      this.#fail(error);
    }
  }

  async #handleReply(event: SubmitEvent, parent: AdminComment) {
    event.preventDefault();
    const body = `${new FormData(event.target as HTMLFormElement).get('body')}`;
    try {
      const { comment } = await this.#client.postAsHost({ thread: parent.thread, parentId: parent.id, body });
      this.replying = '';
      if (this.list && this.#shows(comment.status)) {
        const comments = [...this.list.comments];
        comments.splice(comments.findIndex((c) => c.id === parent.id) + 1, 0, comment);
        this.list = { ...this.list, comments };
      }
      this.#announce(s.replied);
      await this.#refreshCounts();
    } catch (error) {
      this.#fail(error);
    }
  }

  async #handleCompose(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    try {
      const { comment } = await this.#client.postAsHost({ thread: `${data.get('thread')}`.trim(), parentId: null, body: `${data.get('body')}` });
      form.reset();
      (form.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
      if (this.list && this.#shows(comment.status)) this.list = { ...this.list, comments: [comment, ...this.list.comments] };
      this.#announce(s.published);
      await this.#refreshCounts();
    } catch (error) {
      this.#fail(error);
    }
  }

  async #pin(c: ModeratedComment) {
    try {
      const { comment } = await this.#client.pin(c.id, !c.pinned);
      this.#replace([comment]);
      this.#announce((comment as ModeratedComment).pinned ? s.pinnedNow : s.unpinnedNow);
    } catch (error) {
      this.#fail(error);
    }
  }

  async #toggleThread(thread: string) {
    const closed = !this.threadStates.get(thread)?.closed;
    try {
      const state = await this.#client.close(thread, closed);
      this.threadStates = new Map(this.threadStates).set(thread, state);
      this.#announce(state.closed ? s.threadClosed(thread) : s.threadOpened(thread));
    } catch (error) {
      this.#fail(error);
    }
  }

  async #handleBan(event: SubmitEvent, c: AdminComment) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const days = `${data.get('days') ?? ''}`.trim();
    const reason = `${data.get('reason') ?? ''}`.trim();
    const ban: BanRequest = {
      email: data.has('email'),
      address: data.has('address'),
      action: data.get('action') === 'refuse' ? 'refuse' : 'spam',
      ...(reason ? { reason } : {}),
      ...(days ? { days: Number(days) } : {}),
    };
    if (!ban.email && !ban.address) {
      this.error = s.banPickOne;
      this.#announce(this.error);
      return;
    }
    try {
      const { bans } = await this.#client.ban(c.id, ban);
      this.banning = '';
      this.error = '';
      if (this.bans) this.bans = [...bans, ...this.bans];
      this.#announce(s.banned(bans.length));
    } catch (error) {
      this.#fail(error);
    }
  }

  async #unban(ban: Ban) {
    try {
      await this.#client.unban(ban.id);
      this.bans = (this.bans ?? []).filter((b) => b.id !== ban.id);
      this.#announce(s.unbanned);
    } catch (error) {
      this.#fail(error);
    }
  }

  async #handleSettings(event: SubmitEvent) {
    event.preventDefault();
    const hostName = `${new FormData(event.target as HTMLFormElement).get('hostName')}`.trim();
    try {
      this.hostName = (await this.#client.saveSettings({ hostName })).hostName;
      this.#announce(s.hostNameSaved);
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

  /** Where a thread is shown: the page the widget reported for it, else `thread-url`'s pattern; `null` for neither. */
  #threadLink(c: ModeratedComment): string | null {
    if (c.pageUrl && isHttpUrl(c.pageUrl)) return c.pageUrl;
    const url = this.threadUrl && this.threadUrl.includes('{thread}') ? fillThread(this.threadUrl, c.thread) : '';
    return url && isHttpUrl(url) ? url : null;
  }

  #date(iso: string) {
    const when = new Date(iso);
    return html`<time datetime=${iso}>${isNaN(+when) ? iso : this.#dates.format(when)}</time>`;
  }

  get #dates() {
    return (this.#dateFormat ??= commentDates(this.closest('[lang]')?.getAttribute('lang') || undefined));
  }

  #dateFormat?: Intl.DateTimeFormat;

  #renderReplyForm(c: AdminComment) {
    const id = `reply-${c.id}`;
    return html`<form part="reply-form" class="host-form" aria-labelledby=${`${id}-title`} @submit=${(e: SubmitEvent) => this.#handleReply(e, c)}>
      <h3 id=${`${id}-title`} class="visually-hidden">${s.replyTo(c.author.name || c.id)}</h3>
      <label class="stack" for=${id}>${s.replyBody}</label>
      <textarea id=${id} name="body" rows="4" required></textarea>
      <div class="actions">
        <button type="submit">${s.sendReply(this.hostName)}</button>
        <button type="button" class="quiet" @click=${() => (this.replying = '')}>${s.cancel}</button>
      </div>
    </form>`;
  }

  #renderBanForm(c: AdminComment) {
    const id = `ban-${c.id}`;
    return html`<form part="ban-form" class="ban-form" aria-labelledby=${`${id}-title`} @submit=${(e: SubmitEvent) => this.#handleBan(e, c)}>
      <h3 id=${`${id}-title`}>${s.banTitle(c.author.name || c.id)}</h3>
      <fieldset>
        <legend>${s.banWhat}</legend>
        <label><input type="checkbox" name="email" checked /> ${s.banEmail}</label>
        <label><input type="checkbox" name="address" /> ${s.banAddress}</label>
      </fieldset>
      <fieldset>
        <legend>${s.banAction}</legend>
        <label><input type="radio" name="action" value="spam" checked /> ${s.banSpam}</label>
        <label><input type="radio" name="action" value="refuse" /> ${s.banRefuse}</label>
      </fieldset>
      <label class="stack">${s.banReason} <input name="reason" maxlength=${MAX_BAN_REASON} /></label>
      <label class="stack"
        >${s.banDays} <input name="days" type="number" min=${BAN_DAYS.min} max=${BAN_DAYS.max} step="1" inputmode="numeric" aria-describedby=${`${id}-days`}
      /></label>
      <p id=${`${id}-days`} class="muted">${s.banDaysHelp}</p>
      <div class="actions">
        <button type="submit">${s.banSubmit}</button>
        <button type="button" class="quiet" @click=${() => (this.banning = '')}>${s.cancel}</button>
      </div>
    </form>`;
  }

  #renderComment(c: ModeratedComment, index: number) {
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
    const link = this.#threadLink(c);
    const thread = this.threadStates.get(c.thread);
    const host = c.role === 'host';
    return html`<li>
      <article
        part="comment"
        class="comment status-${c.status} ${index === this.current ? 'current' : ''}"
        aria-labelledby=${label}
        tabindex="-1"
        @focusin=${() => (this.current = index)}
      >
        <input
          type="checkbox"
          aria-label=${s.select(c.author.name || c.id)}
          .checked=${this.selected.has(c.id)}
          @change=${(e: Event) => this.#toggle(c.id, (e.target as HTMLInputElement).checked)}
        />
        <div class="main">
          <h2 id=${label} class="author">
            ${c.author.name} ${host ? html`<span class="badge host">${s.host}</span>` : nothing}
            ${c.author.email ? html`<span class="muted">&lt;${c.author.email}&gt;</span>` : nothing}
            ${c.author.url && isHttpUrl(c.author.url)
              ? html`<a href=${c.author.url} rel="nofollow ugc noopener noreferrer" target="_blank">${c.author.url}</a>`
              : nothing}
          </h2>
          <ul class="meta muted">
            <li><span class="badge">${s.statuses[c.status]}</span></li>
            ${c.heldFor ? html`<li>${s.heldFor[c.heldFor] ?? c.heldFor}</li>` : nothing}
            ${c.deletedByAuthor ? html`<li>${s.deletedByAuthor}</li>` : nothing}
            ${c.pinned ? html`<li><span class="badge pinned">${s.pinned}</span></li>` : nothing}
            ${typeof c.likes === 'number' && c.likes > 0 ? html`<li>${s.likes(c.likes)}</li>` : nothing}
            <li class="thread">
              ${link
                ? html`<a href=${link} rel="noopener noreferrer" target="_blank" aria-label=${s.openThread(c.thread)}><code>${c.thread}</code></a>`
                : html`<code>${c.thread}</code>`}
              ${thread?.closed ? html` <span class="badge">${thread.closedBy === 'age' ? s.closedByAge : s.closed}</span>` : nothing}
            </li>
            <li>${this.#date(c.createdAt)}</li>
          </ul>
          ${c.parent
            ? html`<p class="parent muted">${s.inReplyTo} <strong>${c.parent.name}</strong>: “${c.parent.excerpt}”</p>`
            : nothing}
          <p class="body">${c.body}</p>
          <div class="actions">
            ${c.status !== 'approved' ? action(s.approve, 'approved') : nothing}
            ${c.status === 'spam' ? action(s.notSpam, 'approved') : action(s.spam, 'spam')}
            ${c.deletedByAuthor ? nothing : html`<button type="button" class="quiet" @click=${() => (this.editing = c.id)}>${s.edit}</button>`}
            ${c.status !== 'deleted' ? action(s.delete, 'deleted') : nothing}
            ${c.status !== 'deleted'
              ? html`<button type="button" class="quiet" aria-expanded=${this.replying === c.id ? 'true' : 'false'} @click=${() => (this.replying = this.replying === c.id ? '' : c.id)}>
                  ${s.reply}
                </button>`
              : nothing}
            ${c.status === 'approved' && !c.parentId
              ? html`<button type="button" class="quiet" aria-pressed=${c.pinned ? 'true' : 'false'} @click=${() => this.#pin(c)}>
                  ${c.pinned ? s.unpin : s.pin}
                </button>`
              : nothing}
            ${host
              ? nothing
              : html`<button type="button" class="quiet" aria-expanded=${this.banning === c.id ? 'true' : 'false'} @click=${() => (this.banning = this.banning === c.id ? '' : c.id)}>
                  ${s.ban}
                </button>`}
            <button
              type="button"
              class="quiet"
              aria-label=${thread?.closed ? s.reopenThreadLabel(c.thread) : s.closeThreadLabel(c.thread)}
              @click=${() => this.#toggleThread(c.thread)}
            >
              ${thread?.closed ? s.reopenThread : s.closeThread}
            </button>
          </div>
          ${this.replying === c.id ? this.#renderReplyForm(c) : nothing} ${this.banning === c.id ? this.#renderBanForm(c) : nothing}
        </div>
      </article>
    </li>`;
  }

  #renderBans() {
    const error = this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing;
    const bans = this.bans;
    return html`<section aria-labelledby="bans-title">
      <h2 id="bans-title">${s.bansTitle}</h2>
      <p class="muted">${s.bansHelp}</p>
      ${error}
      ${!bans
        ? html`<p>${this.busy ? s.loading : nothing}</p>`
        : bans.length
          ? html`<ol part="bans" class="list">
              ${bans.map((b) => {
                const ended = !b.active;
                return html`<li>
                  <article part="ban" class="ban ${ended ? 'ended' : ''}" aria-labelledby=${`ban-title-${b.id}`}>
                    <h3 id=${`ban-title-${b.id}`}>${b.label}</h3>
                    <ul class="meta muted">
                      <li><span class="badge">${s.banKinds[b.kind] ?? b.kind}</span></li>
                      <li>${s.banActions[b.action] ?? b.action}</li>
                      <li>${s.banned_on} ${this.#date(b.createdAt)}</li>
                      <li>${b.expiresAt ? html`${ended ? s.expired : s.expires} ${this.#date(b.expiresAt)}` : s.noExpiry}</li>
                    </ul>
                    ${b.reason ? html`<p class="body">${b.reason}</p>` : nothing}
                    <div class="actions">
                      <button type="button" class="quiet" aria-label=${s.unbanLabel(b.label)} @click=${() => this.#unban(b)}>${s.unban}</button>
                    </div>
                  </article>
                </li>`;
              })}
            </ol>`
          : html`<p>${s.noBans}</p>`}
    </section>`;
  }

  #renderSettings() {
    return html`<section aria-labelledby="settings-title">
      <h2 id="settings-title">${s.settingsView}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <form part="settings" class="host-form" @submit=${this.#handleSettings}>
        <label class="stack" for="host-name">${s.hostName}</label>
        <input id="host-name" name="hostName" required maxlength=${MAX_HOST_NAME} .value=${this.hostName} aria-describedby="host-name-help" />
        <p id="host-name-help" class="muted">${s.hostNameHelp}</p>
        <div class="actions"><button type="submit">${s.saveHostName}</button></div>
      </form>
    </section>`;
  }

  #renderShortcuts() {
    return html`<details part="shortcuts" class="shortcuts">
      <summary>${s.shortcutsTitle}</summary>
      <dl>
        ${s.shortcuts.map(([key, what]) => html`<div><dt><kbd>${key}</kbd></dt> <dd>${what}</dd></div>`)}
      </dl>
      <p class="muted">${s.shortcutsHelp}</p>
    </details>`;
  }

  #renderCompose() {
    return html`<details part="compose" class="compose">
      <summary>${s.writeAsHost}</summary>
      <form class="host-form" @submit=${this.#handleCompose}>
        <label class="stack" for="compose-thread">${s.thread}</label>
        <input id="compose-thread" name="thread" required maxlength=${LIMITS.thread} .value=${this.filters.thread} />
        <label class="stack" for="compose-body">${s.newBody}</label>
        <textarea id="compose-body" name="body" rows="4" required></textarea>
        <div class="actions"><button type="submit">${s.publish(this.hostName)}</button></div>
      </form>
    </details>`;
  }

  #renderUndo() {
    const undo = this.undo;
    if (!undo) return nothing;
    const n = undo.items.length;
    return html`<div part="undo" class="undo">
      <span>${s.changed(n, s.statuses[undo.status])}</span>
      <button type="button" aria-label=${s.undoLabel(n, s.statuses[undo.status])} @click=${() => this.#undo()}>${s.undo}</button>
    </div>`;
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
          · ${s.tries(m.attempts, OUTBOX_MAX_ATTEMPTS)} · ${when} ${this.#date(at)}
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
        ${(
          [
            ['comments', s.commentsView],
            ['bans', s.bansView],
            ['outbox', s.outboxView],
            ['settings', s.settingsView],
          ] as [View, string][]
        ).map(
          ([view, label]) =>
            html`<button type="button" aria-pressed=${this.view === view ? 'true' : 'false'} @click=${() => this.#showView(view)}>${label}</button>`,
        )}
      </nav>`;
    if (this.view !== 'comments') {
      const body = this.view === 'outbox' ? this.#renderOutbox() : this.view === 'bans' ? this.#renderBans() : this.#renderSettings();
      return html`${header} ${body}
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
        <label class="q">${s.search} <input type="search" name="q" .value=${this.filters.q} /></label>
        <label class="thread">${s.thread} <input name="thread" .value=${this.filters.thread} /></label>
        <label class="date">${s.since} <input type="date" name="since" .value=${this.filters.since} /></label>
        <label class="date">${s.before} <input type="date" name="before" .value=${this.filters.before} /></label>
        <button type="submit">${s.filter}</button>
      </form>
      ${this.threadSubscribers !== null ? html`<p part="thread-subscribers" class="muted">${s.threadSubscribers(this.threadSubscribers)}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${this.#renderCompose()} ${this.#renderUndo()}
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
            ${comments.map((c, i) => this.#renderComment(c, i))}
          </ol>`
        : html`<p>${s.none}</p>`}
      ${nextCursor ? html`<button type="button" @click=${() => this.#load(true)}>${s.loadMore}</button>` : nothing} ${this.#renderShortcuts()}
      <div part="status" class="visually-hidden" role="status">${this.announcement}</div>`;
  }
}

define('colloquy-admin', ColloquyAdmin);

declare global {
  interface HTMLElementTagNameMap {
    'colloquy-admin': ColloquyAdmin;
  }
}
