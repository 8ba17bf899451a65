/**
 * The strings only a visitor who writes needs: form checks, the answers to a post, and the
 * tools for one's own fresh comment. They travel with the writer module (loaded when the
 * form is first used), not in the script tag; locales carry them like any other string.
 */
const enWriting = {
  posted: 'Comment posted.',
  requiredBody: 'Please type your comment.',
  requiredName: 'Please enter your name.',
  requiredEmail: 'Please enter your email address.',
  invalidEmail: 'Please enter a valid email address.',
  invalidUrl: 'Please enter a web address starting with http:// or https://.',
  invalidOther: 'Please check this field.',
  tooLong: 'Please shorten this to {n} characters or fewer.',
  fixFields: { one: 'Please correct the highlighted field.', other: 'Please correct the {n} highlighted fields.' },
  serverError: 'The comment server failed. Your comment is kept; try again.',
  duplicate: "Duplicate comment detected; it looks as though you've already said that!",
  tooFast: {
    0: 'You are posting comments too quickly. Slow down.',
    one: 'You are posting comments too quickly. Slow down: try again in {n} second.',
    other: 'You are posting comments too quickly. Slow down: try again in {n} seconds.',
  },
  parentGone: 'The comment you are replying to is gone.',
  rejected: 'Your comment was not accepted. It is kept here.',
  /** Shown on one's own comment for 15 minutes after posting it. */
  edit: 'Edit',
  delete: 'Delete',
  editLabel: 'Edit your comment',
  save: 'Save',
  cancel: 'Cancel',
  saving: 'Saving…',
  confirmDelete: 'Delete this comment? This cannot be undone.',
  updated: 'Comment updated.',
  removed: 'Comment deleted.',
  editExpired: 'The time for changing this comment has run out.',
  /** After "Manage my comments by email": said whether or not the address wrote anything. */
  /** After "Manage my comments by email", from an endpoint that sends no email. */
  manageUnavailable: 'This site does not send email, so it cannot send you a link to your comments.',
  manageSent: 'If comments here were written with this address, a link to see, download or delete them is on its way to it.',
};

export default enWriting;
