import { defineConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';

// An app-style build of the one entry: fully minified, Lit bundled in, one ES module
// that a site loads with <script type="module" src=".../colloquy.js">.
export default defineConfig({
  plugins: [minifyTemplates()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    emptyOutDir: true,
    minify: true,
    modulePreload: false,
    copyPublicDir: false,
    rolldownOptions: {
      input: 'src/index.ts',
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: 'colloquy.js',
        codeSplitting: false,
      },
    },
  },
});
