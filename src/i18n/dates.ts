/**
 * How a comment's date reads, in the widget and on the moderation page alike:
 * "November 20, 2026 at 10:00 AM" in English, each locale's own long date and short time.
 */
export const commentDates = (locale?: string): Intl.DateTimeFormat => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
