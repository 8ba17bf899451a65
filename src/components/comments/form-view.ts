/** The "Leave a Comment" form, drawn from the form's state (see form-state.ts). */
import { html, nothing } from 'lit/html.js';
import type { Localized } from '../../i18n/i18n.js';
import { say } from '../../i18n/i18n.js';
import type { FormField, FormState } from './form-state.js';
import { maskEmail } from './storage.js';

/** What the form's controls call. */
export interface FormActions {
  input(field: FormField, event: Event): void;
  submit(event: Event): void;
  /** The form is about to be used: a chance to fetch the writer. */
  focusin(): void;
  cancelReply(): void;
  changeDetails(): void;
  remember(event: Event): void;
  notify(event: Event): void;
  /** "Manage my comments by email": sends the address typed a link to its comments. */
  manage(): void;
  honeypot(event: Event): void;
  /** Present when the page has a player. */
  addTime?: () => void;
}

function field(form: FormState, actions: FormActions, name: FormField, label: string, type = '', autocomplete = '') {
  const error = form.errors[name];
  const required = name !== 'url';
  const describedBy = error ? `${name}-error` : nothing;
  const input = (e: Event) => actions.input(name, e);
  return html`<div class="field">
    <label part="label" for=${name}>${label}${required ? html` <span part="required" aria-hidden="true">*</span>` : nothing}</label>
    ${type
      ? html`<input
          part="input"
          id=${name}
          name=${name}
          type=${type}
          autocomplete=${autocomplete}
          ?required=${required}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${describedBy}
          .value=${form.fields[name]}
          @input=${input}
        />`
      : html`<textarea
          part="textarea"
          id=${name}
          name=${name}
          rows="6"
          dir="auto"
          ?required=${required}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${describedBy}
          .value=${form.fields[name]}
          @input=${input}
        ></textarea>`}
    ${error ? html`<p part="error" id="${name}-error">${error}</p>` : nothing}
  </div>`;
}

function identity(form: FormState, actions: FormActions, s: Localized) {
  if (form.identityCollapsed) {
    return html`<p part="identity" class="notice">
      ${s.commentingAs} <strong>${form.fields.name.trim()}</strong> (${maskEmail(form.fields.email.trim())})
      <button type="button" @click=${actions.changeDetails}>${s.changeDetails}</button>
    </p>`;
  }
  return html`${field(form, actions, 'name', s.name, 'text', 'name')} ${field(form, actions, 'email', s.email, 'email', 'email')}
  ${field(form, actions, 'url', s.website, 'url', 'url')}`;
}

export function renderForm(form: FormState, actions: FormActions, s: Localized, noRemember: boolean) {
  const { replyTo } = form;
  return html`<form
    part="form"
    novalidate
    aria-labelledby="form-heading"
    aria-busy=${form.posting ? 'true' : 'false'}
    @submit=${actions.submit}
    @focusin=${actions.focusin}
  >
    <div>
      <h3 part="form-heading" id="form-heading">${replyTo ? say(s.replyTo, '', replyTo.author.name) : s.leaveComment}</h3>
      ${replyTo ? html`<button part="cancel-reply" type="button" @click=${actions.cancelReply}>${s.cancelReply}</button>` : nothing}
    </div>
    <p part="privacy-notice" class="notice">${s.privacyNotice} ${s.requiredNotice} <span part="required" aria-hidden="true">*</span></p>
    <slot name="notice"></slot>
    ${field(form, actions, 'body', s.comment)}
    ${actions.addTime ? html`<button part="add-time" type="button" @click=${actions.addTime}>${s.addTime}</button>` : nothing}
    ${identity(form, actions, s)}
    <div class="visually-hidden" aria-hidden="true">
      <input name="homepage" tabindex="-1" autocomplete="off" @input=${actions.honeypot} />
    </div>
    ${noRemember
      ? nothing
      : html`<p part="remember">
          <input id="remember" type="checkbox" .checked=${form.remember} @change=${actions.remember} />
          <label for="remember">${s.remember}</label>
        </p>`}
    <p part="notify">
      <input id="notify" type="checkbox" .checked=${form.notify} @change=${actions.notify} />
      <label for="notify">${s.notify}</label>
    </p>
    ${form.formError ? html`<p part="error" class="form-error">${form.formError}</p>` : nothing}
    ${form.formNotice ? html`<p part="form-notice" class="notice">${form.formNotice}</p>` : nothing}
    <button part="submit" type="submit" ?disabled=${form.posting}>${form.posting ? s.posting : s.post}</button>
    <button part="manage" type="button" @click=${actions.manage}>${s.manageComments}</button>
  </form>`;
}
