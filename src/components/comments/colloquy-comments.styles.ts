import { css } from '../shared/css.js';

export const styles = css`
  :host {
    line-height: 1.5;
  }
  h2,
  h3,
  p {
    margin: 0.5em 0;
  }
  a,
  [type='button'] {
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
  li {
    /* Off-screen comments cost no layout or paint until scrolled near (the skeleton's keep their size). */
    content-visibility: auto;
    contain-intrinsic-size: auto 8em;
  }
  .replies,
  blockquote {
    margin: 0;
    padding-inline-start: var(--_gap);
    border-inline-start: 2px solid var(--_border);
  }
  article {
    padding-block: 0.5em;
  }
  header,
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 0.75em;
  }
  .head {
    justify-content: space-between;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    inline-size: 2.5em;
    block-size: 2.5em;
    border-radius: 50%;
    background: hsl(var(--_hue) 45% 32%);
    color: #fff;
  }
  .author,
  [part~='label'],
  button {
    font-weight: 600;
  }
  .badge,
  .pinned {
    background: var(--_badge-bg);
    color: var(--_badge-text);
    border-radius: var(--_radius);
    padding: 0 0.4em;
    font-size: 0.75em;
    font-weight: 600;
  }
  .closed [part~='reply-button'] {
    display: none;
  }
  [aria-pressed='true'] {
    text-decoration: none;
  }
  .date,
  .notice {
    color: var(--_muted);
    font-size: 0.875em;
  }
  /* pre-line: past the formatter's element budget, line breaks stay in the text. */
  .body {
    overflow-wrap: anywhere;
    white-space: pre-line;
  }
  pre {
    overflow-x: auto;
  }
  /* A family list, not the bare keyword: browsers shrink bare monospace text to 13px. */
  pre,
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
  }
  code {
    font-size: 0.9em;
  }
  .form-host {
    display: contents;
  }
  .highlight {
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
    /* Invisible, except in forced colors, where backgrounds are dropped and outlines kept. */
    outline: 2px solid transparent;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    border-radius: var(--_radius);
    padding: 0.5em;
  }
  button {
    color: var(--_accent-text);
    background: var(--_accent);
    /* Transparent, so forced-colors (high contrast) modes still draw the button's edge. */
    border: 1px solid transparent;
    padding-inline: 1.25em;
    cursor: pointer;
  }
  [type='button'] {
    background: none;
    padding: 0.25em 0;
    text-decoration: underline;
  }
  [part~='actions'] > * {
    margin-inline-end: 0.75em;
  }
  /* A button's height, kept while its buttons are still to come (thread-view.ts). */
  [part~='actions'] {
    min-block-size: calc(2em + 2px);
  }
  .body button {
    padding: 0;
  }
  button:disabled {
    opacity: 0.7;
  }
  input,
  select,
  textarea {
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_border);
    inline-size: 100%;
  }
  .head select {
    inline-size: auto;
  }
  /* The form's own rules come with it (form.ts). */
  .skeleton li,
  .form-place {
    block-size: 8em;
    margin-block-end: var(--_gap);
    background: var(--_border);
    opacity: 0.4;
  }
  /* The form's height, with its fields shown (form.ts brings the form itself). */
  .form-place,
  .form-later {
    block-size: 40em;
  }
  @media (prefers-reduced-motion: no-preference) {
    .skeleton li,
    .form-place {
      animation: pulse 1s infinite alternate;
    }
  }
  @keyframes pulse {
    to {
      opacity: 0.2;
    }
  }
`;
