/**
 * The thread's comments as DOM: one `<article>` per comment version, built once with
 * createElement/textContent (no template parts to track, no closures per button) and kept
 * while the comment is unchanged. Buttons carry `data-*` and the element listens once.
 *
 * Building is sliced: the permalink's conversation and the first screenful are built at
 * once, the rest in tasks of {@link SLICE} ms, so loading 1,000 comments never makes a long
 * task. Nesting is walked with a stack, never recursion.
 *
 * An on-demand chunk, fetched with the thread's first page (alongside it, not after it):
 * nothing here is needed before there are comments to show.
 */
import type { Comment, MoreReplies } from '../../api/contract.js';
import { isHttpUrl } from '../../api/validate.js';
import { commentDates } from '../../i18n/dates.js';
import type { Localized } from '../../i18n/i18n.js';
import { say } from '../../i18n/i18n.js';
import { hueOf, initials } from './avatar.js';
import { formatBody, make } from './format.js';
import type { Tree } from './thread.js';

export { buildTree } from './thread.js';

/** The pieces of a built comment that others add to (the writer's tools). */
export interface CommentParts {
  article: HTMLElement;
  body: HTMLElement;
  actions: HTMLElement;
  /** Where the writer's editor goes, made when first needed. */
  editor?: HTMLElement;
  /** Its buttons are in (#finish). */
  finished?: boolean;
}

/** What the view needs to know from its element. */
export interface ThreadViewOptions {
  strings: Localized;
  locale: string;
  maxDepth: number;
  /** Replies held back per top-level comment. */
  moreReplies: Record<string, MoreReplies>;
  /** Built first: the permalink's comment. */
  target: string;
  /** Called for each comment whenever it is built, and on every update for `decorated` ones. */
  decorate?: (comment: Comment, parts: CommentParts) => void;
  /** Ids to decorate on every update. */
  decorated: readonly string[];
  /** No like buttons (the `no-likes` attribute). */
  noLikes: boolean;
  /** Whether this visitor liked a comment (kept in their browser, storage.ts). */
  liked: (id: string) => boolean;
}

interface Conversation {
  /** The conversation in reading order, the root first: unchanged → not rebuilt. */
  order: Comment[];
  more?: MoreReplies;
  /** Its `<li>`s in the thread: the root's, then any replies laid beside it at max-depth 1. */
  nodes: HTMLElement[];
  built: boolean;
  /** One of the thread's last, still to build: placed as it is built (see #spacer). */
  late?: boolean;
  /** Where building stopped, when a long conversation takes more than one slice. */
  stack?: Array<[Comment, number, HTMLElement | null]>;
}

/** Whether the browser says when it starts rendering an element (see the constructor). */
const LAZY = typeof ContentVisibilityAutoStateChangeEvent === 'function';

/**
 * Time one slice may take, in ms: under the 50 ms of a long task with room to spare, and long
 * enough that the frames drawn between slices (each a few ms) do not add up.
 */
const SLICE = 25;
/** A new task, without the 4 ms that nested timers are held back. */
const yieldTask = () =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(0);
  });

export class ThreadView {
  /** `<ol part="list" class="thread">`, placed by the element's template. */
  readonly list = make('ol', { part: 'list', class: 'thread' });
  #options!: ThreadViewOptions;
  #tree?: Tree;
  #children = new Map<string, Comment[]>();
  #conversations = new Map<string, Conversation>();
  #built = new WeakMap<Comment, CommentParts>();
  #items = new Map<string, [li: HTMLElement, parts: CommentParts, comment: Comment]>();
  #queue: Conversation[] = [];
  #working: Promise<void> | null = null;
  #strings?: Localized;
  #dates?: Intl.DateTimeFormat;
  #counts?: Intl.NumberFormat;
  #protos: HTMLElement[] = [];
  /** Comments still to be built with their buttons in this update: the first screenful. */
  #fullLeft = 0;
  /**
   * Keeps the room of the conversations at the end still to build: they are placed as they are
   * built, in order, so the browser never lays out, styles and watches hundreds of empty places,
   * and what is placed lands below the fold, where it costs nothing until scrolled to.
   */
  #spacer = make('li', { class: 'spacer', 'aria-hidden': 'true' });
  #late = 0;
  /** What a slice built of them, placed at once when it ends. */
  #placing = document.createDocumentFragment();

