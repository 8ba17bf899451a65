/**
 * The local spam rules, checked on every new comment before anything is stored: the
 * honeypot, the blocked and moderation word lists, the form's age, and the number of
 * links; and on every edit of one, the word lists and links again (an edit has no form
 * or honeypot). Each is cheap and needs no network; Akismet (akismet.ts) comes after them.
 */
import { domainToUnicode } from 'node:url';
import type { HoldReason } from '../../api/admin-contract.js';
import type { SpamConfig } from '../config.js';
import type { FormTokens } from '../security/form-token.js';

/** What a rule decided: spam, or held for a person, and why. `null` when no rule objected. */
export type Verdict = { status: 'spam' | 'pending'; reason: HoldReason } | null;

/** What the word lists and the link limit read: the author's fields and the text. */
export interface ScreenedText {
  name: string;
  email: string;
  url: string | null;
  body: string;
  /**
   * The client's address as the server reads it (canonical spelling, client-address.ts), when
   * known: the word lists match it too, as WordPress's disallowed keys do (`203.0.113.` bans a range).
   */
  address?: string | null;
}

export interface ScreenedComment extends ScreenedText {
  /** As sent: anything but an empty string (or nothing) counts as filled in. */
  honeypot: unknown;
  formToken: unknown;
}

export type SpamRules = Pick<SpamConfig, 'minFormSeconds' | 'maxLinks' | 'moderationWords' | 'blockedWords'>;

// A link as people write one in plain text; `https://www.` is one link, not two.
const LINK = /(?:https?:\/\/|\bwww\.)\S*/gi;

export function countLinks(text: string): number {
  return text.match(LINK)?.length ?? 0;
}

/**
 * A website as people read it: stored websites are normalized, which percent-encodes
 * letters beyond ASCII and turns an international host into punycode, where a word of
 * the lists would no longer be found.
 */
function readableWebsite(url: string): string {
  let readable = url;
  try {
    readable = decodeURI(url);
  } catch {
    // A stray `%` that decodes to nothing: the url as stored is all there is to read.
  }
  try {
    const host = new URL(url).hostname;
    if (host.includes('xn--')) readable += `\n${domainToUnicode(host)}`;
  } catch {
    // Not a URL at all (an imported row): read as it is.
  }
  return readable;
}

/** The first word of `words` found in any of the comment's fields, case-insensitively. */
function findWord(comment: ScreenedText, words: string[]): string | undefined {
  if (words.length === 0) return undefined;
  const url = comment.url === null ? '' : `${comment.url}\n${readableWebsite(comment.url)}`;
  const haystack = [comment.name, comment.email, url, comment.body, comment.address ?? ''].join('\n').toLowerCase();
  return words.find((word) => haystack.includes(word));
}

function honeypotFilled(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  // A bot may fill it with anything; only people leave it empty.
  return typeof value !== 'string' || value.trim() !== '';
}

/** Spam first (it decides alone), then the reasons to hold, most telling first. */
export function screen(comment: ScreenedComment, rules: SpamRules, forms: FormTokens | null, now: number): Verdict {
  if (honeypotFilled(comment.honeypot)) return { status: 'spam', reason: 'honeypot' };
  if (findWord(comment, rules.blockedWords) !== undefined) return { status: 'spam', reason: 'blocked_word' };
  if (forms && rules.minFormSeconds > 0) {
    const token = forms.check(comment.formToken, now);
    // No token at all is an older client, not a bot: it is let through (docs/server.md).
    if (token.kind === 'invalid') return { status: 'pending', reason: 'form_token_invalid' };
    if (token.kind === 'age' && token.ms < rules.minFormSeconds * 1000) return { status: 'pending', reason: 'form_too_fast' };
  }
  return holdFor(comment, rules);
}

/**
 * The rules that read the text, for an author's edit: what a post with these fields would
 * be told by the word lists and the link limit, in the same order.
 */
export function screenText(comment: ScreenedText, rules: SpamRules): Verdict {
  if (findWord(comment, rules.blockedWords) !== undefined) return { status: 'spam', reason: 'blocked_word' };
  return holdFor(comment, rules);
}

function holdFor(comment: ScreenedText, rules: SpamRules): Verdict {
  if (rules.maxLinks !== null && countLinks(comment.body) > rules.maxLinks) return { status: 'pending', reason: 'links' };
  if (findWord(comment, rules.moderationWords) !== undefined) return { status: 'pending', reason: 'moderation_word' };
  return null;
}
