/**
 * Every visitor-facing string, in English. Other locales are typed against this object,
 * and site owners may override any entry.
 */
const en = {
  /** Heading of the thread, by the number of approved comments. */
  commentCount: (n: number, plural: Intl.PluralRules) =>
    n === 0 ? 'No comments yet' : plural.select(n) === 'one' ? `${n} Comment` : `${n} Comments`,
  loading: 'Loading comments…',
  loadFailed: 'Comments could not be loaded.',
  retry: 'Retry',
  reply: 'Reply',
  loadMore: 'Load more comments',
  sort: 'Sort comments',
  oldest: 'Oldest first',
  newest: 'Newest first',
  addTime: 'Add current time',
  copyLink: 'Copy link',
  linkCopied: 'Link copied.',
  copyFailed: 'The link is now in the address bar.',
  deleted: 'This comment was deleted.',
  replyTo: (name: string) => `Reply to ${name}`,
  cancelReply: 'Cancel reply',
  leaveComment: 'Leave a Comment',
  comment: 'Comment',
  name: 'Name',
  email: 'Email',
  website: 'Website',
  privacyNotice: 'Your email address will not be published.',
  requiredNotice: 'Required fields are marked',
  remember: 'Save my name, email, and website in this browser for the next time I comment.',
  commentingAs: 'Commenting as',
  changeDetails: 'Change',
  post: 'Post Comment',
  posting: 'Posting…',
  awaitingModeration: 'Your comment is awaiting moderation.',
  posted: 'Comment posted.',
  required: {
    body: 'Please type your comment.',
    name: 'Please enter your name.',
    email: 'Please enter your email address.',
  },
  invalid: {
    email: 'Please enter a valid email address.',
    url: 'Please enter a web address starting with http:// or https://.',
    other: 'Please check this field.',
  },
  tooLong: (max: number) => `Please shorten this to ${max} characters or fewer.`,
  fixFields: (n: number) => (n === 1 ? 'Please correct the highlighted field.' : `Please correct the ${n} highlighted fields.`),
  offline: 'You seem to be offline. Your comment is kept; try again later.',
  serverError: 'The comment server failed. Your comment is kept; try again.',
  duplicate: "Duplicate comment detected; it looks as though you've already said that!",
  tooFast: (seconds: number) =>
    `You are posting comments too quickly. Slow down${seconds ? `: try again in ${seconds} s` : ''}.`,
  parentGone: 'The comment you are replying to is gone.',
  rejected: 'Your comment was not accepted. It is kept here.',
};

export type Strings = typeof en;
export default en;
