const tries = new Map<string, number>();

/**
 * An on-demand chunk: `load()` (the bundler's own `import()`) the first time, and after a
 * failure the same file under a fresh query. Browsers keep a failed `import()` failed for the
 * page's life, so asking again for the same URL would fail however good the network is now.
 * `path` is the chunk as `from` names it (`./writer.js`); the build writes the built file's
 * name in (vite.config.ts).
 */
export function chunk<T>(from: string, path: string, load: () => Promise<T>): Promise<T> {
  const failed = tries.get(path) ?? 0;
  const fetched: Promise<T> = failed ? import(/* @vite-ignore */ `${new URL(path, from).href}?retry=${failed}`) : load();
  return fetched.catch((error: unknown) => {
    tries.set(path, failed + 1);
    throw error;
  });
}
