import { html, nothing, type TemplateResult } from 'lit/html.js';
import { SORT_ORDERS, type Comment, type SortOrder } from '../../api/contract.js';
import { parseSort } from '../../api/validate.js';
import type { Strings } from '../../i18n/en.js';
import { directionOf, say, type Localized } from '../../i18n/i18n.js';
import { baseStyles } from '../shared/base-styles.js';
import { ColloquyElement, type PropertyValues } from '../shared/colloquy-element.js';
import { tokenStyles } from '../shared/token-styles.js';
import { styles } from './colloquy-comments.styles.js';
import { FormSlot } from './form-slot.js';
import { InteractionsSlot } from './interactions-slot.js';
import { LocaleController, warmLocale } from './locale-controller.js';
import { PermalinkController, permalinkTarget } from './permalinks.js';
import { SKELETON, loadError, loadMore, pageThreadKey, sortControl } from './shell.js';
import { grantsKey, likesKey, loadSort, read, type Likes } from './storage.js';
import type { Tree } from './thread.js';
import { ThreadController } from './thread-controller.js';
import type { CommentParts } from './thread-view.js';
import { ViewSlot } from './view-slot.js';
import { ViewportController } from './viewport.js';
import type { HostParts, OwnTools, WriterHost } from './writer-host.js';
import { chunk as onDemand } from '../shared/chunk.js';

type Live = typeof import('./live.js');

// The locale's formatters (warmLocale) and the first storage read (the site's storage, 1 to 3
// ms) are done once the page is idle, so a thread loaded later waits for neither.
(window.requestIdleCallback ?? setTimeout)(() => (warmLocale(), loadSort()));

/** What this module's on-demand chunks are resolved against, for their retries (shared/chunk.ts). */
const here = import.meta.url;

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
 * @csspart sort - The "Oldest first / Newest first / Top" control ("Top" only with likes).
 * @csspart new-comments - With `live`: "2 new comments", a button that shows the comments that arrived while reading.
 * @csspart list - Every list of comments: the thread, and each list of replies.
 * @csspart replies - A nested list of replies (also carries `list`).
 * @csspart comment - One comment (an `<article>`); a deleted comment's placeholder also carries `deleted`.
 * @csspart comment-avatar - The commenter's avatar (initials on a colour drawn from the endpoint's seed).
 * @csspart comment-author - The commenter's name; a link when they gave a website.
 * @csspart comment-date - The date, which is also the comment's permalink.
 * @csspart badge - The "Host" badge on a comment the site's host wrote.
 * @csspart pinned - The "Pinned" marker on a comment a moderator pinned (listed first in every order).
 * @csspart comment-body - The comment's text.
 * @csspart timestamp - A podcast timestamp in a comment (`12:34`, `1:02:03`): a button that plays the episode from there.
 * @csspart pending - "Your comment is awaiting moderation."
 * @csspart actions - The row of a comment's buttons.
 * @csspart reply-button - The Reply button of each comment.
 * @csspart copy-link - The "Copy link" button of each comment.
 * @csspart like-button - "Like" and the count on each approved comment (`aria-pressed` when this visitor likes it); not with `no-likes`.
 * @csspart edit-button - "Edit" on the visitor's own comment, for 15 minutes after posting it.
 * @csspart delete-button - "Delete" on the visitor's own comment, for 15 minutes after posting it.
 * @csspart confirm-delete - "Delete this comment? This cannot be undone." with its Delete and Cancel buttons.
 * @csspart edit-form - The form that takes a comment's place while its author edits it.
 * @csspart more-replies - "Show 3 more replies" under a conversation whose later replies the endpoint held back.
 * @csspart load-more - The "Load more comments" button.
 * @csspart skeleton - The placeholder shown while the thread loads.
 * @csspart load-error - The message shown when the thread, or the form's code (in the form's place), could not be loaded.
 * @csspart retry-button - The Retry button of that message.
 * @csspart form - The comment form.
 * @csspart closed - "Comments are closed.", in the form's place when the thread is closed.
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
 * @csspart notify - The "Notify me of replies to my comment by email." checkbox (unticked by default) and its label.
 * @csspart form-notice - A note under the form that is not an error ("a link is on its way").
 * @csspart submit - The "Post Comment" button.
 * @csspart manage - The "Manage my comments by email" button: emails the address typed a link to its comments.
 * @csspart status - The live region announcing results (visually hidden; style to show it).
 *
 * @cssprop --colloquy-accent - Links, buttons and focus rings. Default `#2463eb` (dark: `#7ea6f8`).
 * @cssprop --colloquy-accent-text - Text on accent-coloured buttons. Default `#ffffff` (dark: `#0d1117`).
 * @cssprop --colloquy-text - Text colour. Default `#1f2328` (dark: `#e6edf3`).
 * @cssprop --colloquy-muted - Secondary text: dates, notices. Default `#57606a` (dark: `#9da7b3`).
 * @cssprop --colloquy-bg - Background of the widget's fields, and of the widget when set. Default: the widget is transparent, fields `#ffffff` (dark: `#0d1117`).
 * @cssprop --colloquy-border - Borders of fields and threads. Default `#8c959f` (dark: `#6e7681`).
 * @cssprop --colloquy-danger - Error messages and invalid fields. Default `#b42318` (dark: `#ff938a`).
 * @cssprop --colloquy-radius - Corner radius of fields and buttons. Default `6px`.
 * @cssprop --colloquy-font - Font family. Default: the page's.
 * @cssprop --colloquy-gap - The base spacing unit. Default `1rem`.
 * @cssprop --colloquy-badge-bg - Background of the "Host" badge and the "Pinned" marker. Default: the accent colour.
 * @cssprop --colloquy-badge-text - Text of the "Host" badge and the "Pinned" marker. Default: the accent text colour.
 *
 * @fires colloquy-loaded - The thread loaded; `detail: {count}`.
 * @fires colloquy-submit - A valid comment is about to be posted; cancelable; `detail: {thread, parentId, author: {name, url}, body}` (never the email).
 * @fires colloquy-posted - The endpoint accepted a comment; `detail: {comment}`.
 * @fires colloquy-error - Loading, posting, editing or deleting failed; `detail: {code, message}` (`code` is `render` when a render failed).
 * @fires colloquy-edited - The author changed their comment within its edit window; `detail: {comment}`.
 * @fires colloquy-deleted - The author deleted their comment within its edit window; `detail: {id}`.
 * @fires colloquy-seek - A timestamp was pressed; cancelable (a custom player handles it and calls `preventDefault()`); `detail: {seconds}`.
 */
