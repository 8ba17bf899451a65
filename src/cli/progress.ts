/**
 * Progress on stderr for long imports and exports: nothing for the first second (a small
 * file never shows any), then at most one line a second. On a terminal the line is
 * rewritten in place; in a log each update is a line of its own.
 */

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  update(text: () => string): void;
  done(): void;
}

export function progress(out: ProgressOutput, { delayMs = 1000, everyMs = 1000, clock = Date.now } = {}): Progress {
  const started = clock();
  let last = -Infinity;
  let shown = false;
  return {
    update(text) {
      const now = clock();
      if (now - started < delayMs || now - last < everyMs) return;
      last = now;
      shown = true;
      out.write(out.isTTY ? `\r[colloquy] ${text()}\x1b[K` : `[colloquy] ${text()}\n`);
    },
    done() {
      if (shown && out.isTTY) out.write('\n');
    },
  };
}
