/**
 * The narrow interface between `<colloquy-comments>` and the modules it loads on demand
 * (the writer, and the reader's interactions): everything they may read or change, and
 * nothing else. Types only, so neither side imports the other.
 */
import type { Comment } from '../../api/contract.js';
import type { ReactiveController } from '../shared/colloquy-element.js';
import type { Localized } from '../../i18n/i18n.js';
import type { FormState } from './form-state.js';
import type { ThreadController } from './thread-controller.js';
import type { CommentParts } from './thread-view.js';

/**
 * What `<colloquy-comments>` hands over, from which the interactions make the host (interactions.ts,
 * `hostOf`): the element's public members, and the parts of it only its own modules use.
 */
export interface HostParts {
  readonly element: HTMLElement & {
    readonly endpoint: string;
    readonly threadKey: string;
    readonly player: string;
    readonly noRemember: boolean;
    readonly renderRoot: ShadowRoot;
    readonly updateComplete: Promise<boolean>;
    announce(message: string): void;
    article(id: string): HTMLElement | null;
    requestUpdate(): void;
    load(): Promise<void>;
    addController(controller: ReactiveController): void;
  };
  /** The element's language and strings (its locale controller). */
  readonly words: { readonly locale: string; readonly strings: Localized };
  readonly thread: ThreadController;
  form(): FormState;
  useTools(tools: OwnTools, host: WriterHost): void;
}

export interface WriterHost {
  /** The element: events are fired from it; `noRemember` forbids keeping the visitor's details. */
  readonly element: HTMLElement & { readonly noRemember: boolean };
  readonly endpoint: string;
  readonly threadKey: string;
  readonly locale: string;
  readonly strings: Localized;
  /** The `player` selector (see findPlayer). */
  readonly player: string;
  readonly form: FormState;
  readonly thread: ThreadController;
  /** The writer's changes to the thread's list: the visitor's own comments. */
  readonly edits: ThreadEdits;
  /** Says a message once in the live region. */
  announce(message: string): void;
  /** An element of the widget's shadow root, e.g. a field. */
  query<T extends HTMLElement = HTMLElement>(selector: string): T | null;
  /** A comment's `<article>`. */
  article(id: string): HTMLElement | null;
  /** Hands over the tools for the visitor's own comments. */
  useTools(tools: OwnTools): void;
  requestUpdate(): void;
  /** Loads (or reloads) the thread's first page. */
  load(): Promise<void>;
  readonly updateComplete: Promise<boolean>;
}

export interface ThreadEdits {
  /** Adds the visitor's comment: first when newest is first and it starts a conversation. */
  add(comment: Comment): void;
  replace(comment: Comment): void;
  remove(id: string): void;
  /** Counts a comment in or out of the heading (approved ones only are counted). */
  recount(by: number): void;
}

/** Edit and Delete for the visitor's own fresh comments, drawn by the writer into the thread. */
export interface OwnTools {
  /** Ids of the comments that have tools (or had them until now). */
  ids(host: WriterHost): string[];
  /**
   * Draws a comment's tools into its parts: Edit and Delete (or the question "Delete this
   * comment?") among its actions, and while the author edits, the editor in place of its body.
   */
  decorate(host: WriterHost, comment: Comment, parts: CommentParts): void;
}
