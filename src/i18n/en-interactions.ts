/**
 * The strings only a reader's interactions say ("Copy link" pressed): they travel with the
 * interactions' chunk (interactions.ts), not in the script tag; locales carry them like any other.
 */
const enInteractions = {
  linkCopied: 'Link copied.',
  copyFailed: 'The link is now in the address bar.',
};

export default enInteractions;
