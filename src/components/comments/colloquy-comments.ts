import { html, nothing, type TemplateResult } from 'lit/html.js';
import { ApiError, listComments } from '../../api/client.js';
import type { Comment, SortOrder } from '../../api/contract.js';
import { isEmail, isHttpUrl } from '../../api/validate.js';
import { emit } from '../../events/events.js';
import en, { type Strings } from '../../i18n/en.js';
import { directionOf, localeOf, say, stringsFor, type Localized } from '../../i18n/i18n.js';
import { baseStyles } from '../shared/base-styles.js';
import { ColloquyElement, type PropertyValues } from '../shared/colloquy-element.js';
import { tokenStyles } from '../shared/token-styles.js';
import { avatar } from './avatar.js';
import { styles } from './colloquy-comments.styles.js';
import { formatBody } from './format.js';
import { findPlayer, formatTime, seekPlayer } from './media.js';
import { grantsKey, loadAuthor, loadDraft, loadSort, maskEmail, newIdempotencyKey, read, saveAuthor, saveDraft, saveSort } from './storage.js';
import { buildTree, type Tree } from './thread.js';
import type { OwnTools } from './writer.js';

export type FormField = 'body' | 'name' | 'email' | 'url';
const PERMALINK = /^#comment-(.+)$/;
const SKELETON = html`<ol part="skeleton" class="skeleton" aria-hidden="true">
  <li></li>
  <li></li>
  <li></li>
</ol>`;

/**
 * An episode's comment thread, with threaded replies and the "Leave a Comment" form.
 *
 * @tagname colloquy-comments
 * @summary The comment section: thread, replies and form, talking to a Colloquy endpoint.
 *
 * @attr theme - `light` (default), `dark`, or `auto` (follows the visitor's `prefers-color-scheme`).
 *
 * @slot notice - A line of the site's own under the privacy notice, e.g. "This site uses Akismet to reduce spam."
 *
 * @csspart heading - The thread heading ("3 Comments").
 * @csspart sort - The "Oldest first / Newest first" control.
 * @csspart list - Every list of comments: the thread, and each list of replies.
 * @csspart replies - A nested list of replies (also carries `list`).
 * @csspart comment - One comment (an `<article>`); a deleted comment's placeholder also carries `deleted`.
 * @csspart comment-avatar - The commenter's avatar (initials on a colour drawn from the endpoint's seed).
 * @csspart comment-author - The commenter's name; a link when they gave a website.
 * @csspart comment-date - The date, which is also the comment's permalink.
 * @csspart comment-body - The comment's text.
 * @csspart timestamp - A podcast timestamp in a comment (`12:34`, `1:02:03`): a button that plays the episode from there.
 * @csspart pending - "Your comment is awaiting moderation."
 * @csspart actions - The row of a comment's buttons.
 * @csspart reply-button - The Reply button of each comment.
 * @csspart copy-link - The "Copy link" button of each comment.
 * @csspart edit-button - "Edit" on the visitor's own comment, for 15 minutes after posting it.
 * @csspart delete-button - "Delete" on the visitor's own comment, for 15 minutes after posting it.
 * @csspart confirm-delete - "Delete this comment? This cannot be undone." with its Delete and Cancel buttons.
 * @csspart edit-form - The form that takes a comment's place while its author edits it.
 * @csspart load-more - The "Load more comments" button.
 * @csspart skeleton - The placeholder shown while the thread loads.
 * @csspart load-error - The message shown when the thread could not be loaded.
 * @csspart retry-button - The Retry button of that message.
 * @csspart form - The comment form.
 * @csspart form-heading - "Leave a Comment" or "Reply to …".
 * @csspart cancel-reply - The "Cancel reply" button.
 * @csspart privacy-notice - "Your email address will not be published. Required fields are marked *".
 * @csspart label - Each field's label.
 * @csspart required - The `*` marking a required field.
 * @csspart input - The name, email and website inputs.
 * @csspart textarea - The comment box.
 * @csspart add-time - "Add current time", shown when the page has a player.
 * @csspart error - A field's error message, and the form's.
 * @csspart identity - "Commenting as …" shown when the visitor's details are saved.
 * @csspart remember - The "Save my name, email, and website…" checkbox and its label.
 * @csspart submit - The "Post Comment" button.
 * @csspart status - The live region announcing results (visually hidden; style to show it).
 *
 * @cssprop --colloquy-accent - Links, buttons and focus rings. Default `#2463eb` (dark: `#7ea6f8`).
 * @cssprop --colloquy-accent-text - Text on accent-coloured buttons. Default `#ffffff` (dark: `#0d1117`).
 * @cssprop --colloquy-text - Text colour. Default `#1f2328` (dark: `#e6edf3`).
 * @cssprop --colloquy-muted - Secondary text: dates, notices. Default `#57606a` (dark: `#9da7b3`).
 * @cssprop --colloquy-bg - Background of the widget and its fields. Default `#ffffff` (dark: `#0d1117`).
 * @cssprop --colloquy-border - Borders of fields and threads. Default `#8c959f` (dark: `#6e7681`).
 * @cssprop --colloquy-danger - Error messages and invalid fields. Default `#b42318` (dark: `#ff938a`).
 * @cssprop --colloquy-radius - Corner radius of fields and buttons. Default `6px`.
 * @cssprop --colloquy-font - Font family. Default: the page's.
 * @cssprop --colloquy-gap - The base spacing unit. Default `1rem`.
 *
 * @fires colloquy-loaded - The thread loaded; `detail: {count}`.
 * @fires colloquy-submit - A valid comment is about to be posted; cancelable; `detail: {thread, parentId, author: {name, url}, body}` (never the email).
 * @fires colloquy-posted - The endpoint accepted a comment; `detail: {comment}`.
 * @fires colloquy-error - Loading, posting, editing or deleting failed; `detail: {code, message}`.
 * @fires colloquy-edited - The author changed their comment within its edit window; `detail: {comment}`.
 * @fires colloquy-deleted - The author deleted their comment within its edit window; `detail: {id}`.
 * @fires colloquy-seek - A timestamp was pressed; cancelable (a custom player handles it and calls `preventDefault()`); `detail: {seconds}`.
 */
