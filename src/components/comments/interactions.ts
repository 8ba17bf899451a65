/**
 * What a reader does with the thread beyond reading it: Reply, Copy link, a timestamp,
 * "Show more replies", "Load more comments", the sort control, and with them what the form
 * does (form-actions.ts). `<colloquy-comments>` loads this module on
 * the first such press, or as soon as the pointer or the focus enters the thread, so a page
 * that is only read never downloads it (it is not part of the script tag's budget). It works
 * through the same narrow host as the writer (writer-host.ts).
 */
import { ApiError } from '../../api/client.js';
import { likeComment } from '../../api/likes.js';
import { listReplies } from '../../api/replies.js';
import { VISITOR_KEY, type Comment, type SortOrder } from '../../api/contract.js';
import { emit } from '../../events/events.js';
import enInteractions from '../../i18n/en-interactions.js';
import { numbers, say } from '../../i18n/i18n.js';
import { findPlayer } from './media.js';
import { persistDraft, writer } from './form-actions.js';
import { likesKey, read, saveSort, write, type Likes } from './storage.js';
import { moreOf } from './thread-controller.js';
import type { ThreadController } from './thread-controller.js';
import type { HostParts, ThreadEdits, WriterHost as Host } from './writer-host.js';

// The form's own behaviour (typing, posting, Cancel reply, Change, Add current time) comes with these.
export { handleForm } from './form-actions.js';

const hosts = new WeakMap<HTMLElement, Host>();

/** How the writer changes the thread's list (see writer-host.ts). */
const editsOf = (thread: ThreadController): ThreadEdits => ({
  add(comment) {
    const { comments } = thread;
    if (comments.some((c) => c.id === comment.id)) return;
    // Newest first: before the first conversation that is not pinned (pinned ones stay on top).
    const at = thread.order === 'newest' && !comment.parentId ? comments.findIndex((c) => !c.parentId && !c.pinned) : -1;
    thread.set({ comments: at < 0 ? [...comments, comment] : [...comments.slice(0, at), comment, ...comments.slice(at)] });
  },
  replace: (comment) => thread.set({ comments: thread.comments.map((c) => (c.id === comment.id ? comment : c)) }),
  remove: (id) => thread.set({ comments: thread.comments.filter((c) => c.id !== id) }),
  recount: (by) => thread.set({ count: thread.count + by }),
});

/** The host the interactions and the writer work through: made once per element, from what it handed over. */
export function hostOf(parts: HostParts): Host {
  const { element, words, thread } = parts;
  let host = hosts.get(element);
  if (!host) {
    const made: Host = {
      element,
      thread,
      edits: editsOf(thread),
      get endpoint() {
        return element.endpoint;
      },
      get threadKey() {
        return element.threadKey;
      },
      get locale() {
        return words.locale;
      },
      get strings() {
        return words.strings;
      },
      get player() {
        return element.player;
      },
      get form() {
        return parts.form();
      },
      announce: (message) => element.announce(message),
      query: (selector) => element.renderRoot.querySelector(selector),
      article: (id) => element.article(id),
      useTools: (tools) => parts.useTools(tools, made),
      requestUpdate: () => element.requestUpdate(),
      load: () => element.load(),
      get updateComplete() {
        return element.updateComplete;
      },
    };
    hosts.set(element, (host = made));
  }
  return host;
}

/** How long "Copy link" reads "Link copied.", in ms. */
export const COPIED_FOR = 2000;

/** A button of a comment (or under a conversation) was pressed: what its `data-*` asks for. */
export function press(host: Host, button: HTMLElement): void {
  const { replyTo, copy, seek, more, like: liked } = button.dataset;
  if (liked !== undefined) void like(host, liked, button);
  else if (replyTo !== undefined) void reply(host, replyTo);
  else if (copy !== undefined) void copyLink(host, copy, button);
  else if (seek !== undefined) play(host, Number(seek));
  else if (more !== undefined) void moreReplies(host, more);
}

/** Focuses the first comment a page added, once it is shown. */
async function focusFirst(host: Host, [first]: Comment[]) {
  await host.updateComplete;
  if (first) host.article(first.id)?.focus();
}

/** Adds the comments of a page the visitor asked for; returns those that are new. */
function append(host: Host, comments: Comment[]): Comment[] {
  const { thread } = host;
  const known = new Set(thread.comments.map((c) => c.id));
  const added = comments.filter((c) => !known.has(c?.id));
  if (added.length) thread.set({ comments: [...thread.comments, ...added] });
  return added;
}

/** Appends the thread's next page; returns the comments it added. */
export async function loadMore(host: Host): Promise<Comment[]> {
  const { thread } = host;
  if (!thread.nextCursor || thread.state !== 'loaded') return [];
  thread.set({ state: 'more' });
  try {
    const page = await thread.page(thread.nextCursor);
    const added = append(host, page.comments);
    thread.set({
      count: Number.isFinite(page.count) ? page.count : thread.count,
      nextCursor: typeof page.nextCursor === 'string' ? page.nextCursor : null,
      moreReplies: { ...thread.moreReplies, ...moreOf(page) },
    });
    return added;
  } catch (error) {
    thread.failed(error);
    return [];
  } finally {
    thread.set({ state: 'loaded' });
  }
}

/** The visitor has fresh comments of their own here: the writer shows their tools (it stays quiet offline). */
export const watchGrants = (host: Host) => writer().then((module) => module.watchGrants(host), () => {});

/** Each element's highlighted comment: the last permalink followed. */
const highlighted = new WeakMap<HTMLElement, HTMLElement>();

/**
 * A permalink (`#comment-<id>`): pages are loaded until the comment is found; then it is
 * highlighted (class `highlight`, instead of the last one) and scrolled to the middle of the view.
 */
