/**
 * The thread's comments as DOM: one `<article>` per comment version, built once with
 * createElement/textContent (no template parts to track, no closures per button) and kept
 * while the comment is unchanged. Buttons carry `data-*` and the element listens once.
 *
 * Building is sliced: the permalink's conversation and the first screenful are built at
 * once, the rest in tasks of a few milliseconds, so loading 1,000 comments never blocks
 * the page for a frame's worth of time. Nesting is walked with a stack, never recursion.
 */
import type { Comment, MoreReplies } from '../../api/contract.js';
import { isHttpUrl } from '../../api/validate.js';
import type { Localized } from '../../i18n/i18n.js';
import { say } from '../../i18n/i18n.js';
import { hueOf, initials } from './avatar.js';
import { formatBody } from './format.js';
import type { Tree } from './thread.js';

/** The pieces of a built comment that others add to (the writer's tools). */
export interface CommentParts {
  article: HTMLElement;
  body: HTMLElement;
  actions: HTMLElement;
  /** Where the writer's editor goes, made when first needed. */
  editor?: HTMLElement;
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
}

interface Conversation {
  root: Comment;
  /** The conversation in reading order, with each comment's depth: unchanged → not rebuilt. */
  order: Comment[];
  more?: MoreReplies;
  /** Its `<li>`s in the thread: the root's, then any replies laid beside it at max-depth 1. */
  nodes: HTMLElement[];
  built: boolean;
  /** Where building stopped, when a long conversation takes more than one slice. */
  stack?: Array<[Comment, number, HTMLElement | null]>;
}

/** Time one slice may take, in ms: well under the 50 ms of a long task. */
const SLICE = 12;
/** A new task, without the 4 ms that nested timers are held back. */
const yieldTask = () =>
  new Promise<void>((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => resolve();
    port2.postMessage(0);
  });

const make = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string) => {
  const node = document.createElement(tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]);
  if (text !== undefined) node.textContent = text;
  return node;
};

export class ThreadView {
  /** `<ol part="list" class="thread">`, placed by the element's template. */
  readonly list = make('ol', { part: 'list', class: 'thread' });
  #options!: ThreadViewOptions;
  #tree: Tree = { roots: [], children: new Map(), skipped: 0 };
  #conversations = new Map<string, Conversation>();
  #built = new WeakMap<Comment, CommentParts>();
  #items = new Map<string, { li: HTMLElement; parts: CommentParts }>();
  #queue: Conversation[] = [];
  #working: Promise<void> | null = null;
  #strings?: Localized;
  #dates?: Intl.DateTimeFormat;
  #protos: HTMLElement[] = [];

  /** Resolves once every conversation is in the DOM. */
  get done(): Promise<void> {
    return this.#working ?? Promise.resolve();
  }

  /** True while conversations are still being built. */
  get busy(): boolean {
    return this.#working !== null;
  }

  article(id: string): HTMLElement | undefined {
    return this.#items.get(id)?.parts.article;
  }

  item(id: string): HTMLElement | undefined {
    return this.#items.get(id)?.li;
  }

  /** Brings the DOM to `tree`, reusing every conversation that has not changed. */
  update(tree: Tree, options: ThreadViewOptions): void {
    if (options.strings !== this.#strings || options.locale !== this.#options?.locale) {
      // New words: every comment is built again.
      this.#strings = options.strings;
      this.#dates = new Intl.DateTimeFormat(options.locale, { dateStyle: 'long', timeStyle: 'short' });
      this.#built = new WeakMap();
      this.#protos = [];
      this.#conversations.clear();
    } else if (options.maxDepth !== this.#options.maxDepth) this.#conversations.clear();
    this.#options = options;
    this.#tree = tree;
    const next = new Map<string, Conversation>();
    const wanted: HTMLElement[] = [];
    this.#queue = [];
    for (const root of tree.roots) {
      const order = this.#order(root);
      const more = options.moreReplies[root.id];
      const old = this.#conversations.get(root.id);
      const same =
        old?.built &&
        old.more?.count === more?.count &&
        old.order.length === order.length &&
        old.order.every((c, i) => c === order[i]);
      const conversation: Conversation = same ? old! : { root, order, more, nodes: [make('li')], built: false };
      if (!same) this.#queue.push(conversation);
      next.set(root.id, conversation);
      wanted.push(...conversation.nodes);
    }
    this.#conversations = next;
    let cursor = this.list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else this.list.insertBefore(node, cursor);
    }
    while (cursor) {
      const after = cursor.nextSibling;
      cursor.remove();
      cursor = after;
    }
    // The permalink's conversation first, then the thread from the top.
    const first = this.#queue.findIndex((c) => c.order.some((x) => x.id === options.target));
    if (first > 0) this.#queue.unshift(...this.#queue.splice(first, 1));
    this.#items = new Map([...this.#items].filter(([, item]) => item.li.isConnected));
    // The first screenful now, so it paints with the shell.
    this.#build(performance.now() + SLICE, Math.max(8, Math.ceil(innerHeight / 60)));
    this.#working ??= this.#queue.length ? this.#work() : null;
    for (const id of options.decorated) {
      const item = this.#items.get(id);
      const comment = item && this.#comment(id);
      if (comment) options.decorate?.(comment, item.parts);
    }
  }

  #comment(id: string): Comment | undefined {
    for (const c of this.#conversations.values()) for (const x of c.order) if (x.id === id) return x;
  }

