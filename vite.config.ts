import { readdirSync } from 'node:fs';
import { minify } from 'terser';
import { defineConfig, type Plugin } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.js';

// Each locale is an entry of its own, dist/locales/xx.js, fetched by URL only when a page
// speaks that language. They import nothing at run time, so they share no chunk with colloquy.js.
const locales = Object.fromEntries(
  readdirSync('src/i18n/locales').map((file) => [`locales/${file.replace(/\.ts$/, '')}`, `src/i18n/locales/${file}`]),
);

/**
 * Minifies every chunk with terser. Library mode leaves whitespace in ES output, and
 * terser's extra passes beat the built-in minifier by about 100 bytes gzip here.
 */
/**
 * Our own members that no endpoint, storage, page or string table names: mangled in every
 * chunk alike (one name cache), since the writer and the interactions reach them across chunks.
 * Terser never mangles a name it knows from the DOM or JavaScript's built-ins. Never list an
 * export of an on-demand module: its callers read it off the module namespace (`ui.failure`),
 * a property terser would rename while the export keeps its name (the build refuses one).
 */
const INTERNAL = new RegExp(
  `^(?:${'formError formNotice posting identityCollapsed restoreIdentity restoreDraft resumeReply saveIdentity highlightId editor ready follow busy decorate decorated roots skipped controllers changed pending rendered allProperties attributeMap declared hostConnected hostDisconnected hostUpdate hostUpdated addController performUpdate willUpdate getUpdateComplete useTools announce loadFailed recount reveal article actions nodes built stack extra parts heldFor saving editing fetching'.split(' ').join('|')})$`,
);

function squeeze(): Plugin {
  return {
    name: 'colloquy:squeeze',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      const nameCache = {};
      // The on-demand chunks' built names, for the retry of a failed download (shared/chunk.ts).
      const built = new Map<string, string>();
      for (const c of Object.values(bundle)) {
        const source = c.type === 'chunk' && c.facadeModuleId?.match(/\/(?:comments|count)\/(form|writer|interactions|count-queue|thread-view|live)\.ts$/)?.[1];
        if (source) built.set(`./${source}.js`, `./${c.fileName}`);
      }
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        chunk.code = chunk.code.replace(/(["'`])(\.\/(?:form|writer|interactions|count-queue|thread-view|live)\.js)\1/g, (whole, _quote, path) => (built.has(path) ? `"${built.get(path)}"` : whole));
        const clash = chunk.exports.filter((name) => INTERNAL.test(name));
        if (clash.length) this.error(`${chunk.fileName} exports ${clash.join(', ')}, which the mangled member list renames at its callers: take it off the list.`);
        const result = await minify(chunk.code, {
          module: true,
          ecma: 2020,
          compress: { passes: 3 },
          mangle: { properties: { regex: INTERNAL } },
          nameCache,
          format: { comments: false },
        });
        chunk.code = result.code!;
      }
    },
  };
}

// A library-mode build: in app mode Vite wraps every import() in its preload helper
// (about 0.6 KB gzip, even with modulePreload off), and the widget splits off code
// a visitor may never need. dist/colloquy.js is what the script tag loads (Lit bundled
// in); the writer (posting, editing one's own comment) and the locales load on demand.
export default defineConfig({
  plugins: [minifyTemplates(), squeeze()],
  build: {
    outDir: 'dist',
    target: 'es2022',
    emptyOutDir: true,
    minify: false,
    copyPublicDir: false,
    lib: {
      entry: { colloquy: 'src/index.ts', ...locales },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      // The writer imports Lit and shared helpers from colloquy.js itself, rather than
      // from a third file that every page would then have to fetch.
      preserveEntrySignatures: 'allow-extension',
      output: { chunkFileNames: 'colloquy-[name]-[hash].js' },
    },
  },
});