  constructor() {
    // A comment's buttons are added as the browser starts rendering it (it comes near the
    // viewport, or find-in-page or the focus goes there), so the thousandth comment of a thread
    // costs nothing for them until a visitor gets near it. Where the browser does not say so,
    // every comment gets them at once.
    if (!LAZY) return;
    this.list.addEventListener('contentvisibilityautostatechange', (event) => this.#seen(event), true);
    this.list.addEventListener('focusin', (event) => this.#finishAt(event.target as Element), true);
  }

  /** An `<li>` the browser starts rendering (it is never rebuilt: a changed conversation gets new ones). */
  #seen(event: Event) {
    if ((event as Event & { skipped: boolean }).skipped) return;
    const article = (event.target as Element).firstElementChild;
    if (article) this.#finishAt(article);
  }

  #finishAt(node: Element) {
    const id = node.closest('article')?.id.slice('comment-'.length);
    const item = id && this.#items.get(id);
    if (item) this.#finish(item[2], item[1]);
  }

  /** Resolves once every conversation is in the DOM. */
  get done(): Promise<void> {
    return this.#working ?? Promise.resolve();
  }

  /** True while conversations are still being built. */
  get busy(): boolean {
    return this.#working !== null;
  }

  /** A comment's `<article>`, with its buttons. */
  article(id: string): HTMLElement | undefined {
    const item = this.#items.get(id);
    if (item) this.#finish(item[2], item[1]);
    return item?.[1].article;
  }

  /** Brings the DOM to `tree`, reusing every conversation that has not changed. */
  update(tree: Tree, options: ThreadViewOptions): void {
    // The element renders again for reasons of its own (the form's chunk came, a message):
    // the same tree with the same options has nothing to change but the visitor's tools.
    const last = this.#options;
    if (
      last &&
      tree === this.#tree &&
      options.strings === last.strings &&
      options.locale === last.locale &&
      options.noLikes === last.noLikes &&
      options.maxDepth === last.maxDepth &&
      options.moreReplies === last.moreReplies &&
      options.target === last.target &&
      options.decorated.join() === last.decorated.join()
    ) {
      this.#options = options;
      return this.#decorate();
    }
    this.#tree = tree;
    if (options.strings !== this.#strings || options.locale !== this.#options?.locale || options.noLikes !== this.#options.noLikes) {
      // New words: every comment is built again.
      this.#strings = options.strings;
      this.#dates = commentDates(options.locale);
      // One formatter for every like count: `toLocaleString` makes one per call.
      this.#counts = new Intl.NumberFormat(options.locale);
      this.#built = new WeakMap();
      this.#protos = [];
      this.#conversations.clear();
    } else if (options.maxDepth !== this.#options.maxDepth) this.#conversations.clear();
    this.#options = options;
    this.#children = tree.children;
    const next = new Map<string, Conversation>();
    const ordered: Conversation[] = [];
    this.#queue = [];
    for (const order of tree.conversations) {
      const { id } = order[0];
      const more = options.moreReplies[id];
      const old = this.#conversations.get(id);
      const same =
        old?.built &&
        old.more?.count === more?.count &&
        old.order.length === order.length &&
        old.order.every((c, i) => c === order[i]);
      const conversation: Conversation = same ? old! : { order, more, nodes: [make('li')], built: false };
      if (!same) this.#queue.push(conversation);
      next.set(id, conversation);
      ordered.push(conversation);
    }
    this.#conversations = next;
    // The conversations after the last one already built (or the permalink's) wait to be placed.
    const target = ordered.findIndex((c) => c.order.some((x) => x.id === options.target));
    let tail = ordered.length;
    while (tail > target + 1 && !ordered[tail - 1].built) ordered[--tail].late = true;
    const wanted = ordered.slice(0, tail).flatMap((c) => c.nodes);
    this.#late = ordered.length - tail;
    // Sized by #build, below, at the end of each slice.
    if (this.#late) wanted.push(this.#spacer);
    let cursor = this.list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else this.list.insertBefore(node, cursor);
    }
    // What is left after the last wanted node is gone.
    while (cursor?.nextSibling) cursor.nextSibling.remove();
    cursor?.remove();
    // The permalink's conversation first, then the thread from the top.
    const first = target < 0 ? -1 : this.#queue.indexOf(ordered[target]);
    if (first > 0) this.#queue.unshift(...this.#queue.splice(first, 1));
    this.#items = new Map([...this.#items].filter(([, [li]]) => li.isConnected));
    this.#fullLeft = Math.max(8, Math.ceil(innerHeight / 60));
    // The first screenful now, so it paints with the shell; a small page, all of it.
    this.#build(0, tree.conversations.length > 50 ? this.#fullLeft : 50);
    this.#working ??= this.#queue.length ? this.#work() : null;
    this.#decorate();
  }

  /** The visitor's tools on their comments, drawn again on every update. */
  #decorate() {
    const { decorated, decorate } = this.#options;
    for (const id of decorated) {
      const item = this.#items.get(id);
      if (item) decorate?.(item[2], item[1]);
    }
  }

