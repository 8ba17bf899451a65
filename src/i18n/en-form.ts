/**
 * The strings only the "Leave a Comment" form shows: they travel with the form's chunk
 * (form.ts, fetched with the thread), not in the script tag; locales carry them like any other.
 */
const enForm = {
  addTime: 'Add current time',
  replyTo: 'Reply to {name}',
  cancelReply: 'Cancel reply',
  leaveComment: 'Leave a Comment',
  comment: 'Comment',
  name: 'Name',
  email: 'Email',
  website: 'Website',
  privacyNotice: 'Your email address will not be published.',
  requiredNotice: 'Required fields are marked',
  remember: 'Save my name, email, and website in this browser for the next time I comment.',
  /** The opt-in under the form, unticked by default: a confirmation email comes first. */
  notify: 'Notify me of replies to my comment by email.',
  /** A button under the form: emails the address typed a link to a page of its comments. */
  manageComments: 'Manage my comments by email',
  commentingAs: 'Commenting as',
  changeDetails: 'Change',
  post: 'Post Comment',
  posting: 'Posting…',
};

export default enForm;
