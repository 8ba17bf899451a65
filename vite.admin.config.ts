import { defineConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';

// The moderation page's own bundle, dist/colloquy-admin.js, built after the widget's
// (same output folder, which it must not empty).
export default defineConfig({
  plugins: [minifyTemplates()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    emptyOutDir: false,
    minify: true,
    modulePreload: false,
    copyPublicDir: false,
    rolldownOptions: {
      input: 'src/admin.ts',
      preserveEntrySignatures: 'strict',
      output: { format: 'es', entryFileNames: 'colloquy-admin.js', codeSplitting: false },
    },
  },
});
