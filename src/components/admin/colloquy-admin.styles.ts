import { css } from '../shared/css.js';

export const styles = css`
  :host {
    font-size: 15px;
    line-height: 1.5;
    max-inline-size: 64rem;
    margin-inline: auto;
    padding: 1rem;
    overflow-wrap: anywhere;
  }
  h1 {
    font-size: 1.5rem;
    margin: 0;
  }
  h2 {
    font-size: 1rem;
    margin: 0;
  }
  header,
  .views,
  .tabs,
  .filters,
  .bulk,
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: center;
    margin-block: 0.75rem;
  }
  header {
    justify-content: space-between;
  }
  button {
    font: inherit;
    min-block-size: 2.25rem;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    padding: 0.35em 0.9em;
    background: var(--_accent);
    color: var(--_accent-text);
    cursor: pointer;
  }
  button.quiet,
  .views button[aria-pressed='false'],
  .tabs button[aria-pressed='false'] {
    background: none;
    color: var(--_accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .count {
    font-variant-numeric: tabular-nums;
    opacity: 0.85;
  }
  input,
  textarea {
    font: inherit;
    color: inherit;
    background: inherit;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.35em 0.5em;
  }
  label {
    display: inline-flex;
    gap: 0.35rem;
    align-items: center;
  }
  input:not([type='checkbox'], [type='radio']) {
    min-block-size: 2.25rem;
  }
  input[type='checkbox'],
  input[type='radio'] {
    inline-size: 1rem;
    block-size: 1rem;
    margin: 0;
    flex: none;
    accent-color: var(--_accent);
  }
  /* One line at desktop widths: the search and thread fields share what the dates leave. */
  .filters {
    flex-wrap: nowrap;
  }
  .filters label {
    flex: 1 1 0;
    min-inline-size: 0;
    white-space: nowrap;
  }
  .filters label.q {
    flex-grow: 1.6;
  }
  .filters label.date {
    flex: 0 1 auto;
  }
  .filters label input {
    flex: 1 1 auto;
    min-inline-size: 0;
    inline-size: 100%;
  }
  .filters label.date input {
    inline-size: 9.75rem;
  }
  .stack {
    display: block;
    font-weight: 600;
  }
  .host-form,
  .ban-form {
    display: grid;
    gap: 0.35rem;
    max-inline-size: 40rem;
    margin-block: 0.5rem;
  }
  .host-form textarea,
  .host-form input,
  .ban-form input:not([type='checkbox'], [type='radio']) {
    inline-size: 100%;
  }
  .ban-form {
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .ban-form label:not(.stack) {
    display: flex;
    align-items: baseline;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0 0 0.25rem;
    display: grid;
    gap: 0.25rem;
  }
  legend {
    font-weight: 600;
    padding: 0;
  }
  details {
    margin-block: 0.75rem;
  }
  summary {
    cursor: pointer;
    color: var(--_accent);
  }
  .undo {
    display: flex;
    gap: 0.75rem;
    align-items: center;
    flex-wrap: wrap;
    padding: 0.5rem 0.75rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
  }
  .shortcuts dl {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.25rem;
    margin: 0.5rem 0;
  }
  .shortcuts dl div {
    display: flex;
    gap: 0.4rem;
  }
  .shortcuts dd {
    margin: 0;
  }
  kbd {
    font: inherit;
    font-family: ui-monospace, monospace;
    border: 1px solid var(--_border);
    border-block-end-width: 2px;
    border-radius: 4px;
    padding: 0 0.4em;
  }
  @media (max-width: 40rem) {
    /* Touch sizes: every button and field one height. */
    button,
    input:not([type='checkbox'], [type='radio']) {
      min-block-size: 2.75rem;
    }
    .filters {
      display: grid;
      grid-template-columns: 1fr 1fr;
    }
    .filters label,
    .filters label.date {
      display: grid;
      gap: 0.15rem;
    }
    .filters label.q,
    .filters label.thread,
    .filters button {
      grid-column: 1 / -1;
    }
    .filters label.date input {
      inline-size: 100%;
    }
    .bulk button {
      flex: 1 1 100%;
    }
    .actions button {
      flex: 1 1 calc(50% - 0.75rem);
    }
    .tabs button,
    .views button {
      flex: 1 1 auto;
    }
  }
  .sign-in {
    display: grid;
    gap: 0.5rem;
    max-inline-size: 24rem;
    margin: 10vh auto;
  }
  .sign-in label {
    font-weight: 600;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .comment {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    align-items: start;
    gap: 0.75rem;
    padding: 0.75rem 0.5rem;
    border-block-end: 1px solid var(--_border);
    border-inline-start: 3px solid transparent;
  }
  /* The checkbox sits on the name's line: centred in its first line box, not in the whole row. */
  .comment > input[type='checkbox'] {
    margin-block-start: calc((1.5rem - 1rem) / 2);
  }
  .comment.current {
    border-inline-start-color: var(--_accent);
  }
  .comment:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 0;
  }
  .meta {
    list-style: none;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.4em;
  }
  /* After, not before: a wrapped line ends with its separator instead of starting with one. */
  .meta > li:not(:last-child)::after {
    content: '·';
    margin-inline-start: 0.4em;
  }
  .badge.host,
  .badge.pinned {
    color: var(--_accent);
    font-size: 0.8em;
    font-weight: 600;
  }
  .comment.edit {
    display: grid;
    grid-template-columns: 1fr;
  }
  .comment.edit label {
    display: grid;
  }
  .status-spam,
  .status-deleted {
    opacity: 0.8;
  }
  .muted,
  .parent {
    color: var(--_muted);
    font-size: 0.875em;
    margin: 0.25em 0;
  }
  .badge {
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.5em;
  }
  .body {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    margin: 0.5em 0;
  }
  .error {
    color: var(--_danger);
  }
  h3 {
    font-size: 1rem;
    margin: 0;
  }
  section {
    margin-block: 1.5rem;
  }
  .message {
    padding: 0.75rem 0;
    border-block-end: 1px solid var(--_border);
  }
  .last-error {
    margin: 0.25em 0;
    overflow-wrap: anywhere;
  }
  .status-failed .badge {
    color: var(--_danger);
  }
  .subscribers {
    border-collapse: collapse;
  }
  .subscribers caption {
    text-align: start;
    color: var(--_muted);
    font-size: 0.875em;
  }
  .subscribers th,
  .subscribers td {
    text-align: start;
    padding: 0.25em 1em 0.25em 0;
    border-block-end: 1px solid var(--_border);
  }
  a {
    color: var(--_accent);
    font-weight: normal;
    font-size: 0.875em;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
