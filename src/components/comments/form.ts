/**
 * The "Leave a Comment" form's chunk: its state, its markup, its styles and its English
 * strings. `<colloquy-comments>` fetches it when it requests the thread (in parallel with the
 * thread's JSON), so the script tag holds only what showing a thread needs; until it arrives
 * the form's place is reserved. What the form does is in form-actions.ts (with the interactions).
 */
import { css } from '../shared/css.js';

export { FormState } from './form-state.js';
export { leaveComment, renderForm } from './form-view.js';

/** The form's own rules (the edit form of one's own comment reuses the field ones). */
export const formStyles = css`
  .field {
    display: grid;
    gap: 0.25em;
    margin-block: var(--_gap);
  }
  [aria-invalid='true'] {
    border: 2px solid var(--_danger);
  }
  [part~='required'],
  [part~='error'] {
    color: var(--_danger);
  }
  [type='checkbox'] {
    inline-size: auto;
  }
  [part~='manage'] {
    margin-inline-start: 1em;
  }
`;
