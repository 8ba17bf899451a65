/**
 * What the "Leave a Comment" form does, as opposed to how it looks (form-view.ts): keeping
 * what is typed and the draft, the two checkboxes, "Post Comment" and "Manage my comments by
 * email" (through the writer), "Cancel reply", "Change" and "Add current time". It loads with
 * the reader's interactions (interactions.ts), on the first focus of the form or press of a
 * button, so a page that is only read never downloads it.
 *
 * Until it has arrived, what the visitor types waits in the fields themselves: every event
 * first reads the fields back from the form, so nothing typed meanwhile is lost, even when the
 * download failed and a later event brought the module.
 */
import { findPlayer } from './media.js';
import type { FormField } from './form-state.js';
import { AUTHOR_KEY, draftKey, write } from './storage.js';
import type { WriterHost as Host } from './writer-host.js';
import { chunk } from '../shared/chunk.js';

const FIELDS: readonly FormField[] = ['body', 'name', 'email', 'url'];

/** A random key; works on plain-http pages too, where `crypto.randomUUID` is missing. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Keeps the draft in the browser, so it survives failures and reloads. */
export function persistDraft(host: Host): void {
  const { form, endpoint, threadKey } = host;
  const { fields, replyTo, notify } = form;
  // The key that makes a retried post count once is made with the draft's first word.
  const idempotencyKey = (form.idempotencyKey ||= newIdempotencyKey());
  write(
    draftKey(endpoint, threadKey),
    fields.body.trim() === '' && !replyTo && !notify ? null : { body: fields.body, parentId: replyTo?.id ?? null, idempotencyKey, ...(notify ? { notify } : {}) },
  );
}

/** The fields and boxes as they are in the form now (what the form does not show keeps its value). */
function readForm(host: Host) {
  const { form } = host;
  const control = (id: string) => host.query<HTMLInputElement>(`#${id}`);
  const fields = { ...form.fields };
  for (const field of FIELDS) fields[field] = control(field)?.value ?? fields[field];
  form.set({ fields, remember: control('remember')?.checked ?? form.remember, notify: control('notify')?.checked ?? form.notify });
}

/** The writer (posting, and one's own comments' tools), downloaded once, when the visitor first writes. */
export const writer = () => chunk(import.meta.url, './writer.js', () => import('./writer.js'));

/** The writer, or `undefined` (said in the form) when it cannot be downloaded; the draft is already kept. */
async function writing(host: Host) {
  const module = await writer().catch(() => undefined);
  if (!module) {
    host.form.set({ formError: host.strings.offline });
    host.announce(host.strings.offline);
  }
  return module;
}

/** An event of the form's (see form-view.ts), by its type and the control it came from. */
export async function handleForm(host: Host, type: string, target: HTMLElement): Promise<void> {
  // About to write: the writer comes now, so posting need not wait for it.
  if (type === 'focusin') return void writer().catch(() => {});
  const { form } = host;
  const { id } = target;
  const part = target.getAttribute('part');
  readForm(host);
  persistDraft(host);
  if (type === 'input') {
    if (form.errors[id as FormField]) (await writing(host))?.recheck(host, id as FormField);
  } else if (type === 'change') {
    if (!form.remember) write(AUTHOR_KEY, null);
  } else if (type === 'submit') {
    if (!form.posting) await (await writing(host))?.submit(host);
  } else if (part === 'manage') await (await writing(host))?.requestManageLink(host);
  else if (part === 'add-time') await addTime(host);
  else if (part === 'cancel-reply') await cancelReply(host);
  else await changeDetails(host);
}

async function cancelReply(host: Host) {
  const { form } = host;
  const id = form.replyTo?.id ?? '';
  form.set({ replyTo: null, formError: '' });
  persistDraft(host);
  await host.updateComplete;
  host.query(`[data-reply-to="${CSS.escape(id)}"]`)?.focus();
}

/** "Change" beside "Commenting as …": the saved details become fields again. */
async function changeDetails(host: Host) {
  host.form.set({ identityCollapsed: false });
  await host.updateComplete;
  host.query('#name')?.focus();
}

/** 754 → `12:34`, 3723 → `1:02:03`: the form visitors type and the widget links. */
export function formatTime(totalSeconds: number): string {
  const t = Math.floor(totalSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(t / 3600);
  const m = Math.floor(t / 60) % 60;
  return h ? `${h}:${pad(m)}:${pad(t % 60)}` : `${m}:${pad(t % 60)}`;
}

/** Inserts the player's position at the cursor, as a timestamp the thread will link. */
async function addTime(host: Host) {
  const player = findPlayer(host.player);
  const box = host.query<HTMLTextAreaElement>('#body');
  if (!player || !box) return;
  const { form } = host;
  const { selectionStart: from, selectionEnd: to, value } = box;
  const before = value.slice(0, from);
  const insert = `${before && !/\s$/.test(before) ? ' ' : ''}${formatTime(player.currentTime)} `;
  form.set({ fields: { ...form.fields, body: before + insert + value.slice(to) } });
  persistDraft(host);
  await host.updateComplete;
  box.focus();
  box.setSelectionRange(from + insert.length, from + insert.length);
}
