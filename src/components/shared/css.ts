/**
 * A constructable stylesheet from a static CSS literal, adopted by each shadow root.
 * Lit's `css` tag does the same with fallbacks for browsers that lack constructable
 * stylesheets; every browser Colloquy supports has them, and the 12 KB budget has no
 * room for the fallback. Interpolation is not supported, on purpose: styles are static.
 */
export function css(strings: TemplateStringsArray): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(strings[0]);
  return sheet;
}
