// Generates custom-elements.json from the elements' JSDoc (@csspart, @cssprop, @fires,
// @slot, @summary, @tagname) and their `static properties`.

/**
 * `static properties` also declares internal state (`{state: true}`), some of it shared with
 * the writer module and so not private: only the rest are attributes.
 */
function publicAttributesOnly() {
  const state = new Set();
  return {
    name: 'colloquy-public-attributes-only',
    analyzePhase({ ts, node }) {
      if (!ts.isPropertyAssignment(node) || !ts.isObjectLiteralExpression(node.initializer)) return;
      const isState = node.initializer.properties.some(
        (p) => ts.isPropertyAssignment(p) && p.name.getText() === 'state' && p.initializer.kind === ts.SyntaxKind.TrueKeyword,
      );
      if (isState) state.add(node.name.getText());
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (!declaration.attributes) continue;
          const hidden = new Set(
            (declaration.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected').map((m) => m.name),
          );
          declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name) && !state.has(a.fieldName ?? a.name));
        }
      }
    },
  };
}

export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/components/**/*.styles.ts', 'src/components/shared/**'],
  outdir: '.',
  litelement: true,
  plugins: [publicAttributesOnly()],
};
