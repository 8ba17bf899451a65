/**
 * The page's player: the element the `player` selector names, else the first `<audio>`/`<video>`.
 * Playing it from a timestamp, and reading its position, live in interactions.ts (on demand).
 */
export function findPlayer(selector: string): HTMLMediaElement | null {
  const found = document.querySelector(selector || 'audio, video');
  return found instanceof HTMLMediaElement ? found : null;
}
