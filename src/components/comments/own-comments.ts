/**
 * One's own fresh comments: Edit and Delete until the edit window closes. The proof of
 * authorship a `201` carried is kept in the browser; while it lasts, its comment gets the tools
 * (and, when it is still pending, is shown to its author alone). Part of the writer's chunk.
 */
import { html, nothing, render } from 'lit/html.js';
import { ApiError } from '../../api/client.js';
import type { Comment } from '../../api/contract.js';
import { deleteComment, editComment } from '../../api/writes.js';
import { emit } from '../../events/events.js';
import { grantsKey, read, write } from './storage.js';
import type { OwnTools, WriterHost as Host } from './writer-host.js';
import { fail, formErrors, problemWith, report, words } from './writer-words.js';

/** The proof of authorship a `201` carried, kept in the browser until it expires. */
export interface Grant {
  token: string;
  /** End of the edit window, in ms since the epoch. */
  until: number;
  /** An edit being written, so it survives a failure or a reload. */
  draft?: string;
  /**
   * The comment as the endpoint last answered it: a pending one is not listed by the endpoint,
   * so after a reload it is shown to its author from here (as WordPress does) until the grant ends.
   */
  comment?: Comment;
  /** The thread it was posted to. */
  thread?: string;
}

type Grants = Record<string, Grant>;

/** What the author is doing with one of their comments right now. */
interface Change {
  mode: 'editing' | 'confirming';
  saving?: boolean;
  error?: string;
}

const changes = new WeakMap<Host, Map<string, Change>>();

/** The grants kept for each endpoint, read from storage once: the tools ask on every render of every comment. */
const kept = new Map<string, Grants>();

function grants(host: Host): Grants {
  let all = kept.get(host.endpoint);
  if (!all) {
    const stored = read<Grants>(grantsKey(host.endpoint));
    kept.set(host.endpoint, (all = stored && typeof stored === 'object' ? stored : {}));
  }
  const now = Date.now();
  return Object.fromEntries(Object.entries(all).filter(([, g]) => g && typeof g.token === 'string' && g.until > now));
}

/** Stores the unexpired grants (and nothing once there are none). */
function saveGrants(host: Host, all: Grants) {
  kept.set(host.endpoint, all);
  write(grantsKey(host.endpoint), Object.keys(all).length ? all : null);
  host.requestUpdate();
}

export function keepGrant(host: Host, id: string, grant: Grant | null) {
  const all = grants(host);
  if (grant) all[id] = grant;
  else delete all[id];
  saveGrants(host, all);
}

export const expireLater = (host: Host, grant: Grant) =>
  setTimeout(() => {
    // A pending comment shown from its grant goes with it.
    const { comment } = grant;
    if (comment?.status === 'pending' && !grants(host)[comment.id]) host.edits.remove(comment.id);
    saveGrants(host, grants(host));
  }, grant.until - Date.now() + 50);

/** Shows the tools for every unexpired grant, and the author's pending comments the endpoint does not list. */
export function watchGrants(host: Host): void {
  host.useTools(tools);
  const all = grants(host);
  for (const [id, grant] of Object.entries(all)) {
    if (grant.draft !== undefined) changesOf(host).set(id, { mode: 'editing' });
    if (grant.comment?.status === 'pending' && grant.comment.id === id && grant.thread === host.threadKey) host.edits.add(grant.comment);
    expireLater(host, grant);
  }
  saveGrants(host, all);
}

function changesOf(host: Host) {
  let map = changes.get(host);
  if (!map) changes.set(host, (map = new Map()));
  return map;
}

async function setChange(host: Host, id: string, change: Change | null, focus?: string) {
  if (change) changesOf(host).set(id, change);
  else changesOf(host).delete(id);
  host.requestUpdate();
  await host.updateComplete;
  if (focus) host.query(focus)?.focus();
}

/** The editor in place of the body while the author edits; `undefined` otherwise. */
function editor(host: Host, comment: Comment) {
  const grant = grants(host)[comment.id];
  const change = changesOf(host).get(comment.id);
  if (!grant || change?.mode !== 'editing') return undefined;
  const s = words(host);
  const id = `edit-${comment.id}`;
  const text = grant.draft ?? comment.body;
  return html`<form part="edit-form" class="edit" novalidate aria-busy=${change.saving ? 'true' : 'false'} @submit=${(e: Event) => save(host, comment, e)}>
    <label part="label" for=${id}>${s.editLabel}</label>
    <textarea
      part="textarea"
      id=${id}
      rows="4"
      dir="auto"
      required
      aria-invalid=${change.error ? 'true' : 'false'}
      aria-describedby=${change.error ? `${id}-error` : nothing}
      .value=${text}
      @input=${(e: Event) => keepGrant(host, comment.id, { ...grant, draft: (e.target as HTMLTextAreaElement).value })}
    ></textarea>
    ${change.error ? html`<p part="error" id="${id}-error">${change.error}</p>` : nothing}
    <div part="actions">
      <button part="submit" type="submit" ?disabled=${change.saving}>${change.saving ? s.saving : s.save}</button>
      <button type="button" @click=${() => cancelEdit(host, comment)}>${s.cancel}</button>
    </div>
  </form>`;
}

