import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

/**
 * `emulate-forced-colors`: Windows high-contrast mode, through the DevTools protocol
 * (@web/test-runner-commands' emulateMedia does not offer forced-colors on Chromium).
 */
function forcedColorsPlugin() {
  // Emulation lasts as long as the protocol session that set it: one per page, kept.
  const sessions = new WeakMap();
  return {
    name: 'colloquy-forced-colors',
    async executeCommand({ command, payload, session }) {
      if (command !== 'emulate-forced-colors') return undefined;
      const page = session.browser.getPage(session.id);
      if (!sessions.has(page)) sessions.set(page, await page.createCDPSession());
      const features = [{ name: 'forced-colors', value: payload?.active ? 'active' : 'none' }];
      await sessions.get(page).send('Emulation.setEmulatedMedia', { features });
      return true;
    },
  };
}

/**
 * `refuse-download`: the test server answers 503 for one source file (a chunk the widget
 * fetches on demand), as a dropped connection or a broken CDN would, until told to stop.
 */
const refused = new Set();
function refuseDownloadPlugin() {
  return {
    name: 'colloquy-refuse-download',
    executeCommand({ command, payload }) {
      if (command !== 'refuse-download') return undefined;
      if (payload.refuse) refused.add(payload.path);
      else refused.delete(payload.path);
      return true;
    },
  };
}

export default {
  files: 'test/components/**/*.test.ts',
  nodeResolve: true,
  // Two cores: one page at a time keeps timing-sensitive focus tests stable.
  concurrency: 1,
  testFramework: { config: { timeout: 5000 } },
  // Locales are fetched by URL at run time (src/i18n/i18n.ts), as `locales/xx.js` beside the
  // code; in the built bundle they are .js files, here the .ts sources answer for them.
  middleware: [
    (context, next) => {
      // Never from the browser's cache, refusal or not, so a page after the first can still be refused
      // it (the runner's own cache middleware sets a year's max-age on the way out: that set is turned).
      if (/\/comments\/(form|writer|interactions|thread-view|live)\.[jt]s$/.test(context.path)) {
        const set = context.response.set.bind(context.response);
        context.response.set = (...args) =>
          typeof args[0] === 'string' && args[0].toLowerCase() === 'cache-control' ? set(args[0], 'no-store') : set(...args);
      }
      // As `.ts` or as the `.js` the sources import it by (a retry asks for the latter with a query).
      if (refused.has(context.path) || refused.has(context.path.replace(/\.js$/, '.ts'))) {
        context.status = 503;
        return undefined;
      }
      return next();
    },
    (context, next) => {
      const source = context.path.replace(/\.js$/, '.ts');
      if (context.path.startsWith('/src/') && source !== context.path && existsSync(`.${source}`)) context.url = source;
      return next();
    },
  ],
  plugins: [forcedColorsPlugin(), refuseDownloadPlugin(), esbuildPlugin({ ts: true, tsconfig: './tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      },
    }),
  ],
};
