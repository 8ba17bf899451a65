/**
 * How a comment's date reads, in the widget and on the moderation page alike:
 * "November 20, 2026 at 10:00 AM" in English, each locale's own long date and short time.
 *
 * One formatter per locale, kept: the first one a page makes loads the locale's data
 * (about 10 ms), so the widget makes it while its first page is on the way (colloquy-comments.ts).
 */
import { perLocale } from './per-locale.js';

export const commentDates = perLocale((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }));
