/**
 * The thread's comments as DOM: one `<article>` per comment version (comment-view.ts), kept
 * while the comment is unchanged, laid into the nesting of its conversation. Buttons carry
 * `data-*` and the element listens once.
 *
 * Building is sliced: the permalink's conversation and the first screenful are built at
 * once, the rest in tasks of {@link SLICE} ms, so loading 1,000 comments never makes a long
 * task. Nesting is walked with a stack, never recursion. A comment is finished (its avatar
 * drawn, its body formatted, its buttons added) as the browser starts drawing it, as the
 * focus reaches it, or as another module asks for it: until then its body is its text as
 * typed, so every word is in the page for find-in-page and for screen readers.
 *
 * An on-demand chunk, fetched with the thread's first page (alongside it, not after it):
 * nothing here is needed before there are comments to show.
 */
import type { Comment, MoreReplies } from '../../api/contract.js';
import type { Localized } from '../../i18n/i18n.js';
import { say } from '../../i18n/i18n.js';
import { CommentView, LAZY, type CommentParts } from './comment-view.js';
import { make } from './format.js';
import type { Tree } from './thread.js';

export type { CommentParts } from './comment-view.js';
export { buildTree } from './thread.js';

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
  /**
   * Its `<li>`s in the thread: the root's, then any replies laid beside it at max-depth 1.
   * Made when it is placed or built: a thousand late ones wait without any.
   */
  nodes: HTMLElement[];
  built: boolean;
  /** One of the thread's last, still to build: placed as it is built (see #spacer). */
  late?: boolean;
  /** Where building stopped, when a long conversation takes more than one slice. */
  stack?: Array<[Comment, number, HTMLElement | null]>;
}

/**
 * Time one slice may take, in ms: under the 50 ms of a long task with room to spare, and long
 * enough that the frames drawn between slices (each a few ms) do not add up.
 */
const SLICE = 25;
/**
 * Comments built before they are placed: each placing costs a frame of style and layout, so
 * placing every slice's worth made loading 1,000 comments about 7 % slower.
 */
const PLACE = 256;
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
  #items = new Map<string, [li: HTMLElement, parts: CommentParts, comment: Comment]>();
  #queue: Conversation[] = [];
  #working: Promise<void> | null = null;
  /** Builds the comments, in this update's words. */
  #comments?: CommentView;
  /** Comments still to be finished at once in this update: the first screenful. */
  #fullLeft = 0;
  /**
   * Keeps the room of the conversations at the end still to build: they are placed as they are
   * built, in order and in batches, so the browser never lays out, styles and watches hundreds
   * of empty places, and what is placed lands below the fold, where it costs nothing until
   * scrolled to.
   */
  #spacer = make('li', { class: 'spacer', 'aria-hidden': 'true' });
  #late = 0;
  /** What the slices built of them, placed at once every {@link PLACE} comments. */
  #placing = document.createDocumentFragment();
  #unplaced = 0;

  constructor() {
    // A comment is finished as the browser starts rendering it (it comes near the viewport, or
    // find-in-page or the focus goes there), so the thousandth comment of a thread costs little
    // until a visitor gets near it. Where the browser does not say so, every comment is
    // finished at once.
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
    if (item) this.#comments!.finish(item[2], item[1]);
  }

  /** Resolves once every conversation is in the DOM. */
  get done(): Promise<void> {
    return this.#working ?? Promise.resolve();
  }

  /** True while conversations are still being built. */
  get busy(): boolean {
    return this.#working !== null;
  }

  /** A comment's `<article>`, finished. */
  article(id: string): HTMLElement | undefined {
    const item = this.#items.get(id);
    if (item) this.#comments!.finish(item[2], item[1]);
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
    if (options.strings !== last?.strings || options.locale !== last.locale || options.noLikes !== last.noLikes) {
      // New words: every comment is built again.
      this.#comments = new CommentView(options.strings, options.locale, options.noLikes, (id) => this.#options.liked(id));
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
      const conversation: Conversation = same ? old! : { order, more, nodes: [], built: false };
      if (!same) this.#queue.push(conversation);
      next.set(id, conversation);
      ordered.push(conversation);
    }
    this.#conversations = next;
    // The conversations after the last one already built (or the permalink's) wait to be placed.
    const target = ordered.findIndex((c) => c.order.some((x) => x.id === options.target));
    let tail = ordered.length;
    while (tail > target + 1 && !ordered[tail - 1].built) ordered[--tail].late = true;
    const wanted = ordered.slice(0, tail).flatMap((c) => (c.nodes.length ? c.nodes : (c.nodes = [make('li')])));
    this.#late = ordered.length - tail;
    // Sized by #build, below, at the end of each slice.
    if (this.#late) wanted.push(this.#spacer);
    // Built and not yet placed: either wanted below, or of a conversation that changed.
    this.#placing.replaceChildren();
    this.#unplaced = 0;
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
    // A comment is at least about 6em high (96 px at 16 px): that many fill the viewport.
    this.#fullLeft = Math.max(8, Math.ceil(innerHeight / 96));
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
    this.#unplaced += made;
    // The first screenful at once; the rest in batches, and all of it at the end.
    if (!count && this.#unplaced < PLACE && this.#queue.length) return;
    this.#unplaced = 0;
    this.list.insertBefore(this.#placing, this.#spacer.parentNode ? this.#spacer : null);
    // The room of what is still to come, once a batch.
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
    const li = (nodes[0] ??= make('li'));
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
      const parts = this.#comments!.article(comment);
      item.append(parts.article);
      this.#items.set(comment.id, [item, parts, comment]);
      const mine = decorate && decorated.includes(comment.id);
      if (this.#fullLeft-- > 0 || mine || comment.id === this.#options.target) this.#comments!.finish(comment, parts);
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
      if (more) li.append(make('button', { part: 'more-replies', type: 'button', 'data-more': root.id }, say(this.#options.strings.moreReplies, locale, more.count)));
    }
    return made;
  }
}
