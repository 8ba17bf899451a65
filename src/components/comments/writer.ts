/**
 * Everything a visitor needs only once they write: checking and posting the form, and
 * editing or deleting their own comment within its 15-minute window (own-comments.ts).
 * `<colloquy-comments>` loads this module when the form is first used, or when the visitor has
 * a fresh comment on the page, so readers never download it (it is not part of the script
 * tag's budget).
 */
import type { Comment } from '../../api/contract.js';
import { postComment, requestManageLink as askForLink } from '../../api/writes.js';
import { ApiError } from '../../api/client.js';
import { emit } from '../../events/events.js';
import { say } from '../../i18n/i18n.js';
import type { FormField } from './form-state.js';
import { expireLater, keepGrant, tools, type Grant } from './own-comments.js';
import { AUTHOR_KEY, draftKey, write } from './storage.js';
import type { WriterHost as Host } from './writer-host.js';
import { FORM_FIELDS, fail, formErrors, problemWith, report, words, type Errors } from './writer-words.js';

export { watchGrants } from './own-comments.js';

/** Clears a field's error once what is typed is right. */
export function recheck(host: Host, field: FormField): void {
  if (problemWith(host, field, host.query<HTMLInputElement>(`#${field}`)?.value)) return;
  const { [field]: _fixed, ...rest } = host.form.errors;
  host.form.set({ errors: rest });
}

/**
 * Runs the browser's constraint validation with our rules as custom validity (so
 * whitespace-only counts as empty) on the fields as they are now, typing since the press that
 * fetched the writer included; returns the invalid fields in form order.
 */
function validate(host: Host): FormField[] {
  const errors: Errors = {};
  const fields = { ...host.form.fields };
  for (const field of FORM_FIELDS) {
    const control = host.query<HTMLInputElement | HTMLTextAreaElement>(`#${field}`);
    const message = problemWith(host, field, (fields[field] = control?.value ?? fields[field]));
    control?.setCustomValidity(message);
    if (control ? !control.checkValidity() : message) errors[field] = control?.validationMessage || message;
  }
  host.form.set({ fields, errors });
  return FORM_FIELDS.filter((f) => errors[f]);
}

async function focusFirstInvalid(host: Host, fields: FormField[]) {
  if (fields.some((f) => f !== 'body')) host.form.set({ identityCollapsed: false });
  await host.updateComplete;
  host.query(`#${fields[0]}`)?.focus();
}

/** Pressing "Post Comment": check, ask listeners, post once (a retry reuses the key), settle. */
export async function submit(host: Host): Promise<void> {
  const s = words(host);
  const { form } = host;
  const invalid = validate(host);
  form.set({ formError: '', formNotice: '' });
  if (invalid.length) {
    host.announce(say(s.fixFields, host.locale, invalid.length));
    return focusFirstInvalid(host, invalid);
  }
  const { body, name, email, url } = form.fields;
  const author = { name: name.trim(), url: url.trim() || null };
  const detail = { thread: host.threadKey, parentId: form.replyTo?.id ?? null, author, body: body.trim() };
  if (!emit(host.element, 'colloquy-submit', detail, true)) return;

  form.set({ posting: true });
  try {
    const posted = await postComment(host.endpoint, {
      ...detail,
      author: { name: author.name, email: email.trim(), ...(author.url ? { url: author.url } : {}) },
      idempotencyKey: form.idempotencyKey,
      formToken: host.thread.formToken,
      // What a bot typed into the field people never see.
      honeypot: host.query<HTMLInputElement>('[name="homepage"]')?.value ?? '',
      // Where links in emails about this comment lead (a reply's notification links its permalink here).
      page: location.href.split('#')[0],
      // Only a ticked box is sent: the endpoint keeps nothing for an unticked one. The locale is the emails' language.
      ...(form.notify ? { notify: true, locale: host.locale } : {}),
    });
    const grant: Grant = { token: posted.editToken, until: Date.parse(posted.editableUntil), comment: posted.comment, thread: host.threadKey };
    // An endpoint of one's own may leave editing out: then there are simply no tools.
    if (grant.token && grant.until > Date.now()) {
      keepGrant(host, posted.comment.id, grant);
      host.useTools(tools);
      expireLater(host, grant);
    }
    await settlePosted(host, posted.comment);
  } catch (error) {
    const errors = formErrors(host, error);
    const message = fail(host, error, errors);
    form.set({ errors });
    const fields = FORM_FIELDS.filter((f) => errors[f]);
    if (fields.length) await focusFirstInvalid(host, fields);
    else form.set({ formError: message });
  } finally {
    form.set({ posting: false });
  }
}

/**
 * "Manage my comments by email": asks the endpoint to email the address typed a link to the
 * page of its comments. The answer is the same whether or not the address wrote any.
 */
export async function requestManageLink(host: Host): Promise<void> {
  const { form } = host;
  const s = words(host);
  const problem = problemWith(host, 'email');
  form.set({ formError: '', formNotice: '', errors: { ...form.errors, email: problem || undefined } });
  if (problem) {
    host.announce(problem);
    return focusFirstInvalid(host, ['email']);
  }
  form.set({ posting: true });
  try {
    await askForLink(host.endpoint, { email: form.fields.email.trim(), locale: host.locale });
    form.set({ formNotice: s.manageSent });
    host.announce(s.manageSent);
  } catch (error) {
    const errors = formErrors(host, error, ['email']);
    const unavailable = error instanceof ApiError && error.code === 'not_found';
    const message = unavailable ? report(host, 'not_found', s.manageUnavailable) : errors.email ? '' : fail(host, error, errors);
    form.set({ errors: { ...form.errors, ...errors }, formError: message });
    if (errors.email) await focusFirstInvalid(host, ['email']);
  } finally {
    form.set({ posting: false });
  }
}

/** After a post: an empty form, a new draft, the details kept if asked. */
function posted(host: Host) {
  const { form } = host;
  form.set({ replyTo: null, fields: { ...form.fields, body: '' }, idempotencyKey: '', notify: false });
  write(draftKey(host.endpoint, host.threadKey), null);
  if (!form.remember || host.element.noRemember) return;
  const { name, email, url } = form.fields;
  write(AUTHOR_KEY, { name: name.trim(), email: email.trim(), url: url.trim() });
  form.set({ identityCollapsed: true });
}

async function settlePosted(host: Host, comment: Comment) {
  if (!host.thread.comments.some((c) => c.id === comment.id)) {
    host.edits.add(comment);
    if (comment.status === 'approved') host.edits.recount(1);
  }
  posted(host);
  const s = words(host);
  host.announce(comment.status === 'pending' ? s.awaitingModeration : s.posted);
  emit(host.element, 'colloquy-posted', { comment });
  await host.updateComplete;
  host.article(comment.id)?.focus();
}
