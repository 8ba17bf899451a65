/**
 * The strings of live updates (the `live` attribute): they travel with the live chunk
 * (components/comments/live.ts), not in the script tag; locales carry them like any other.
 */
const enLive = {
  /** The button that shows comments which arrived while reading. */
  newComments: { one: '{n} new comment', other: '{n} new comments' },
};

export default enLive;
