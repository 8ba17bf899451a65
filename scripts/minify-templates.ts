/**
 * A Vite plugin that shrinks Lit's `html` and `css` template literals in our own source,
 * which a JavaScript minifier leaves alone: CSS goes through esbuild's CSS minifier, and in
 * HTML every run of whitespace that holds a line break becomes one space (always safe
 * outside <pre>, which our templates do not contain). Every byte counts against the
 * 12 KB budget of the script tag.
 */
import { transform } from 'esbuild';
import type { Plugin } from 'vite';

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

function* walk(node: unknown): Generator<Node> {
  if (Array.isArray(node)) {
    for (const child of node) yield* walk(child);
  } else if (node && typeof node === 'object') {
    if (typeof (node as Node).type === 'string') yield node as Node;
    for (const value of Object.values(node)) if (value && typeof value === 'object') yield* walk(value);
  }
}

/**
 * esbuild keeps custom properties' values as written (`--_gap: var(--colloquy-gap, 1rem)`).
 * The space after their colon and after a comma between values is insignificant once the
 * value is substituted; values with quotes are left alone.
 */
export function tightenCustomProperties(css: string): string {
  return css.replace(/([{;])(--[\w-]+):\s*([^;}'"]*)(?=[;}])/g, (_, before, name, value) => `${before}${name}:${value.replace(/,\s+/g, ',')}`);
}

export function minifyTemplates(): Plugin {
  return {
    name: 'colloquy:minify-templates',
    enforce: 'post',
    apply: 'build',
    async transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return null;
      const edits: { start: number; end: number; text: string }[] = [];
      for (const node of walk(this.parse(code))) {
        if (node.type !== 'TaggedTemplateExpression') continue;
        const tag = (node.tag as Node & { name?: string }).name;
        const quasi = node.quasi as Node & { quasis: Node[]; expressions: Node[] };
        if (tag === 'css' && quasi.expressions.length === 0) {
          const raw = code.slice(quasi.start + 1, quasi.end - 1);
          const min = tightenCustomProperties((await transform(raw, { loader: 'css', minify: true })).code.trim());
          edits.push({ start: quasi.start + 1, end: quasi.end - 1, text: min.replace(/[`\\]|\$\{/g, (m) => '\\' + m) });
        } else if (tag === 'html') {
          for (const q of quasi.quasis) {
            const raw = code.slice(q.start, q.end);
            const min = raw.replace(/\s*\n\s*/g, ' ');
            if (min !== raw) edits.push({ start: q.start, end: q.end, text: min });
          }
        }
      }
      if (!edits.length) return null;
      let out = code;
      for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
      return { code: out, map: null };
    },
  };
}