export async function findPermalink(host: Host, id: string): Promise<void> {
  const { thread } = host;
  const found = () => thread.comments.some((c) => c.id === id);
  while (!found() && (await loadMore(host)).length);
  if (!found()) return;
  await host.updateComplete;
  const article = host.article(id);
  if (!article) return;
  highlighted.get(host.element)?.classList.remove('highlight');
  article.classList.add('highlight');
  highlighted.set(host.element, article);
  article.scrollIntoView({ block: 'center' });
}

/** "Load more comments", and the focus on the first new one. */
export const showMore = async (host: Host) => focusFirst(host, await loadMore(host));

/** Conversations whose held-back replies are being fetched. */
const fetching = new Set<string>();

/** "Show 3 more replies": the next held-back replies of a conversation, asking again while there are more. */
async function moreReplies(host: Host, rootId: string) {
  const { thread } = host;
  const more = thread.moreReplies[rootId];
  if (!more || fetching.has(rootId)) return;
  fetching.add(rootId);
  let added: Comment[] = [];
  try {
    const page = await listReplies(host.endpoint, { thread: host.threadKey, cursor: more.cursor });
    if (!page || !Array.isArray(page.comments)) throw new ApiError('server_error');
    added = append(host, page.comments);
    const { [rootId]: _done, ...rest } = thread.moreReplies;
    const next = page.more && Number.isFinite(page.more.count) && typeof page.more.cursor === 'string' ? page.more : null;
    // An endpoint that answers with nothing new and more to come would loop: stop there.
    thread.set({ moreReplies: next && added.length ? { ...rest, [rootId]: next } : rest });
  } catch (error) {
    thread.failed(error);
  } finally {
    fetching.delete(rootId);
  }
  await focusFirst(host, added);
}

async function reply(host: Host, id: string) {
  const comment = host.thread.comments.find((c) => c.id === id);
  if (!comment) return;
  host.form.set({ replyTo: comment, formError: '' });
  persistDraft(host);
  await host.updateComplete;
  host.query('#body')?.focus();
}

export function sort(host: Host, order: SortOrder): void {
  host.thread.order = order;
  saveSort(order);
  void host.load();
}

/** Comments whose like is on its way: a second press waits for the answer. */
const liking = new Set<string>();

/** A random key for this visitor on this endpoint: 32 hex digits (crypto.getRandomValues works on plain http too). */
const visitorKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * "Like" pressed: likes the comment, or takes the like back. The visitor's random key is made
 * and kept on their first like only (no cookie); the ids they like are kept with it, so a reload
 * shows them pressed. The button and the comment's count change in place (the focus stays);
 * a failure is announced and changes nothing.
 */
async function like(host: Host, id: string, button: HTMLElement) {
  const s = { ...enInteractions, ...host.strings };
  const key = likesKey(host.endpoint);
  const saved = read<Likes>(key);
  const visitor = typeof saved?.visitor === 'string' && VISITOR_KEY.test(saved.visitor) ? saved.visitor : visitorKey();
  const ids = () => (Array.isArray(read<Likes>(key)?.liked) ? read<Likes>(key)!.liked.filter((x) => x !== id) : []);
  if (liking.has(id)) return;
  liking.add(id);
  // Kept before asking: a like whose answer is lost can still be taken back with the same key.
  if (visitor !== saved?.visitor) write(key, { visitor, liked: ids() });
  try {
    const answer = await likeComment(host.endpoint, id, { visitor, liked: button.getAttribute('aria-pressed') !== 'true' });
    const { likes, liked } = answer ?? {};
    if (!Number.isSafeInteger(likes) || likes < 0 || typeof liked !== 'boolean') throw new ApiError('server_error');
    write(key, { visitor, liked: liked ? [...ids(), id] : ids() });
    const comment = host.thread.comments.find((c) => c.id === id);
    // Changed in place, like the button: rebuilding the comment would take the focus from it.
    if (comment) comment.likes = likes;
    button.setAttribute('aria-pressed', '' + liked);
    button.lastElementChild!.textContent = numbers(host.locale).format(likes);
    host.announce(say(s.likeCount, host.locale, likes));
  } catch (error) {
    const code = error instanceof ApiError ? error.code : 'network';
    const message = code === 'likes_off' ? s.likesOff : s.likeFailed;
    host.announce(message);
    emit(host.element, 'colloquy-error', { code, message });
  } finally {
    liking.delete(id);
  }
}

/** Copies a comment's permalink; the button says "Link copied." for a moment. */
async function copyLink(host: Host, id: string, button: HTMLElement) {
  const s = { ...enInteractions, ...host.strings };
  const link = `${location.href.split('#')[0]}#comment-${id}`;
  try {
    await navigator.clipboard.writeText(link);
    host.announce(s.linkCopied);
    button.textContent = s.linkCopied;
    setTimeout(() => (button.textContent = s.copyLink), COPIED_FOR);
  } catch {
    // No clipboard (a plain-http page, or permission refused): put the link where it can be copied.
    history.replaceState(history.state, '', link);
    host.announce(s.copyFailed);
  }
}

/**
 * A timestamp was pressed: unless a listener of `colloquy-seek` takes over, plays the page's
 * player from there and brings it into view (without animation for visitors who ask for less
 * motion). A position past the end of known media is ignored; before metadata has loaded, the
 * browser keeps the position and starts there once it can.
 */
function play(host: Host, seconds: number) {
  const player = findPlayer(host.player);
  if (!emit(host.element, 'colloquy-seek', { seconds }, true) || !player || seconds > player.duration) return;
  player.currentTime = seconds;
  player.play()?.catch(() => {
    // Autoplay rules or a missing source: the position is set, the visitor can press play.
  });
  const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
  player.scrollIntoView({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
}
