/**
 * Every visitor-facing string the thread needs, in English: built into the script tag (the
 * form's are in en-form.ts, the writer's in en-writing.ts, Copy link's and a like's answers in en-interactions.ts, live updates' in en-live.ts). Other locales
 * (`./locales/*.ts`) are loaded on demand and typed against this object; site owners may
 * override any entry with the `strings` property or attribute.
 *
 * A message is plain text, or — where a number changes the wording — an object keyed by
 * `Intl.PluralRules` category (`one`, `few`, `many`, `other`, …) or by an exact number
 * (`"0"`). `{n}` is replaced by the number (formatted for the locale), `{name}` by a name.
 * Everything here is data, so overrides can be written as JSON.
 */
import type enForm from './en-form.js';
import type enInteractions from './en-interactions.js';
import type enLive from './en-live.js';
import type enWriting from './en-writing.js';

const en = {
  /** Heading of the thread, and the text of `<colloquy-count>`. */
  commentCount: { 0: 'No comments yet', one: '{n} Comment', other: '{n} Comments' },
  loading: 'Loading comments…',
  loadFailed: 'Comments could not be loaded.',
  retry: 'Retry',
  reply: 'Reply',
  loadMore: 'Load more comments',
  /** A button under a conversation whose later replies the endpoint held back. */
  moreReplies: { one: 'Show {n} more reply', other: 'Show {n} more replies' },
  /** The heading while the thread cannot be shown. */
  comments: 'Comments',
  /** The endpoint refused this page's origin (CORS): the site owner must allow it. */
  notAllowed: 'This site is not allowed to show comments from its comment server.',
  sort: 'Sort comments',
  oldest: 'Oldest first',
  newest: 'Newest first',
  /** The third order: most liked first. */
  top: 'Top',
  /** The badge on a comment the site's host wrote. */
  host: 'Host',
  /** The marker on a comment a moderator pinned. */
  pinned: 'Pinned',
  /** The like button's text (its count follows). */
  like: 'Like',
  /** In the form's place when the thread is closed, and when a post to it is refused. */
  closed: 'Comments are closed.',
  /** A post refused because the poster is banned. */
  banned: 'You cannot comment on this site.',
  copyLink: 'Copy link',
  deleted: 'This comment was deleted.',
  awaitingModeration: 'Your comment is awaiting moderation.',
  offline: 'You seem to be offline. Your comment is kept; try again later.',
};

/** Text chosen by a number: by exact value first, then by plural category, then `other`. */
export type PluralMessage = { other: string } & Partial<Record<Intl.LDMLPluralRule | number, string>>;

type Messages<T> = { [K in keyof T]: T[K] extends string ? string : PluralMessage };

/** The strings of the script tag, in every language. */
export type ReadingStrings = Messages<typeof en>;
/** The shape every locale has: the same keys as English (all four parts), each a string or a plural message. */
export type Strings = ReadingStrings & Messages<typeof enForm> & Messages<typeof enWriting> & Messages<typeof enInteractions> & Messages<typeof enLive>;

export default en satisfies ReadingStrings as ReadingStrings;
