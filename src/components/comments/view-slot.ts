/**
 * The thread's view in the element: its chunk (thread-view.ts), asked for right after the first
 * page's request and in parallel with it; the tree of the comments, checked once per change of
 * the list; and the visitor's own tools drawn into their comments on every update.
 */
import type { Comment } from '../../api/contract.js';
import { chunk as onDemand } from '../shared/chunk.js';
import type { ReactiveControllerHost } from '../shared/colloquy-element.js';
import type { Tree } from './thread.js';
import type { ThreadView, ThreadViewOptions } from './thread-view.js';

type View = typeof import('./thread-view.js');

/** What this module's chunk is resolved against, for its retries (shared/chunk.ts). */
const here = import.meta.url;

/** What the view's place needs from its element. */
export interface ViewSlotHost extends ReactiveControllerHost {
  readonly endpoint: string;
}

export class ViewSlot {
  /** The view, once its chunk is here. */
  view?: ThreadView;
  #host: ViewSlotHost;
  #listen: (list: HTMLElement) => void;
  #chunk?: Promise<View | undefined>;
  #buildTree?: View['buildTree'];
  #tree?: [comments: Comment[], tree: Tree];
  /** The comments the visitor's tools were drawn into at the last update. */
  #decorated = new Set<string>();

  /** `listen` wires the element's listeners to the view's list, once it is made. */
  constructor(host: ViewSlotHost, listen: (list: HTMLElement) => void) {
    this.#host = host;
    this.#listen = listen;
  }

  /** The chunk, fetched once; a failed download is tried again by the next call. */
  load(): Promise<View | undefined> {
    return (this.#chunk ??= onDemand(here, './thread-view.js', () => import('./thread-view.js')).then(
      (module) => {
        this.view = new module.ThreadView();
        this.#buildTree = module.buildTree;
        this.#listen(this.view.list);
        this.#host.requestUpdate();
        return module;
      },
      () => (this.#chunk = undefined),
    ));
  }

  /** Resolves once the view is here (if it is on its way) and every conversation is built. */
  async settled(): Promise<void> {
    if (this.#chunk && !this.view) await this.#chunk;
    await this.view?.done;
  }

  /** The thread's comments, checked and arranged once per change of the list. */
  tree(comments: Comment[]): Tree {
    if (this.#tree?.[0] !== comments) {
      const tree = this.#buildTree!(comments);
      if (tree.skipped) console.warn(`[colloquy] ${this.#host.endpoint} sent ${tree.skipped} malformed comment(s); they are not shown.`);
      this.#tree = [comments, tree];
    }
    return this.#tree[1];
  }

  /** Brings the view to `tree`; `mine` are the visitor's own comments, whose tools are drawn again (and taken off those no longer theirs). */
  draw(tree: Tree, options: Omit<ThreadViewOptions, 'decorated'>, mine: readonly string[]): void {
    this.view!.update(tree, { ...options, decorated: [...new Set([...this.#decorated, ...mine])] });
    this.#decorated = new Set(mine);
  }
}
