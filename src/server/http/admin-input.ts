/** The admin API's input, checked: list filters, a change to one comment, a bulk change. Anything wrong is a 400. */
import { ADMIN_SORTS, ADMIN_STATUSES, MAX_BULK_IDS, type AdminStatus } from '../../api/admin-contract.js';
import { LIMITS, PAGE_SIZE } from '../../api/contract.js';
import { charLength, fieldProblem, hasUnstorableChars, parseLimit, parseSort, websiteHref } from '../../api/validate.js';
import { decodeCursor } from './cursor.js';
import { invalidRequest, type ErrorFields } from './errors.js';
import { parseId } from './ids.js';
import { isObject, problemsMessage } from './input.js';
import type { AdminPageQuery, StoredStatus } from '../store/comment-store.js';

/** Longest search text: more than anyone types into a search box. */
const MAX_SEARCH_CHARS = 200;
// A date, or a date and time with its offset; a time without one would mean the server's zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export interface AdminChange {
  status?: StoredStatus;
  fields?: { name?: string; url?: string | null; body?: string };
}

function isStatus(value: unknown): value is AdminStatus {
  return typeof value === 'string' && (ADMIN_STATUSES as readonly string[]).includes(value);
}

export function parseAdminQuery(query: Record<string, string | undefined>, statuses: string[] | undefined): AdminPageQuery {
  const problems: ErrorFields = {};
  let chosen: StoredStatus[] | null = null;
  if (statuses && statuses.length > 0) {
    if (!statuses.every(isStatus)) problems.status = 'invalid';
    else chosen = [...new Set(statuses)];
  }

  const q = query.q?.trim() ?? '';
  if (charLength(q) > MAX_SEARCH_CHARS) problems.q = 'too_long';
  else if (hasUnstorableChars(q)) problems.q = 'invalid';

  const thread = query.thread ?? '';
  if (charLength(thread) > LIMITS.thread) problems.thread = 'too_long';
  else if (hasUnstorableChars(thread)) problems.thread = 'invalid';

  const since = parseTime(problems, 'since', query.since);
  const before = parseTime(problems, 'before', query.before);
  if (Object.keys(problems).length > 0) throw invalidRequest('Please check the highlighted filters.', problems);

  let limit: number = PAGE_SIZE.default;
  if (query.limit !== undefined) {
    limit = parseLimit(query.limit) ?? NaN;
    if (!(limit <= PAGE_SIZE.max)) throw invalidRequest(`limit must be a whole number from 1 to ${PAGE_SIZE.max}.`);
  }
  const sort = parseSort(query.sort, ADMIN_SORTS, 'newest');
  if (!sort) throw invalidRequest('sort must be newest or oldest.');

  let after: AdminPageQuery['after'] = null;
  if (query.cursor !== undefined && query.cursor !== '') {
    const cursor = decodeCursor(query.cursor);
    if (!cursor || cursor.sort !== sort) throw invalidRequest('The cursor is not valid for this order; start again from the first page.');
    after = cursor.after;
  }
  return { statuses: chosen, search: q === '' ? null : q, thread: thread === '' ? null : thread, since, before, sort, limit, after };
}

function parseTime(problems: ErrorFields, field: 'since' | 'before', value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const time = ISO_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) {
    problems[field] = 'invalid';
    return null;
  }
  return time;
}

/** The body of `PATCH /api/admin/comments/{id}`: a status, new text, or both. */
export function parseAdminChange(input: unknown): AdminChange {
  if (!isObject(input)) throw invalidRequest('The request body must be a JSON object.');
  const problems: ErrorFields = {};
  const change: AdminChange = {};
  const fields: NonNullable<AdminChange['fields']> = {};

  if (input.status !== undefined) {
    if (isStatus(input.status)) change.status = input.status;
    else problems.status = 'invalid';
  }
  if (input.name !== undefined) {
    const name = typeof input.name === 'string' ? input.name.trim() : undefined;
    const problem = name === undefined ? 'invalid' : fieldProblem('name', name);
    if (problem) problems.name = problem;
    else fields.name = name;
  }
  let typedUrl: string | undefined;
  if (input.url !== undefined) {
    typedUrl = input.url === null ? '' : typeof input.url === 'string' ? input.url.trim() : undefined;
    // Stored as the public API stores one: normalized, never with a user name or password.
    const href = typedUrl ? websiteHref(typedUrl) : undefined;
    const problem = typedUrl === undefined ? 'invalid' : fieldProblem('url', typedUrl);
    if (problem) problems.url = problem;
    else fields.url = href ?? null;
  }
  if (input.body !== undefined) {
    const body = typeof input.body === 'string' ? input.body.trim() : undefined;
    const problem = body === undefined ? 'invalid' : fieldProblem('body', body);
    if (problem) problems.body = problem;
    else fields.body = body;
  }
  if (Object.keys(problems).length > 0) throw invalidRequest(problemsMessage(problems, typedUrl), problems);
  if (Object.keys(fields).length > 0) change.fields = fields;
  if (!change.status && !change.fields) throw invalidRequest('Say what to change: status, name, url or body.');
  return change;
}

/** The body of `POST /api/admin/comments/bulk`: ids in the order given, each once. */
export function parseBulkChange(input: unknown): { ids: number[]; status: StoredStatus } {
  if (!isObject(input)) throw invalidRequest('The request body must be a JSON object.');
  const problems: ErrorFields = {};
  const ids: number[] = [];
  if (!Array.isArray(input.ids) || input.ids.length === 0) problems.ids = 'required';
  else if (input.ids.length > MAX_BULK_IDS) problems.ids = 'too_long';
  else {
    for (const item of input.ids) {
      const id = typeof item === 'string' ? parseId(item) : undefined;
      if (id === undefined) problems.ids = 'invalid';
      else if (!ids.includes(id)) ids.push(id);
    }
  }
  if (!isStatus(input.status)) problems.status = input.status === undefined ? 'required' : 'invalid';
  if (Object.keys(problems).length > 0) {
    throw invalidRequest(`Send {"ids": [...], "status": ...} with 1 to ${MAX_BULK_IDS} comment ids.`, problems);
  }
  return { ids, status: input.status as StoredStatus };
}
