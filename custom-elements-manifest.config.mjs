// Generates custom-elements.json from the elements' JSDoc (@csspart, @cssprop, @fires,
// @slot, @summary, @tagname) and their `static properties`.

/** `static properties` also declares internal state; only public fields are attributes. */
function publicAttributesOnly() {
  return {
    name: 'colloquy-public-attributes-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (!declaration.attributes) continue;
          const hidden = new Set(
            (declaration.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected').map((m) => m.name),
          );
          declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name));
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
