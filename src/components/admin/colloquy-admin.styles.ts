import { css } from '../shared/css.js';

export const styles = css`
  :host {
    font-size: 15px;
    line-height: 1.5;
    max-inline-size: 60rem;
    margin-inline: auto;
    padding: 1rem;
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
    grid-template-columns: auto 1fr;
    gap: 0.75rem;
    padding: 0.75rem 0;
    border-block-end: 1px solid var(--_border);
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
