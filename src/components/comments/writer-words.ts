/**
 * The words the writer's failures are told in, shared by the form (writer.ts) and the tools for
 * one's own comments (own-comments.ts): field problems in the visitor's language, and a failed
 * request announced and fired as `colloquy-error`.
 */
import { ApiError } from '../../api/client.js';
import { LIMITS, type FieldName } from '../../api/contract.js';
import { fieldProblem } from '../../api/validate.js';
import { emit } from '../../events/events.js';
import enWriting from '../../i18n/en-writing.js';
import { say } from '../../i18n/i18n.js';
import type { FormField } from './form-state.js';
import type { WriterHost as Host } from './writer-host.js';

export const FORM_FIELDS: readonly FormField[] = ['body', 'name', 'email', 'url'];
const REQUIRED = { body: 'requiredBody', name: 'requiredName', email: 'requiredEmail' } as const;
export type Errors = Partial<Record<FormField, string>>;

/** The element's strings, with English for any writing string its locale and the site left out. */
export const words = (host: Host) => ({ ...enWriting, ...host.strings });

/** The message for what is wrong with a value as typed, or `''`. */
export function problemWith(host: Host, field: FormField, text = host.form.fields[field]): string {
  const problem = fieldProblem(field, text.trim());
  return problem ? fieldMessage(host, field, problem) : '';
}

/** A field problem from the endpoint, in the visitor's words. */
export function fieldMessage(host: Host, field: FormField, problem: string): string {
  const s = words(host);
  if (problem === 'required' && field !== 'url') return s[REQUIRED[field]];
  if (problem === 'too_long') return say(s.tooLong, host.locale, LIMITS[field]);
  return field === 'email' ? s.invalidEmail : field === 'url' ? s.invalidUrl : s.invalidOther;
}

/** Words a failed request for the visitor, announces it and fires `colloquy-error`. */
export function fail(host: Host, error: unknown, fieldErrors: Errors = {}): string {
  const s = words(host);
  const e = error instanceof ApiError ? error : new ApiError('network');
  const byCode: Record<string, string> = {
    network: s.offline,
    duplicate: s.duplicate,
    too_fast: say(s.tooFast, host.locale, e.retryAfter),
    server_error: s.serverError,
    not_found: s.parentGone,
    forbidden_origin: s.notAllowed,
    thread_closed: s.closed,
    banned: s.banned,
  };
  const fields = Object.keys(fieldErrors).length;
  return report(host, e.code, fields ? say(s.fixFields, host.locale, fields) : (byCode[e.code] ?? s.rejected));
}

/** Announces a failure and fires `colloquy-error` with the same words; returns them. */
export function report(host: Host, code: string, message: string): string {
  host.announce(message);
  emit(host.element, 'colloquy-error', { code, message });
  return message;
}

/** The endpoint's field errors that belong to form fields. */
export function formErrors(host: Host, error: unknown, only: readonly FormField[] = FORM_FIELDS): Errors {
  const errors: Errors = {};
  const problems: Partial<Record<FieldName, string>> = error instanceof ApiError && error.code === 'invalid_request' ? error.fields : {};
  for (const field of only) if (problems[field]) errors[field] = fieldMessage(host, field, problems[field]);
  return errors;
}