export class ColloquyComments extends ColloquyElement {
  static override styles = [baseStyles, tokenStyles, styles];

  #locale = new LocaleController(this);
  #thread = new ThreadController(this);
  /** The form's place: its chunk, its state, and when it is drawn. */
  #form = new FormSlot(this, this.#thread, (event) => this.#handleForm(event));
  /** `endpoint|thread` the thread and the form are about. */
  #owner = '';
  #permalinks: PermalinkController = new PermalinkController(this, this.#thread, (id) => this.#ui.act((ui, host) => ui.findPermalink(host, id)));
  #viewport = new ViewportController(
    this,
    () => this.loading === 'eager' || permalinkTarget() !== '',
    // Before the first update, willUpdate starts the load once the attributes are in.
    () => void (this.endpoint && this.hasUpdated && this.load()),
  );
  /**
   * The thread's view (view-slot.ts), asked for with the first page: until both are here the
   * skeleton stays; a failed download is reported like a failed load, and Retry tries again.
   */
  #views = new ViewSlot(this, (list) => {
    list.addEventListener('click', (event) => this.#handleThreadClick(event));
    // A visitor about to press a comment's button: fetch what it does.
    for (const type of ['pointerover', 'focusin']) list.addEventListener(type, () => void this.#ui.load(), { once: true });
  });
  /** The writer's tools for the visitor's own comments, and the host they work through. */
  #own?: { tools: OwnTools; host: WriterHost };
  /**
   * What the element hands the interactions, which make from it the host they and the writer
   * work through (interactions.ts, hostOf): only those who interact download that.
   */
  #parts: HostParts = {
    element: this,
    words: this.#locale,
    thread: this.#thread,
    // Everything that uses the form comes from it, or waits for its chunk (InteractionsSlot.act).
    form: () => this.#form.state!,
    useTools: (tools, host) => {
      this.#own = { tools, host };
      this.requestUpdate();
    },
  };
  /** The reader's interactions (interactions-slot.ts): a press waits for them and the form's chunk. */
  #ui = new InteractionsSlot(
    this.#parts,
    () => this.#form.load(),
    () => this.#thread.failed(null),
  );

  static override properties = {
    endpoint: {},
    thread: {},
    maxDepth: { type: Number, attribute: 'max-depth' },
    pageSize: { type: Number, attribute: 'page-size' },
    sort: {},
    player: {},
    loading: {},
    noRemember: { type: Boolean, attribute: 'no-remember' },
    noLikes: { type: Boolean, attribute: 'no-likes' },
    live: { type: Boolean },
    strings: { type: Object },
    announcement: { state: true },
  };

  private announcement = '';

  /** Base URL of the Colloquy endpoint, e.g. `https://comments.example.com/api`. Required. */
  endpoint = '';

  /** The thread's key, e.g. the episode's GUID. Default: the path of `<link rel="canonical">`, else `location.pathname`. */
  thread = '';

  /** How deep replies nest; replies to the deepest level stay at that level. */
  maxDepth = 5;

  /** Top-level comments per page, each with its replies; "Load more comments" fetches the next. */
  pageSize = 50;

  /** Initial order, `oldest`, `newest` or `top` (most liked first). A visitor's own choice, remembered for the site, wins. */
  sort: SortOrder = 'oldest';

  /** CSS selector of the page's player for timestamps. Default: the first `<audio>` or `<video>`. */
  player = '';

  /** `lazy` (default): load the thread when it comes within about a screen of view. `eager`: at once. */
  loading: 'lazy' | 'eager' = 'lazy';

  /** Hides "Save my name, email, and website…", so nothing is ever kept in the browser but drafts. */
  noRemember = false;

  /** No like buttons and no "Top" order. */
  noLikes = false;

  /** Live updates: new comments are announced with a "2 new comments" button, edits and deletions shown in place. */
  live = false;

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
    if (attribute === 'lang') void this.#locale.follow();
    else super.attributeChangedCallback(attribute, old, value);
  }

  override connectedCallback(): void {
    if (!this.hasUpdated) {
      // One rule for every order named: the visitor's remembered one, else the attribute; "Top" only with likes.
      const order = parseSort(loadSort() ?? this.sort, SORT_ORDERS, 'oldest') ?? 'oldest';
      this.#thread.order = this.noLikes && order === 'top' ? 'oldest' : order;
    } else if (this.#viewport.active && this.#thread.state === 'loading') {
      // Moved in the DOM mid-load: disconnecting aborted the request, so ask again.
      void this.load();
    }
    super.connectedCallback();
  }

  protected override willUpdate(changed: PropertyValues): void {
    const owner = `${this.endpoint}|${this.threadKey}`;
    if ((changed.has('endpoint') || changed.has('thread')) && this.endpoint) {
      if (owner !== this.#owner) this.#thread.reset();
      this.#owner = owner;
      this.#form.state?.restoreDraft();
      if (this.#viewport.active) void this.load();
    }
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    while (this.#ui.pending) await this.#ui.pending;
    // The form's chunk on its way: wait for it, and for the update that puts the form in.
    if (await this.#form.settled()) return this.updateComplete;
    await this.#views.settled();
    return true;
  }

  protected override updated(): void {
    this.#form.watch();
    const replyTo = this.#form.state?.replyTo;
    const { view } = this.#views;
    const article = replyTo && view?.article(replyTo.id);
    // Moved only when it is not already there: moving it would take the focus from its fields.
    if (article && article.nextSibling !== this.#form.container) article.after(this.#form.container);
    else if (replyTo && view?.busy) void view.done.then(() => this.requestUpdate());
  }

  /** The thread key in use: the attribute, else the canonical URL's path, else the page's path. */
  get threadKey(): string {
    return this.thread || pageThreadKey();
  }

  /** Loads (or reloads) the thread's first page from the endpoint. */
  async load(): Promise<void> {
    // The page's request first, the view's chunk alongside it, the form's once the page is in.
    const loaded = this.#thread.load(() => this.#views.load());
    this.#form.loadAfter(loaded);
    const { locale } = this.#locale;
    // While the page is on its way (unless made when the page was idle, above).
    setTimeout(() => warmLocale(locale));
    if (!(await loaded)) return;
    this.#form.state?.resumeReply(this.#thread.comments);
    // The visitor's own fresh comments: their tools come with the writer, fetched only then.
    if (read(grantsKey(this.endpoint))) void this.#ui.act((ui, host) => ui.watchGrants(host), () => {});
    void this.#permalinks.reveal();
    // Live updates once the first page is shown, in their own chunk (live.ts): only pages that ask download it.
    if (this.live) void onDemand(here, './live.js', (): Promise<Live> => import('./live.js')).then((module) => module.goLive(this.#parts, this.#liveHost), () => {});
  }

  /** Where live updates put their "2 new comments" button. */
  #liveHost = Object.assign(document.createElement('div'), { className: 'form-host' });

  #retry = () => void this.load();

  #handleSort = (event: Event) => {
    const order = (event.target as HTMLSelectElement).value as SortOrder;
    void this.#ui.act((ui, host) => ui.sort(host, order));
  };

  /** One listener for every button of every comment. */
  #handleThreadClick(event: Event) {
    const button = (event.target as Element).closest<HTMLElement>('button');
    // Reply needs the form: without it (its chunk failed again) the form's place says so.
    if (button) void this.#ui.act((ui, host) => (this.#form.state || !('replyTo' in button.dataset)) && ui.press(host, button));
  }

  /**
   * Every event of the form (form-view.ts): handled by form-actions.ts, which comes with the
   * interactions. A press that finds them undownloadable says the visitor seems offline, and
   * the next event tries again; what was typed meanwhile waits in the fields.
   */
  #handleForm = (event: Event) => {
    // Read now: once dispatched, an event from a shadow root no longer names its target.
    const { type, target } = event;
    if (type === 'submit') event.preventDefault();
    void this.#ui.act(
      (ui, host) => ui.handleForm(host, type, target as HTMLElement),
      () => {
        if (type !== 'submit' && type !== 'click') return;
        const { offline } = this.#locale.strings;
        this.#form.state?.set({ formError: offline });
        this.announce(offline);
      },
    );
  };

  /** The visitor's own tools (Edit, Delete, the editor), drawn into their comment by the writer. */
  #decorate = (comment: Comment, parts: CommentParts) => this.#own?.tools.decorate(this.#own.host, comment, parts);

  #renderThread(s: Localized, tree: Tree | null): TemplateResult | typeof SKELETON {
    const thread = this.#thread;
    if (thread.state === 'error') {
      return loadError(this.loadFailed(thread.failure), s, this.#retry);
    }
    if (!tree) return SKELETON;
    return html`${tree.roots.length ? this.#views.view!.list : nothing}
    ${thread.nextCursor ? loadMore(s, thread.state === 'more', () => void this.#ui.act((ui, host) => ui.showMore(host))) : nothing}`;
  }

  /** For the thread controller: a failure in the visitor's words. */
  loadFailed(code: string): string {
    const s = this.#locale.strings;
    return code === 'forbidden_origin' ? s.notAllowed : s.loadFailed;
  }

  /** For the controllers: says a message once in the live region. */
  announce(message: string): void {
    // Cleared first so the same message twice in a row is still announced.
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = message));
  }

  /** For the controllers: a comment's `<article>`. */
  article(id: string): HTMLElement | null {
    return this.#views.view?.article(id) ?? null;
  }

  protected override render() {
    // Until the locale has arrived, only the placeholder: no flash of English.
    if (!this.#locale.ready) return SKELETON;
    const s = this.#locale.strings;
    const { locale } = this.#locale;
    const thread = this.#thread;
    const loading = thread.state === 'loading';
    const { view } = this.#views;
    const tree = loading || thread.state === 'error' || !view ? null : this.#views.tree(thread.comments);
    if (view && tree) {
      // Read from storage when a like button is first made, not on every render.
      let liked: Set<string> | undefined;
      // A closed thread takes no replies: its Reply buttons are hidden (styles).
      view.list.classList.toggle('closed', thread.closed);
      const mine = this.#own?.tools.ids(this.#own.host) ?? [];
      const target = permalinkTarget() || this.#form.state?.replyTo?.id || '';
      const { maxDepth, noLikes } = this;
      const options = { noLikes, liked: (id: string) => (liked ??= new Set(read<Likes>(likesKey(this.endpoint))?.liked)).has(id), strings: s, locale, maxDepth, moreReplies: thread.moreReplies, target, decorate: this.#decorate };
      this.#views.draw(tree, options, mine);
    }
    const replyTo = this.#form.state?.replyTo;
    const inThread = !!(replyTo && view?.article(replyTo.id));
    this.#form.render(s);
    return html`<section aria-labelledby="heading" aria-busy=${loading || thread.state === 'more' ? 'true' : 'false'} dir=${directionOf(locale)}>
      <div class="head">
        <h2 part="heading" id="heading" tabindex="-1">${loading ? s.loading : thread.state === 'error' ? s.comments : say(s.commentCount, locale, thread.count)}</h2>
        ${sortControl(s, thread.order, !(thread.count > 1 && tree), this.noLikes, this.#handleSort)}
      </div>
      ${tree ? this.#liveHost : nothing} ${this.#renderThread(s, tree)} ${inThread ? nothing : this.#form.container}
      <div part="status" class="visually-hidden" role="status">${this.announcement}</div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'colloquy-comments': ColloquyComments;
  }
}
