import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--colloquy-accent, #2463eb);
    --_text: var(--colloquy-text, #1f2328);
    --_muted: var(--colloquy-muted, #57606a);
    --_bg: var(--colloquy-bg, #ffffff);
    --_border: var(--colloquy-border, #d0d7de);
    --_danger: var(--colloquy-danger, #b42318);
    --_radius: var(--colloquy-radius, 6px);
    --_font: var(--colloquy-font, inherit);
    --_gap: var(--colloquy-gap, 1rem);
    color: var(--_text);
    background: var(--_bg);
    font-family: var(--_font);
    line-height: 1.5;
  }
  h2,
  h3 {
    margin: 0 0 var(--_gap);
    line-height: 1.25;
  }
  h2 {
    font-size: 1.5em;
  }
  h3 {
    font-size: 1.25em;
  }
  a {
    color: var(--_accent);
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .thread > .item {
    /* Off-screen comments cost no layout or paint until scrolled near. */
    content-visibility: auto;
    contain-intrinsic-size: auto 8em;
  }
  .replies {
    margin-inline-start: calc(var(--_gap) * 1.5);
    padding-inline-start: var(--_gap);
    border-inline-start: 2px solid var(--_border);
  }
  article {
    padding-block: calc(var(--_gap) * 0.75);
    border-radius: var(--_radius);
  }
  article:focus {
    outline: none;
  }
  article:focus-visible,
  article:target {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.75em;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    inline-size: 2.5em;
    block-size: 2.5em;
    border-radius: 50%;
    background: hsl(var(--_hue) 45% 32%);
    color: #fff;
    font-weight: 600;
    font-size: 0.9em;
    flex: none;
  }
  .author {
    font-weight: 600;
  }
  .date {
    color: var(--_muted);
    font-size: 0.875em;
    text-decoration: none;
  }
  .date:hover {
    text-decoration: underline;
  }
  .body {
    overflow-wrap: anywhere;
  }
  .body p {
    margin: 0.5em 0;
  }
  .pending {
    margin: 0.5em 0 0;
    color: var(--_muted);
    font-style: italic;
  }
  .link-button {
    font: inherit;
    font-size: 0.875em;
    color: var(--_accent);
    background: none;
    border: 0;
    padding: 0.25em 0;
    cursor: pointer;
    text-decoration: underline;
  }
  .form {
    margin-block: var(--_gap);
  }
  .form-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 var(--_gap);
  }
  .form-head h3 {
    margin-block-end: 0.5em;
  }
  .notice,
  .identity {
    color: var(--_muted);
    font-size: 0.875em;
    margin: 0 0 var(--_gap);
  }
  .identity strong {
    color: var(--_text);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.25em;
    margin-block-end: var(--_gap);
  }
  label {
    font-weight: 600;
  }
  .required,
  .error {
    color: var(--_danger);
  }
  input,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5em 0.625em;
    inline-size: 100%;
    max-inline-size: 100%;
  }
  textarea {
    resize: vertical;
    min-block-size: 6em;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  .error {
    margin: 0;
    font-size: 0.875em;
  }
  .form-error {
    margin-block-end: var(--_gap);
  }
  .remember {
    display: flex;
    gap: 0.5em;
    align-items: start;
    margin-block-end: var(--_gap);
  }
  .remember input {
    inline-size: auto;
    margin-block-start: 0.3em;
  }
  .remember label {
    font-weight: normal;
  }
  .submit,
  .load-error button {
    font: inherit;
    font-weight: 600;
    color: #fff;
    background: var(--_accent);
    border: 1px solid transparent;
    border-radius: var(--_radius);
    padding: 0.5em 1.25em;
    cursor: pointer;
  }
  .submit:disabled {
    opacity: 0.7;
    cursor: progress;
  }
  .load-error {
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    margin-block-end: var(--_gap);
  }
  .load-error p {
    margin: 0 0 0.5em;
  }
  .skeleton .bone {
    display: grid;
    grid-template-columns: 2.5em 1fr;
    gap: 0.5em 0.75em;
    padding-block: calc(var(--_gap) * 0.75);
    block-size: 8em;
  }
  .skeleton span {
    background: var(--_border);
    border-radius: var(--_radius);
    opacity: 0.5;
  }
  .skeleton span:first-child {
    border-radius: 50%;
    block-size: 2.5em;
    grid-row: span 2;
  }
  .skeleton span:nth-child(2) {
    block-size: 1em;
    inline-size: 40%;
  }
  .skeleton span:last-child {
    block-size: 3em;
  }
  @media (forced-colors: active) {
    .avatar {
      border: 1px solid CanvasText;
    }
    .submit {
      border-color: ButtonText;
    }
  }
`;
