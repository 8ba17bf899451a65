/**
 * The comment form's state, in one place: the fields as typed, their errors, the form's
 * own error, posting, saved identity, the reply target and the draft kept in the browser.
 * The element renders it; the writer (loaded on demand) changes it through `set` and the
 * methods here, never through the element.
 */
import type { Comment } from '../../api/contract.js';
import { isEmail } from '../../api/validate.js';
import type { ReactiveControllerHost } from '../shared/colloquy-element.js';
import { loadAuthor, loadDraft, newIdempotencyKey, saveAuthor, saveDraft } from './storage.js';

export type FormField = 'body' | 'name' | 'email' | 'url';

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
  /** One per draft, so a retried post is never stored twice. */
  idempotencyKey: string;
  /** What a bot typed into the field people never see. */
  honeypot: string;
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
  idempotencyKey = newIdempotencyKey();
  honeypot = '';
  /** `endpoint|thread` whose draft is in the form. */
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
    const saved = this.#host.noRemember ? null : loadAuthor();
    if (!saved || typeof saved !== 'object') return;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const [name, email, url] = [text(saved.name), text(saved.email), text(saved.url)];
    this.set({ fields: { ...this.fields, name, email, url }, remember: true, identityCollapsed: isEmail(email) && name.trim() !== '' });
  }

  /** Keeps the details for next time, when the visitor asked to. */
  saveIdentity(): void {
    if (!this.remember || this.#host.noRemember) return;
    const { name, email, url } = this.fields;
    saveAuthor({ name: name.trim(), email: email.trim(), url: url.trim() });
    this.set({ identityCollapsed: true });
  }

  /** Puts the thread's draft in the form when the element moves to another thread; true if it did. */
  restoreDraft(): boolean {
    const { endpoint, threadKey } = this.#host;
    const key = `${endpoint}|${threadKey}`;
    if (key === this.#draftOwner) return false;
    this.#draftOwner = key;
    const draft = loadDraft(endpoint, threadKey);
    this.#pendingReplyId = typeof draft?.parentId === 'string' ? draft.parentId : null;
    this.set({
      fields: { ...this.fields, body: typeof draft?.body === 'string' ? draft.body : '' },
      idempotencyKey: typeof draft?.idempotencyKey === 'string' ? draft.idempotencyKey : newIdempotencyKey(),
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

  /** Keeps the draft in the browser, so it survives failures and reloads. */
  persistDraft(): void {
    const { endpoint, threadKey } = this.#host;
    const { fields, replyTo, notify } = this;
    saveDraft(
      endpoint,
      threadKey,
      fields.body.trim() === '' && !replyTo && !notify
        ? null
        : { body: fields.body, parentId: replyTo?.id ?? null, idempotencyKey: this.idempotencyKey, ...(notify ? { notify } : {}) },
    );
  }

  /** After a post: an empty form, a new draft, the details kept if asked. */
  posted(): void {
    this.set({ replyTo: null, fields: { ...this.fields, body: '' }, idempotencyKey: newIdempotencyKey(), notify: false });
    saveDraft(this.#host.endpoint, this.#host.threadKey, null);
    this.saveIdentity();
  }
}
