/**
 * One comment as DOM: an `<article>` built once per comment version with
 * createElement/textContent and kept (no template parts to track, no closures per button).
 * Built plain, finished later: a comment far down a thread gets its body formatted and its
 * buttons only as the browser starts drawing it (thread-view.ts says when).
 */
import type { Comment } from '../../api/contract.js';
import { isHttpUrl } from '../../api/validate.js';
import { commentDates } from '../../i18n/dates.js';
import { numbers, type Localized } from '../../i18n/i18n.js';
import { hueOf, initials } from './avatar.js';
import { formatBody, make } from './format.js';

/** The pieces of a built comment that others add to (the writer's tools). */
export interface CommentParts {
  article: HTMLElement;
  body: HTMLElement;
  actions: HTMLElement;
  /** Where the writer's editor goes, made when first needed. */
  editor?: HTMLElement;
  /** Its body is formatted and its buttons are in ({@link CommentView.finish}). */
  finished?: boolean;
}

/** Whether the browser says when it starts rendering an element: if not, comments are finished at once. */
export const LAZY = typeof ContentVisibilityAutoStateChangeEvent === 'function';

/** Builds comments in one locale's words; made again when the words change. */
export class CommentView {
  #built = new WeakMap<Comment, CommentParts>();
  #protos: HTMLElement[] = [];
  #dates: Intl.DateTimeFormat;
  #counts: Intl.NumberFormat;
  #liked: (id: string) => boolean;

  constructor(
    readonly strings: Localized,
    locale: string,
    /** No like buttons (the `no-likes` attribute). */
    readonly noLikes: boolean,
    /** Whether this visitor liked a comment (kept in their browser, storage.ts). */
    liked: (id: string) => boolean,
  ) {
    this.#dates = commentDates(locale);
    this.#counts = numbers(locale);
    this.#liked = liked;
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
      const s = this.strings;
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
  article(comment: Comment): CommentParts {
    let parts = this.#built.get(comment);
    if (parts) return parts;
    const s = this.strings;
    const { id, status } = comment;
    if (status === 'deleted') {
      const article = make('article', { part: 'comment deleted', id: `comment-${id}`, tabindex: '-1' });
      article.append(make('p', { class: 'notice' }, s.deleted));
      parts = { article, body: make('div'), actions: make('div'), finished: true };
    } else {
      const { name, url } = comment.author;
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
      author.id = `author-${id}`;
      author.textContent = name;
      if (link) author.href = url!;
      date.id = `date-${id}`;
      date.href = `#comment-${id}`;
      const when = new Date(comment.createdAt);
      time.dateTime = comment.createdAt;
      time.textContent = isNaN(+when) ? '' : this.#dates.format(when);
      if (comment.role === 'host') author.after(make('span', { part: 'badge', class: 'badge' }, s.host));
      if (comment.pinned === true) header.append(make('span', { part: 'pinned', class: 'pinned' }, s.pinned));
      if (status === 'pending') header.after(make('p', { part: 'pending', class: 'notice' }, s.awaitingModeration));
      // Its text as typed until it is finished: findable and read at once, formatted (a few
      // elements a paragraph, the most costly part of a comment) only when it is drawn.
      body.textContent = comment.body;
      parts = { article, body, actions };
      if (!LAZY) this.finish(comment, parts);
    }
    this.#built.set(comment, parts);
    return parts;
  }

  /** A comment's avatar, its formatted body and its buttons: Like, Reply and Copy link. */
  finish(comment: Comment, parts: CommentParts) {
    if (parts.finished) return;
    parts.finished = true;
    const s = this.strings;
    const { id, status, likes } = comment;
    // The avatar is drawing only (aria-hidden): nothing to find or read before it is seen.
    const face = parts.article.firstElementChild!.firstElementChild as HTMLElement;
    face.style.setProperty('--_hue', '' + hueOf(comment.author.avatar ?? ''));
    face.textContent = initials(comment.author.name);
    parts.body.textContent = '';
    formatBody(comment.body, parts.body);
    const reply = this.#protos[2].cloneNode(true).firstChild as HTMLElement;
    const copy = reply.nextSibling as HTMLElement;
    if (status === 'approved' && Number.isSafeInteger(likes) && likes! >= 0 && !this.noLikes) {
      const pressed = this.#liked(id);
      const like = make('button', { part: 'like-button', type: 'button', 'data-like': id, 'aria-pressed': '' + pressed }, s.like + ' ');
      like.append(make('span', { class: 'count' }, this.#counts.format(likes!)));
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
