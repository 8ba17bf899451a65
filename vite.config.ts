import { defineConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';

// An app-style build of the one entry: fully minified, Lit bundled in, one ES module
// that a site loads with <script type="module" src=".../colloquy.js">, plus the chunks
// it loads on demand.
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
      preserveEntrySignatures: 'allow-extension',
      output: {
        format: 'es',
        entryFileNames: 'colloquy.js',
        // Only code a visitor may never need is split off (the editor of one's own
        // comments, locales); everything a reader and commenter needs is in colloquy.js.
        chunkFileNames: 'colloquy-[name]-[hash].js',
      },
    },
  },
});
