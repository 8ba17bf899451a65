/**
 * Live updates of a thread (the `live` attribute): the endpoint's stream of changes
 * (`GET {endpoint}/comments/stream`, docs/api.md "Live updates"), opened once the first page is
 * shown. New comments are not put under the reader's eyes: a "2 new comments" button shows them
 * when pressed. Edits and deletions apply in place. An on-demand chunk, downloaded only by pages
 * that ask for live updates.
 *
 * The stream is closed while the page is hidden and opened again, with a catch-up from the last
 * event, when it is shown. While the endpoint answers, EventSource reconnects by itself (sending
 * `Last-Event-ID`); when it keeps failing, this waits instead, doubling up to a minute. Nothing
 * runs while the stream is quiet: no timer but that wait.
 */
import { html, nothing, render } from 'lit/html.js';
import { url } from '../../api/client.js';
import type { Comment } from '../../api/contract.js';
import enLive from '../../i18n/en-live.js';
import { say } from '../../i18n/i18n.js';
import type { ReactiveController } from '../shared/colloquy-element.js';
import type { HostParts } from './writer-host.js';

/** The longest wait between two attempts when the stream keeps failing, in ms. */
export const MAX_WAIT = 60_000;
/** Errors in a row after which EventSource's own quick retry gives way to the growing wait. */
const TRIES = 3;

const approved = (comment?: Comment) => (comment?.status === 'approved' ? 1 : 0);
/** A comment from the stream of anyone's endpoint: checked enough to be keyed and shown. */
const isComment = (c: Comment | null): c is Comment =>
  typeof c?.id === 'string' && (c.parentId === null || typeof c.parentId === 'string') && typeof c.body === 'string' && typeof c.author?.name === 'string';

class Live implements ReactiveController {
  #parts: HostParts;
  #slot: HTMLElement;
  #source?: EventSource;
  /** The last event's id: the stream goes on from there after a pause or a failure. */
  #lastId = '';
  /** Comments that arrived, waiting for the reader to press "n new comments". */
  #fresh: Comment[] = [];
  #failures = 0;
  #timer?: ReturnType<typeof setTimeout>;
  /** The stream answered once: a later failure is a pause, not an endpoint without streams. */
  #worked = false;
  /** The endpoint has no stream: live updates stay off for this element. */
  #off = false;
  #owner = '';

  constructor(parts: HostParts, slot: HTMLElement) {
    this.#parts = parts;
    this.#slot = slot;
    parts.element.addController(this);
  }

  // Hidden: closed, once there is an id to catch up from (else it closes when its first event brings one).
  #visibility = () => (!document.hidden ? this.#open() : this.#lastId && this.#close());