  async #work(): Promise<void> {
    while (this.#queue.length) {
      await yieldTask();
      this.#build(performance.now() + SLICE);
    }
    this.#working = null;
  }

  /** Builds queued conversations until the deadline, and at least `count` comments. */
  #build(deadline: number, count = 0) {
    let made = 0;
    while (this.#queue.length && (made < count || performance.now() < deadline)) {
      const conversation = this.#queue[0];
      made += this.#fill(conversation, deadline);
      if (conversation.built) this.#queue.shift();
    }
    this.list.insertBefore(this.#placing, this.#spacer.parentNode ? this.#spacer : null);
    // The room of what is still to come, once a slice.
    if (this.#late) this.#spacer.style.blockSize = `${this.#late * 8}em`;
    else this.#spacer.remove();
  }

  /**
   * Lays a conversation into its `<li>`: nested up to max-depth, then side by side. A long one
   * stops at the deadline and goes on in the next slice. Returns how many comments it built.
   */
  #fill(conversation: Conversation, deadline: number): number {
    const { maxDepth, decorate, decorated, locale } = this.#options;
    const { nodes, more, order } = conversation;
    const [li] = nodes;
    const [root] = order;
    if (!conversation.stack && li.firstChild) li.replaceChildren();
    const extra: HTMLElement[] = [];
    const stack = (conversation.stack ??= [[root, 1, null]]);
    let made = 0;
    while (stack.length && (++made % 64 || performance.now() < deadline)) {
      const [comment, depth, list] = stack.pop()!;
      const item = list || comment !== root ? make('li') : li;
      if (!list && item !== li) extra.push(item);
      else list?.append(item);
      const parts = this.#article(comment);
      item.append(parts.article);
      this.#items.set(comment.id, [item, parts, comment]);
      const mine = decorate && decorated.includes(comment.id);
      if (this.#fullLeft-- > 0 || mine || comment.id === this.#options.target) this.#finish(comment, parts);
      if (mine) decorate(comment, parts);
      const replies = this.#children.get(comment.id);
      if (!replies) continue;
      // At the deepest level replies are not indented further: they follow as siblings.
      const deeper = depth < maxDepth;
      const into = deeper ? item.appendChild(make('ol', { part: 'list replies', class: 'replies' })) : list;
      for (let i = replies.length; i--; ) stack.push([replies[i], depth + +deeper, into]);
    }
    if (conversation.late) {
      conversation.late = false;
      this.#late--;
      this.#placing.append(li);
    }
    if (extra.length) {
      nodes.at(-1)!.after(...extra);
      nodes.push(...extra);
    }
    if ((conversation.built = !stack.length)) {
      conversation.stack = undefined;
      if (more) li.append(make('button', { part: 'more-replies', type: 'button', 'data-more': root.id }, say(this.#strings!.moreReplies, locale, more.count)));
    }
    return made;
  }

  /**
   * The parts every comment has, made once per locale and cloned for each comment: one
   * native copy instead of a dozen createElement and setAttribute calls. Static markup only;
   * visitor text is set on the clone as text and attribute values.
   */
  #prototype(link: boolean): HTMLElement {
    const key = link ? 1 : 0;
    let proto = this.#protos[key];
    if (!proto) {
      const s = this.#strings!;
      proto = make('article', { part: 'comment', tabindex: '-1' });
      const header = make('header');
      const author = make(link ? 'a' : 'span', { part: 'comment-author', class: 'author' });
      if (link) author.setAttribute('rel', 'nofollow ugc noopener');
      header.append(make('span', { part: 'comment-avatar', class: 'avatar', 'aria-hidden': 'true' }), author, make('a', { part: 'comment-date', class: 'date' }));
      (header.lastChild as HTMLElement).append(make('time'));
      const actions = make('div', { part: 'actions' });
      proto.append(header, make('div', { part: 'comment-body', class: 'body', dir: 'auto' }), actions);
      this.#protos[2] = make('div');
      this.#protos[2].append(make('button', { part: 'reply-button', type: 'button' }, s.reply), make('button', { part: 'copy-link', type: 'button' }, s.copyLink));
      this.#protos[key] = proto;
    }
    return proto.cloneNode(true) as HTMLElement;
  }

  /** One comment's `<article>`, built once per comment version and locale. */
  #article(comment: Comment): CommentParts {
    let parts = this.#built.get(comment);
    if (parts) return parts;
    const s = this.#strings!;
    const { id, status } = comment;
    if (status === 'deleted') {
      const article = make('article', { part: 'comment deleted', id: `comment-${id}`, tabindex: '-1' });
      article.append(make('p', { class: 'notice' }, s.deleted));
      parts = { article, body: make('div'), actions: make('div'), finished: true };
    } else {
      const { name, url, avatar } = comment.author;
      const link = !!url && isHttpUrl(url);
      const article = this.#prototype(link);
      // Walked by sibling: destructuring a live HTMLCollection goes through its iterator, slowly.
      const header = article.firstElementChild as HTMLElement;
      const body = header.nextElementSibling as HTMLElement;
      const actions = body.nextElementSibling as HTMLElement;
      const face = header.firstElementChild as HTMLElement;
      const author = face.nextElementSibling as HTMLAnchorElement;
      const date = author.nextElementSibling as HTMLAnchorElement;
      const time = date.firstChild as HTMLTimeElement;
      article.id = `comment-${id}`;
      article.setAttribute('aria-labelledby', `author-${id} date-${id}`);
      face.style.setProperty('--_hue', '' + hueOf(avatar ?? ''));
      face.textContent = initials(name);
      author.id = `author-${id}`;
      author.textContent = name;
      if (link) author.href = url!;
      date.id = `date-${id}`;
      date.href = `#comment-${id}`;
      const when = new Date(comment.createdAt);
      time.dateTime = comment.createdAt;
      time.textContent = isNaN(+when) ? '' : this.#dates!.format(when);
      if (comment.role === 'host') author.after(make('span', { part: 'badge', class: 'badge' }, s.host));
      if (comment.pinned === true) header.append(make('span', { part: 'pinned', class: 'pinned' }, s.pinned));
      if (status === 'pending') header.after(make('p', { part: 'pending', class: 'notice' }, s.awaitingModeration));
      formatBody(comment.body, body);
      parts = { article, body, actions };
      if (!LAZY) this.#finish(comment, parts);
    }
    this.#built.set(comment, parts);
    return parts;
  }

  /** A comment's buttons: Like, Reply and Copy link. */
  #finish(comment: Comment, parts: CommentParts) {
    if (parts.finished) return;
    parts.finished = true;
    const s = this.#strings!;
    const { id, status, likes } = comment;
    const reply = this.#protos[2].cloneNode(true).firstChild as HTMLElement;
    const copy = reply.nextSibling as HTMLElement;
    if (status === 'approved' && Number.isSafeInteger(likes) && likes! >= 0 && !this.#options.noLikes) {
      const pressed = this.#options.liked(id);
      const like = make('button', { part: 'like-button', type: 'button', 'data-like': id, 'aria-pressed': '' + pressed }, s.like + ' ');
      like.append(make('span', { class: 'count' }, this.#counts!.format(likes!)));
      parts.actions.append(like);
    }
    if (status === 'approved') {
      reply.id = `reply-${id}`;
      reply.dataset.replyTo = id;
      reply.setAttribute('aria-labelledby', `reply-${id} author-${id}`);
      parts.actions.append(reply);
    }
    copy.dataset.copy = id;
    parts.actions.append(copy);
  }
}
