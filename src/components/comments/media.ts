/** The page's player: the element the `player` selector names, else the first `<audio>`/`<video>`. */
export function findPlayer(selector: string): HTMLMediaElement | null {
  const found = document.querySelector(selector || 'audio, video');
  return found instanceof HTMLMediaElement ? found : null;
}

/** 754 → `12:34`, 3723 → `1:02:03`: the form visitors type and the widget links. */
export function formatTime(totalSeconds: number): string {
  const t = Math.floor(totalSeconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(t / 3600);
  const m = Math.floor(t / 60) % 60;
  return h ? `${h}:${pad(m)}:${pad(t % 60)}` : `${m}:${pad(t % 60)}`;
}

/**
 * Seeks and plays. A position past the end of known media is ignored; before metadata
 * has loaded, the browser keeps the position and starts there once it can.
 */
export function seekPlayer(player: HTMLMediaElement, seconds: number): void {
  if (seconds > player.duration) return;
  player.currentTime = seconds;
  player.play()?.catch(() => {
    // Autoplay rules or a missing source: the position is set, the visitor can press play.
  });
}

/**
 * A timestamp was pressed: unless a listener of `colloquy-seek` takes over, plays the page's
 * player from there and brings it into view (without animation for visitors who ask for less motion).
 */
export function playFrom(selector: string, seconds: number): void {
  const player = findPlayer(selector);
  if (!player) return;
  seekPlayer(player, seconds);
  const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
  player.scrollIntoView({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
}
