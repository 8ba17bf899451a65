/**
 * The strings only a reader's interactions say ("Copy link" pressed, a like): they travel with the
 * interactions' chunk (interactions.ts), not in the script tag; locales carry them like any other.
 */
const enInteractions = {
  linkCopied: 'Link copied.',
  copyFailed: 'The link is now in the address bar.',
  /** Announced after a like or unlike: the comment's new count. */
  likeCount: { one: '{n} like', other: '{n} likes' },
  likeFailed: 'Your like could not be saved. Try again later.',
  likesOff: 'Likes are turned off on this site.',
};

export default enInteractions;
