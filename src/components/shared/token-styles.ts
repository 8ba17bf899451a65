import { css } from './css.js';

/**
 * The public theme tokens, each resolved once into a private `--_*` variable that the
 * elements' own styles read (so an unset token falls back to its default in one place).
 */
export const tokenStyles = css`
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
  }
`;
