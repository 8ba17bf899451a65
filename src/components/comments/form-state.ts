/**
 * The comment form's state, in one place: the fields as typed, their errors, the form's
 * own error, posting, saved identity, the reply target and the draft kept in the browser.
 * The element renders it and restores it (the saved details, the draft); what the form does
 * (form-actions.ts) and the writer, both loaded on demand, change it through `set`.
 */
import type { Comment } from '../../api/contract.js';
import { isEmail } from '../../api/validate.js';
import type { ReactiveControllerHost } from '../shared/colloquy-element.js';
import { AUTHOR_KEY, draftKey, read, type Draft, type SavedAuthor } from './storage.js';

export type FormField = 'body' | 'name' | 'email' | 'url';

/** A stored value, when it is text: storage holds whatever anyone put there. */
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** What the form needs from its element. */
export interface FormHost extends ReactiveControllerHost {
  readonly endpoint: string;
  readonly threadKey: string;
  readonly noRemember: boolean;
}

export interface FormValues {
  fields: Record<FormField, string>;
  errors: Partial<Record<FormField, string>>;
  formError: string;
  posting: boolean;
  /** A note for the visitor that is not an error (a link on its way). */
  formNotice: string;
  remember: boolean;
  /** "Notify me of replies to my comment by email.": part of the draft, unticked in a new one. */
  notify: boolean;
  identityCollapsed: boolean;
  replyTo: Comment | null;
  /** One per draft, so a retried post is never stored twice; made with the draft (form-actions.ts). */
  idempotencyKey: string;
}

export class FormState implements FormValues {
  fields: Record<FormField, string> = { body: '', name: '', email: '', url: '' };
  errors: Partial<Record<FormField, string>> = {};
  formError = '';
  posting = false;
  formNotice = '';
  remember = false;
  notify = false;
  identityCollapsed = false;
  replyTo: Comment | null = null;
  idempotencyKey = '';
  /** The key of the draft in the form (its endpoint and thread). */
  #draftOwner = '';
  /** A reply target restored from a draft, applied once the thread has loaded. */
  #pendingReplyId: string | null = null;
  #host: FormHost;

  constructor(host: FormHost) {
    this.#host = host;
  }

  /** Changes some of the state and renders it. */
  set(patch: Partial<FormValues>): void {
    Object.assign(this, patch);
    this.#host.requestUpdate();
  }

  /** The visitor's saved details, when they asked for them to be kept. */
  restoreIdentity(): void {
    const saved = this.#host.noRemember ? null : read<SavedAuthor>(AUTHOR_KEY);
    if (!saved || typeof saved !== 'object') return;
    const [name, email, url] = [text(saved.name), text(saved.email), text(saved.url)];
    this.set({ fields: { ...this.fields, name, email, url }, remember: true, identityCollapsed: isEmail(email) && name.trim() !== '' });
  }

  /** Puts the thread's draft in the form when the element moves to another thread; true if it did. */
  restoreDraft(): boolean {
    const { endpoint, threadKey } = this.#host;
    const key = draftKey(endpoint, threadKey);
    if (key === this.#draftOwner) return false;
    this.#draftOwner = key;
    const draft = read<Draft>(key);
    this.#pendingReplyId = text(draft?.parentId) || null;
    this.set({
      fields: { ...this.fields, body: text(draft?.body) },
      idempotencyKey: text(draft?.idempotencyKey),
      notify: draft?.notify === true,
      replyTo: null,
    });
    return true;
  }

  /** A draft saved as a reply goes back under its comment once the thread is there. */
  resumeReply(comments: readonly Comment[]): void {
    const id = this.#pendingReplyId;
    this.#pendingReplyId = null;
    if (id) this.set({ replyTo: comments.find((c) => c.id === id) ?? null });
  }
}
