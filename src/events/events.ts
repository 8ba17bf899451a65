import type { Comment } from '../api/contract.js';

/**
 * Every Colloquy event bubbles and crosses shadow roots, and carries its data in
 * `detail`, as a CustomEvent does, so listeners written for either work.
 */
abstract class ColloquyEvent<T> extends Event {
  constructor(
    type: string,
    public readonly detail: T,
    cancelable = false,
  ) {
    super(type, { bubbles: true, composed: true, cancelable });
  }
}

/** `detail.count`: the thread's number of approved comments. */
export class ColloquyLoadedEvent extends ColloquyEvent<{ count: number }> {
  constructor(count: number) {
    super('colloquy-loaded', { count });
  }
}

/** What a visitor is about to post. Deliberately without the email. */
export interface SubmitDetail {
  thread: string;
  parentId: string | null;
  author: { name: string; url: string | null };
  body: string;
}

/** Fired before a comment is sent; `preventDefault()` vetoes the post. */
export class ColloquySubmitEvent extends ColloquyEvent<SubmitDetail> {
  constructor(detail: SubmitDetail) {
    super('colloquy-submit', detail, true);
  }
}

/** Fired after the endpoint accepted a comment (approved or pending). */
export class ColloquyPostedEvent extends ColloquyEvent<{ comment: Comment }> {
  constructor(comment: Comment) {
    super('colloquy-posted', { comment });
  }
}

/**
 * Fired when loading or posting failed at the endpoint or on the way to it. `code` is
 * the contract's error code, or `network` when no answer came. `message` is the text
 * the visitor was shown.
 */
export class ColloquyErrorEvent extends ColloquyEvent<{ code: string; message: string }> {
  constructor(code: string, message: string) {
    super('colloquy-error', { code, message });
  }
}

/**
 * Fired when a visitor presses a timestamp in a comment; cancelable. A custom player
 * handles `detail.seconds` and calls `preventDefault()`; otherwise the widget seeks the
 * page's `<audio>`/`<video>` and starts playback.
 */
export class ColloquySeekEvent extends ColloquyEvent<{ seconds: number }> {
  constructor(seconds: number) {
    super('colloquy-seek', { seconds }, true);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'colloquy-loaded': ColloquyLoadedEvent;
    'colloquy-submit': ColloquySubmitEvent;
    'colloquy-posted': ColloquyPostedEvent;
    'colloquy-error': ColloquyErrorEvent;
    'colloquy-seek': ColloquySeekEvent;
  }
}
