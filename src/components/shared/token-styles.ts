import { css } from './css.js';

/**
 * The public theme tokens, each resolved once into a private `--_*` variable that the
 * elements' own styles read (so an unset token falls back to its default in one place).
 * Defaults come in pairs, light and dark: `theme="dark"` picks the second, `theme="auto"`
 * follows the visitor's `prefers-color-scheme`. Borders keep 3:1 against the background
 * (WCAG 1.4.11), since they are all that outlines a field.
 */
export const tokenStyles = css`
  :host {
    color-scheme: light;
    --_accent: var(--colloquy-accent, light-dark(#2463eb, #7ea6f8));
    --_accent-text: var(--colloquy-accent-text, light-dark(#fff, #0d1117));
    --_text: var(--colloquy-text, light-dark(#1f2328, #e6edf3));
    --_muted: var(--colloquy-muted, light-dark(#57606a, #9da7b3));
    --_bg: var(--colloquy-bg, light-dark(#fff, #0d1117));
    --_border: var(--colloquy-border, light-dark(#8c959f, #6e7681));
    --_danger: var(--colloquy-danger, light-dark(#b42318, #ff938a));
    --_radius: var(--colloquy-radius, 6px);
    --_font: var(--colloquy-font, inherit);
    --_gap: var(--colloquy-gap, 1rem);
    --_badge-bg: var(--colloquy-badge-bg, var(--_accent));
    --_badge-text: var(--colloquy-badge-text, var(--_accent-text));
    color: var(--_text);
    /*
     * Light: transparent unless the site sets one, so the widget sits on the page's own
     * background (fields keep theirs). Dark keeps its background: light text must stay readable.
     */
    background: var(--colloquy-bg, light-dark(transparent, #0d1117));
    font-family: var(--_font);
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
  }
`;
