import { css } from '../shared/css.js';

export const styles = css`
  :host {
    --_accent: var(--colloquy-accent, #2463eb);
    --_text: var(--colloquy-text, #1f2328);
    --_muted: var(--colloquy-muted, #57606a);
    --_bg: var(--colloquy-bg, #fff);
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
  }
  a,
  .link {
    color: var(--_accent);
  }
  :focus-visible,
  :target {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  [tabindex]:focus:not(:focus-visible) {
    outline: none;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .thread > li {
    /* Off-screen comments cost no layout or paint until scrolled near. */
    content-visibility: auto;
    contain-intrinsic-size: auto 8em;
  }
  .replies {
    margin-inline-start: var(--_gap);
    padding-inline-start: var(--_gap);
    border-inline-start: 2px solid var(--_border);
  }
  article {
    padding-block: 0.75em;
  }
  header {
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
  }
  .author,
  label,
  button {
    font-weight: 600;
  }
  .date,
  .notice,
  .pending,
  small {
    color: var(--_muted);
    font-size: 0.875em;
  }
  .body {
    overflow-wrap: anywhere;
  }
  pre {
    overflow-x: auto;
    padding: 0.5em;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_border) 40%, transparent);
  }
  blockquote {
    margin: 0.5em 0;
    padding-inline-start: var(--_gap);
    border-inline-start: 3px solid var(--_border);
  }
  .head select {
    inline-size: auto;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 0 var(--_gap);
  }
  p {
    margin: 0.5em 0;
  }
  button {
    font: inherit;
    font-weight: 600;
    color: #fff;
    background: var(--_accent);
    border: 1px solid;
    border-radius: var(--_radius);
    padding: 0.5em 1.25em;
    cursor: pointer;
  }
  .link {
    background: none;
    border: 0;
    padding: 0.25em 0;
    text-decoration: underline;
  }
  button:disabled {
    opacity: 0.7;
  }
  .field {
    display: grid;
    gap: 0.25em;
    margin-block: var(--_gap);
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: inherit;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5em;
    inline-size: 100%;
  }
  [aria-invalid='true'] {
    border: 2px solid var(--_danger);
  }
  [part~='required'],
  [part~='error'] {
    color: var(--_danger);
  }
  [part~='remember'] input {
    inline-size: auto;
    margin-inline-end: 0.5em;
  }
  [part~='remember'] label {
    font-weight: normal;
  }
  .skeleton li {
    block-size: 8em;
    margin-block-end: var(--_gap);
    border-radius: var(--_radius);
    background: var(--_border);
    opacity: 0.4;
  }
`;
