import type { Comment } from '../api/contract.js';

/** What a visitor is about to post. Deliberately without the email. */
export interface SubmitDetail {
  thread: string;
  parentId: string | null;
  author: { name: string; url: string | null };
  body: string;
}

/** Every Colloquy event, by name, with its `detail`. */
export interface ColloquyEventDetails {
  /** The thread loaded; `count` is its number of approved comments. */
  'colloquy-loaded': { count: number };
  /** A valid comment is about to be posted; cancelable: `preventDefault()` vetoes the post. */
  'colloquy-submit': SubmitDetail;
  /** The endpoint accepted a comment (approved or pending). */
  'colloquy-posted': { comment: Comment };
  /**
   * Loading, posting, editing or deleting failed. `code` is the contract's error code, or
   * `network` when no answer came; `message` is the text the visitor was shown.
   */
  'colloquy-error': { code: string; message: string };
  /**
   * A visitor pressed a timestamp in a comment; cancelable. A custom player handles
   * `seconds` and calls `preventDefault()`; otherwise the widget seeks the page's player.
   */
  'colloquy-seek': { seconds: number };
  /** The author changed their comment within its edit window; `comment` is as the endpoint now has it. */
  'colloquy-edited': { comment: Comment };
  /** The author deleted their comment within its edit window. */
  'colloquy-deleted': { id: string };
}

export type ColloquyEventName = keyof ColloquyEventDetails;

/**
 * Every Colloquy event bubbles and crosses shadow roots, and carries its data in
 * `detail`, as a CustomEvent does, so listeners written for either work.
 */
export class ColloquyEvent<K extends ColloquyEventName = ColloquyEventName> extends Event {
  declare readonly type: K;
  constructor(
    type: K,
    public readonly detail: ColloquyEventDetails[K],
    cancelable = false,
  ) {
    super(type, { bubbles: true, composed: true, cancelable });
  }
}

/** Fires a Colloquy event from `target`; returns false when a listener cancelled it. */
export function emit<K extends ColloquyEventName>(target: EventTarget, type: K, detail: ColloquyEventDetails[K], cancelable = false): boolean {
  return target.dispatchEvent(new ColloquyEvent(type, detail, cancelable));
}

declare global {
  interface GlobalEventHandlersEventMap {
    'colloquy-loaded': ColloquyEvent<'colloquy-loaded'>;
    'colloquy-submit': ColloquyEvent<'colloquy-submit'>;
    'colloquy-posted': ColloquyEvent<'colloquy-posted'>;
    'colloquy-error': ColloquyEvent<'colloquy-error'>;
    'colloquy-seek': ColloquyEvent<'colloquy-seek'>;
    'colloquy-edited': ColloquyEvent<'colloquy-edited'>;
    'colloquy-deleted': ColloquyEvent<'colloquy-deleted'>;
  }
}