  hostConnected(): void {
    // Listened to while connected only: a removed element is not kept alive by the document.
    document.addEventListener('visibilitychange', this.#visibility);
    this.#open();
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#visibility);
    this.#close();
  }

  /** After every load of the first page: opens the stream, or keeps it, dropping waiting comments the list now has. */
  start(): void {
    const { endpoint, threadKey } = this.#parts.element;
    const owner = `${endpoint}|${threadKey}`;
    if (owner !== this.#owner) {
      this.#close();
      this.#owner = owner;
      this.#lastId = '';
      this.#fresh = [];
    }
    this.#keep(this.#fresh.filter((c) => !this.#known(c.id)));
    // A stream opened after the page goes on from where the page was read: nothing between is missed.
    if (!this.#source && !this.#lastId) this.#lastId = this.#parts.thread.liveId ?? '';
    this.#open();
  }

  #open(): void {
    const { element } = this.#parts;
    // A page hidden from the start still connects once, for an id to catch up from when it is shown.
    if (this.#off || this.#source || this.#timer || (document.hidden && this.#lastId) || !element.isConnected || !this.#owner) return;
    const query = new URLSearchParams({ thread: element.threadKey });
    // A new EventSource cannot send Last-Event-ID itself: the endpoint reads it from the query too.
    if (this.#lastId) query.set('lastEventId', this.#lastId);
    const source = (this.#source = new EventSource(url(element.endpoint, `/comments/stream?${query}`)));
    for (const type of ['ready', 'comment', 'edit', 'delete', 'reset']) {
      source.addEventListener(type, (event) => this.#handle(type, event as MessageEvent<string>));
    }
    source.onerror = () => this.#failed(source);
  }

  #close(): void {
    this.#source?.close();
    this.#source = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #failed(source: EventSource): void {
    if (source !== this.#source) return;
    this.#failures++;
    if (source.readyState === EventSource.CLOSED && !this.#worked) {
      // The browser gave up: an answer that is no stream. One look tells a missing route from a busy one.
      this.#close();
      void this.#probe(source.url);
    } else if (source.readyState === EventSource.CLOSED || this.#failures >= TRIES) this.#wait();
  }

  /** Waits longer after each failure (with some spread, so many readers do not come back at once), then opens again. */
  #wait(): void {
    this.#close();
    const wait = Math.min(MAX_WAIT, 1000 * 2 ** this.#failures) * (0.75 + Math.random() / 4);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#open();
    }, wait);
  }

  async #probe(href: string): Promise<void> {
    const controller = new AbortController();
    try {
      const response = await fetch(href, { credentials: 'omit', cache: 'no-store', signal: controller.signal });
      const stream = response.ok && /^text\/event-stream/.test(response.headers.get('Content-Type') ?? '');
      if (response.status === 404 || (response.ok && !stream)) {
        this.#off = true;
        console.info(`[colloquy] ${this.#parts.element.endpoint} has no live stream (GET /comments/stream): live updates are off.`);
        return;
      }
    } catch {
      // No answer at all: offline, or the server is down. Wait and try again.
    } finally {
      controller.abort();
    }
    this.#wait();
  }

  #handle(type: string, event: MessageEvent<string>): void {
    if (event.lastEventId) this.#lastId = event.lastEventId;
    this.#failures = 0;
    this.#worked = true;
    if (document.hidden && this.#lastId) this.#close();
    let data: Comment | null = null;
    try {
      data = JSON.parse(event.data) as Comment;
    } catch {
      return;
    }
    const { thread, element } = this.#parts;
    if (type === 'reset') {
      // Too far behind for a catch-up: the list again (which keeps the stream).
      this.#fresh = [];
      void element.load();
      return;
    }
    const id = typeof data?.id === 'string' ? data.id : '';
    const old = thread.comments.find((c) => c.id === id);
    if (type === 'delete') {
      if (old) thread.set({ comments: thread.comments.filter((c) => c !== old), count: thread.count - approved(old) });
      return this.#keep(this.#fresh.filter((c) => c.id !== id));
    }
    if ((type !== 'comment' && type !== 'edit') || !isComment(data)) return;
    const comment = data;
    if (old) {
      // Already shown (the reader's own, or listed): changed in place.
      thread.set({ comments: thread.comments.map((c) => (c === old ? comment : c)), count: thread.count + approved(comment) - approved(old) });
    } else if (this.#fresh.some((c) => c.id === id)) {
      this.#keep(this.#fresh.map((c) => (c.id === id ? comment : c)));
    } else if (type === 'comment' && approved(comment) && (!comment.parentId || this.#known(comment.parentId) || this.#fresh.some((c) => c.id === comment.parentId))) {
      // A reply to a comment this page does not hold is not shown, as a list would not show it.
      this.#keep([...this.#fresh, comment], true);
    }
  }

  #known(id: string): boolean {
    return this.#parts.thread.comments.some((c) => c.id === id);
  }

  /** The waiting comments, and their button; `announce` says the new number. */
  #keep(fresh: Comment[], announce = false): void {
    this.#fresh = fresh;
    const { words, element } = this.#parts;
    const s = { ...enLive, ...words.strings };
    const label = say(s.newComments, words.locale, fresh.length);
    if (announce) element.announce(label);
    render(fresh.length ? html`<button part="new-comments" type="button" @click=${() => this.#show()}>${label}</button>` : nothing, this.#slot);
  }

  /** "2 new comments" pressed: they join the list where its order puts them, and the first takes the focus. */
  async #show(): Promise<void> {
    const { thread, element } = this.#parts;
    const fresh = this.#fresh;
    let comments = [...thread.comments];
    for (const comment of fresh) {
      // Newest first: before the first conversation that is not pinned; otherwise at the end, as the next page would put them.
      const at = thread.order === 'newest' && !comment.parentId ? comments.findIndex((c) => !c.parentId && !c.pinned) : -1;
      if (at < 0) comments.push(comment);
      else comments = [...comments.slice(0, at), comment, ...comments.slice(at)];
    }
    thread.set({ comments, count: thread.count + fresh.length });
    this.#keep([]);
    await element.updateComplete;
    const first = thread.order === 'newest' ? fresh.findLast((c) => !c.parentId) ?? fresh[0] : fresh[0];
    if (first) element.article(first.id)?.focus();
  }
}

const followed = new WeakMap<HTMLElement, Live>();

/** Starts (or keeps) the live updates of an element's thread; `slot` is where the "n new comments" button goes. */
export function goLive(parts: HostParts, slot: HTMLElement): void {
  let live = followed.get(parts.element);
  if (!live) followed.set(parts.element, (live = new Live(parts, slot)));
  live.start();
}
