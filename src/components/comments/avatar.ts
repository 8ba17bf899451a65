/** Up to two initials, taken from the first and last words of a name; emoji and other scripts kept whole. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/);
  const first = (word: string) => (word ? String.fromCodePoint(word.codePointAt(0)!) : '');
  return (first(words[0]) + (words[1] ? first(words.at(-1)!) : '')).toLocaleUpperCase() || '?';
}

/** A hue drawn from the endpoint's opaque seed: stable per commenter, no email involved. */
export function hueOf(seed: string): number {
  let hash = 0;
  // Math.imul keeps it a small integer (the same result as `hash * 31`, modulo 2³²).
  for (let i = 0; i < seed.length; i++) hash = (Math.imul(hash, 31) + seed.charCodeAt(i)) >>> 0;
  return hash % 360;
}