  async #work(): Promise<void> {
    while (this.#queue.length) {
      await yieldTask();
      this.#build(performance.now() + SLICE);
    }
    this.#working = null;
  }

  /** Builds queued conversations until the deadline, or `count` comments. */
  #build(deadline: number, count = Infinity) {
    let made = 0;
    while (this.#queue.length && made < count && performance.now() < deadline) {
      const conversation = this.#queue[0];
      made += this.#fill(conversation, deadline);
      if (conversation.built) this.#queue.shift();
    }
  }

  /** A conversation in reading order (depth-first, with a stack). */
  #order(root: Comment): Comment[] {
    const out: Comment[] = [];
    const stack = [root];
    while (stack.length) {
      const comment = stack.pop()!;
      out.push(comment);
      const replies = this.#tree.children.get(comment.id);
      if (replies) for (let i = replies.length - 1; i >= 0; i--) stack.push(replies[i]);
    }
    return out;
  }

  /**
   * Lays a conversation into its `<li>`: nested up to max-depth, then side by side. A long one
   * stops at the deadline and goes on in the next slice. Returns how many comments it built.
   */
  #fill(conversation: Conversation, deadline: number): number {
    const { maxDepth, decorate, decorated } = this.#options;
    const [li] = conversation.nodes;
    if (!conversation.stack) li.replaceChildren();
    const extra: HTMLElement[] = [];
    const stack = (conversation.stack ??= [[conversation.root, 1, null]]);
    let made = 0;
    while (stack.length) {
      if (++made % 64 === 0 && performance.now() > deadline) {
        conversation.nodes.at(-1)!.after(...extra);
        conversation.nodes.push(...extra);
        return made;
      }
      const [comment, depth, list] = stack.pop()!;
      const item = list || comment !== conversation.root ? make('li') : li;
      if (!list && item !== li) extra.push(item);
      else list?.append(item);
      const parts = this.#article(comment);
      item.append(parts.article);
      this.#items.set(comment.id, { li: item, parts });
      if (decorate && decorated.includes(comment.id)) decorate(comment, parts);
      const replies = this.#tree.children.get(comment.id);
      if (!replies) continue;
      // At the deepest level replies are not indented further: they follow as siblings.
      let into = list;
      let at = depth;
      if (depth < maxDepth) {
        into = item.appendChild(make('ol', { part: 'list replies', class: 'replies' }));
        at = depth + 1;
      }
      for (let i = replies.length - 1; i >= 0; i--) stack.push([replies[i], at, into]);
    }
    if (conversation.more) {
      const { count } = conversation.more;
      li.append(make('button', { part: 'more-replies', type: 'button', 'data-more': conversation.root.id }, say(this.#strings!.moreReplies, this.#options.locale, count)));
    }
    conversation.nodes.at(-1)!.after(...extra);
    conversation.nodes.push(...extra);
    conversation.built = true;
    conversation.stack = undefined;
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
      header.append(
        make('span', { part: 'comment-avatar', class: 'avatar', 'aria-hidden': 'true' }),
        make(link ? 'a' : 'span', link ? { part: 'comment-author', class: 'author', rel: 'nofollow ugc noopener' } : { part: 'comment-author', class: 'author' }),
        make('a', { part: 'comment-date', class: 'date' }),
      );
      (header.lastChild as HTMLElement).append(make('time'));
      const actions = make('div', { part: 'actions' });
      actions.append(make('button', { part: 'reply-button', type: 'button' }, s.reply), make('button', { part: 'copy-link', type: 'button' }, s.copyLink));
      proto.append(header, make('div', { part: 'comment-body', class: 'body', dir: 'auto' }), actions);
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
      parts = { article, body: make('div'), actions: make('div') };
      this.#built.set(comment, parts);
      return parts;
    }
    const { name, url, avatar } = comment.author;
    const link = !!url && isHttpUrl(url);
    const article = this.#prototype(link);
    const header = article.firstChild as HTMLElement;
    const face = header.firstChild as HTMLElement;
    const author = face.nextSibling as HTMLAnchorElement;
    const date = author.nextSibling as HTMLAnchorElement;
    const time = date.firstChild as HTMLTimeElement;
    const body = header.nextSibling as HTMLElement;
    const actions = body.nextSibling as HTMLElement;
    const reply = actions.firstChild as HTMLElement;
    article.id = `comment-${id}`;
    article.setAttribute('aria-labelledby', `author-${id} date-${id}`);
    face.style.setProperty('--_hue', String(hueOf(avatar ?? '')));
    face.textContent = initials(name);
    author.id = `author-${id}`;
    author.textContent = name;
    if (link) author.href = url!;
    date.id = `date-${id}`;
    date.setAttribute('href', `#comment-${id}`);
    const when = new Date(comment.createdAt);
    time.dateTime = comment.createdAt;
    time.textContent = Number.isNaN(+when) ? '' : this.#dates!.format(when);
    if (status === 'pending') header.after(make('p', { part: 'pending', class: 'notice' }, s.awaitingModeration));
    formatBody(comment.body, body);
    if (status === 'approved') {
      reply.id = `reply-${id}`;
      reply.dataset.replyTo = id;
      reply.setAttribute('aria-labelledby', `reply-${id} author-${id}`);
    } else reply.remove();
    (actions.lastChild as HTMLElement).dataset.copy = id;
    parts = { article, body, actions };
    this.#built.set(comment, parts);
    return parts;
  }
}