/** Edit and Delete, or the question "Delete this comment?", among the comment's actions. */
function actions(host: Host, comment: Comment) {
  const grant = grants(host)[comment.id];
  const change = changesOf(host).get(comment.id);
  if (!grant || comment.status === 'deleted' || change?.mode === 'editing') return nothing;
  const s = words(host);
  const { id } = comment;
  if (change?.mode === 'confirming') {
    return html`<span part="confirm-delete" role="group" aria-labelledby="confirm-${id}">
      <span id="confirm-${id}">${s.confirmDelete}</span>
      <button type="button" data-confirm-delete=${id} ?disabled=${change.saving} @click=${() => remove(host, comment)}>
        ${s.delete}
      </button>
      <button type="button" @click=${() => setChange(host, id, null, `[data-delete="${CSS.escape(id)}"]`)}>${s.cancel}</button>
      ${change.error ? html`<span part="error" role="alert">${change.error}</span>` : nothing}
    </span>`;
  }
  return html`<button part="edit-button" type="button" data-edit=${id} @click=${() => setChange(host, id, { mode: 'editing' }, editBox(id))}>
      ${s.edit}</button
    ><button part="delete-button" type="button" data-delete=${id} @click=${() => setChange(host, id, { mode: 'confirming' }, `[data-confirm-delete="${CSS.escape(id)}"]`)}>
      ${s.delete}
    </button>`;
}

export const tools: OwnTools = {
  ids(host) {
    return [...new Set([...Object.keys(grants(host)), ...changesOf(host).keys()])];
  },

  decorate(host, comment, parts) {
    // A deleted comment's placeholder has no tools (nor the parts to draw them into).
    if (comment.status === 'deleted') return;
    const edit = editor(host, comment);
    parts.body.hidden = !!edit;
    if (edit) parts.editor ??= parts.article.insertBefore(document.createElement('div'), parts.actions);
    if (parts.editor) render(edit ?? nothing, parts.editor);
    render(actions(host, comment), parts.actions);
  },
};

/** The selector of a comment's edit box. */
const editBox = (id: string) => `#edit-${CSS.escape(id)}`;

/** Keeps the grant but drops the edit being written (saved, or given up). */
function forgetDraft(host: Host, id: string, comment?: Comment) {
  const grant = grants(host)[id];
  if (grant) keepGrant(host, id, { token: grant.token, until: grant.until, comment: comment ?? grant.comment, thread: grant.thread });
}

async function cancelEdit(host: Host, comment: Comment) {
  forgetDraft(host, comment.id);
  await setChange(host, comment.id, null, `[data-edit="${CSS.escape(comment.id)}"]`);
}

/**
 * A refused token means the window has closed (or the comment is gone, or the token was a
 * decoy for a held post): says so, and the tools go while the comment's text stays. False
 * for any other failure.
 */
async function closeIfExpired(host: Host, id: string, error: unknown): Promise<boolean> {
  if (!(error instanceof ApiError) || (error.code !== 'forbidden' && error.code !== 'not_found')) return false;
  report(host, error.code, words(host).editExpired);
  keepGrant(host, id, null);
  await setChange(host, id, null);
  return true;
}

async function save(host: Host, comment: Comment, event: Event) {
  event.preventDefault();
  const grant = grants(host)[comment.id];
  const change = changesOf(host).get(comment.id);
  if (!grant || !change || change.saving) return;
  const textarea = host.query<HTMLTextAreaElement>(editBox(comment.id))!;
  const problem = problemWith(host, 'body', textarea.value);
  if (problem) return setChange(host, comment.id, { mode: 'editing', error: problem }, editBox(comment.id));
  await setChange(host, comment.id, { mode: 'editing', saving: true });
  try {
    const answer = await editComment(host.endpoint, comment.id, grant.token, { body: textarea.value.trim() });
    // An edit held for moderation: the answer says `pending`, on the comment or beside it.
    const held = (answer as { status?: string }).status === 'pending' || answer.comment.status === 'pending';
    const edited: Comment = { ...answer.comment, status: held ? 'pending' : answer.comment.status };
    const current = host.thread.comments.find((c) => c.id === edited.id);
    host.edits.replace(edited);
    if (current?.status === 'approved' && edited.status !== 'approved') host.edits.recount(-1);
    forgetDraft(host, comment.id, edited);
    const s = words(host);
    host.announce(held ? s.awaitingModeration : s.updated);
    emit(host.element, 'colloquy-edited', { comment: edited });
    await setChange(host, comment.id, null);
    host.article(comment.id)?.focus();
  } catch (error) {
    if (await closeIfExpired(host, comment.id, error)) return;
    const errors = formErrors(host, error, ['body']);
    const message = fail(host, error, errors);
    await setChange(host, comment.id, { mode: 'editing', error: errors.body ?? message }, editBox(comment.id));
  }
}

async function remove(host: Host, comment: Comment) {
  const grant = grants(host)[comment.id];
  if (!grant) return;
  await setChange(host, comment.id, { mode: 'confirming', saving: true });
  try {
    await deleteComment(host.endpoint, comment.id, grant.token);
    keepGrant(host, comment.id, null);
    // With replies, a placeholder keeps their place (as the endpoint lists it from now on).
    const hasReplies = host.thread.comments.some((c) => c.parentId === comment.id);
    const placeholder: Comment = { ...comment, status: 'deleted', body: '', author: { name: '', url: null, avatar: '' } };
    if (hasReplies) host.edits.replace(placeholder);
    else host.edits.remove(comment.id);
    if (comment.status === 'approved') host.edits.recount(-1);
    host.announce(words(host).removed);
    emit(host.element, 'colloquy-deleted', { id: comment.id });
    await setChange(host, comment.id, null);
    (hasReplies ? host.article(comment.id) : host.query('#heading'))?.focus();
  } catch (error) {
    if (await closeIfExpired(host, comment.id, error)) return;
    await setChange(host, comment.id, { mode: 'confirming', error: fail(host, error) });
  }
}
