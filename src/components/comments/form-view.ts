/** The "Leave a Comment" form, drawn from the form's state (see form-state.ts). */
import { html, nothing } from 'lit/html.js';
import enForm from '../../i18n/en-form.js';
import type { Strings } from '../../i18n/en.js';
import { say, type Localized } from '../../i18n/i18n.js';
import type { FormField, FormState } from './form-state.js';
import { maskEmail } from './storage.js';

/**
 * Every event of the form's controls goes to one handler: `submit`, `focusin` and `input` of
 * the form and its fields, `change` of the checkboxes, `click` of its buttons. What it does
 * is in form-actions.ts, downloaded on demand; the markup here needs nothing of it.
 */
export type FormHandler = (event: Event) => void;

function field(form: FormState, on: FormHandler, name: FormField, label: string, type = '', autocomplete = '') {
  const error = form.errors[name];
  const required = name !== 'url';
  const describedBy = error ? `${name}-error` : nothing;
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
          @input=${on}
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
          @input=${on}
        ></textarea>`}
    ${error ? html`<p part="error" id="${name}-error">${error}</p>` : nothing}
  </div>`;
}

function identity(form: FormState, on: FormHandler, s: Strings) {
  if (form.identityCollapsed) {
    return html`<p part="identity" class="notice">
      ${s.commentingAs} <strong>${form.fields.name.trim()}</strong> (${maskEmail(form.fields.email.trim())})
      <button type="button" @click=${on}>${s.changeDetails}</button>
    </p>`;
  }
  return html`${field(form, on, 'name', s.name, 'text', 'name')} ${field(form, on, 'email', s.email, 'email', 'email')}
  ${field(form, on, 'url', s.website, 'url', 'url')}`;
}

/** The form's heading when it is not a reply. */
export const leaveComment = (strings: Localized) => strings.leaveComment ?? enForm.leaveComment;

/** The form; `addTime` when the page has a player. English fills any form string the locale and the site left out. */
export function renderForm(form: FormState, on: FormHandler, strings: Localized, noRemember: boolean, addTime: boolean) {
  const s = { ...enForm, ...strings } as Strings;
  const { replyTo } = form;
  return html`<form
    part="form"
    novalidate
    aria-labelledby="form-heading"
    aria-busy=${form.posting ? 'true' : 'false'}
    @submit=${on}
    @focusin=${on}
  >
    <div>
      <h3 part="form-heading" id="form-heading">${replyTo ? say(s.replyTo, '', replyTo.author.name) : s.leaveComment}</h3>
      ${replyTo ? html`<button part="cancel-reply" type="button" @click=${on}>${s.cancelReply}</button>` : nothing}
    </div>
    <p part="privacy-notice" class="notice">${s.privacyNotice} ${s.requiredNotice} <span part="required" aria-hidden="true">*</span></p>
    <slot name="notice"></slot>
    ${field(form, on, 'body', s.comment)}
    ${addTime ? html`<button part="add-time" type="button" @click=${on}>${s.addTime}</button>` : nothing}
    ${identity(form, on, s)}
    <div class="visually-hidden" aria-hidden="true">
      <input name="homepage" tabindex="-1" autocomplete="off" />
    </div>
    ${noRemember
      ? nothing
      : html`<p part="remember">
          <input id="remember" type="checkbox" .checked=${form.remember} @change=${on} />
          <label for="remember">${s.remember}</label>
        </p>`}
    <p part="notify">
      <input id="notify" type="checkbox" .checked=${form.notify} @change=${on} />
      <label for="notify">${s.notify}</label>
    </p>
    ${form.formError ? html`<p part="error" class="form-error">${form.formError}</p>` : nothing}
    ${form.formNotice ? html`<p part="form-notice" class="notice">${form.formNotice}</p>` : nothing}
    <button part="submit" type="submit" ?disabled=${form.posting}>${form.posting ? s.posting : s.post}</button>
    <button part="manage" type="button" @click=${on}>${s.manageComments}</button>
  </form>`;
}