export class ColloquyComments extends ColloquyElement {
  static override styles = [baseStyles, tokenStyles, styles];

  /**
   * @internal The locale's strings with the site's overrides. English until the locale has
   * arrived, so a failure that comes first is still worded; nothing is rendered with it meanwhile.
   */
  localized: Localized = en;
  /** @internal The locale in use, e.g. `de-CH`. */
  locale = '';
  #localeStrings?: Localized;
  #loadController: AbortController | null = null;
  /** `endpoint|thread` whose draft is in the form. */
  #draftOwner = '';
  /** @internal One per draft, so a retried post is never stored twice. */
  idempotencyKey = newIdempotencyKey();
  /** @internal The endpoint's signed note of when the form was shown, sent back with the post. */
  formToken?: string;
  /** @internal What a bot typed into the field people never see. */
  honeypot = '';
  /** @internal Edit and Delete for the visitor's own fresh comments, once the writer has loaded. */
  own?: OwnTools;
  #writer?: Promise<typeof import('./writer.js') | undefined>;
  /** Appends the next page; returns the comments it added. */
  async #loadMore(): Promise<Comment[]> {
    if (!this.nextCursor || this.loadState !== 'loaded') return [];
    this.loadState = 'more';
    try {
      const page = await listComments(this.endpoint, {
        thread: this.threadKey,
        limit: this.pageSize,
        sort: this.order,
        cursor: this.nextCursor,
      });
      const known = new Set(this.comments.map((c) => c.id));
      const added = page.comments.filter((c) => !known.has(c.id));
      this.comments = [...this.comments, ...added];
      this.count = page.count;
      this.nextCursor = page.nextCursor;
      return added;
    } catch (error) {
      const message = this.localized.loadFailed;
      void this.announce(message);
      emit(this, 'colloquy-error', { code: error instanceof ApiError ? error.code : 'network', message });
      return [];
    } finally {
      this.loadState = 'loaded';
    }
  }

  async #handleLoadMore() {
    const [first] = await this.#loadMore();
    await this.updateComplete;
    if (first) this.article(first.id)?.focus();
  }

  #handleSort(event: Event) {
    this.order = (event.target as HTMLSelectElement).value as SortOrder;
    saveSort(this.order);
    void this.load();
  }

  /** @internal */
  article(id: string) {
    return this.renderRoot.querySelector<HTMLElement>(`#comment-${CSS.escape(id)}`);
  }

  /** Scrolls to and highlights the comment the page's `#comment-<id>` names, loading pages until it is found. */
  async #revealPermalink() {
    const id = PERMALINK.exec(location.hash)?.[1];
    const found = () => this.comments.some((c) => c.id === id);
    if (!id || this.loadState === 'loading') return;
    while (!found() && (await this.#loadMore()).length);
    if (!found()) return;
    this.highlightId = id;
    await this.updateComplete;
    this.article(id)?.scrollIntoView({ block: 'center' });
  }

  async #handleCopyLink(comment: Comment) {
    const link = `${location.href.split('#')[0]}#comment-${comment.id}`;
    try {
      await navigator.clipboard.writeText(link);
      void this.announce(this.localized.linkCopied);
    } catch {
      // No clipboard (a plain-http page, or permission refused): put the link where it can be copied.
      history.replaceState(history.state, '', link);
      void this.announce(this.localized.copyFailed);
    }
  }

  #handleSeek(seconds: number) {
    if (!emit(this, 'colloquy-seek', { seconds }, true)) return;
    const player = findPlayer(this.player);
    if (player) seekPlayer(player, seconds);
  }

  /** Inserts the player's position at the cursor, as a timestamp the thread will link. */
  async #handleAddTime() {
    const player = findPlayer(this.player);
    const box = this.renderRoot.querySelector<HTMLTextAreaElement>('#body');
    if (!player || !box) return;
    const { selectionStart: from, selectionEnd: to, value } = box;
    const before = value.slice(0, from);
    const insert = `${before && !/\s$/.test(before) ? ' ' : ''}${formatTime(player.currentTime)} `;
    this.fields = { ...this.fields, body: before + insert + value.slice(to) };
    this.persistDraft();
    await this.updateComplete;
    box.focus();
    box.setSelectionRange(from + insert.length, from + insert.length);
  }

  /** A reply target restored from a draft, applied once the thread has loaded. */
  #pendingReplyId: string | null = null;
  #dates?: [locale: string, format: Intl.DateTimeFormat];
  /** False until the element is near the viewport (or `loading="eager"`): nothing is fetched before. */
  #active = false;
  #observer?: IntersectionObserver;
  #handleHashChange = () => void this.#revealPermalink();

  static override properties = {
    endpoint: {},
    thread: {},
    maxDepth: { type: Number, attribute: 'max-depth' },
    pageSize: { type: Number, attribute: 'page-size' },
    sort: {},
    player: {},
    loading: {},
    noRemember: { type: Boolean, attribute: 'no-remember' },
    strings: { type: Object },
    loadState: { state: true },
    comments: { state: true },
    count: { state: true },
    highlightId: { state: true },
    nextCursor: { state: true },
    order: { state: true },
    replyTo: { state: true },
    fields: { state: true },
    errors: { state: true },
    formError: { state: true },
    posting: { state: true },
    remember: { state: true },
    identityCollapsed: { state: true },
    announcement: { state: true },
  };

  private loadState: 'loading' | 'loaded' | 'more' | 'error' = 'loading';
  /** @internal */
  comments: Comment[] = [];
  /** @internal */
  count = 0;
  private nextCursor: string | null = null;
  /** @internal */
  order: SortOrder = 'oldest';
  /** The comment the page's `#comment-<id>` names. */
  private highlightId = '';
  /** @internal */
  replyTo: Comment | null = null;
  /** @internal */
  fields: Record<FormField, string> = { body: '', name: '', email: '', url: '' };
  /** @internal */
  errors: Partial<Record<FormField, string>> = {};
  /** @internal */
  formError = '';
  /** @internal */
  posting = false;
  /** @internal */
  remember = false;
  /** @internal */
  identityCollapsed = false;
  private announcement = '';

  /** Base URL of the Colloquy endpoint, e.g. `https://comments.example.com/api`. Required. */
  endpoint = '';

  /** The thread's key, e.g. the episode's GUID. Default: the path of `<link rel="canonical">`, else `location.pathname`. */
  thread = '';

  /** How deep replies nest; replies to the deepest level stay at that level. */
  maxDepth = 5;

  /** Top-level comments per page, each with its replies; "Load more comments" fetches the next. */
  pageSize = 50;

  /** Initial order, `oldest` or `newest`. A visitor's own choice, remembered for the site, wins. */
  sort: SortOrder = 'oldest';

  /** CSS selector of the page's player for timestamps. Default: the first `<audio>` or `<video>`. */
  player = '';

  /** `lazy` (default): load the thread when it comes within about a screen of view. `eager`: at once. */
  loading: 'lazy' | 'eager' = 'lazy';

  /** Hides "Save my name, email, and website…", so nothing is ever kept in the browser but drafts. */
  noRemember = false;

  /**
   * The site's own wording for any message, over the locale's: `{leaveComment: 'Join the conversation'}`.
   * As an attribute, the same object as JSON. Keys and plural forms as in `src/i18n/en.ts`.
   */
  strings: Partial<Strings> = {};

  /** `light` (default), `dark`, or `auto` to follow the visitor's system setting. Tokens still win over either. */
  get theme(): string {
    return this.getAttribute('theme') ?? 'light';
  }

  set theme(value: string) {
    this.setAttribute('theme', value);
  }

  // `lang` is HTML's own attribute (and property): watched, not redeclared, so it still reflects.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(attribute: string, old: string | null, value: string | null): void {
    if (attribute === 'lang') void this.#useLocale();
    else super.attributeChangedCallback(attribute, old, value);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasUpdated) {
      const saved = this.noRemember ? null : loadAuthor();
      if (saved) {
        this.fields = { ...this.fields, name: saved.name, email: saved.email, url: saved.url };
        this.remember = true;
        this.identityCollapsed = isEmail(saved.email) && saved.name.trim() !== '';
      }
      this.order = loadSort() ?? this.sort;
    } else if (this.#active && this.loadState === 'loading') {
      // Moved in the DOM mid-load: disconnecting aborted the request, so ask again.
      void this.load();
    }
    void this.#useLocale();
    addEventListener('hashchange', this.#handleHashChange);
    this.#watchViewport();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.#handleHashChange);
    this.#observer?.disconnect();
    this.#loadController?.abort();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (this.#localeStrings) this.localized = { ...this.#localeStrings, ...this.strings };
    if ((changed.has('endpoint') || changed.has('thread')) && this.endpoint) {
      this.#restoreDraft();
      if (this.#active) void this.load();
    }
  }

  /** Starts loading now, or once the element comes within about one screen of the viewport. */
  #watchViewport() {
    if (this.#active) return;
    const start = () => {
      this.#observer?.disconnect();
      this.#active = true;
      // Before the first update, willUpdate starts the load once the attributes are in.
      if (this.endpoint && this.hasUpdated) void this.load();
    };
    // A permalink must be found wherever the widget is on the page.
    if (this.loading === 'eager' || PERMALINK.test(location.hash) || !('IntersectionObserver' in window)) return start();
    this.#observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && start(), {
      rootMargin: '100% 0px',
    });
    this.#observer.observe(this);
  }

  /** The thread key in use: the attribute, else the canonical URL's path, else the page's path. */
  get threadKey(): string {
    if (this.thread) return this.thread;
    const canonical = document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href;
    if (canonical) {
      try {
        return new URL(canonical).pathname;
      } catch {
        /* fall through to the page's own path */
      }
    }
    return location.pathname;
  }

  /** Speaks the element's language: its `lang`, else the page's around it, else English. */
  async #useLocale() {
    const locale = localeOf(this);
    if (locale === this.locale) return;
    this.locale = locale;
    const strings = await stringsFor(locale);
    if (this.locale !== locale) return;
    this.#localeStrings = strings;
    this.requestUpdate();
  }

  #restoreDraft() {
    const key = `${this.endpoint}|${this.threadKey}`;
    if (key === this.#draftOwner) return;
    this.#draftOwner = key;
    const draft = loadDraft(this.endpoint, this.threadKey);
    this.fields = { ...this.fields, body: draft?.body ?? '' };
    this.idempotencyKey = draft?.idempotencyKey ?? newIdempotencyKey();
    this.#pendingReplyId = draft?.parentId ?? null;
    this.replyTo = null;
    this.comments = [];
  }

  /** @internal Keeps the draft in the browser, so it survives failures and reloads. */
  persistDraft() {
    const body = this.fields.body;
    saveDraft(
      this.endpoint,
      this.threadKey,
      body.trim() === '' && !this.replyTo
        ? null
        : { body, parentId: this.replyTo?.id ?? null, idempotencyKey: this.idempotencyKey },
    );
  }

  /** Loads (or reloads) the thread's first page from the endpoint. */
  async load(): Promise<void> {
    this.#loadController?.abort();
    const controller = (this.#loadController = new AbortController());
    this.loadState = 'loading';
    try {
      const page = await listComments(
        this.endpoint,
        { thread: this.threadKey, limit: this.pageSize, sort: this.order },
        controller.signal,
      );
      if (controller.signal.aborted) return;
      // The endpoint lists no pending comment: keep showing the visitor theirs, posted while this loaded.
      this.comments = [...page.comments, ...this.comments.filter((c) => c.status === 'pending')];
      this.count = page.count;
      this.nextCursor = page.nextCursor;
      this.formToken = page.formToken;
      this.loadState = 'loaded';
      this.#resumeReply();
      emit(this, 'colloquy-loaded', { count: page.count });
      if (read(grantsKey(this.endpoint))) void this.#write().then((writer) => writer?.watchGrants(this));
      void this.#revealPermalink();
    } catch (error) {
      if (controller.signal.aborted) return;
      this.loadState = 'error';
      const code = error instanceof ApiError ? error.code : 'network';
      emit(this, 'colloquy-error', { code, message: this.localized.loadFailed });
    }
  }

  /** A draft saved as a reply goes back under its comment once the thread is there. */
  #resumeReply() {
    const id = this.#pendingReplyId;
    this.#pendingReplyId = null;
    if (id) this.replyTo = this.comments.find((c) => c.id === id) ?? null;
  }

  get #tree(): Tree {
    return buildTree(this.comments);
  }

  #handleInput(field: FormField, event: Event) {
    const value = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.fields = { ...this.fields, [field]: value };
    if (this.errors[field]) void this.#write().then((writer) => writer?.recheck(this, field));
    if (field === 'body') this.persistDraft();
  }

  #handleRemember(event: Event) {
    this.remember = (event.target as HTMLInputElement).checked;
    if (!this.remember) saveAuthor(null);
  }

  async #handleChangeDetails() {
    this.identityCollapsed = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus();
  }

  async #handleReply(comment: Comment) {
    this.replyTo = comment;
    this.formError = '';
    this.persistDraft();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('#body')?.focus();
  }

  async #handleCancelReply() {
    const id = this.replyTo?.id;
    this.replyTo = null;
    this.formError = '';
    this.persistDraft();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>(`[data-reply-to="${id}"]`)?.focus();
  }

  /** @internal Says a message once in the live region. */
  async announce(message: string) {
    // Cleared first so the same message twice in a row is still announced.
    this.announcement = '';
    await this.updateComplete;
    this.announcement = message;
  }

  /** The writer module, downloaded once, when the visitor first writes; `undefined` while offline. */
  #write() {
    return (this.#writer ??= import('./writer.js').catch(() => (this.#writer = undefined)));
  }

  async #handleSubmit(event: Event) {
    event.preventDefault();
    if (this.posting) return;
    const writer = await this.#write();
    if (writer) return writer.submit(this);
    // The writer could not be downloaded: the draft is already kept.
    this.formError = this.localized.offline;
    void this.announce(this.formError);
  }

  #formatDate(iso: string): string {
    const locale = this.locale;
    if (this.#dates?.[0] !== locale) this.#dates = [locale, new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' })];
    const date = new Date(iso);
    return Number.isNaN(+date) ? '' : this.#dates[1].format(date);
  }

  #renderAuthor(comment: Comment) {
    const { name, url } = comment.author;
    return url && isHttpUrl(url)
      ? html`<a part="comment-author" class="author" id="author-${comment.id}" href=${url} rel="nofollow ugc noopener">${name}</a>`
      : html`<span part="comment-author" class="author" id="author-${comment.id}">${name}</span>`;
  }

  #renderActions(comment: Comment) {
    const s = this.localized;
    const { id } = comment;
    return html`<div part="actions">
      ${comment.status === 'approved'
        ? html`<button
            part="reply-button"
            type="button"
            data-reply-to=${id}
            id="reply-${id}"
            aria-labelledby="reply-${id} author-${id}"
            @click=${() => this.#handleReply(comment)}
          >
            ${s.reply}
          </button>`
        : nothing}
      <button part="copy-link" type="button" @click=${() => this.#handleCopyLink(comment)}>${s.copyLink}</button>
      ${this.own?.actions(this, comment)}
    </div>`;
  }

  #renderComment(comment: Comment, depth: number, tree: Tree): TemplateResult {
    const s = this.localized;
    const replies = tree.get(comment.id) ?? [];
    const { id, status } = comment;
    const item = html`<li>
      ${status === 'deleted'
        ? html`<article part="comment deleted" id="comment-${id}" tabindex="-1"><p class="notice">${s.deleted}</p></article>`
        : html`<article
            part="comment"
            id="comment-${id}"
            tabindex="-1"
            class=${this.highlightId === id ? 'highlight' : ''}
            aria-labelledby="author-${id} date-${id}"
          >
            <header>
              ${avatar(comment.author.name, comment.author.avatar)} ${this.#renderAuthor(comment)}
              <a part="comment-date" class="date" id="date-${id}" href="#comment-${id}"
                ><time datetime=${comment.createdAt}>${this.#formatDate(comment.createdAt)}</time></a
              >
            </header>
            ${status === 'pending' ? html`<p part="pending" class="notice">${s.awaitingModeration}</p>` : nothing}
            ${this.own?.editor(this, comment) ??
            html`<div part="comment-body" class="body" dir="auto">${formatBody(comment.body, (t) => this.#handleSeek(t))}</div>`}
            ${this.#renderActions(comment)}
          </article>`}
      ${this.replyTo?.id === id ? this.#renderForm() : nothing}
      ${replies.length && depth < this.maxDepth
        ? html`<ol part="list replies" class="replies">
            ${replies.map((reply) => this.#renderComment(reply, depth + 1, tree))}
          </ol>`
        : nothing}
    </li>`;
    if (!replies.length || depth < this.maxDepth) return item;
    // At the deepest level replies are not indented further: they follow as siblings.
    return html`${item}${replies.map((reply) => this.#renderComment(reply, depth, tree))}`;
  }

  #renderField(field: FormField, label: string, type = '', autocomplete = '') {
    const error = this.errors[field];
    const attrs = {
      id: field,
      required: field !== 'url',
      invalid: error ? 'true' : 'false',
      describedBy: error ? `${field}-error` : nothing,
      input: (e: Event) => this.#handleInput(field, e),
    };
    return html`<div class="field">
      <label part="label" for=${field}
        >${label}${field !== 'url' ? html` <span part="required" aria-hidden="true">*</span>` : nothing}</label
      >
      ${type
        ? html`<input
            part="input"
            id=${attrs.id}
            name=${field}
            type=${type}
            autocomplete=${autocomplete}
            ?required=${attrs.required}
            aria-invalid=${attrs.invalid}
            aria-describedby=${attrs.describedBy}
            .value=${this.fields[field]}
            @input=${attrs.input}
          />`
        : html`<textarea
            part="textarea"
            id=${attrs.id}
            name=${field}
            rows="6"
            dir="auto"
            ?required=${attrs.required}
            aria-invalid=${attrs.invalid}
            aria-describedby=${attrs.describedBy}
            .value=${this.fields[field]}
            @input=${attrs.input}
          ></textarea>`}
      ${error ? html`<p part="error" id="${field}-error">${error}</p>` : nothing}
    </div>`;
  }

  #renderIdentity() {
    const s = this.localized;
    if (this.identityCollapsed) {
      return html`<p part="identity" class="notice">
        ${s.commentingAs} <strong>${this.fields.name.trim()}</strong> (${maskEmail(this.fields.email.trim())})
        <button type="button" @click=${this.#handleChangeDetails}>${s.changeDetails}</button>
      </p>`;
    }
    return html`${this.#renderField('name', s.name, 'text', 'name')} ${this.#renderField('email', s.email, 'email', 'email')}
    ${this.#renderField('url', s.website, 'url', 'url')}`;
  }

  #renderForm() {
    const s = this.localized;
    const replyTo = this.replyTo;
    return html`<form
      part="form"
      novalidate
      aria-labelledby="form-heading"
      aria-busy=${this.posting ? 'true' : 'false'}
      @submit=${this.#handleSubmit}
      @focusin=${this.#write}
    >
      <div>
        <h3 part="form-heading" id="form-heading">${replyTo ? say(s.replyTo, '', replyTo.author.name) : s.leaveComment}</h3>
        ${replyTo
          ? html`<button part="cancel-reply" type="button" @click=${this.#handleCancelReply}>
              ${s.cancelReply}
            </button>`
          : nothing}
      </div>
      <p part="privacy-notice" class="notice">
        ${s.privacyNotice} ${s.requiredNotice} <span part="required" aria-hidden="true">*</span>
      </p>
      <slot name="notice"></slot>
      ${this.#renderField('body', s.comment)}
      ${findPlayer(this.player)
        ? html`<button part="add-time" type="button" @click=${this.#handleAddTime}>${s.addTime}</button>`
        : nothing}
      ${this.#renderIdentity()}
      <div class="visually-hidden" aria-hidden="true">
        <input name="homepage" tabindex="-1" autocomplete="off" @input=${(e: Event) => (this.honeypot = (e.target as HTMLInputElement).value)} />
      </div>
      ${this.noRemember
        ? nothing
        : html`<p part="remember">
            <input id="remember" type="checkbox" .checked=${this.remember} @change=${this.#handleRemember} />
            <label for="remember">${s.remember}</label>
          </p>`}
      ${this.formError ? html`<p part="error" class="form-error">${this.formError}</p>` : nothing}
      <button part="submit" type="submit" ?disabled=${this.posting}>${this.posting ? s.posting : s.post}</button>
    </form>`;
  }

  #renderThread() {
    const s = this.localized;
    if (this.loadState === 'error') {
      return html`<div part="load-error" role="alert">
        <p>${s.loadFailed}</p>
        <button part="retry-button" type="button" @click=${this.load}>${s.retry}</button>
      </div>`;
    }
    if (this.loadState === 'loading') return SKELETON;
    const tree = this.#tree;
    const top = tree.get(null) ?? [];
    return html`${top.length
      ? html`<ol part="list" class="thread">
          ${top.map((comment) => this.#renderComment(comment, 1, tree))}
        </ol>`
      : nothing}
    ${this.nextCursor
      ? html`<button part="load-more" type="button" ?disabled=${this.loadState === 'more'} @click=${this.#handleLoadMore}>
          ${s.loadMore}
        </button>`
      : nothing}`;
  }

  protected override render() {
    // Until the locale has arrived, only the placeholder: no flash of English.
    if (!this.#localeStrings) return SKELETON;
    const s = this.localized;
    const loading = this.loadState === 'loading';
    return html`<section
      aria-labelledby="heading"
      aria-busy=${loading || this.loadState === 'more' ? 'true' : 'false'}
      dir=${directionOf(this.locale)}
    >
      <div class="head">
        <h2 part="heading" id="heading" tabindex="-1">${loading ? s.loading : say(s.commentCount, this.locale, this.count)}</h2>
        ${this.count > 1
          ? html`<select part="sort" aria-label=${s.sort} .value=${this.order} @change=${this.#handleSort}>
              <option value="oldest">${s.oldest}</option>
              <option value="newest">${s.newest}</option>
            </select>`
          : nothing}
      </div>
      ${this.#renderThread()} ${this.replyTo ? nothing : this.#renderForm()}
      <div part="status" class="visually-hidden" role="status">${this.announcement}</div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'colloquy-comments': ColloquyComments;
  }
}
