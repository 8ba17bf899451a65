/**
 * The reader's interactions (interactions.ts) in the element: downloaded on the first press or
 * when the pointer or the focus enters the thread, and each press run once they are here, with
 * the form's chunk (Reply and the form's own events work on it).
 */
import { chunk as onDemand } from '../shared/chunk.js';
import type { HostParts, WriterHost } from './writer-host.js';

type Interactions = typeof import('./interactions.js');

/** What this module's chunk is resolved against, for its retries (shared/chunk.ts). */
const here = import.meta.url;

export class InteractionsSlot {
  /** The module being fetched for a press: the element's updates wait for it. */
  pending?: Promise<unknown>;
  #parts: HostParts;
  #with: () => Promise<unknown>;
  #failed: () => void;
  #module?: Promise<Interactions | undefined>;

  /** `also` fetches what a press needs besides (the form's chunk); `failed` reports a module that cannot be fetched. */
  constructor(parts: HostParts, also: () => Promise<unknown>, failed: () => void) {
    this.#parts = parts;
    this.#with = also;
    this.#failed = failed;
  }

  /** The module; `undefined` while offline (the next press tries again). */
  load(): Promise<Interactions | undefined> {
    return (this.#module ??= onDemand(here, './interactions.js', () => import('./interactions.js')).catch(() => (this.#module = undefined)));
  }

  /**
   * Runs an interaction once its module is here; a module that cannot be fetched is reported,
   * like a failed page unless told otherwise. Updates wait for the module and the interaction's
   * start, not its end (an interaction may itself wait for an update).
   */
  act<T>(run: (ui: Interactions, host: WriterHost) => T, failed = this.#failed): Promise<Awaited<T> | undefined> {
    const started = Promise.all([this.load(), this.#with()]).then(([ui]) => {
      if (this.pending === started) this.pending = undefined;
      if (ui) return { result: run(ui, ui.hostOf(this.#parts)) };
      failed();
    });
    this.pending = started;
    return started.then((ran) => ran?.result) as Promise<Awaited<T> | undefined>;
  }
}
