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
  replyTo: (name: string) => `Reply to ${name}`,
  replyToLabel: (name: string) => `Reply to ${name}`,
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
  posted: 'Your comment has been posted.',
  postedPending: 'Your comment was received and is awaiting moderation.',
  required: {
    body: 'Please type your comment.',
    name: 'Please enter your name.',
    email: 'Please enter your email address.',
  },
  invalid: {
    email: 'Please enter a valid email address, like name@example.com.',
    url: 'Please enter a web address starting with http:// or https://.',
    other: 'This value cannot be used.',
  },
  tooLong: (max: number) => `Please shorten this to ${max} characters or fewer.`,
  fixFields: (n: number) => (n === 1 ? 'Please correct the highlighted field.' : `Please correct the ${n} highlighted fields.`),
  offline: 'You appear to be offline. Your comment is kept here; please try again when you are back online.',
  serverError: 'The comment server had a problem. Your comment is kept here; please try again.',
  duplicate: "Duplicate comment detected; it looks as though you've already said that!",
  tooFast: (seconds: number | null) =>
    seconds
      ? `You are posting comments too quickly. Please try again in ${seconds} second${seconds === 1 ? '' : 's'}.`
      : 'You are posting comments too quickly. Please wait a moment and try again.',
  parentGone: 'The comment you are replying to is no longer available.',
  tooLarge: 'Your comment is too long to send.',
  forbidden: 'This page is not allowed to post to the comment server.',
  rejected: 'The comment server did not accept your comment. Your comment is kept here.',
};

export type Strings = typeof en;
export default en;
